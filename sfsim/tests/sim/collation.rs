//! Composite collation: without `collateSubrequests: false` (API 49.0 and later), unrelated
//! subrequests of one method on `/sobjects` may run in any order, drawn from the seed.

use serde_json::{Value, json};

use crate::org_client::{Client, start_seeded};

/// Seeds tried; the order drawn depends only on the seed and the calls made.
const SEEDS: std::ops::RangeInclusive<u64> = 1..=12;

/// Six Account creations; `collate` as `collateSubrequests` when given.
fn six_accounts(collate: Option<bool>) -> Value {
    let subrequests: Vec<Value> = (0..6)
        .map(|i| {
            json!({"method": "POST", "url": "/services/data/v68.0/sobjects/Account",
                   "referenceId": format!("a{i}"), "body": {"Name": format!("Collated {i}")}})
        })
        .collect();
    let mut body = json!({"compositeRequest": subrequests});
    if let Some(flag) = collate {
        body["collateSubrequests"] = json!(flag);
    }
    body
}

/// The order the subrequests ran in, as positions in the request: ids are handed out in the
/// order records are created, so sorting the answers by id gives it.
async fn creation_order(sim: &Client, body: Value) -> Vec<usize> {
    let answer = sim.post("/composite", body).await;
    let responses = answer.body["compositeResponse"]
        .as_array()
        .expect("responses");
    let mut ids: Vec<(String, usize)> = responses
        .iter()
        .enumerate()
        .map(|(sent, r)| {
            assert_eq!(r["httpStatusCode"], json!(201), "{r}");
            assert_eq!(
                r["referenceId"],
                json!(format!("a{sent}")),
                "answers in the order sent"
            );
            (r["body"]["id"].as_str().expect("id").to_owned(), sent)
        })
        .collect();
    ids.sort();
    ids.into_iter().map(|(_, sent)| sent).collect()
}

#[tokio::test]
async fn without_the_flag_collated_subrequests_run_in_an_order_drawn_from_the_seed() {
    let sent: Vec<usize> = (0..6).collect();
    let mut shuffled = None;
    for seed in SEEDS {
        let order = creation_order(&start_seeded(seed).await, six_accounts(None)).await;
        if order != sent {
            shuffled = Some((seed, order));
            break;
        }
    }
    let (seed, order) = shuffled.expect("some seed runs collated subrequests out of order");
    let again = creation_order(&start_seeded(seed).await, six_accounts(Some(true))).await;
    assert_eq!(again, order, "the same seed gives the same order");
}

#[tokio::test]
async fn with_collation_off_subrequests_run_in_the_order_sent() {
    for seed in SEEDS {
        let order = creation_order(&start_seeded(seed).await, six_accounts(Some(false))).await;
        assert_eq!(order, (0..6).collect::<Vec<_>>(), "seed {seed}");
    }
}

#[tokio::test]
async fn a_subrequest_runs_after_the_one_it_refers_to_and_headers_keep_their_place() {
    for seed in SEEDS {
        let sim = start_seeded(seed).await;
        let request = json!({"compositeRequest": [
            {"method": "POST", "url": "/services/data/v68.0/sobjects/Account", "referenceId": "acct",
             "body": {"Name": "Referred"}},
            {"method": "POST", "url": "/services/data/v68.0/sobjects/Contact", "referenceId": "person",
             "body": {"LastName": "Refers", "AccountId": "@{acct.id}"}},
            {"method": "POST", "url": "/services/data/v68.0/sobjects/Account", "referenceId": "second",
             "body": {"Name": "Headed"}, "httpHeaders": {"Sforce-Auto-Assign": "FALSE"}},
            {"method": "POST", "url": "/services/data/v68.0/sobjects/Account", "referenceId": "third",
             "body": {"Name": "After the header"}},
        ]});
        let answer = sim.post("/composite", request).await;
        let responses = &answer.body["compositeResponse"];
        let ids: Vec<&str> = (0..4)
            .map(|i| {
                assert_eq!(
                    responses[i]["httpStatusCode"],
                    json!(201),
                    "seed {seed}: {answer:?}"
                );
                responses[i]["body"]["id"].as_str().expect("id")
            })
            .collect();
        // Each id's own counter part orders creations of one type; the Contact's reference
        // resolved means the Account ran first.
        assert!(ids[0] < ids[2] && ids[2] < ids[3], "seed {seed}: {ids:?}");
    }
}
