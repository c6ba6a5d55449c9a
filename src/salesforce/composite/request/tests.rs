use serde_json::{Map, Value, json};

use super::*;
use crate::salesforce::composite::Reference;

fn fields(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

#[test]
fn urls_encode_values_and_keep_references_verbatim() {
    let mut request = CompositeRequest::new(false);
    request
        .get_by_external_id(
            "contact",
            "Contact",
            "Gatehouse_Key__c",
            "portal/47 11",
            &["Id"],
        )
        .update(
            "renamed",
            "Contact",
            Reference::new("contact", "Id"),
            fields(json!({"LastName": "X"})),
        )
        .query(
            "user",
            &format!(
                "SELECT Id FROM User WHERE ContactId = '{}'",
                Reference::new("contact", "Id").as_str()
            ),
        );
    let body = request.body("/services/data/v68.0");
    let subs = body["compositeRequest"].as_array().unwrap();
    assert_eq!(
        subs[0]["url"],
        "/services/data/v68.0/sobjects/Contact/Gatehouse_Key__c/portal%2F47%2011?fields=Id"
    );
    assert_eq!(
        subs[1]["url"],
        "/services/data/v68.0/sobjects/Contact/@{contact.Id}"
    );
    assert_eq!(subs[1]["method"], "PATCH");
    assert_eq!(subs[1]["body"], json!({"LastName": "X"}));
    assert_eq!(
        subs[2]["url"],
        "/services/data/v68.0/query?q=SELECT%20Id%20FROM%20User%20WHERE%20ContactId%20%3D%20'@{contact.Id}'"
    );
    assert_eq!(body["allOrNone"], false);
    assert!(subs[0].get("body").is_none());
    assert!(request.check().is_ok());
}

#[test]
fn query_text_cannot_add_parameters_or_a_fragment() {
    let mut request = CompositeRequest::new(false);
    request.query(
        "q",
        "SELECT Id FROM Contact WHERE LastName = 'a&b=c#d+e%f?'",
    );
    let url = request.body("")["compositeRequest"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let query = url.strip_prefix("/query?q=").unwrap();
    assert!(!query.contains(['&', '#', '+', '?', ' ']), "{query}");
    let decoded = percent_encoding::percent_decode_str(query)
        .decode_utf8()
        .unwrap();
    assert_eq!(
        decoded,
        "SELECT Id FROM Contact WHERE LastName = 'a&b=c#d+e%f?'"
    );
}

#[test]
fn twenty_six_subrequests_are_refused_before_sending() {
    let mut request = CompositeRequest::new(false);
    for i in 0..MAX_SUBREQUESTS {
        request.get(&format!("r{i}"), "Contact", format!("003{i}"), &[]);
    }
    assert!(request.check().is_ok());
    request.get("extra", "Contact", "003x", &[]);
    let err = request.check().unwrap_err();
    assert!(err.contains("26 subrequests"), "{err}");
}

#[test]
fn a_sixth_query_is_refused_but_reads_by_external_id_do_not_count() {
    let mut request = CompositeRequest::new(false);
    for i in 0..5 {
        request.query(&format!("q{i}"), "SELECT Id FROM Account");
    }
    for i in 0..20 {
        request.get_by_external_id(&format!("k{i}"), "Contact", "Gatehouse_Key__c", "x", &[]);
    }
    assert!(request.check().is_ok(), "{:?}", request.check());
    let mut six = CompositeRequest::new(false);
    for i in 0..6 {
        six.query(&format!("q{i}"), "SELECT Id FROM Account");
    }
    assert!(six.check().unwrap_err().contains("6 queries"));
}

#[test]
fn reference_ids_and_references_are_checked() {
    assert!(CompositeRequest::new(true).check().is_err(), "empty");
    let mut twice = CompositeRequest::new(true);
    twice
        .get("a", "Contact", "003", &[])
        .get("a", "Contact", "003", &[]);
    assert!(twice.check().unwrap_err().contains("twice"));
    let mut bad_id = CompositeRequest::new(true);
    bad_id.get("1st", "Contact", "003", &[]);
    assert!(bad_id.check().is_err());
    let mut forward = CompositeRequest::new(true);
    forward
        .update("u", "Contact", Reference::id_of("later"), Map::new())
        .create("later", "Contact", Map::new());
    assert!(forward.check().unwrap_err().contains("later"));
    let mut in_body = CompositeRequest::new(true);
    in_body.create("contact", "Contact", Map::new()).create(
        "user",
        "User",
        fields(json!({"ContactId": Value::from(Reference::id_of("contact"))})),
    );
    assert!(in_body.check().is_ok());
    let mut unknown_in_body = CompositeRequest::new(true);
    unknown_in_body.create("user", "User", fields(json!({"LastName": "@{nobody.id}"})));
    assert!(unknown_in_body.check().is_err());
}

/// From API 49.0 Salesforce collates unrelated subrequests unless told not to, and then runs
/// them in any order; every composite Gatehouse sends says not to, whatever `allOrNone` is.
#[test]
fn every_composite_turns_collation_off() {
    for all_or_none in [false, true] {
        let mut request = CompositeRequest::new(all_or_none);
        request
            .update(
                "contact",
                "Contact",
                "003000000000001AAA",
                fields(json!({"LastName": "A"})),
            )
            .update(
                "user",
                "User",
                "005000000000001AAA",
                fields(json!({"IsActive": true})),
            );
        let body = request.body("/services/data/v68.0");
        assert_eq!(body["collateSubrequests"], json!(false), "{body}");
    }
}
