use serde_json::{Value, json};

use super::*;
use crate::salesforce::disposition::Disposition;

fn response(value: Value) -> CompositeResponse {
    serde_json::from_value(value).unwrap()
}

#[test]
fn the_failure_is_the_cause_not_the_rolled_back_rest() {
    let r = response(json!({"compositeResponse": [
        {"referenceId": "contact", "httpStatusCode": 400, "httpHeaders": {},
         "body": [{"errorCode": "PROCESSING_HALTED", "message": "The transaction was rolled back since another operation in the same transaction failed."}]},
        {"referenceId": "user", "httpStatusCode": 400, "httpHeaders": {},
         "body": [{"errorCode": "DUPLICATE_USERNAME", "message": "Duplicate Username", "fields": ["Username"]}]}
    ]}));
    let failure = r.failure().unwrap();
    assert_eq!(failure.code, "DUPLICATE_USERNAME");
    assert_eq!(failure.status, Some(400));
    assert_eq!(
        r.get("contact").unwrap().error().unwrap().code,
        "PROCESSING_HALTED"
    );
}

#[test]
fn subresponses_read_as_records_lookups_and_upserts() {
    let r = response(json!({"compositeResponse": [
        {"referenceId": "found", "httpStatusCode": 200, "body": {"attributes": {"type": "Contact"}, "Id": "003A"}},
        {"referenceId": "missing", "httpStatusCode": 404, "body": [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]},
        {"referenceId": "many", "httpStatusCode": 300, "body": ["/services/data/v68.0/sobjects/Contact/003A", "/services/data/v68.0/sobjects/Contact/003B"]},
        {"referenceId": "made", "httpStatusCode": 201, "body": {"id": "003C", "success": true, "errors": [], "created": true}},
        {"referenceId": "changed", "httpStatusCode": 200, "body": {"id": "003D", "success": true, "errors": [], "created": false}},
        {"referenceId": "rows", "httpStatusCode": 200, "body": {"totalSize": 1, "done": true, "records": [{"Id": "005A"}]}},
        {"referenceId": "odd", "httpStatusCode": 500, "body": "<html>oops</html>"}
    ]}));
    assert_eq!(
        r.get("found").unwrap().lookup().unwrap(),
        Lookup::Found(r.get("found").unwrap().record().unwrap())
    );
    assert_eq!(r.get("missing").unwrap().lookup().unwrap(), Lookup::Missing);
    assert_eq!(
        r.get("many").unwrap().lookup().unwrap(),
        Lookup::Ambiguous(vec!["003A".into(), "003B".into()])
    );
    assert_eq!(
        r.get("made").unwrap().upserted().unwrap(),
        Upserted::Created("003C".into())
    );
    assert_eq!(
        r.get("changed").unwrap().upserted().unwrap(),
        Upserted::Updated("003D".into())
    );
    assert_eq!(
        r.get("rows").unwrap().records().unwrap()[0].id(),
        Some("005A")
    );
    let odd = r.get("odd").unwrap().error().unwrap();
    assert_eq!(odd.code, UNRECOGNISED_ANSWER);
    assert_eq!(odd.disposition(), Disposition::Transient);
    assert!(r.get("missing").unwrap().record().is_err());
}
