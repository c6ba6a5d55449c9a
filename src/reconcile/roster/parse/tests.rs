use serde_json::json;

use super::{RosterFormat, parse};

fn keys(roster: &super::Roster) -> Vec<&str> {
    roster.people.iter().map(|p| p.subject.as_str()).collect()
}

#[test]
fn a_csv_of_keys_alone_lists_people_without_fields() {
    let roster = parse(b"subject\nhr:1\nhr:2\n", RosterFormat::Csv).expect("reads");
    assert_eq!(keys(&roster), ["hr:1", "hr:2"]);
    assert!(roster.people.iter().all(|p| p.fields.is_none()));
}

#[test]
fn csv_columns_become_fields_and_dots_nest_them() {
    let body =
        b"subject,partner_id,user.email,user.first_name\nhr:1,P-100,ada@example.com,Ada\nhr:2,,,\n";
    let roster = parse(body, RosterFormat::Csv).expect("reads");
    assert_eq!(
        roster.people[0].fields,
        json!({"partner_id": "P-100", "user": {"email": "ada@example.com", "first_name": "Ada"}})
            .as_object()
            .cloned()
    );
    assert_eq!(roster.people[1].fields, None, "empty cells are left out");
}

#[test]
fn a_csv_without_a_subject_column_is_refused_at_its_header() {
    let error = parse(b"id,email\n1,a@b.c\n", RosterFormat::Csv).unwrap_err();
    assert_eq!(error.at, "line 1");
    assert!(error.message.contains("'subject'"), "{error}");
}

#[test]
fn a_short_csv_line_is_refused_by_its_number() {
    let error = parse(b"subject,email\nhr:1,a@b.c\nhr:2\n", RosterFormat::Csv).unwrap_err();
    assert_eq!(error.at, "line 3");
    assert!(error.message.contains("1 field(s)"), "{error}");
}

#[test]
fn an_empty_key_and_a_person_listed_twice_are_refused_where_they_are() {
    let error = parse(b"subject,email\n,a@b.c\n", RosterFormat::Csv).unwrap_err();
    assert_eq!(error.at, "line 2, column subject");
    let error = parse(b"subject\nhr:1\nhr:2\nhr:1\n", RosterFormat::Csv).unwrap_err();
    assert_eq!(error.at, "line 4");
    assert!(error.message.contains("first at line 2"), "{error}");
}

#[test]
fn a_json_roster_takes_keys_and_entries_with_fields() {
    let body =
        json!({"people": ["hr:1", {"subject": "hr:2", "fields": {"email": "b@example.com"}}]});
    let roster = parse(body.to_string().as_bytes(), RosterFormat::Json).expect("reads");
    assert_eq!(keys(&roster), ["hr:1", "hr:2"]);
    assert_eq!(
        roster.people[1].fields,
        json!({"email": "b@example.com"}).as_object().cloned()
    );
    let bare = parse(br#"["hr:3"]"#, RosterFormat::Json).expect("a bare array reads");
    assert_eq!(keys(&bare), ["hr:3"]);
}

#[test]
fn bad_json_names_the_line_or_the_entry() {
    let error = parse(b"{\"people\": [\n\"hr:1\",\n}", RosterFormat::Json).unwrap_err();
    assert!(error.at.starts_with("line 3"), "{error}");
    let error = parse(
        br#"{"people": ["hr:1", {"fields": {}}]}"#,
        RosterFormat::Json,
    )
    .unwrap_err();
    assert_eq!(error.at, "people[1].subject");
    let error = parse(
        br#"{"people": [{"subject": "hr:1", "email": "x"}]}"#,
        RosterFormat::Json,
    )
    .unwrap_err();
    assert_eq!(error.at, "people[0].email");
    let error = parse(br#"{"staff": []}"#, RosterFormat::Json).unwrap_err();
    assert_eq!(error.at, "people");
}

#[test]
fn formats_come_from_the_content_type_or_the_file_name() {
    assert_eq!(
        RosterFormat::from_content_type("text/csv; charset=utf-8"),
        Some(RosterFormat::Csv)
    );
    assert_eq!(
        RosterFormat::from_content_type("application/json"),
        Some(RosterFormat::Json)
    );
    assert_eq!(RosterFormat::from_content_type("text/plain"), None);
    assert_eq!(
        RosterFormat::from_path(std::path::Path::new("/r/people.CSV")),
        RosterFormat::Csv
    );
}
