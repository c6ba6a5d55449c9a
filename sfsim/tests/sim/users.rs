//! User rules over HTTP: usernames and nicknames, licences, deactivation, freezing,
//! disabling, profile moves, email confirmation, and users that are never deleted.

use serde_json::{Value, json};
use sfsim::org::EmailKind;

use crate::org_client::{start, user_body};

#[tokio::test]
async fn usernames_are_unique_here_and_in_other_orgs_and_look_like_emails() {
    let sim = start().await;
    let a = sim.contact("C-200", "A").await;
    let b = sim.contact("C-200", "B").await;
    sim.external_user(&a, "Customer Community Plus User", "same@example.com")
        .await
        .created_id();

    let here = sim
        .external_user(&b, "Customer Community Plus User", "SAME@example.com")
        .await;
    here.assert_error(400, "DUPLICATE_USERNAME", &["Username"]);
    assert!(here.message().starts_with("Duplicate Username.<br>The username already exists in this or another Salesforce organization."));

    let elsewhere = sim
        .external_user(
            &b,
            "Customer Community Plus User",
            "taken.elsewhere@example.com",
        )
        .await;
    elsewhere.assert_error(400, "DUPLICATE_USERNAME", &["Username"]);

    sim.org()
        .settings_mut()
        .taken_usernames
        .push("late@example.com".into());
    let late = sim
        .external_user(&b, "Customer Community Plus User", "late@example.com")
        .await;
    late.assert_error(400, "DUPLICATE_USERNAME", &["Username"]);

    let profile = sim.id_where("Profile", "Name", "Customer Community Plus User");
    let mut body = user_body(&profile, &b, "jane");
    body["Email"] = json!("jane@example.com");
    let not_email = sim.create_user(body).await;
    not_email.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["Username"]);
    assert_eq!(
        not_email.message(),
        "Username must be in the form of an email address (for example, john@acme.com)"
    );
}

#[tokio::test]
async fn usernames_are_kept_in_lower_case() {
    let sim = start().await;
    let c = sim.contact("C-200", "Upper").await;
    let user = sim
        .external_user(&c, "Customer Community Plus User", "Mixed.Case@Example.com")
        .await
        .created_id();
    assert_eq!(
        sim.field(&user, "Username"),
        json!("mixed.case@example.com")
    );
}

#[tokio::test]
async fn nicknames_are_unique_and_invented_when_not_sent() {
    let sim = start().await;
    let a = sim.contact("C-200", "Nick1").await;
    let b = sim.contact("C-200", "Nick2").await;
    let profile = sim.id_where("Profile", "Name", "Customer Community Plus User");
    let first = sim
        .create_user(user_body(&profile, &a, "n1@example.com"))
        .await
        .created_id();
    let invented = sim.field(&first, "CommunityNickname");
    assert!(invented.as_str().is_some_and(|n| !n.is_empty()));

    let mut clash = user_body(&profile, &b, "n2@example.com");
    clash["CommunityNickname"] = invented;
    let answer = sim.create_user(clash).await;
    answer.assert_error(400, "DUPLICATE_COMM_NICKNAME", &["CommunityNickname"]);
}

#[tokio::test]
async fn a_full_licence_refuses_new_active_users_and_deactivation_frees_one() {
    let sim = start().await;
    let mut users = Vec::new();
    for n in 0..5 {
        let c = sim.contact("C-200", &format!("Cc{n}")).await;
        users.push(
            sim.external_user(&c, "Customer Community User", &format!("cc{n}@example.com"))
                .await
                .created_id(),
        );
    }
    assert_eq!(sim.used("Customer Community"), 5);
    let waiting = sim.contact("C-200", "Waiting").await;
    let full = sim
        .external_user(&waiting, "Acme Customer Community User", "wait@example.com")
        .await;
    full.assert_error(400, "LICENSE_LIMIT_EXCEEDED", &[]);
    assert_eq!(
        full.message(),
        "License Limit Exceeded - Customer Community"
    );

    let frozen_login = sim
        .org()
        .user_login_of(&users[1])
        .map(|l| l.id.clone())
        .expect("login");
    let freeze = sim
        .patch(
            &format!("/sobjects/UserLogin/{frozen_login}"),
            json!({"IsFrozen": true}),
        )
        .await;
    assert_eq!(freeze.status, 204);
    assert_eq!(
        sim.used("Customer Community"),
        5,
        "freezing keeps the licence"
    );
    assert!(!sim.org().can_log_in(&users[1]));

    let off = sim
        .patch(
            &format!("/sobjects/User/{}", users[0]),
            json!({"IsActive": false}),
        )
        .await;
    assert_eq!(off.status, 204);
    assert_eq!(sim.used("Customer Community"), 4);
    let licence = sim
        .query("SELECT UsedLicenses FROM UserLicense WHERE Name = 'Customer Community'")
        .await;
    assert_eq!(licence.body["records"][0]["UsedLicenses"], json!(4));

    sim.external_user(&waiting, "Customer Community User", "wait@example.com")
        .await
        .created_id();
    let back = sim
        .patch(
            &format!("/sobjects/User/{}", users[0]),
            json!({"IsActive": true}),
        )
        .await;
    back.assert_error(400, "LICENSE_LIMIT_EXCEEDED", &[]);
}

#[tokio::test]
async fn an_inactive_new_user_takes_no_licence() {
    let sim = start().await;
    let before = sim.used("Partner Community");
    let c = sim.contact("P-100", "Dormant").await;
    let profile = sim.id_where("Profile", "Name", "Partner Community User");
    let mut body = user_body(&profile, &c, "dormant@example.com");
    body["IsActive"] = json!(false);
    sim.create_user(body).await.created_id();
    assert_eq!(sim.used("Partner Community"), before);
}

#[tokio::test]
async fn every_user_gets_a_user_login_found_by_query() {
    let sim = start().await;
    let c = sim.contact("C-200", "Login").await;
    let user = sim
        .external_user(&c, "Customer Community Plus User", "login@example.com")
        .await
        .created_id();
    let answer = sim
        .query(&format!(
            "SELECT Id, IsFrozen FROM UserLogin WHERE UserId = '{user}'"
        ))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["totalSize"], json!(1));
    assert_eq!(answer.body["records"][0]["IsFrozen"], json!(false));
}

#[tokio::test]
async fn disabling_an_external_user_renames_it_unlinks_the_contact_and_frees_the_licence() {
    let sim = start().await;
    sim.org().set_now(Some(chrono::DateTime::UNIX_EPOCH));
    let c = sim.contact("C-200", "Leaver").await;
    let user = sim
        .external_user(&c, "Customer Community Plus User", "leaver@example.com")
        .await
        .created_id();
    let used = sim.used("Customer Community Plus");

    let answer = sim
        .patch(
            &format!("/sobjects/User/{user}"),
            json!({"IsPortalEnabled": false}),
        )
        .await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    let record = sim.get(&format!("/sobjects/User/{user}")).await.body;
    assert_eq!(record["IsPortalEnabled"], json!(false));
    assert_eq!(record["IsActive"], json!(false));
    assert_eq!(record["ContactId"], json!(null));
    assert_eq!(record["AccountId"], json!(null));
    assert_eq!(record["UserRoleId"], json!(null));
    assert_eq!(
        record["Username"],
        json!("leaver@example.com.disabled.19700101000000")
    );
    assert_eq!(sim.used("Customer Community Plus"), used - 1);

    let again = sim
        .patch(
            &format!("/sobjects/User/{user}"),
            json!({"IsPortalEnabled": true}),
        )
        .await;
    again.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["IsPortalEnabled"]);
    let reactivate = sim
        .patch(&format!("/sobjects/User/{user}"), json!({"IsActive": true}))
        .await;
    reactivate.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["IsActive"]);

    let fresh = sim
        .external_user(&c, "Customer Community Plus User", "leaver@example.com")
        .await
        .created_id();
    assert_ne!(fresh, user, "re-enabling makes a brand-new user");
}

#[tokio::test]
async fn users_are_never_deleted() {
    let sim = start().await;
    let c = sim.contact("C-200", "Stays").await;
    let user = sim
        .external_user(&c, "Customer Community Plus User", "stays@example.com")
        .await
        .created_id();
    let answer = sim.delete(&format!("/sobjects/User/{user}")).await;
    answer.assert_error(400, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", &[]);
    assert_eq!(sim.get(&format!("/sobjects/User/{user}")).await.status, 200);
}

#[tokio::test]
async fn moving_an_external_user_to_another_licence_is_refused_unless_allowed() {
    let sim = start().await;
    let c = sim.contact("P-100", "Mover").await;
    let user = sim
        .external_user(&c, "Customer Community Plus User", "mover@example.com")
        .await
        .created_id();
    let partner = sim.id_where("Profile", "Name", "Partner Community User");
    let refused = sim
        .patch(
            &format!("/sobjects/User/{user}"),
            json!({"ProfileId": partner}),
        )
        .await;
    refused.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["ProfileId"]);

    let same_licence = sim.id_where("Profile", "Name", "Acme Customer Community Plus User");
    let fine = sim
        .patch(
            &format!("/sobjects/User/{user}"),
            json!({"ProfileId": same_licence}),
        )
        .await;
    assert_eq!(
        fine.status, 204,
        "same licence, other profile: {}",
        fine.body
    );

    sim.org().settings_mut().refuse_cross_licence_profile_change = false;
    let (plus, partners) = (
        sim.used("Customer Community Plus"),
        sim.used("Partner Community"),
    );
    let moved = sim
        .patch(
            &format!("/sobjects/User/{user}"),
            json!({"ProfileId": partner}),
        )
        .await;
    assert_eq!(moved.status, 204, "{}", moved.body);
    assert_eq!(sim.used("Customer Community Plus"), plus - 1);
    assert_eq!(sim.used("Partner Community"), partners + 1);
    assert_eq!(sim.field(&user, "UserType"), json!("PowerPartner"));
    let role = sim.field(&user, "UserRoleId");
    let role_name = sim.field(role.as_str().expect("role"), "Name");
    assert_eq!(role_name, json!("Northwind Partners Partner User"));

    let internal = sim.id_where("Profile", "Name", "Standard User");
    let to_internal = sim
        .patch(
            &format!("/sobjects/User/{user}"),
            json!({"ProfileId": internal}),
        )
        .await;
    to_internal.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["ProfileId"]);
}

#[tokio::test]
async fn an_internal_users_email_change_can_wait_for_confirmation_and_mails_each_request() {
    let sim = start().await;
    sim.org().settings_mut().email_change_needs_confirmation = true;
    let profile = sim.id_where("Profile", "Name", "Standard User");
    let mut body = user_body(&profile, "", "old@example.com");
    body.as_object_mut().map(|b| b.remove("ContactId"));
    let user = sim.create_user(body).await.created_id();

    for _ in 0..2 {
        let answer = sim
            .patch(
                &format!("/sobjects/User/{user}"),
                json!({"Email": "new@example.com"}),
            )
            .await;
        assert_eq!(answer.status, 204);
    }
    assert_eq!(
        sim.field(&user, "Email"),
        json!("old@example.com"),
        "the field keeps the old value"
    );
    let verifications: Vec<String> = sim
        .org()
        .emails()
        .iter()
        .filter(|e| e.kind == EmailKind::EmailChangeVerification)
        .map(|e| e.to.clone())
        .collect();
    assert_eq!(verifications, ["new@example.com", "new@example.com"]);
    assert_eq!(
        sim.org().pending_email_change(&user),
        Some("new@example.com")
    );

    assert!(sim.org().confirm_email_change(&user));
    assert_eq!(sim.field(&user, "Email"), json!("new@example.com"));
}

#[tokio::test]
async fn an_external_users_email_change_applies_at_once_and_unverified_even_when_internal_ones_wait()
 {
    let sim = start().await;
    sim.org().settings_mut().email_change_needs_confirmation = true;
    let c = sim.contact("C-200", "Mover").await;
    let user = sim
        .external_user(&c, "Customer Community Plus User", "old@example.com")
        .await
        .created_id();
    assert_eq!(sim.field(&user, "HasUserVerifiedEmail"), json!(false));
    assert!(sim.org().verify_email(&user), "the person verifies it");
    assert_eq!(sim.field(&user, "HasUserVerifiedEmail"), json!(true));

    let answer = sim
        .patch(
            &format!("/sobjects/User/{user}"),
            json!({"Email": "new@example.com"}),
        )
        .await;

    assert_eq!(answer.status, 204);
    assert_eq!(sim.field(&user, "Email"), json!("new@example.com"));
    assert_eq!(sim.field(&user, "HasUserVerifiedEmail"), json!(false));
    let verifications = sim
        .org()
        .emails()
        .iter()
        .filter(|e| e.kind == EmailKind::EmailChangeVerification)
        .count();
    assert_eq!(verifications, 0, "no confirmation is asked for");
    assert_eq!(sim.org().pending_email_change(&user), None);
    let refused = sim
        .patch(
            &format!("/sobjects/User/{user}"),
            json!({"HasUserVerifiedEmail": true}),
        )
        .await;
    assert_eq!(refused.status, 400, "read-only: {}", refused.body);
}

#[tokio::test]
async fn without_confirmation_an_email_change_applies_at_once() {
    let sim = start().await;
    let c = sim.contact("C-200", "Direct").await;
    let user = sim
        .external_user(&c, "Customer Community Plus User", "direct@example.com")
        .await
        .created_id();
    sim.patch(
        &format!("/sobjects/User/{user}"),
        json!({"Email": "direct2@example.com"}),
    )
    .await;
    assert_eq!(sim.field(&user, "Email"), json!("direct2@example.com"));
    let mails = sim
        .org()
        .emails()
        .iter()
        .filter(|e| e.kind == EmailKind::EmailChangeVerification)
        .count();
    assert_eq!(mails, 0);
}

#[tokio::test]
async fn login_state_follows_activation_and_freezing() {
    let sim = start().await;
    let user = sim.id_where("User", "Username", "integration@gatehouse.sfsim");
    assert!(sim.org().can_log_in(&user));
    let found = sim
        .org()
        .user_by_username("INTEGRATION@gatehouse.sfsim")
        .map(|u| u.id.clone());
    assert_eq!(found, Some(user.clone()));
    sim.org().record_login(&user);
    assert!(sim.field(&user, "LastLoginDate").is_string());
    assert_ne!(sim.field(&user, "LastLoginDate"), Value::Null);
}
