use serde_json::{Map, Value, json};

use super::RecordStore;
use crate::record::Record;

fn user(id: &str, username: &str, contact: Option<&str>) -> Record {
    let mut fields = Map::new();
    fields.insert("Id".into(), json!(id));
    fields.insert("Username".into(), json!(username));
    fields.insert(
        "ContactId".into(),
        contact.map_or(Value::Null, |c| json!(c)),
    );
    Record {
        object: "User".into(),
        id: id.into(),
        fields,
    }
}

fn ids(store: &RecordStore, field: &str, value: Value) -> Vec<String> {
    store
        .find("User", field, &value)
        .map(|r| r.id.clone())
        .collect()
}

#[test]
fn an_indexed_field_is_found_ignoring_case_oldest_first() {
    let mut store = RecordStore::default();
    store.insert(user("005000000000002AAA", "Kim@Example.com", None));
    store.insert(user("005000000000001AAA", "kim@example.com", None));
    assert_eq!(
        ids(&store, "Username", json!("KIM@EXAMPLE.COM")),
        ["005000000000002AAA", "005000000000001AAA"]
    );
    assert!(ids(&store, "Username", json!("nobody@example.com")).is_empty());
    assert!(ids(&store, "ContactId", Value::Null).is_empty());
}

#[test]
fn a_change_in_place_moves_the_record_in_the_index() {
    let mut store = RecordStore::default();
    store.insert(user(
        "005000000000001AAA",
        "old@example.com",
        Some("003000000000001AAA"),
    ));
    if let Some(mut record) = store.get_mut("005000000000001AAA") {
        record
            .fields
            .insert("Username".into(), json!("new@example.com"));
        record.fields.insert("ContactId".into(), Value::Null);
    }
    assert!(ids(&store, "Username", json!("old@example.com")).is_empty());
    assert_eq!(
        ids(&store, "Username", json!("new@example.com")),
        ["005000000000001AAA"]
    );
    assert!(ids(&store, "ContactId", json!("003000000000001AAA")).is_empty());
}

#[test]
fn a_removed_record_leaves_the_index_and_a_new_index_sees_existing_records() {
    let mut store = RecordStore::default();
    store.insert(user("005000000000001AAA", "a@example.com", None));
    store.insert(user("005000000000002AAA", "b@example.com", None));
    store.remove("005000000000001AAA");
    assert!(ids(&store, "Username", json!("a@example.com")).is_empty());
    // Not indexed yet: found by scanning, and the same once indexed.
    let mut alias = store.get_mut("005000000000002AAA").expect("record");
    alias.fields.insert("Alias".into(), json!("bee"));
    drop(alias);
    assert_eq!(ids(&store, "Alias", json!("BEE")), ["005000000000002AAA"]);
    store.ensure_index("User", "Alias");
    assert_eq!(ids(&store, "Alias", json!("BEE")), ["005000000000002AAA"]);
}
