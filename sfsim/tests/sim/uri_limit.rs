//! The URI limit: a GET over 16,384 bytes (percent-encoded) is `414`, over HTTP and as a
//! composite subrequest, and a refused call is not counted against the allowance.

use serde_json::json;

use crate::org_client::start;

/// The limit Salesforce documents (Help article 000386264).
const LIMIT: usize = 16_384;

/// A query for Contacts whose key is one of `count` made-up keys, percent-encoded as sent.
fn in_query(count: usize) -> String {
    let keys: Vec<String> = (0..count).map(|n| format!("'K-{n:08}'")).collect();
    let soql = format!(
        "SELECT Id FROM Contact WHERE Gatehouse_Key__c IN ({})",
        keys.join(",")
    );
    let encoded: String = url::form_urlencoded::byte_serialize(soql.as_bytes()).collect();
    format!("/query?q={encoded}")
}

/// The path as the server sees it, for measuring.
fn full(path: &str) -> String {
    format!("/services/data/v68.0{path}")
}

/// The most keys whose query URI stays within the limit.
fn most_keys_within_limit() -> usize {
    (1..2_000)
        .take_while(|n| full(&in_query(*n)).len() <= LIMIT)
        .last()
        .expect("some keys fit")
}

#[tokio::test]
async fn a_query_uri_over_the_limit_is_414_and_not_counted() {
    let sim = start().await;
    let fits = most_keys_within_limit();
    let within = sim.get(&in_query(fits)).await;
    assert_eq!(within.status, 200, "{}", within.body);
    let used_before = sim
        .handle
        .sim
        .traffic
        .usage
        .current(chrono::Utc::now())
        .used;
    let over = sim.get(&in_query(fits + 1)).await;
    assert!(full(&in_query(fits + 1)).len() > LIMIT);
    over.assert_error(414, "URI_TOO_LONG", &[]);
    let used_after = sim
        .handle
        .sim
        .traffic
        .usage
        .current(chrono::Utc::now())
        .used;
    assert_eq!(used_after, used_before, "a refused URI is not an API call");
}

#[tokio::test]
async fn a_post_with_a_long_query_string_is_not_held_to_the_read_limit() {
    let sim = start().await;
    // sObject Collections' retrieve by POST exists for id lists too long for a URL.
    let padding = "x".repeat(LIMIT);
    let answer = sim
        .post(
            &format!("/composite/sobjects?pad={padding}"),
            json!({"records": [{"attributes": {"type": "Account"}, "Name": "Long URI"}]}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body[0]["success"], json!(true));
}

#[tokio::test]
async fn a_composite_get_subrequest_over_the_limit_is_414_and_the_others_run() {
    let sim = start().await;
    let fits = most_keys_within_limit();
    let request = json!({"compositeRequest": [
        {"method": "GET", "url": full(&in_query(fits)), "referenceId": "fits"},
        {"method": "GET", "url": full(&in_query(fits + 1)), "referenceId": "over"},
    ]});
    let answer = sim.post("/composite", request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let responses = &answer.body["compositeResponse"];
    assert_eq!(responses[0]["httpStatusCode"], json!(200));
    assert_eq!(responses[1]["httpStatusCode"], json!(414));
    assert_eq!(responses[1]["body"][0]["errorCode"], json!("URI_TOO_LONG"));
}
