use super::*;
use crate::salesforce::raw_text::MAX_RAW_TEXT;

fn answer(status: u16, body: &str) -> SalesforceError {
    SalesforceError::from_answer(status, body.as_bytes())
}

#[test]
fn the_error_array_is_read_verbatim() {
    let e = answer(
        400,
        r#"[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]"#,
    );
    assert_eq!(e.status, Some(400));
    assert_eq!(e.code, "REQUIRED_FIELD_MISSING");
    assert_eq!(e.message, "Required fields are missing: [LastName]");
    assert_eq!(e.fields, ["LastName"]);
    assert_eq!(e.disposition(), Disposition::Permanent);
}

#[test]
fn each_code_is_sorted_where_it_is_parsed() {
    let cases = [
        (503, "SERVER_UNAVAILABLE", Disposition::Transient),
        (400, "UNABLE_TO_LOCK_ROW", Disposition::Transient),
        (500, "UNKNOWN_EXCEPTION", Disposition::Transient),
        (403, "REQUEST_LIMIT_EXCEEDED", Disposition::RateLimited),
        (401, "INVALID_SESSION_ID", Disposition::Session),
        (400, "LICENSE_LIMIT_EXCEEDED", Disposition::LicenceExhausted),
        (400, "DUPLICATE_USERNAME", Disposition::Permanent),
        (400, "FIELD_INTEGRITY_EXCEPTION", Disposition::Permanent),
        (400, "INVALID_CROSS_REFERENCE_KEY", Disposition::Permanent),
        (403, "INSUFFICIENT_ACCESS", Disposition::Permanent),
        (404, "NOT_FOUND", Disposition::Permanent),
    ];
    for (status, code, expected) in cases {
        let body = format!(r#"[{{"message":"m","errorCode":"{code}"}}]"#);
        assert_eq!(answer(status, &body).disposition(), expected, "{code}");
    }
}

#[test]
fn collection_results_spell_the_code_status_code() {
    let value = serde_json::json!([
        {"statusCode":"DUPLICATE_COMM_NICKNAME","message":"nickname taken","fields":["CommunityNickname"]}
    ]);
    let errors = SalesforceError::list_from_value(None, &value);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, "DUPLICATE_COMM_NICKNAME");
    assert_eq!(errors[0].status, None);
    assert_eq!(errors[0].fields, ["CommunityNickname"]);
}

#[test]
fn missing_fields_and_messages_are_tolerated() {
    let e = answer(400, r#"[{"errorCode":"MALFORMED_QUERY"}]"#);
    assert_eq!(e.code, "MALFORMED_QUERY");
    assert!(e.fields.is_empty());
    assert_eq!(e.message, "");
}

#[test]
fn the_first_of_several_errors_is_reported() {
    let e = answer(
        400,
        r#"[{"message":"a","errorCode":"INVALID_EMAIL_ADDRESS"},{"message":"b","errorCode":"REQUIRED_FIELD_MISSING"}]"#,
    );
    assert_eq!(e.code, "INVALID_EMAIL_ADDRESS");
}

#[test]
fn a_body_of_another_shape_is_an_error_with_its_text() {
    let e = answer(502, "<html><body>Bad Gateway</body></html>");
    assert_eq!(e.code, UNRECOGNISED_ANSWER);
    assert!(e.message.contains("Bad Gateway"));
    assert_eq!(e.disposition(), Disposition::Transient);
    let e = answer(400, r#"{"error":"weird"}"#);
    assert_eq!(e.code, UNRECOGNISED_ANSWER);
    assert_eq!(e.disposition(), Disposition::Permanent);
    assert_eq!(answer(401, "").disposition(), Disposition::Session);
    assert_eq!(answer(401, "").message, "(empty body)");
}

#[test]
fn raw_text_is_bounded_and_survives_invalid_utf8() {
    let long = "x".repeat(MAX_RAW_TEXT * 3);
    let e = answer(500, &long);
    assert!(e.message.chars().count() <= MAX_RAW_TEXT + 1);
    let garbage = [0xff, 0xfe, b'[', b'{', 0x00];
    let e = SalesforceError::from_answer(400, &garbage);
    assert_eq!(e.code, UNRECOGNISED_ANSWER);
}

#[test]
fn garbage_bodies_never_panic() {
    for body in [
        "[",
        "[1,2]",
        "[null]",
        "[{\"errorCode\":5}]",
        "null",
        "\"s\"",
        "[{}]",
    ] {
        let e = answer(400, body);
        assert_eq!(e.code, UNRECOGNISED_ANSWER, "{body}");
    }
}

#[test]
fn logged_forms_leave_out_the_message_that_may_quote_personal_data() {
    let e = answer(
        400,
        r#"[{"message":"Duplicate Username: jane@example.com","errorCode":"DUPLICATE_USERNAME","fields":["Username"]}]"#,
    );
    for shown in [format!("{e:?}"), e.to_string()] {
        assert!(!shown.contains("jane@example.com"), "{shown}");
        assert!(shown.contains("DUPLICATE_USERNAME"), "{shown}");
    }
    let refusal = e.refusal();
    assert_eq!(refusal.message, "Duplicate Username: jane@example.com");
    assert_eq!(refusal.status, Some(400));
}
