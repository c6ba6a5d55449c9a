use super::*;
use crate::salesforce::SalesforceError;

fn store_failure() -> ApplyError {
    ApplyError::Store(StoreError::Unavailable {
        action: "recording a command's progress",
        source: sqlx::Error::Protocol("database is locked".to_owned()),
    })
}

#[test]
fn a_store_failure_is_retried_as_store_unavailable_with_its_cause() {
    let error = store_failure();
    assert_eq!(error.disposition(), Disposition::Transient);
    assert_eq!(error.code(), STORE_UNAVAILABLE);
    let refusal = error.refusal();
    assert_eq!(refusal.code, STORE_UNAVAILABLE);
    assert!(
        refusal.message.contains("database is locked"),
        "{}",
        refusal.message
    );
    assert!(
        std::error::Error::source(&error).is_some(),
        "the cause is kept"
    );
}

#[test]
fn a_call_failure_keeps_salesforces_code_and_disposition() {
    let error = ApplyError::from(CallError::Refused(SalesforceError::new(
        Some(400),
        "LICENSE_LIMIT_EXCEEDED",
        "no licences left",
        vec![],
    )));
    assert_eq!(error.code(), "LICENSE_LIMIT_EXCEEDED");
    assert_eq!(error.disposition(), Disposition::LicenceExhausted);
    assert_eq!(error.refusal().message, "no licences left");
}

#[test]
fn gatehouses_own_refusal_is_permanent() {
    let error = ApplyError::refused("VERIFICATION_FAILED", "read back inactive");
    assert_eq!(error.disposition(), Disposition::Permanent);
    assert_eq!(error.code(), "VERIFICATION_FAILED");
    assert_eq!(
        error.to_string(),
        "Gatehouse refused the command: VERIFICATION_FAILED"
    );
    assert_eq!(error.refusal().message, "read back inactive");
}

#[test]
fn a_refusal_after_creation_is_permanent_and_keeps_the_licence_taken() {
    let ApplyError::Refused(refusal) = ApplyError::refused("VERIFICATION_FAILED", "not a member")
    else {
        unreachable!()
    };
    let applied = Applied {
        ids: crate::domain::SalesforceIds::default(),
        steps: vec!["user.created".into()],
        licence_effect: crate::domain::LicenceEffect::Consumed {
            licence: "Partner Community".into(),
        },
        username: None,
        nickname: None,
        welcome_email: None,
        email_change: None,
        changed: true,
    };
    let error = ApplyError::RefusedAfterCreation(Box::new(AfterCreation { refusal, applied }));
    assert_eq!(error.disposition(), Disposition::Permanent);
    assert_eq!(error.code(), "VERIFICATION_FAILED");
    assert_eq!(error.refusal().message, "not a member");
    assert_eq!(
        error.applied().map(|a| a.licence_effect.clone()),
        Some(crate::domain::LicenceEffect::Consumed {
            licence: "Partner Community".into()
        })
    );
    assert!(ApplyError::refused("X", "y").applied().is_none());
}
