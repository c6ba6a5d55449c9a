//! Many records per call: composite requests with references, sObject Collections, and query
//! results long enough to need `nextRecordsUrl`.

use gatehouse::salesforce::soql::quote;
use gatehouse::salesforce::{CallError, CallMeter, CompositeRequest, Lookup, NewRecord, Reference};
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn a_composite_reads_and_writes_through_references_in_one_call() {
    let org = start_org().await;
    let client = client(&org);
    let mut request = CompositeRequest::new(false);
    request
        .get_by_external_id("account", "Account", KEY, "C-200", &["Id"])
        .create(
            "contact",
            "Contact",
            fields(json!({
                "LastName": "Referenced",
                "AccountId": Value::from(Reference::new("account", "Id")),
                KEY: "composite:1"
            })),
        )
        .query(
            "users",
            &format!(
                "SELECT Id FROM User WHERE ContactId = '{}'",
                Reference::id_of("contact").as_str()
            ),
        );
    let meter = CallMeter::new();
    let response = client.metered(&meter).composite(&request).await.unwrap();
    assert_eq!(meter.calls(), 1, "a composite is one call");
    assert!(response.failure().is_none(), "{:?}", response.failure());
    let account_id = match response.get("account").unwrap().lookup().unwrap() {
        Lookup::Found(account) => account.id().unwrap().to_owned(),
        other => panic!("{other:?}"),
    };
    let contact_id = response.get("contact").unwrap().id().unwrap();
    assert!(response.get("users").unwrap().records().unwrap().is_empty());
    let contact = client
        .get_record("Contact", &contact_id, &["AccountId"])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.text("AccountId"), Some(account_id.as_str()));
}

#[tokio::test]
async fn all_or_none_rolls_back_and_names_the_cause() {
    let org = start_org().await;
    let client = client(&org);
    let mut request = CompositeRequest::new(true);
    request
        .create(
            "good",
            "Contact",
            fields(json!({"LastName": "Rolled Back", KEY: "rollback:1"})),
        )
        .create(
            "bad",
            "Contact",
            fields(json!({"FirstName": "No Last Name"})),
        );
    let response = client.composite(&request).await.unwrap();
    let cause = response.failure().expect("a failure");
    assert_eq!(cause.code, "REQUIRED_FIELD_MISSING");
    assert_eq!(
        response.get("good").unwrap().error().unwrap().code,
        "PROCESSING_HALTED"
    );
    assert_eq!(
        client
            .get_by_external_id("Contact", KEY, "rollback:1", &[])
            .await
            .unwrap(),
        Lookup::Missing
    );
}

#[tokio::test]
async fn an_oversized_composite_is_refused_without_a_call() {
    let org = start_org().await;
    let client = client(&org);
    let mut request = CompositeRequest::new(false);
    for i in 0..6 {
        request.query(&format!("q{i}"), "SELECT Id FROM Account");
    }
    let err = client.composite(&request).await.unwrap_err();
    assert!(matches!(err, CallError::OverLimit(_)), "{err}");
    assert_eq!(client.calls_sent(), 0);
    assert_eq!(counted(&org).await.data_calls, 0);
}

#[tokio::test]
async fn collections_create_in_batches_and_a_long_query_follows_next_records_url() {
    let org = start_org().await;
    let client = client(&org);
    let meter = CallMeter::new();
    let metered = client.metered(&meter);
    let marker = "Batch Person";
    let records: Vec<NewRecord> = (0..2_100)
        .map(|i| NewRecord {
            sobject: "Contact".into(),
            fields: fields(json!({"LastName": marker, KEY: format!("batch:{i}")})),
        })
        .collect();
    for chunk in records.chunks(200) {
        let results = metered.collections_create(false, chunk).await.unwrap();
        assert!(results.iter().all(|r| r.success && r.id.is_some()));
    }
    assert_eq!(meter.calls(), 11, "2,100 records in 11 calls");

    let soql = format!("SELECT Id FROM Contact WHERE LastName = {}", quote(marker));
    let before = meter.calls();
    let result = metered.query(&soql).await.unwrap();
    assert_eq!(result.records.len(), 2_100);
    assert_eq!(result.total_size, 2_100);
    assert_eq!(meter.calls() - before, 2, "two batches, two calls");
    assert_eq!(counted(&org).await.data_calls, u64::from(meter.calls()));
}

#[tokio::test]
async fn one_bad_record_in_a_collection_fails_alone() {
    let org = start_org().await;
    let client = client(&org);
    let records = vec![
        NewRecord {
            sobject: "Contact".into(),
            fields: fields(json!({"LastName": "Fine"})),
        },
        NewRecord {
            sobject: "Contact".into(),
            fields: fields(json!({"FirstName": "Nameless"})),
        },
    ];
    let results = client.collections_create(false, &records).await.unwrap();
    assert!(results[0].success);
    assert!(!results[1].success);
    let error = results[1].error().unwrap();
    assert_eq!(error.code, "REQUIRED_FIELD_MISSING");
    assert_eq!(error.status, None);
}

#[tokio::test]
async fn collection_upsert_reports_created_and_updated() {
    let org = start_org().await;
    let client = client(&org);
    let rows = vec![fields(json!({KEY: "cu:1", "LastName": "A"}))];
    let first = client
        .collections_upsert("Contact", KEY, false, &rows)
        .await
        .unwrap();
    assert_eq!(first[0].created, Some(true));
    let second = client
        .collections_upsert("Contact", KEY, false, &rows)
        .await
        .unwrap();
    assert_eq!(second[0].created, Some(false));
    assert_eq!(first[0].id, second[0].id);
}
