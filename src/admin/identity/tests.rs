use super::*;

#[test]
fn a_refusal_names_the_role_needed_and_the_roles_held() {
    let viewer = Operator::new("carol", Role::Viewer, Credential::Token);
    assert!(viewer.require(Role::Viewer).is_ok());
    let refused = viewer.require(Role::Approver).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "this needs role approver; carol holds viewer"
    );
    let nobody = Operator {
        actor: "dan".into(),
        roles: Vec::new(),
        credential: Credential::Oidc,
    };
    assert_eq!(
        nobody.require(Role::Viewer).unwrap_err().to_string(),
        "this needs role viewer; dan holds none"
    );
}

#[test]
fn several_roles_grant_each_duty() {
    let both = Operator {
        actor: "erin".into(),
        roles: vec![Role::Operator, Role::Approver],
        credential: Credential::Oidc,
    };
    assert!(both.may(Role::Operator) && both.may(Role::Approver));
    assert!(!both.may(Role::Admin));
    assert_eq!(both.roles_text(), "operator,approver");
}

#[test]
fn an_email_actor_is_masked_in_log_lines() {
    let ada = Operator::new("ada@example.com", Role::Viewer, Credential::Oidc);
    let logged = ada.logged();
    assert!(logged.starts_with("email:"), "{logged}");
    assert_eq!(
        Operator::new("alice", Role::Viewer, Credential::Token).logged(),
        "alice"
    );
}
