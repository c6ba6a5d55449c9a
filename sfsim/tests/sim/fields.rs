//! Field rules on every write: required, unknown, unwritable, types, lengths, emails,
//! restricted picklists, lookups, unique values.

use serde_json::json;

use crate::org_client::{start, user_body};

#[tokio::test]
async fn a_missing_required_field_is_named() {
    let sim = start().await;
    let answer = sim
        .post("/sobjects/Contact", json!({"FirstName": "No"}))
        .await;
    answer.assert_error(400, "REQUIRED_FIELD_MISSING", &["LastName"]);
    assert_eq!(answer.message(), "Required fields are missing: [LastName]");

    let blank = sim.post("/sobjects/Contact", json!({"LastName": ""})).await;
    blank.assert_error(400, "REQUIRED_FIELD_MISSING", &["LastName"]);

    let user = sim.create_user(json!({"LastName": "Only"})).await;
    user.assert_error(
        400,
        "REQUIRED_FIELD_MISSING",
        &[
            "Username",
            "Email",
            "Alias",
            "TimeZoneSidKey",
            "LocaleSidKey",
            "EmailEncodingKey",
            "LanguageLocaleKey",
            "ProfileId",
        ],
    );
}

#[tokio::test]
async fn a_required_field_cannot_be_nulled_on_update() {
    let sim = start().await;
    let id = sim.contact("C-200", "Keep").await;
    let answer = sim
        .patch(
            &format!("/sobjects/Contact/{id}"),
            json!({"LastName": null}),
        )
        .await;
    answer.assert_error(400, "REQUIRED_FIELD_MISSING", &["LastName"]);
}

#[tokio::test]
async fn an_unknown_field_is_invalid_field() {
    let sim = start().await;
    let answer = sim
        .post("/sobjects/Contact", json!({"LastName": "X", "Foo": 1}))
        .await;
    answer.assert_error(400, "INVALID_FIELD", &[]);
    assert_eq!(
        answer.message(),
        "No such column 'Foo' on sobject of type Contact"
    );
}

#[tokio::test]
async fn read_only_and_create_only_fields_are_refused_with_salesforce_wording() {
    let sim = start().await;
    let contact = sim.contact("C-200", "Linked").await;
    let profile = sim.id_where("Profile", "Name", "Customer Community Plus User");
    let mut body = user_body(&profile, &contact, "linked@example.com");
    body["AccountId"] = json!(sim.id_where("Account", "Gatehouse_Key__c", "C-200"));
    let derived = sim.create_user(body).await;
    derived.assert_error(400, "INVALID_FIELD_FOR_INSERT_UPDATE", &["AccountId"]);

    let created = sim
        .external_user(
            &contact,
            "Customer Community Plus User",
            "linked@example.com",
        )
        .await;
    let user = created.body["id"].as_str().expect("user").to_owned();
    let other = sim.contact("C-200", "Other").await;
    let relink = sim
        .patch(
            &format!("/sobjects/User/{user}"),
            json!({"ContactId": other}),
        )
        .await;
    relink.assert_error(400, "INVALID_FIELD_FOR_INSERT_UPDATE", &["ContactId"]);
    assert_eq!(
        relink.message(),
        "Unable to create/update fields: ContactId. Please check the security settings of this field and verify that it is read/write for your profile or permission set."
    );

    let account = sim.id_where("Account", "Gatehouse_Key__c", "P-100");
    let flag = sim
        .patch(
            &format!("/sobjects/Account/{account}"),
            json!({"IsCustomerPortal": true}),
        )
        .await;
    flag.assert_error(
        400,
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        &["IsCustomerPortal"],
    );

    let with_id = sim
        .post("/sobjects/Contact", json!({"LastName": "X", "Id": contact}))
        .await;
    with_id.assert_error(400, "INVALID_FIELD", &["Id"]);
}

#[tokio::test]
async fn values_are_checked_against_their_field() {
    let sim = start().await;
    let contact = sim.contact("C-200", "Values").await;
    let profile = sim.id_where("Profile", "Name", "Customer Community Plus User");

    let mut long_alias = user_body(&profile, &contact, "alias@example.com");
    long_alias["Alias"] = json!("ninechars");
    let answer = sim.create_user(long_alias).await;
    answer.assert_error(400, "STRING_TOO_LONG", &["Alias"]);
    assert_eq!(
        answer.message(),
        "Alias: data value too large: ninechars (max length=8)"
    );

    let bad_email = sim
        .post(
            "/sobjects/Contact",
            json!({"LastName": "E", "Email": "not-an-email"}),
        )
        .await;
    bad_email.assert_error(400, "INVALID_EMAIL_ADDRESS", &["Email"]);
    assert_eq!(
        bad_email.message(),
        "Email: invalid email address: not-an-email"
    );

    let mut zone = user_body(&profile, &contact, "zone@example.com");
    zone["TimeZoneSidKey"] = json!("UTC");
    let answer = sim.create_user(zone).await;
    answer.assert_error(
        400,
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        &["TimeZoneSidKey"],
    );
    assert_eq!(
        answer.message(),
        "Time Zone: bad value for restricted picklist field: UTC"
    );

    let account = sim.id_where("Account", "Gatehouse_Key__c", "P-100");
    let boolean = sim
        .patch(
            &format!("/sobjects/Account/{account}"),
            json!({"IsPartner": "maybe"}),
        )
        .await;
    boolean.assert_error(400, "JSON_PARSER_ERROR", &[]);
    let text_boolean = sim
        .patch(
            &format!("/sobjects/Account/{account}"),
            json!({"IsPartner": "true"}),
        )
        .await;
    assert_eq!(text_boolean.status, 204, "\"true\" is read as true");

    let nested = sim
        .post("/sobjects/Contact", json!({"LastName": {"x": 1}}))
        .await;
    nested.assert_error(400, "JSON_PARSER_ERROR", &[]);
}

#[tokio::test]
async fn lookups_must_name_an_existing_record_of_the_right_type() {
    let sim = start().await;
    let user = sim.id_where("User", "Username", "owner.partner@gatehouse.sfsim");
    let wrong_type = sim
        .post(
            "/sobjects/Contact",
            json!({"LastName": "L", "AccountId": user}),
        )
        .await;
    wrong_type.assert_error(400, "FIELD_INTEGRITY_EXCEPTION", &["AccountId"]);
    assert_eq!(
        wrong_type.message(),
        format!("Account ID: id value of incorrect type: {user}")
    );

    let malformed = sim
        .post(
            "/sobjects/Contact",
            json!({"LastName": "L", "AccountId": "123"}),
        )
        .await;
    malformed.assert_error(400, "MALFORMED_ID", &["AccountId"]);
    assert_eq!(
        malformed.message(),
        "Account ID: id value of incorrect type: 123"
    );

    let missing = sim
        .post(
            "/sobjects/Contact",
            json!({"LastName": "L", "AccountId": "0015g00000ZZZZZAA5"}),
        )
        .await;
    missing.assert_error(400, "INVALID_CROSS_REFERENCE_KEY", &[]);
    assert_eq!(missing.message(), "invalid cross reference id");
}

#[tokio::test]
async fn unique_external_ids_refuse_a_second_record() {
    let sim = start().await;
    let answer = sim
        .post(
            "/sobjects/Account",
            json!({"Name": "Copy", "Gatehouse_Key__c": "p-100"}),
        )
        .await;
    answer.assert_error(400, "DUPLICATE_VALUE", &[]);
    let original = sim.id_where("Account", "Gatehouse_Key__c", "P-100");
    assert_eq!(
        answer.message(),
        format!(
            "duplicate value found: Gatehouse_Key__c duplicates value on record with id: {original}"
        )
    );
}

#[tokio::test]
async fn records_owned_by_an_inactive_user_are_refused() {
    let sim = start().await;
    let owner = sim.id_where("User", "Username", "owner.norole@gatehouse.sfsim");
    sim.patch(
        &format!("/sobjects/User/{owner}"),
        json!({"IsActive": false}),
    )
    .await;
    let answer = sim
        .post(
            "/sobjects/Account",
            json!({"Name": "Orphan", "OwnerId": owner}),
        )
        .await;
    answer.assert_error(400, "INACTIVE_OWNER_OR_USER", &[]);
}

#[tokio::test]
async fn records_without_an_owner_belong_to_the_integration_user() {
    let sim = start().await;
    let id = sim.contact("C-200", "Owned").await;
    let integration = sim.id_where("User", "Username", "integration@gatehouse.sfsim");
    assert_eq!(sim.field(&id, "OwnerId"), json!(integration));
}
