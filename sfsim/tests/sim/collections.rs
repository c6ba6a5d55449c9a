//! sObject Collections: per-record SaveResults with `statusCode`, all-or-none, the 200-record
//! limit, and upsert by external id.

use serde_json::{Value, json};

use crate::org_client::start;

#[tokio::test]
async fn create_answers_one_result_per_record_in_order() {
    let sim = start().await;
    let body = json!({"records": [
        {"attributes": {"type": "Account"}, "Name": "One"},
        {"attributes": {"type": "Contact"}, "FirstName": "Missing last name"},
        {"attributes": {"type": "Account"}, "Name": "Three"},
        {"Name": "No type"},
    ]});
    let answer = sim.post("/composite/sobjects", body).await;
    assert_eq!(answer.status, 200);
    let results = answer.body.as_array().expect("results");
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["success"], json!(true));
    assert!(
        results[0]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("001"))
    );
    assert_eq!(results[1]["success"], json!(false));
    assert!(results[1].get("id").is_none());
    assert_eq!(
        results[1]["errors"],
        json!([{"statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [LastName]", "fields": ["LastName"]}])
    );
    assert_eq!(results[2]["success"], json!(true));
    assert_eq!(results[3]["errors"][0]["statusCode"], json!("INVALID_TYPE"));
    assert_eq!(
        results[3]["errors"][0]["message"],
        json!("Must send a concrete entity type.")
    );
}

#[tokio::test]
async fn all_or_none_rolls_back_every_record_when_one_fails() {
    let sim = start().await;
    let before = sim.org().records_of("Account").count();
    let body = json!({"allOrNone": true, "records": [
        {"attributes": {"type": "Account"}, "Name": "Rolled"},
        {"attributes": {"type": "Account"}, "Website": "no name"},
    ]});
    let answer = sim.post("/composite/sobjects", body).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body[0]["success"], json!(false));
    assert_eq!(
        answer.body[0]["errors"][0]["statusCode"],
        json!("ALL_OR_NONE_OPERATION_ROLLED_BACK")
    );
    assert_eq!(
        answer.body[1]["errors"][0]["statusCode"],
        json!("REQUIRED_FIELD_MISSING")
    );
    assert_eq!(sim.org().records_of("Account").count(), before);
}

#[tokio::test]
async fn more_than_200_records_are_refused() {
    let sim = start().await;
    let records: Vec<Value> = (0..201)
        .map(|n| json!({"attributes": {"type": "Account"}, "Name": format!("A{n}")}))
        .collect();
    let answer = sim
        .post("/composite/sobjects", json!({"records": records}))
        .await;
    answer.assert_error(400, "EXCEEDED_ID_LIMIT", &[]);
}

#[tokio::test]
async fn update_changes_records_by_id_and_names_the_missing_id() {
    let sim = start().await;
    let a = sim.contact("C-200", "Upd1").await;
    let body = json!({"records": [
        {"attributes": {"type": "Contact"}, "Id": a, "Title": "Changed"},
        {"attributes": {"type": "Contact"}, "Title": "No id"},
        {"attributes": {"type": "Contact"}, "Id": "0035g00000ZZZZZAA5", "Title": "Gone"},
    ]});
    let answer = sim.patch("/composite/sobjects", body).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body[0],
        json!({"id": a, "success": true, "errors": []})
    );
    assert_eq!(
        answer.body[1]["errors"][0]["statusCode"],
        json!("MISSING_ARGUMENT")
    );
    assert_eq!(
        answer.body[1]["errors"][0]["message"],
        json!("Id not specified in an update call")
    );
    assert_eq!(
        answer.body[2]["errors"][0]["statusCode"],
        json!("INVALID_CROSS_REFERENCE_KEY")
    );
    assert_eq!(sim.field(&a, "Title"), json!("Changed"));
}

#[tokio::test]
async fn delete_takes_ids_from_the_query_string() {
    let sim = start().await;
    let a = sim.contact("C-200", "Del1").await;
    let answer = sim
        .delete(&format!("/composite/sobjects?ids={a},nonsense"))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body[0],
        json!({"id": a, "success": true, "errors": []})
    );
    assert_eq!(
        answer.body[1]["errors"][0]["statusCode"],
        json!("MALFORMED_ID")
    );
    assert!(sim.org().record(&a).is_none());
}

#[tokio::test]
async fn upsert_by_external_id_reports_created_per_record() {
    let sim = start().await;
    let account = sim.id_where("Account", "Gatehouse_Key__c", "C-200");
    let existing = sim.contact("C-200", "Keyed").await;
    sim.patch(
        &format!("/sobjects/Contact/{existing}"),
        json!({"Gatehouse_Key__c": "U-1"}),
    )
    .await;
    let body = json!({"allOrNone": false, "records": [
        {"attributes": {"type": "Contact"}, "Gatehouse_Key__c": "U-1", "Title": "Updated"},
        {"attributes": {"type": "Contact"}, "Gatehouse_Key__c": "U-2", "LastName": "New", "AccountId": account},
        {"attributes": {"type": "Contact"}, "LastName": "Keyless"},
    ]});
    let answer = sim
        .patch("/composite/sobjects/Contact/Gatehouse_Key__c", body)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body[0],
        json!({"id": existing, "success": true, "errors": [], "created": false})
    );
    assert_eq!(answer.body[1]["created"], json!(true));
    assert_eq!(answer.body[2]["success"], json!(false));
    assert_eq!(sim.field(&existing, "Title"), json!("Updated"));

    let unknown = sim
        .patch(
            "/composite/sobjects/Contact/Nope__c",
            json!({"records": []}),
        )
        .await;
    unknown.assert_error(404, "NOT_FOUND", &[]);
}

#[tokio::test]
async fn upsert_with_a_shared_key_fails_that_record_with_duplicate_external_id() {
    let sim = start().await;
    for name in ["Same1", "Same2"] {
        let id = sim.contact("C-200", name).await;
        sim.patch(
            &format!("/sobjects/Contact/{id}"),
            json!({"Gatehouse_Key__c": "SAME"}),
        )
        .await;
    }
    let body = json!({"records": [{"attributes": {"type": "Contact"}, "Gatehouse_Key__c": "SAME", "Title": "x"}]});
    let answer = sim
        .patch("/composite/sobjects/Contact/Gatehouse_Key__c", body)
        .await;
    assert_eq!(
        answer.body[0]["errors"][0]["statusCode"],
        json!("DUPLICATE_EXTERNAL_ID")
    );
}

#[tokio::test]
async fn update_finds_the_id_under_any_spelling_of_its_name() {
    // jsforce's multi-record update sends `{"id": …, "attributes": …}`; field names are
    // case-insensitive in Salesforce, so that is the record's Id.
    let sim = start().await;
    let a = sim.contact("C-200", "Lower1").await;
    let b = sim.contact("C-200", "Upper1").await;
    let body = json!({"allOrNone": false, "records": [
        {"id": a, "attributes": {"type": "Contact"}, "Title": "By id"},
        {"ID": b, "attributes": {"type": "Contact"}, "Title": "By ID"},
    ]});
    let answer = sim.patch("/composite/sobjects", body).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body,
        json!([
            {"id": a, "success": true, "errors": []},
            {"id": b, "success": true, "errors": []},
        ])
    );
    assert_eq!(sim.field(&a, "Title"), json!("By id"));
    assert_eq!(sim.field(&b, "Title"), json!("By ID"));
}
