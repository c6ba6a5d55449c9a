//! One record at a time: reads, writes, upserts (201 / 200 / 300), percent-encoded keys and the
//! password reset, against the simulated org's default data.

use gatehouse::salesforce::soql::quote;
use gatehouse::salesforce::{CallMeter, Disposition, Lookup, Upserted};
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn an_account_is_found_by_its_key_and_a_missing_key_is_missing() {
    let org = start_org().await;
    let client = client(&org);
    let Lookup::Found(account) = client
        .get_by_external_id("Account", KEY, "P-100", &["Id", "Name"])
        .await
        .unwrap()
    else {
        panic!("P-100 is in the default org");
    };
    assert_eq!(account.text("Name"), Some("Northwind Partners"));
    let id = account.id().unwrap().to_owned();
    assert!(id.starts_with("001"));
    let by_id = client.get_record("Account", &id, &["Name"]).await.unwrap();
    assert_eq!(by_id.unwrap().text("Name"), Some("Northwind Partners"));
    assert_eq!(
        client
            .get_by_external_id("Account", KEY, "NO-SUCH", &[])
            .await
            .unwrap(),
        Lookup::Missing
    );
    assert_eq!(
        client
            .get_record("Account", "001000000000000AAA", &[])
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn a_contact_is_created_then_updated() {
    let org = start_org().await;
    let client = client(&org);
    let id = client
        .create(
            "Contact",
            &fields(json!({"LastName": "Doe", "FirstName": "Jo"})),
        )
        .await
        .unwrap();
    assert!(id.starts_with("003"), "{id}");
    client
        .update("Contact", &id, &fields(json!({"LastName": "Roe"})))
        .await
        .unwrap();
    let contact = client
        .get_record("Contact", &id, &["LastName", "FirstName"])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.text("LastName"), Some("Roe"));
    assert_eq!(contact.text("FirstName"), Some("Jo"));
}

#[tokio::test]
async fn a_refused_create_is_permanent_with_salesforce_words() {
    let org = start_org().await;
    let client = client(&org);
    let err = client
        .create("Contact", &fields(json!({"FirstName": "No Last Name"})))
        .await
        .unwrap_err();
    assert_eq!(err.disposition(), Disposition::Permanent);
    let refused = err.salesforce().unwrap();
    assert_eq!(refused.code, "REQUIRED_FIELD_MISSING");
    assert_eq!(refused.fields, ["LastName"]);
}

#[tokio::test]
async fn upsert_creates_then_updates_the_same_record() {
    let org = start_org().await;
    let client = client(&org);
    let first = client
        .upsert_by_external_id(
            "Contact",
            KEY,
            "portal:1",
            &fields(json!({"LastName": "One"})),
        )
        .await
        .unwrap();
    let Upserted::Created(id) = first else {
        panic!("201 expected, got {first:?}");
    };
    let second = client
        .upsert_by_external_id(
            "Contact",
            KEY,
            "portal:1",
            &fields(json!({"LastName": "Uno"})),
        )
        .await
        .unwrap();
    assert_eq!(second, Upserted::Updated(id.clone()));
    let contact = client
        .get_record("Contact", &id, &["LastName"])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.text("LastName"), Some("Uno"));
}

#[tokio::test]
async fn several_records_with_one_key_are_reported_not_guessed() {
    let org = start_org().await;
    let client = client(&org);
    let mut ids = Vec::new();
    for name in ["Twin A", "Twin B"] {
        ids.push(
            client
                .create("Contact", &fields(json!({"LastName": name, KEY: "dup:7"})))
                .await
                .unwrap(),
        );
    }
    let Lookup::Ambiguous(mut found) = client
        .get_by_external_id("Contact", KEY, "dup:7", &[])
        .await
        .unwrap()
    else {
        panic!("300 expected");
    };
    found.sort();
    ids.sort();
    assert_eq!(found, ids);
    let upserted = client
        .upsert_by_external_id(
            "Contact",
            KEY,
            "dup:7",
            &fields(json!({"LastName": "Which?"})),
        )
        .await
        .unwrap();
    assert!(
        matches!(upserted, Upserted::Ambiguous(ref m) if m.len() == 2),
        "{upserted:?}"
    );
}

#[tokio::test]
async fn an_unknown_key_field_is_a_permanent_not_found() {
    let org = start_org().await;
    let client = client(&org);
    let err = client
        .upsert_by_external_id(
            "Contact",
            "No_Such_Key__c",
            "x",
            &fields(json!({"LastName": "X"})),
        )
        .await
        .unwrap_err();
    assert_eq!(err.disposition(), Disposition::Permanent);
    assert_eq!(err.salesforce().unwrap().status, Some(404));
}

#[tokio::test]
async fn a_key_with_spaces_and_slashes_stays_one_path_segment() {
    let org = start_org().await;
    let client = client(&org);
    let key = "partner portal/47 11?x=1#frag";
    let upserted = client
        .upsert_by_external_id("Contact", KEY, key, &fields(json!({"LastName": "Slash"})))
        .await
        .unwrap();
    let id = upserted.id().expect("one record").to_owned();
    let Lookup::Found(found) = client
        .get_by_external_id("Contact", KEY, key, &["Id", KEY])
        .await
        .unwrap()
    else {
        panic!("the same key finds the record");
    };
    assert_eq!(found.id(), Some(id.as_str()));
    assert_eq!(found.text(KEY), Some(key), "stored verbatim, not encoded");
    let soql = format!("SELECT Id FROM Contact WHERE {KEY} = {}", quote(key));
    let rows = client.query(&soql).await.unwrap();
    assert_eq!(rows.records.len(), 1);
}

#[tokio::test]
async fn a_quoted_value_cannot_widen_a_query() {
    let org = start_org().await;
    let client = client(&org);
    let hostile = "x' OR LastName != '";
    client
        .create("Contact", &fields(json!({"LastName": hostile})))
        .await
        .unwrap();
    let soql = format!(
        "SELECT Id, LastName FROM Contact WHERE LastName = {}",
        quote(hostile)
    );
    let rows = client.query(&soql).await.unwrap();
    assert_eq!(
        rows.records.len(),
        1,
        "only the record with exactly that name"
    );
    assert_eq!(rows.records[0].text("LastName"), Some(hostile));
}

#[tokio::test]
async fn a_password_reset_mails_the_user_in_one_call() {
    let org = start_org().await;
    let client = client(&org);
    let soql = format!(
        "SELECT Id FROM User WHERE Username = {}",
        quote("robin.existing@contoso.example.sfsim")
    );
    let user_id = client.query(&soql).await.unwrap().records[0]
        .id()
        .unwrap()
        .to_owned();
    let emails_before = control(&org, reqwest::Method::GET, "/emails", Value::Null).await;
    let meter = CallMeter::new();
    client
        .metered(&meter)
        .reset_password(&user_id)
        .await
        .unwrap();
    assert_eq!(meter.calls(), 1);
    let emails = control(&org, reqwest::Method::GET, "/emails", Value::Null).await;
    assert_eq!(
        emails.as_array().unwrap().len(),
        emails_before.as_array().unwrap().len() + 1
    );
}
