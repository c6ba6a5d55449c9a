//! Describe: the object list, an object's summary, and its fields as clients read them.

use serde_json::json;

use crate::org_client::{start, start_fixture};

#[tokio::test]
async fn describe_global_lists_the_objects_with_their_operations() {
    let sim = start().await;
    let answer = sim.get("/sobjects").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["maxBatchSize"], json!(200));
    let objects = answer.body["sobjects"].as_array().expect("objects");
    let user = objects
        .iter()
        .find(|o| o["name"] == json!("User"))
        .expect("User");
    assert_eq!(user["keyPrefix"], json!("005"));
    assert_eq!(user["deletable"], json!(false));
    let licence = objects
        .iter()
        .find(|o| o["name"] == json!("UserLicense"))
        .expect("UserLicense");
    assert_eq!(licence["createable"], json!(false));
    assert_eq!(licence["queryable"], json!(true));
}

#[tokio::test]
async fn describe_shows_each_fields_type_and_what_callers_may_do() {
    let sim = start().await;
    let basic = sim.get("/sobjects/user").await;
    assert_eq!(basic.status, 200);
    assert_eq!(basic.body["objectDescribe"]["name"], json!("User"));

    let answer = sim.get("/sobjects/User/describe").await;
    assert_eq!(answer.status, 200);
    let fields = answer.body["fields"].as_array().expect("fields");
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| f["name"] == json!(name))
            .cloned()
            .expect(name)
    };
    let contact = field("ContactId");
    assert_eq!(contact["createable"], json!(true));
    assert_eq!(contact["updateable"], json!(false));
    assert_eq!(contact["referenceTo"], json!(["Contact"]));
    assert_eq!(field("Alias")["length"], json!(8));
    assert_eq!(field("TimeZoneSidKey")["restrictedPicklist"], json!(true));
    assert_eq!(field("Username")["unique"], json!(true));
    let key = sim.get("/sobjects/Contact/describe").await;
    let key = key.body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == json!("Gatehouse_Key__c"))
        .cloned()
        .expect("key");
    assert_eq!(key["externalId"], json!(true));
}

#[tokio::test]
async fn a_customer_only_org_has_no_partner_account_field_to_describe_query_or_read() {
    let sim = start_fixture("customer-only.toml").await;
    let answer = sim.get("/sobjects/Account/describe").await;
    assert_eq!(answer.status, 200);
    let names: Vec<&str> = answer.body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(!names.contains(&"IsPartner"), "{names:?}");
    assert!(names.contains(&"IsCustomerPortal"), "{names:?}");

    let query = sim.query("SELECT Id, IsPartner FROM Account").await;
    assert_eq!(
        (query.status, query.code()),
        (400, "INVALID_FIELD"),
        "{:?}",
        query.body
    );
    let read = sim
        .get("/sobjects/Account/Gatehouse_Key__c/C-200?fields=Id,IsPartner")
        .await;
    assert_eq!(
        (read.status, read.code()),
        (400, "INVALID_FIELD"),
        "{:?}",
        read.body
    );
}
