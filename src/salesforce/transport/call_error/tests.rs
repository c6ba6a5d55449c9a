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
