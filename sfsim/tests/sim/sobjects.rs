//! sObject rows over HTTP: create, read, update, delete, upsert by external id, and the
//! refusals for paths, bodies, methods and versions.

use reqwest::Method;
use serde_json::json;

use crate::org_client::start;

#[tokio::test]
async fn create_answers_201_with_location_and_the_new_id() {
    let sim = start().await;
    let answer = sim
        .post(
            "/sobjects/Account",
            json!({"Name": "Globex", "Gatehouse_Key__c": "G-1"}),
        )
        .await;
    assert_eq!(answer.status, 201);
    let id = answer.body["id"].as_str().expect("id");
    assert_eq!(id.len(), 18);
    assert!(id.starts_with("001"));
    assert_eq!(answer.body["success"], json!(true));
    assert_eq!(answer.body["errors"], json!([]));
    assert_eq!(
        answer.header("Location"),
        Some(format!("/services/data/v68.0/sobjects/Account/{id}").as_str())
    );
}

#[tokio::test]
async fn read_returns_the_record_with_attributes_and_only_asked_fields_when_asked() {
    let sim = start().await;
    let id = sim.contact("C-200", "Reader").await;
    let full = sim.get(&format!("/sobjects/Contact/{id}")).await;
    assert_eq!(full.status, 200);
    assert_eq!(full.body["attributes"]["type"], json!("Contact"));
    assert_eq!(
        full.body["attributes"]["url"],
        json!(format!("/services/data/v68.0/sobjects/Contact/{id}"))
    );
    assert_eq!(full.body["LastName"], json!("Reader"));
    assert_eq!(full.body["Title"], json!(null), "unset fields read as null");

    let some = sim
        .get(&format!("/sobjects/Contact/{id}?fields=LastName,Email"))
        .await;
    assert_eq!(some.status, 200);
    assert_eq!(some.body["LastName"], json!("Reader"));
    assert!(some.body.get("Title").is_none());

    let bad = sim
        .get(&format!("/sobjects/Contact/{id}?fields=LastName,Foo"))
        .await;
    bad.assert_error(400, "INVALID_FIELD", &[]);
    assert!(
        bad.message()
            .starts_with("No such column 'Foo' on entity 'Contact'")
    );
}

#[tokio::test]
async fn a_fifteen_character_id_names_the_same_record() {
    let sim = start().await;
    let id = sim.contact("C-200", "Short").await;
    let answer = sim.get(&format!("/sobjects/Contact/{}", &id[..15])).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["Id"], json!(id));
}

#[tokio::test]
async fn update_answers_204_and_the_change_is_read_back() {
    let sim = start().await;
    let id = sim.contact("C-200", "Before").await;
    let answer = sim
        .patch(
            &format!("/sobjects/Contact/{id}"),
            json!({"LastName": "After", "Title": "CTO"}),
        )
        .await;
    assert_eq!(answer.status, 204);
    assert_eq!(answer.body, json!(null));
    let read = sim.get(&format!("/sobjects/Contact/{id}")).await;
    assert_eq!(read.body["LastName"], json!("After"));
    assert_eq!(
        read.body["Name"],
        json!("After"),
        "Name follows the name parts"
    );
}

#[tokio::test]
async fn delete_answers_204_and_the_record_is_gone() {
    let sim = start().await;
    let id = sim.contact("C-200", "Doomed").await;
    assert_eq!(
        sim.delete(&format!("/sobjects/Contact/{id}")).await.status,
        204
    );
    let gone = sim.get(&format!("/sobjects/Contact/{id}")).await;
    gone.assert_error(404, "NOT_FOUND", &[]);
    assert_eq!(gone.message(), "The requested resource does not exist");
}

#[tokio::test]
async fn ids_in_paths_are_checked_like_salesforce_checks_them() {
    let sim = start().await;
    let contact = sim.contact("C-200", "Wrongtype").await;
    let wrong_type = sim.get(&format!("/sobjects/Account/{contact}")).await;
    wrong_type.assert_error(400, "MALFORMED_ID", &["Id"]);
    assert_eq!(
        wrong_type.message(),
        format!("Account ID: id value of incorrect type: {contact}")
    );

    let not_an_id = sim
        .patch("/sobjects/Contact/nonsense", json!({"LastName": "X"}))
        .await;
    not_an_id.assert_error(404, "NOT_FOUND", &[]);
    assert_eq!(
        not_an_id.message(),
        "Provided external ID field does not exist or is not accessible: nonsense"
    );

    let missing = sim.delete("/sobjects/Contact/0035g00000ZZZZZAA5").await;
    missing.assert_error(404, "NOT_FOUND", &[]);
}

#[tokio::test]
async fn unknown_objects_and_resources_are_404() {
    let sim = start().await;
    let answer = sim.get("/sobjects/Widget__c").await;
    answer.assert_error(404, "NOT_FOUND", &[]);
    assert_eq!(answer.message(), "The requested resource does not exist");
    sim.get("/sobjects/Account/describe/layouts/extra/more")
        .await
        .assert_error(404, "NOT_FOUND", &[]);
}

#[tokio::test]
async fn methods_a_resource_does_not_take_are_405() {
    let sim = start().await;
    let answer = sim
        .send(Method::PUT, "/sobjects/Account", Some("{}".into()))
        .await;
    answer.assert_error(405, "METHOD_NOT_ALLOWED", &[]);
    assert_eq!(
        answer.message(),
        "HTTP Method 'PUT' not allowed. Allowed are HEAD,GET,POST"
    );
}

#[tokio::test]
async fn malformed_and_missing_bodies_are_json_parser_errors() {
    let sim = start().await;
    let broken = sim
        .send(
            Method::POST,
            "/sobjects/Contact",
            Some("{\"LastName\": ".into()),
        )
        .await;
    broken.assert_error(400, "JSON_PARSER_ERROR", &[]);
    let empty = sim.send(Method::POST, "/sobjects/Contact", None).await;
    empty.assert_error(400, "JSON_PARSER_ERROR", &[]);
    assert_eq!(
        empty.message(),
        "The HTTP entity body is required, but this request has no entity body."
    );
    let array = sim
        .send(Method::POST, "/sobjects/Contact", Some("[]".into()))
        .await;
    array.assert_error(400, "JSON_PARSER_ERROR", &[]);
}

#[tokio::test]
async fn versions_outside_46_to_68_are_404_and_the_list_needs_none() {
    let sim = start().await;
    for version in ["v45.0", "v69.0", "v68", "v68.5"] {
        let answer = sim
            .get(&format!("/services/data/{version}/sobjects/Account"))
            .await;
        answer.assert_error(404, "NOT_FOUND", &[]);
    }
    assert_eq!(
        sim.get("/services/data/v46.0/sobjects/Account")
            .await
            .status,
        200
    );
    let list = sfsim::api::version::version_list();
    let versions: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v["version"].as_str())
        .collect();
    assert_eq!(versions.first(), Some(&"46.0"));
    assert_eq!(versions.last(), Some(&"68.0"));
    assert_eq!(list[22]["label"], json!("Winter '27"));
    assert_eq!(list[22]["url"], json!("/services/data/v68.0"));
}

#[tokio::test]
async fn upsert_creates_with_201_then_updates_with_200() {
    let sim = start().await;
    let account = sim.id_where("Account", "Gatehouse_Key__c", "C-200");
    let created = sim
        .patch(
            "/sobjects/Contact/Gatehouse_Key__c/X-1",
            json!({"LastName": "Upserted", "AccountId": account}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["created"], json!(true));
    let id = created.body["id"].as_str().expect("id").to_owned();
    assert_eq!(sim.field(&id, "Gatehouse_Key__c"), json!("X-1"));

    let updated = sim
        .patch(
            "/sobjects/Contact/Gatehouse_Key__c/x-1",
            json!({"Title": "Lead"}),
        )
        .await;
    assert_eq!(updated.status, 200, "keys match case-insensitively");
    assert_eq!(
        updated.body,
        json!({"id": id, "success": true, "errors": [], "created": false})
    );
    assert_eq!(sim.field(&id, "Title"), json!("Lead"));
}

#[tokio::test]
async fn upsert_with_several_matches_answers_300_with_their_urls() {
    let sim = start().await;
    let a = sim.contact("C-200", "Twin1").await;
    let b = sim.contact("C-200", "Twin2").await;
    for id in [&a, &b] {
        sim.patch(
            &format!("/sobjects/Contact/{id}"),
            json!({"Gatehouse_Key__c": "DUP"}),
        )
        .await;
    }
    let answer = sim
        .patch(
            "/sobjects/Contact/Gatehouse_Key__c/DUP",
            json!({"Title": "x"}),
        )
        .await;
    assert_eq!(answer.status, 300);
    assert_eq!(
        answer.body,
        json!([
            format!("/services/data/v68.0/sobjects/Contact/{a}"),
            format!("/services/data/v68.0/sobjects/Contact/{b}")
        ])
    );
    assert_eq!(sim.field(&a, "Title"), json!(null), "nothing was written");
    let read = sim.get("/sobjects/Contact/Gatehouse_Key__c/DUP").await;
    assert_eq!(read.status, 300);
}

#[tokio::test]
async fn upsert_update_only_never_creates() {
    let sim = start().await;
    let answer = sim
        .patch(
            "/sobjects/Contact/Gatehouse_Key__c/NOPE?updateOnly=true",
            json!({"LastName": "Ghost"}),
        )
        .await;
    answer.assert_error(404, "NOT_FOUND", &[]);
    let count = sim
        .org()
        .records_of("Contact")
        .filter(|c| c.text("LastName") == Some("Ghost"))
        .count();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn upsert_on_an_unknown_field_is_404_and_on_a_plain_field_invalid_field() {
    let sim = start().await;
    let unknown = sim
        .patch("/sobjects/Contact/Nope__c/1", json!({"LastName": "X"}))
        .await;
    unknown.assert_error(404, "NOT_FOUND", &[]);
    assert_eq!(
        unknown.message(),
        "Provided external ID field does not exist or is not accessible: Nope__c"
    );
    let plain = sim
        .patch("/sobjects/Contact/LastName/X", json!({"Title": "X"}))
        .await;
    plain.assert_error(400, "INVALID_FIELD", &[]);
    assert_eq!(
        plain.message(),
        "Field name provided, LastName is not an External ID or indexed field for Contact"
    );
}

#[tokio::test]
async fn records_are_read_and_deleted_by_external_id() {
    let sim = start().await;
    let read = sim.get("/sobjects/Account/Gatehouse_Key__c/P-100").await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["Name"], json!("Northwind Partners"));
    sim.get("/sobjects/Account/Gatehouse_Key__c/NONE")
        .await
        .assert_error(404, "NOT_FOUND", &[]);

    sim.post(
        "/sobjects/Account",
        json!({"Name": "Temp", "Gatehouse_Key__c": "T-1"}),
    )
    .await;
    assert_eq!(
        sim.delete("/sobjects/Account/Gatehouse_Key__c/T-1")
            .await
            .status,
        204
    );
    assert_eq!(
        sim.get("/sobjects/Account/Gatehouse_Key__c/T-1")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn percent_encoded_external_id_values_are_decoded() {
    let sim = start().await;
    let account = sim.id_where("Account", "Gatehouse_Key__c", "C-200");
    let created = sim
        .patch(
            "/sobjects/Contact/Gatehouse_Key__c/jane%40acme.example%2Fx",
            json!({"LastName": "Encoded", "AccountId": account}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().expect("id");
    assert_eq!(
        sim.field(id, "Gatehouse_Key__c"),
        json!("jane@acme.example/x")
    );
}

#[tokio::test]
async fn objects_refuse_the_operations_salesforce_refuses() {
    let sim = start().await;
    let licence = sim
        .post(
            "/sobjects/UserLicense",
            json!({"Name": "More", "LicenseDefinitionKey": "X"}),
        )
        .await;
    licence.assert_error(400, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", &[]);
    assert_eq!(
        licence.message(),
        "entity type cannot be inserted: User License"
    );

    let profile = sim.id_where("Profile", "Name", "Standard User");
    let renamed = sim
        .patch(
            &format!("/sobjects/Profile/{profile}"),
            json!({"Name": "Renamed"}),
        )
        .await;
    renamed.assert_error(400, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", &[]);
    assert_eq!(renamed.message(), "entity type cannot be updated: Profile");

    let user = sim.id_where("User", "Username", "owner.norole@gatehouse.sfsim");
    let deleted = sim.delete(&format!("/sobjects/User/{user}")).await;
    deleted.assert_error(400, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", &[]);
    assert_eq!(deleted.message(), "entity type cannot be deleted: User");
    assert!(sim.org().record(&user).is_some(), "users are never deleted");

    let role = sim
        .post(
            "/sobjects/UserRole",
            json!({"Name": "Hand-made", "PortalType": "None"}),
        )
        .await;
    role.assert_error(400, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", &[]);
}

#[tokio::test]
async fn deleting_an_account_deletes_its_contacts() {
    let sim = start().await;
    let account = sim
        .post(
            "/sobjects/Account",
            json!({"Name": "Cascade", "Gatehouse_Key__c": "CAS"}),
        )
        .await;
    let account = account.body["id"].as_str().expect("id").to_owned();
    let contact = sim.contact("CAS", "Child").await;
    assert_eq!(
        sim.delete(&format!("/sobjects/Account/{account}"))
            .await
            .status,
        204
    );
    assert_eq!(
        sim.get(&format!("/sobjects/Contact/{contact}"))
            .await
            .status,
        404
    );
}
