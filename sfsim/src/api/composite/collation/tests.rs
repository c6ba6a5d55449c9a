use actix_web::http::Method;
use serde_json::{Map, Value, json};

use super::*;

fn body(value: Value) -> Map<String, Value> {
    value.as_object().expect("an object").clone()
}

fn create(sobject: &str, reference_id: &str) -> Subrequest {
    Subrequest {
        method: Method::POST,
        url: format!("/services/data/v68.0/sobjects/{sobject}"),
        reference_id: reference_id.to_owned(),
        body: Some(json!({"Name": reference_id})),
        headers: Vec::new(),
    }
}

#[test]
fn collation_is_on_by_default_from_49_and_follows_the_flag() {
    assert!(collates(&body(json!({})), "49.0"));
    assert!(collates(&body(json!({})), "68.0"));
    assert!(!collates(&body(json!({})), "48.0"));
    assert!(!collates(
        &body(json!({"collateSubrequests": false})),
        "68.0"
    ));
    assert!(collates(&body(json!({"collateSubrequests": true})), "48.0"));
}

#[test]
fn a_grouping_spans_at_most_five_sobject_types() {
    let subs: Vec<Subrequest> = ["A", "B", "C", "D", "E", "F", "A"]
        .iter()
        .enumerate()
        .map(|(i, t)| create(t, &format!("r{i}")))
        .collect();
    let groups = groups(&subs);
    assert_eq!(groups[..5], [Some(0); 5]);
    // The sixth type opens a new grouping, which the later `A` joins.
    assert_eq!(groups[5..], [Some(1), Some(1)]);
}

#[test]
fn queries_other_methods_and_headers_are_not_collated_with_creations() {
    let mut subs = vec![create("Account", "a"), create("Account", "b")];
    subs.push(Subrequest {
        method: Method::GET,
        url: "/services/data/v68.0/query?q=SELECT+Id+FROM+Account".to_owned(),
        reference_id: "q".to_owned(),
        body: None,
        headers: Vec::new(),
    });
    let mut headed = create("Account", "h");
    headed.headers = vec![("Sforce-Auto-Assign".to_owned(), "FALSE".to_owned())];
    subs.push(headed);
    let mut patch = create("Account", "p");
    patch.method = Method::PATCH;
    subs.push(patch);
    assert_eq!(groups(&subs), [Some(0), Some(0), None, None, Some(1)]);
}

#[test]
fn every_order_keeps_references_and_uncollated_subrequests_in_place() {
    let mut contact = create("Contact", "c");
    contact.body = Some(json!({"AccountId": "@{a.id}"}));
    let mut query = create("Account", "q");
    query.method = Method::GET;
    query.url = "/services/data/v68.0/query?q=x".to_owned();
    let subs = vec![
        create("Account", "a"),
        contact,
        create("Account", "b"),
        query,
    ];
    for seed in 0..50 {
        let order = execution_order(&subs, &mut CollationDice::new(seed));
        let at = |i: usize| order.iter().position(|&o| o == i).expect("every one runs");
        assert!(at(0) < at(1), "seed {seed}: {order:?}");
        assert_eq!(at(3), 3, "seed {seed}: the query runs after all before it");
    }
}
