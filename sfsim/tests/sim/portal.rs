//! Becoming an external user: the Contact's Account and its owner's role, partner Accounts,
//! portal roles, site membership and its welcome email, permission sets.

use serde_json::json;
use sfsim::org::EmailKind;

use crate::org_client::{start, user_body};

#[tokio::test]
async fn one_contact_can_hold_one_user() {
    let sim = start().await;
    let c = sim.contact("C-200", "Single").await;
    sim.external_user(&c, "Customer Community Plus User", "single@example.com")
        .await
        .created_id();
    let second = sim
        .external_user(&c, "Customer Community User", "single2@example.com")
        .await;
    second.assert_error(400, "PORTAL_USER_ALREADY_EXISTS_FOR_CONTACT", &[]);
    assert_eq!(second.message(), "portal user already exists for contact");

    let robin = sim.id_where("Contact", "Gatehouse_Key__c", "K-201");
    let existing = sim
        .external_user(&robin, "Customer Community Plus User", "robin2@example.com")
        .await;
    existing.assert_error(400, "PORTAL_USER_ALREADY_EXISTS_FOR_CONTACT", &[]);
}

#[tokio::test]
async fn an_external_user_needs_a_contact_with_an_account_whose_owner_has_a_role() {
    let sim = start().await;
    let profile = sim.id_where("Profile", "Name", "Customer Community User");
    let mut no_contact = user_body(&profile, "x", "nocontact@example.com");
    no_contact
        .as_object_mut()
        .expect("object")
        .remove("ContactId");
    let answer = sim.create_user(no_contact).await;
    answer.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["ContactId"]);
    assert_eq!(
        answer.message(),
        "Cannot create a portal user without contact"
    );

    let orphan = sim
        .post("/sobjects/Contact", json!({"LastName": "Orphan"}))
        .await;
    let orphan = orphan.created_id();
    let answer = sim
        .external_user(&orphan, "Customer Community User", "orphan@example.com")
        .await;
    answer.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["ContactId"]);

    let no_role = sim.contact("N-300", "Norole").await;
    let answer = sim
        .external_user(&no_role, "Customer Community User", "norole@example.com")
        .await;
    answer.assert_error(400, "UNKNOWN_EXCEPTION", &[]);
    assert_eq!(answer.message(), "portal account owner must have a role");
}

#[tokio::test]
async fn an_internal_profile_cannot_take_a_contact() {
    let sim = start().await;
    let c = sim.contact("C-200", "Employee").await;
    let answer = sim
        .external_user(&c, "Standard User", "employee@example.com")
        .await;
    answer.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["ContactId"]);
}

#[tokio::test]
async fn partner_users_need_a_partner_account() {
    let sim = start().await;
    let customer = sim.contact("C-200", "NotPartner").await;
    let refused = sim
        .external_user(&customer, "Partner Community User", "np@example.com")
        .await;
    refused.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["ContactId"]);

    let partner = sim.contact("P-100", "Partner").await;
    sim.external_user(&partner, "Partner Community User", "p@example.com")
        .await
        .created_id();
}

#[tokio::test]
async fn the_first_partner_user_makes_three_portal_roles_and_takes_the_lowest() {
    let sim = start().await;
    let c = sim.contact("P-100", "First").await;
    let user = sim
        .external_user(&c, "Partner Community User", "first@example.com")
        .await
        .created_id();
    let roles = sim
        .query("SELECT Id, Name, PortalRole, PortalType FROM UserRole WHERE PortalType = 'Partner'")
        .await;
    let names: Vec<&str> = roles.body["records"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|r| r["Name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Northwind Partners Partner Executive",
            "Northwind Partners Partner Manager",
            "Northwind Partners Partner User"
        ]
    );
    let worker = roles.body["records"][2]["Id"].clone();
    assert_eq!(sim.field(&user, "UserRoleId"), worker);
    let owner_role = sim.field(
        &sim.id_where("User", "Username", "owner.partner@gatehouse.sfsim"),
        "UserRoleId",
    );
    let executive = roles.body["records"][0]["Id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        sim.field(&executive, "ParentRoleId"),
        owner_role,
        "below the owner's role"
    );

    let second = sim.contact("P-100", "Second").await;
    let manager = roles.body["records"][1]["Id"].clone();
    let profile = sim.id_where("Profile", "Name", "Partner Community User");
    let mut body = user_body(&profile, &second, "second@example.com");
    body["UserRoleId"] = manager.clone();
    let second_user = sim.create_user(body).await.created_id();
    assert_eq!(sim.field(&second_user, "UserRoleId"), manager);
    let count = sim
        .org()
        .records_of("UserRole")
        .filter(|r| r.text("PortalType") == Some("Partner"))
        .count();
    assert_eq!(count, 3, "roles are made once per Account");
}

#[tokio::test]
async fn external_users_take_only_their_own_accounts_portal_roles() {
    let sim = start().await;
    let c = sim.contact("C-200", "Roles").await;
    let profile = sim.id_where("Profile", "Name", "Customer Community Plus User");
    let internal = sim.id_where("UserRole", "Name", "CEO");
    let mut body = user_body(&profile, &c, "roles@example.com");
    body["UserRoleId"] = json!(internal);
    let answer = sim.create_user(body).await;
    answer.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["UserRoleId"]);

    let partner_contact = sim.contact("P-100", "Other").await;
    sim.external_user(
        &partner_contact,
        "Partner Community User",
        "other@example.com",
    )
    .await
    .created_id();
    let foreign = sim.id_where("UserRole", "Name", "Northwind Partners Partner User");
    let mut body = user_body(&profile, &c, "roles@example.com");
    body["UserRoleId"] = json!(foreign);
    sim.create_user(body)
        .await
        .assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["UserRoleId"]);

    let plain = sim.contact("C-200", "Plain").await;
    let community = sim.id_where("Profile", "Name", "Customer Community User");
    let own = sim.id_where("UserRole", "Name", "Contoso Customers Customer User");
    let mut body = user_body(&community, &plain, "plain@example.com");
    body["UserRoleId"] = json!(own);
    sim.create_user(body)
        .await
        .assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["UserRoleId"]);
    let plain_user = sim
        .external_user(&plain, "Customer Community User", "plain@example.com")
        .await
        .created_id();
    assert_eq!(
        sim.field(&plain_user, "UserRoleId"),
        json!(null),
        "Customer Community users have no role"
    );

    let employee = sim.id_where("User", "Username", "owner.norole@gatehouse.sfsim");
    let answer = sim
        .patch(
            &format!("/sobjects/User/{employee}"),
            json!({"UserRoleId": own}),
        )
        .await;
    answer.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["UserRoleId"]);
}

#[tokio::test]
async fn the_first_customer_user_marks_the_account_as_a_customer_portal_account() {
    let sim = start().await;
    let account = sim.post("/sobjects/Account", json!({"Name": "Newco", "Gatehouse_Key__c": "NEW", "OwnerId": sim.id_where("User", "Username", "owner.customer@gatehouse.sfsim")})).await;
    let account = account.created_id();
    assert_eq!(sim.field(&account, "IsCustomerPortal"), json!(false));
    let c = sim.contact("NEW", "Firstcustomer").await;
    sim.external_user(&c, "Customer Community User", "fc@example.com")
        .await
        .created_id();
    assert_eq!(sim.field(&account, "IsCustomerPortal"), json!(true));
}

#[tokio::test]
async fn site_members_join_the_network_and_get_one_welcome_email() {
    let sim = start().await;
    let c = sim.contact("C-200", "Member").await;
    let user = sim
        .external_user(&c, "Acme Customer Community User", "member@example.com")
        .await
        .created_id();
    let members = sim
        .query(&format!(
            "SELECT Id, NetworkId FROM NetworkMember WHERE MemberId = '{user}'"
        ))
        .await;
    assert_eq!(members.body["totalSize"], json!(1));
    let network = sim.id_where("Network", "Name", "Gatehouse Partners");
    assert_eq!(members.body["records"][0]["NetworkId"], json!(network));
    let welcomes: Vec<(String, String)> = sim
        .org()
        .emails()
        .iter()
        .filter(|e| e.kind == EmailKind::Welcome)
        .map(|e| (e.to.clone(), e.user_id.clone()))
        .collect();
    assert_eq!(welcomes, [("member@example.com".to_owned(), user.clone())]);

    let member = members.body["records"][0]["Id"]
        .as_str()
        .expect("id")
        .to_owned();
    let prefs = sim
        .patch(
            &format!("/sobjects/NetworkMember/{member}"),
            json!({"PreferencesDisableAllFeedsEmail": true}),
        )
        .await;
    assert_eq!(prefs.status, 204);
    let moved = sim
        .patch(
            &format!("/sobjects/NetworkMember/{member}"),
            json!({"MemberId": user}),
        )
        .await;
    moved.assert_error(400, "INVALID_FIELD_FOR_INSERT_UPDATE", &["MemberId"]);
}

#[tokio::test]
async fn a_site_that_sends_no_welcome_email_sends_none() {
    let sim = start().await;
    sim.org().settings_mut().site_sends_welcome_email = false;
    let c = sim.contact("C-200", "Quiet").await;
    sim.external_user(&c, "Customer Community User", "quiet@example.com")
        .await
        .created_id();
    assert!(sim.org().emails().is_empty());
}

#[tokio::test]
async fn permission_sets_are_assigned_once_and_only_to_users_of_their_licence() {
    let sim = start().await;
    let c = sim.contact("C-200", "Perms").await;
    let user = sim
        .external_user(&c, "Customer Community Plus User", "perms@example.com")
        .await
        .created_id();
    let access = sim.id_where("PermissionSet", "Name", "Gatehouse_Portal_Access");
    let assigned = sim
        .post(
            "/sobjects/PermissionSetAssignment",
            json!({"AssigneeId": user, "PermissionSetId": access}),
        )
        .await;
    let assignment = assigned.created_id();
    let again = sim
        .post(
            "/sobjects/PermissionSetAssignment",
            json!({"AssigneeId": user, "PermissionSetId": access}),
        )
        .await;
    again.assert_error(400, "DUPLICATE_VALUE", &[]);

    let partner_only = sim.id_where("PermissionSet", "Name", "Partner_Deal_Registration");
    let mismatch = sim
        .post(
            "/sobjects/PermissionSetAssignment",
            json!({"AssigneeId": user, "PermissionSetId": partner_only}),
        )
        .await;
    mismatch.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["PermissionSetId"]);

    let change = sim
        .patch(
            &format!("/sobjects/PermissionSetAssignment/{assignment}"),
            json!({"PermissionSetId": partner_only}),
        )
        .await;
    change.assert_error(400, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", &[]);
    assert_eq!(
        sim.delete(&format!("/sobjects/PermissionSetAssignment/{assignment}"))
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn a_member_permission_set_brings_an_internal_user_into_the_site() {
    let sim = start().await;
    let employee = sim.id_where("User", "Username", "owner.customer@gatehouse.sfsim");
    let access = sim.id_where("PermissionSet", "Name", "Gatehouse_Portal_Access");
    let before = sim
        .org()
        .records_of("NetworkMember")
        .filter(|m| m.text("MemberId") == Some(employee.as_str()))
        .count();
    assert_eq!(before, 0);
    sim.post(
        "/sobjects/PermissionSetAssignment",
        json!({"AssigneeId": employee, "PermissionSetId": access}),
    )
    .await
    .created_id();
    let after = sim
        .org()
        .records_of("NetworkMember")
        .filter(|m| m.text("MemberId") == Some(employee.as_str()))
        .count();
    assert_eq!(after, 1);
}

#[tokio::test]
async fn a_contact_linked_to_an_external_user_keeps_its_account_and_cannot_be_deleted() {
    let sim = start().await;
    let robin = sim.id_where("Contact", "Gatehouse_Key__c", "K-201");
    let deleted = sim.delete(&format!("/sobjects/Contact/{robin}")).await;
    deleted.assert_error(400, "DELETE_FAILED", &[]);
    let account = sim.id_where("Account", "Gatehouse_Key__c", "C-200");
    sim.delete(&format!("/sobjects/Account/{account}"))
        .await
        .assert_error(400, "DELETE_FAILED", &[]);
    let other = sim.id_where("Account", "Gatehouse_Key__c", "P-100");
    let moved = sim
        .patch(
            &format!("/sobjects/Contact/{robin}"),
            json!({"AccountId": other}),
        )
        .await;
    moved.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["AccountId"]);
}
