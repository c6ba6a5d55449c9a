use super::*;

#[test]
fn errors_without_a_salesforce_answer_still_have_a_disposition_and_a_refusal() {
    let timeout = CallError::Unreachable {
        cause: "operation timed out".into(),
        timed_out: true,
    };
    assert_eq!(timeout.disposition(), Disposition::Transient);
    assert_eq!(timeout.refusal().code, "TIMEOUT");
    let over = CallError::OverLimit("26 subrequests; a composite takes at most 25".into());
    assert_eq!(over.disposition(), Disposition::Permanent);
    assert!(over.refusal().message.contains("26 subrequests"));
    let unreadable = CallError::Unreadable {
        status: 200,
        detail: "not JSON".into(),
    };
    assert_eq!(unreadable.refusal().status, Some(200));
}

#[test]
fn a_salesforce_refusal_keeps_its_own_code_and_status() {
    let e: CallError = SalesforceError::new(
        Some(400),
        "PORTAL_USER_ALREADY_EXISTS_FOR_CONTACT",
        "portal user already exists for contact",
        vec![],
    )
    .into();
    assert_eq!(e.code(), "PORTAL_USER_ALREADY_EXISTS_FOR_CONTACT");
    assert_eq!(e.refusal().status, Some(400));
    assert!(e.salesforce().is_some());
}

#[test]
fn an_unreachable_org_keeps_its_cause_for_the_log_and_the_refusal() {
    let e = CallError::Unreachable {
        cause: "connection refused".into(),
        timed_out: false,
    };
    assert_eq!(e.code(), "UNREACHABLE");
    assert!(std::error::Error::source(&e).is_some());
    assert_eq!(
        e.refusal().message,
        "Salesforce could not be reached: connection refused"
    );
}

#[tokio::test]
async fn a_transport_error_keeps_reqwests_cause_but_not_the_url() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/services/data/v68.0/query?q=jane%40example.com");
    let error = reqwest::get(url).await.unwrap_err();
    let e = CallError::transport(error);
    assert_eq!(e.disposition(), Disposition::Transient);
    let told = crate::report::chain(&e).to_string();
    assert!(
        told.starts_with("Salesforce could not be reached: "),
        "{told}"
    );
    assert!(!told.contains("example.com"), "{told}");
    assert!(!told.contains(&port.to_string()), "{told}");
}
