//! Queries against the real org, whose indexes narrow what a query reads: the same answers
//! before a field is indexed (every record scanned) and after (its keys looked up).

use serde_json::{Map, Value, json};

use super::super::{DataSource, QueryResult, execute_at, parse, probed_field};
use super::org::now;
use crate::ids;
use crate::org::Org;

fn body(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

/// An org with 30 Contacts, `Person 0` … `Person 29`, e-mail `p{i}@Example.com`.
fn org_with_contacts() -> (Org, Vec<String>) {
    let mut org = Org::default_org();
    let ids = (0..30)
        .map(|i| {
            let contact =
                json!({"LastName": format!("Person {i}"), "Email": format!("p{i}@Example.com")});
            org.create("Contact", &body(contact)).unwrap()
        })
        .collect();
    (org, ids)
}

fn run(org: &Org, text: &str) -> QueryResult {
    let query = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    execute_at(&query, org as &dyn DataSource, "68.0", now()).unwrap_or_else(|e| panic!("{e}"))
}

fn names(result: &QueryResult) -> Vec<String> {
    result
        .records
        .iter()
        .map(|r| r["LastName"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn indexed_and_scanned_queries_answer_alike() {
    let (mut org, ids) = org_with_contacts();
    let id15 = |i: usize| ids::to15(&ids[i]).unwrap().to_owned();
    let queries = [
        "SELECT LastName FROM Contact WHERE Email = 'P7@example.COM'".to_owned(),
        "SELECT LastName FROM Contact WHERE Email IN ('p12@example.com', 'P3@EXAMPLE.COM', 'nobody@example.com')".to_owned(),
        format!("SELECT LastName FROM Contact WHERE Id = '{}'", id15(5)),
        format!("SELECT LastName FROM Contact WHERE Id IN ('{}', '{}')", id15(9), ids[2]),
        "SELECT LastName FROM Contact WHERE Email = 'p1@example.com' AND LastName = 'Person 2'".to_owned(),
        "SELECT LastName FROM Contact WHERE LastName = 'PERSON 4' AND Email != null".to_owned(),
        "SELECT LastName FROM Contact WHERE LastName = 'Person 4' OR Email = 'p6@example.com'".to_owned(),
        "SELECT LastName FROM Contact WHERE Email NOT IN ('p1@example.com') AND LastName LIKE 'Person 2%'".to_owned(),
    ];
    let scanned: Vec<Vec<String>> = queries.iter().map(|q| names(&run(&org, q))).collect();
    for text in &queries {
        let query = parse(text).unwrap();
        if let Some((object, field)) = probed_field(&query, &org) {
            org.index(&object, &field);
        }
    }
    let indexed: Vec<Vec<String>> = queries.iter().map(|q| names(&run(&org, q))).collect();
    assert_eq!(indexed, scanned);
    assert_eq!(scanned[0], ["Person 7"]);
    assert_eq!(
        scanned[1],
        ["Person 3", "Person 12"],
        "creation order, not list order"
    );
    assert_eq!(scanned[2], ["Person 5"]);
    assert_eq!(scanned[3], ["Person 2", "Person 9"]);
    assert!(scanned[4].is_empty());
    assert_eq!(scanned[5], ["Person 4"]);
    assert_eq!(scanned[6], ["Person 4", "Person 6"]);
    assert_eq!(scanned[7].len(), 11);
}

#[test]
fn a_query_by_an_indexed_field_reads_only_its_keys() {
    let (mut org, _) = org_with_contacts();
    let query = parse("SELECT Id FROM Contact WHERE Email = 'p7@example.com'").unwrap();
    assert_eq!(
        probed_field(&query, &org),
        Some(("Contact".to_owned(), "Email".to_owned()))
    );
    assert!(
        org.candidates("Contact", "Email", &["p7@example.com"])
            .is_none()
    );
    org.index("Contact", "Email");
    let found = org
        .candidates("Contact", "Email", &["P7@EXAMPLE.com", "p8@example.com"])
        .unwrap();
    assert_eq!(found.len(), 2);
    let through_parent = parse("SELECT Id FROM Contact WHERE Account.Name = 'Acme'").unwrap();
    assert_eq!(probed_field(&through_parent, &org), None);
}

#[test]
fn an_indexed_field_follows_its_records_changes() {
    let (mut org, ids) = org_with_contacts();
    org.index("Contact", "Email");
    org.update(
        "Contact",
        &ids[3],
        &body(json!({"Email": "moved@example.com"})),
    )
    .unwrap();
    let old = "SELECT LastName FROM Contact WHERE Email = 'p3@example.com'";
    let new = "SELECT LastName FROM Contact WHERE Email = 'MOVED@example.com'";
    assert!(names(&run(&org, old)).is_empty());
    assert_eq!(names(&run(&org, new)), ["Person 3"]);
    org.delete("Contact", &ids[3]).unwrap();
    assert!(names(&run(&org, new)).is_empty());
}

#[test]
fn text_is_matched_ignoring_case_beyond_ascii() {
    let mut org = Org::default_org();
    org.create("Contact", &body(json!({"LastName": "Élodie"})))
        .unwrap();
    org.index("Contact", "LastName");
    let found = run(
        &org,
        "SELECT LastName FROM Contact WHERE LastName = 'éLODIE'",
    );
    assert_eq!(names(&found), ["Élodie"]);
}
