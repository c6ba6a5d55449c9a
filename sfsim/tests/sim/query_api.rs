//! The query endpoint: results with attributes, pages of 2,000 behind `nextRecordsUrl`,
//! refusals for bad queries and locators.

use serde_json::{Map, Value, json};

use crate::org_client::start;

#[tokio::test]
async fn a_query_answers_records_with_attributes_and_parent_fields() {
    let sim = start().await;
    let answer = sim
        .query("SELECT Id, Username, Profile.Name FROM User WHERE Username = 'robin.existing@contoso.example.sfsim'")
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["totalSize"], json!(1));
    assert_eq!(answer.body["done"], json!(true));
    assert!(answer.body.get("nextRecordsUrl").is_none());
    let record = &answer.body["records"][0];
    assert_eq!(record["attributes"]["type"], json!("User"));
    assert_eq!(
        record["Profile"]["Name"],
        json!("Customer Community Plus User")
    );
}

#[tokio::test]
async fn large_results_come_in_pages_of_2000_behind_next_records_url() {
    let sim = start().await;
    {
        let mut org = sim.org();
        for n in 0..4100 {
            let mut body = Map::new();
            body.insert("LastName".into(), json!(format!("Bulk{n}")));
            body.insert("Title".into(), json!("bulk"));
            org.create("Contact", &body).expect("contact");
        }
    }
    let first = sim
        .query("SELECT Id, LastName FROM Contact WHERE Title = 'bulk'")
        .await;
    assert_eq!(first.body["totalSize"], json!(4100));
    assert_eq!(first.body["done"], json!(false));
    assert_eq!(first.body["records"].as_array().map(Vec::len), Some(2000));
    let next = first.body["nextRecordsUrl"]
        .as_str()
        .expect("next")
        .to_owned();
    assert!(
        next.starts_with("/services/data/v68.0/query/01g") && next.ends_with("-2000"),
        "{next}"
    );

    let mut seen: Vec<Value> = first.body["records"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut url = Some(next);
    while let Some(path) = url {
        let page = sim.get(&path).await;
        assert_eq!(page.status, 200);
        seen.extend(page.body["records"].as_array().cloned().unwrap_or_default());
        url = page.body["nextRecordsUrl"].as_str().map(str::to_owned);
        if url.is_none() {
            assert_eq!(page.body["done"], json!(true));
        }
    }
    assert_eq!(seen.len(), 4100);
    assert_eq!(
        seen[2000]["LastName"],
        json!("Bulk2000"),
        "pages continue in order"
    );
}

#[tokio::test]
async fn bad_queries_unknown_fields_and_stale_locators_are_refused() {
    let sim = start().await;
    sim.query("SELEKT Id FROM Account")
        .await
        .assert_error(400, "MALFORMED_QUERY", &[]);
    sim.get("/query")
        .await
        .assert_error(400, "MALFORMED_QUERY", &[]);
    let field = sim.query("SELECT Id, Nope__c FROM Account").await;
    field.assert_error(400, "INVALID_FIELD", &[]);
    assert!(
        field
            .message()
            .contains("No such column 'Nope__c' on entity 'Account'")
    );
    sim.get("/query/01g5g0000000099AAA-2000")
        .await
        .assert_error(400, "INVALID_QUERY_LOCATOR", &[]);
}
