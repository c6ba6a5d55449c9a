//! What a query answers: record shape, parent nesting, ordering, LIMIT/OFFSET and COUNT().

use serde_json::json;

use super::super::{execute_at, parse};
use super::org::{id, names, now, org, run};

#[test]
fn records_carry_attributes_and_canonical_field_names() {
    let result = run("select id, lastname, EMAIL from contact where lastname = 'Lovelace'");
    assert_eq!(result.total_size, 1);
    let ada = id("003", 1);
    assert_eq!(
        result.records[0],
        json!({
            "attributes": {"type": "Contact", "url": format!("/services/data/v68.0/sobjects/Contact/{ada}")},
            "Id": ada,
            "LastName": "Lovelace",
            "Email": "ada@example.com",
        })
    );
}

#[test]
fn the_url_carries_the_api_version_either_way_it_is_written() {
    let query = parse("SELECT Id FROM Account WHERE Name = 'Acme'").unwrap();
    let result = execute_at(&query, &org(), "v61.0", now()).unwrap();
    let url = result.records[0]["attributes"]["url"].as_str().unwrap();
    assert_eq!(
        url,
        format!("/services/data/v61.0/sobjects/Account/{}", id("001", 1))
    );
}

#[test]
fn null_field_values_are_answered_as_null() {
    let result = run("SELECT Email, Birthdate FROM Contact WHERE LastName = 'Turing'");
    assert_eq!(result.records[0]["Email"], json!(null));
    assert_eq!(result.records[0]["Birthdate"], json!(null));
}

#[test]
fn parent_fields_nest_under_relationship_names_two_levels_deep() {
    let result = run(
        "SELECT Id, Contact.Account.Name, Profile.Name, Profile.UserLicense.Name, contact.lastname \
         FROM User WHERE Username = 'ada@example.com.portal'",
    );
    let (contact, account, profile, licence) =
        (id("003", 1), id("001", 1), id("00e", 1), id("100", 1));
    assert_eq!(
        result.records[0],
        json!({
            "attributes": {"type": "User", "url": format!("/services/data/v68.0/sobjects/User/{}", id("005", 1))},
            "Id": id("005", 1),
            "Contact": {
                "attributes": {"type": "Contact", "url": format!("/services/data/v68.0/sobjects/Contact/{contact}")},
                "LastName": "Lovelace",
                "Account": {
                    "attributes": {"type": "Account", "url": format!("/services/data/v68.0/sobjects/Account/{account}")},
                    "Name": "Acme",
                },
            },
            "Profile": {
                "attributes": {"type": "Profile", "url": format!("/services/data/v68.0/sobjects/Profile/{profile}")},
                "Name": "Customer Community User",
                "UserLicense": {
                    "attributes": {"type": "UserLicense", "url": format!("/services/data/v68.0/sobjects/UserLicense/{licence}")},
                    "Name": "Customer Community",
                },
            },
        })
    );
}

#[test]
fn empty_references_answer_null_parents() {
    let result = run(
        "SELECT Id, Contact.Account.Name, Profile.UserLicense.Name FROM User WHERE Username = 'admin@example.com'",
    );
    let admin = &result.records[0];
    assert_eq!(admin["Contact"], json!(null));
    assert!(admin["Profile"].get("Name").is_none());
    assert_eq!(admin["Profile"]["UserLicense"], json!(null));
    assert!(admin["Profile"]["attributes"].is_object());
    let result = run("SELECT Account.Name FROM Contact WHERE LastName = 'Turing'");
    assert_eq!(result.records[0]["Account"], json!(null));
}

#[test]
fn without_order_by_records_come_in_creation_order() {
    assert_eq!(
        names(&run("SELECT Id FROM Contact")),
        ["ada", "grace", "alan", "obrien"]
    );
}

#[test]
fn order_by_text_ignores_case() {
    assert_eq!(
        names(&run("SELECT Id FROM Contact ORDER BY Email")),
        ["alan", "ada", "grace", "obrien"]
    );
    assert_eq!(
        names(&run("SELECT Id FROM Contact ORDER BY LastName DESC")),
        ["alan", "obrien", "ada", "grace"]
    );
}

#[test]
fn nulls_come_first_ascending_and_last_descending_unless_told() {
    assert_eq!(
        names(&run("SELECT Id FROM Contact ORDER BY Birthdate")),
        ["alan", "ada", "grace", "obrien"]
    );
    assert_eq!(
        names(&run("SELECT Id FROM Contact ORDER BY Birthdate DESC")),
        ["obrien", "grace", "ada", "alan"]
    );
    assert_eq!(
        names(&run(
            "SELECT Id FROM Contact ORDER BY Birthdate ASC NULLS LAST"
        )),
        ["ada", "grace", "obrien", "alan"]
    );
    assert_eq!(
        names(&run(
            "SELECT Id FROM Contact ORDER BY Birthdate DESC NULLS FIRST"
        )),
        ["alan", "obrien", "grace", "ada"]
    );
}

#[test]
fn order_by_datetimes_follows_instants() {
    // obrien's 2025-12-31T23:30-0100 is after alan's 2026-01-01T00:00Z.
    assert_eq!(
        names(&run("SELECT Id FROM Contact ORDER BY CreatedDate")),
        ["alan", "obrien", "ada", "grace"]
    );
}

#[test]
fn order_by_several_keys_and_parent_fields() {
    assert_eq!(
        names(&run(
            "SELECT Id FROM Contact ORDER BY Account.Name DESC, LastName"
        )),
        ["grace", "ada", "obrien", "alan"]
    );
    assert_eq!(
        names(&run(
            "SELECT Id FROM User ORDER BY Profile.UserLicense.Name NULLS LAST"
        )),
        ["ada-user", "grace-user", "admin-user"]
    );
    assert_eq!(
        names(&run(
            "SELECT Id FROM Account ORDER BY NumberOfEmployees DESC"
        )),
        ["acme", "globex"]
    );
    assert_eq!(
        names(&run("SELECT Id FROM User ORDER BY IsActive, Username")),
        ["grace-user", "ada-user", "admin-user"]
    );
}

#[test]
fn limit_and_offset_cut_the_ordered_result() {
    let query = "SELECT Id FROM Contact ORDER BY LastName";
    assert_eq!(names(&run(query)), ["grace", "ada", "obrien", "alan"]);
    assert_eq!(names(&run(&format!("{query} LIMIT 2"))), ["grace", "ada"]);
    assert_eq!(
        names(&run(&format!("{query} OFFSET 1"))),
        ["ada", "obrien", "alan"]
    );
    assert_eq!(
        names(&run(&format!("{query} LIMIT 2 OFFSET 1"))),
        ["ada", "obrien"]
    );
    assert_eq!(run(&format!("{query} LIMIT 2 OFFSET 1")).total_size, 2);
    assert_eq!(run(&format!("{query} OFFSET 10")).total_size, 0);
    assert!(run(&format!("{query} LIMIT 0")).records.is_empty());
}

#[test]
fn count_answers_a_total_and_no_records() {
    let result = run("SELECT COUNT() FROM Contact");
    assert_eq!(result.total_size, 4);
    assert!(result.records.is_empty());
    assert_eq!(
        run("SELECT count() FROM Contact WHERE Account.Name = 'Acme'").total_size,
        2
    );
    assert_eq!(run("SELECT COUNT() FROM Contact LIMIT 3").total_size, 3);
    assert_eq!(
        run("SELECT COUNT() FROM Contact WHERE LastName = 'Nobody'").total_size,
        0
    );
}

#[test]
fn total_size_counts_every_returned_record() {
    let result = run("SELECT Id FROM User WHERE IsActive = true");
    assert_eq!(result.total_size, 2);
    assert_eq!(result.records.len(), 2);
}
