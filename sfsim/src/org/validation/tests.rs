use serde_json::{Map, Value, json};

use super::{RecordRefusal, VALIDATION_FAILED};
use crate::org::Org;

fn body(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn contact_ids(org: &Org) -> Vec<String> {
    org.records_of("Contact").map(|r| r.id.clone()).collect()
}

fn rule(id: &str, remaining: Option<u32>) -> RecordRefusal {
    RecordRefusal {
        id: id.to_owned(),
        error_code: VALIDATION_FAILED.to_owned(),
        message: "Title is required for partners".to_owned(),
        fields: vec!["Title".to_owned()],
        remaining,
    }
}

#[test]
fn an_armed_rule_refuses_updates_of_its_record_alone_as_often_as_it_says() {
    let mut org = Org::default_org();
    let ids = contact_ids(&org);
    let (aimed, other) = (&ids[0], &ids[1]);
    // A 15-character id names the same record.
    org.refuse_updates(rule(&aimed[..15], Some(1)))
        .expect("armed");

    let refused = org
        .update("Contact", aimed, &body(json!({"Title": "Buyer"})))
        .expect_err("the rule refuses it");
    assert_eq!(refused.code(), VALIDATION_FAILED);
    assert_eq!(refused.errors[0].message, "Title is required for partners");
    org.update("Contact", other, &body(json!({"Title": "Buyer"})))
        .expect("another record is not aimed at");
    org.update("Contact", aimed, &body(json!({"Title": "Buyer"})))
        .expect("the rule refused once, as armed");
    assert!(org.record_refusals().is_empty());
}

#[test]
fn a_rule_without_a_count_refuses_until_cleared_and_a_bad_id_is_not_armed() {
    let mut org = Org::default_org();
    let id = contact_ids(&org)[0].clone();
    org.refuse_updates(rule(&id, None)).expect("armed");
    for _ in 0..3 {
        assert!(
            org.update("Contact", &id, &body(json!({"Title": "X"})))
                .is_err()
        );
    }
    org.clear_record_refusals();
    org.update("Contact", &id, &body(json!({"Title": "X"})))
        .expect("cleared");
    assert!(org.refuse_updates(rule("not-an-id", None)).is_err());
}
