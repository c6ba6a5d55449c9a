use super::*;
use crate::salesforce::auth::hints::hint_for;

#[test]
fn refusals_need_the_admin_and_outages_may_pass() {
    let refused = AuthError::Refused {
        error: "invalid_grant".into(),
        description: "inactive user".into(),
        hint: hint_for("invalid_grant", "inactive user"),
    };
    assert_eq!(refused.disposition(), Disposition::Permanent);
    assert!(refused.to_string().contains("inactive user"));
    let outage = AuthError::Unexpected {
        status: 503,
        detail: "down".into(),
    };
    assert_eq!(outage.disposition(), Disposition::Transient);
}
