//! sObject Collections' retrieve: several records of one type by id in one call, with `GET`
//! (ids in the URL) or `POST` (ids in the body), `null` for ids that name no record.

use serde_json::json;

use crate::org_client::start;

#[tokio::test]
async fn post_answers_the_asked_fields_of_each_id_in_order_and_null_for_the_rest() {
    let sim = start().await;
    let first = sim.contact("C-200", "Many1").await;
    let second = sim.contact("P-100", "Many2").await;
    let account = sim.id_where("Account", "Gatehouse_Key__c", "C-200");
    let body = json!({
        "ids": [second, "0035g00000ZZZZZAA5", first, account, "nonsense"],
        "fields": ["id", "lastname"],
    });
    let answer = sim.post("/composite/sobjects/Contact", body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body,
        json!([
            {"attributes": {"type": "Contact", "url": format!("/services/data/v68.0/sobjects/Contact/{second}")},
             "Id": second, "LastName": "Many2"},
            null,
            {"attributes": {"type": "Contact", "url": format!("/services/data/v68.0/sobjects/Contact/{first}")},
             "Id": first, "LastName": "Many1"},
            null,
            null,
        ])
    );
}

#[tokio::test]
async fn get_takes_ids_and_fields_from_the_query_string() {
    let sim = start().await;
    let contact = sim.contact("C-200", "ByGet").await;
    let short: String = contact.chars().take(15).collect();
    let answer = sim
        .get(&format!(
            "/composite/sobjects/Contact?ids={short}&fields=LastName,AccountId"
        ))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let account = sim.id_where("Account", "Gatehouse_Key__c", "C-200");
    assert_eq!(answer.body[0]["LastName"], json!("ByGet"));
    assert_eq!(answer.body[0]["AccountId"], json!(account));
    assert!(answer.body[0].get("Email").is_none(), "{}", answer.body);
}

#[tokio::test]
async fn unknown_fields_and_missing_lists_refuse_the_whole_call() {
    let sim = start().await;
    let contact = sim.contact("C-200", "Refused").await;
    let unknown = sim
        .post(
            "/composite/sobjects/Contact",
            json!({"ids": [contact], "fields": ["Id", "Nope__c"]}),
        )
        .await;
    unknown.assert_error(400, "INVALID_FIELD", &[]);
    assert!(
        unknown
            .message()
            .contains("No such column 'Nope__c' on entity 'Contact'")
    );
    sim.post("/composite/sobjects/Contact", json!({"ids": [contact]}))
        .await
        .assert_error(400, "MISSING_ARGUMENT", &[]);
    sim.get("/composite/sobjects/Contact?fields=Id")
        .await
        .assert_error(400, "MISSING_ARGUMENT", &[]);
    let too_many: Vec<String> = (0..2001).map(|_| contact.clone()).collect();
    sim.post(
        "/composite/sobjects/Contact",
        json!({"ids": too_many, "fields": ["Id"]}),
    )
    .await
    .assert_error(400, "EXCEEDED_ID_LIMIT", &[]);
    sim.patch("/composite/sobjects/Contact", json!({}))
        .await
        .assert_error(405, "METHOD_NOT_ALLOWED", &[]);
}
