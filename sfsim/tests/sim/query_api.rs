//! The query endpoint: results with attributes, pages of 2,000 (or the batch size asked for)
//! behind `nextRecordsUrl`, refusals for bad queries and locators.

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::org_client::{Client, start};

/// `count` Contacts titled `title`, made directly in the org.
fn bulk_contacts(sim: &Client, count: usize, title: &str) {
    let mut org = sim.org();
    for n in 0..count {
        let mut body = Map::new();
        body.insert("LastName".into(), json!(format!("Bulk{n}")));
        body.insert("Title".into(), json!(title));
        org.create("Contact", &body).expect("contact");
    }
}

/// Follows `nextRecordsUrl` from a first page to the end; the size of every page.
async fn page_sizes(sim: &Client, first: &Value, headers: &[(&str, &str)]) -> Vec<usize> {
    let mut sizes = vec![first["records"].as_array().map_or(0, Vec::len)];
    let mut next = first["nextRecordsUrl"].as_str().map(str::to_owned);
    while let Some(path) = next {
        let page = sim.send_with(Method::GET, &path, headers, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        sizes.push(page.body["records"].as_array().map_or(0, Vec::len));
        next = page.body["nextRecordsUrl"].as_str().map(str::to_owned);
    }
    sizes
}

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
    bulk_contacts(&sim, 4100, "bulk");
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

#[tokio::test]
async fn sforce_query_options_batch_size_cuts_smaller_pages_within_salesforces_bounds() {
    let sim = start().await;
    bulk_contacts(&sim, 1100, "batched");
    let q = "/query?q=SELECT+Id+FROM+Contact+WHERE+Title+%3D+%27batched%27";

    let asked = [("Sforce-Query-Options", "batchSize=500")];
    let first = sim.send_with(Method::GET, q, &asked, None).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["totalSize"], json!(1100));
    let next = first.body["nextRecordsUrl"].as_str().unwrap_or_default();
    assert!(next.ends_with("-500"), "{next}");
    // Later pages keep the batch size, whether or not the header is sent again.
    assert_eq!(page_sizes(&sim, &first.body, &[]).await, [500, 500, 100]);

    // Below Salesforce's minimum of 200 reads as 200; unreadable options are ignored.
    let tiny = [("sforce-query-options", "batchSize=50")];
    let first = sim.send_with(Method::GET, q, &tiny, None).await;
    assert_eq!(
        page_sizes(&sim, &first.body, &[]).await,
        [200, 200, 200, 200, 200, 100]
    );
    let garbage = [("Sforce-Query-Options", "batchSize=lots")];
    let first = sim.send_with(Method::GET, q, &garbage, None).await;
    assert_eq!(page_sizes(&sim, &first.body, &[]).await, [1100]);
}

#[tokio::test]
async fn a_composite_query_subrequest_takes_its_batch_size_from_http_headers() {
    let sim = start().await;
    bulk_contacts(&sim, 300, "composed");
    let body = json!({"compositeRequest": [{
        "method": "GET",
        "referenceId": "contacts",
        "url": "/services/data/v68.0/query?q=SELECT+Id+FROM+Contact+WHERE+Title+%3D+%27composed%27",
        "httpHeaders": {"Sforce-Query-Options": "batchSize=200"},
    }]});
    let answer = sim.post("/composite", body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let page = &answer.body["compositeResponse"][0]["body"];
    assert_eq!(page["records"].as_array().map(Vec::len), Some(200));
    assert_eq!(page["done"], json!(false));
}
