//! Users made and changed "by hand" through `/__sim/users`: the org's rules apply, the API
//! sees the result, and none of it counts as an API call.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::start;

const ROBIN: &str = "robin.existing@contoso.example.sfsim";

async fn api_calls(org: &crate::support::TestOrg) -> u64 {
    let calls = org.control(Method::GET, "/calls", None).await;
    calls.body["total"].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn changes_by_hand_apply_through_the_orgs_rules_and_are_not_api_calls() {
    let org = start().await;
    let before = api_calls(&org).await;
    let path = format!("/users/{ROBIN}");
    let off = org
        .control(Method::PATCH, &path, Some(json!({"active": false})))
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert_eq!(off.body["IsActive"], json!(false));
    let frozen = org
        .control(
            Method::PATCH,
            &path,
            Some(json!({"active": true, "frozen": true})),
        )
        .await;
    assert_eq!(frozen.body["IsActive"], json!(true));
    assert_eq!(frozen.body["IsFrozen"], json!(true));
    let profile = org
        .control(
            Method::PATCH,
            &path,
            Some(json!({"profile": "Acme Customer Community Plus User"})),
        )
        .await;
    assert_eq!(profile.status, StatusCode::OK, "{}", profile.body);
    assert_ne!(profile.body["ProfileId"], frozen.body["ProfileId"]);
    assert_eq!(api_calls(&org).await, before, "no API call was counted");

    // The API reads what the hand changed.
    let client = org.client().await;
    let read = client
        .get(&format!(
            "/query?q=SELECT+IsActive,Profile.Name+FROM+User+WHERE+Username='{ROBIN}'"
        ))
        .await;
    assert_eq!(
        read.body["records"][0]["Profile"]["Name"],
        json!("Acme Customer Community Plus User")
    );
}

#[tokio::test]
async fn a_change_the_org_refuses_is_refused_by_hand_too() {
    let org = start().await;
    let across = org
        .control(
            Method::PATCH,
            &format!("/users/{ROBIN}"),
            Some(json!({"profile": "Partner Community User"})),
        )
        .await;
    assert_eq!(across.status, StatusCode::BAD_REQUEST, "{}", across.body);
    assert!(
        across.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("FIELD_INTEGRITY_EXCEPTION")),
        "{}",
        across.body
    );
    let nobody = org
        .control(
            Method::PATCH,
            "/users/nobody@example.com",
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_external_user_made_by_hand_has_a_contact_and_can_move_account() {
    let org = start().await;
    let made = org
        .control(
            Method::POST,
            "/users",
            Some(json!({
                "username": "walk.in@northwind.example", "last_name": "Walkin",
                "profile": "Partner Community User", "account": "P-100",
                "contact_key": "K-777",
            })),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.body["user"]["IsActive"], json!(true));
    assert!(
        made.body["user"]["UserRoleId"].is_string(),
        "a partner user takes a portal role"
    );
    let account_before = made.body["user"]["AccountId"].clone();

    let moved = org
        .control(
            Method::PATCH,
            "/users/walk.in@northwind.example",
            Some(json!({"account": "C-200"})),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_ne!(moved.body["AccountId"], account_before);
    assert_ne!(moved.body["UserRoleId"], made.body["user"]["UserRoleId"]);

    let shown = org
        .control(Method::GET, "/users/walk.in@northwind.example", None)
        .await;
    assert_eq!(shown.body["AccountId"], moved.body["AccountId"]);
    assert_eq!(api_calls(&org).await, 0);
}

#[tokio::test]
async fn a_population_pages_at_two_thousand_and_at_the_batch_size_asked_for() {
    let org = start().await;
    let fixture = format!(
        "{}\n{}",
        sfsim::fixture::DEFAULT_FIXTURE,
        r#"
[[populations]]
users = 4500
accounts = 9
account_name = "Bulk Partner"
account_key = "BP-"
owner = "owner.partner@gatehouse.sfsim"
partner = true
profiles = ["Partner Community User"]
contact_key = "BK-"
inactive = 0.1
frozen = 0.1
"#
    );
    let loaded = org
        .http
        .post(org.url("/__sim/fixture"))
        .body(fixture)
        .send()
        .await
        .expect("fixture loads");
    assert_eq!(loaded.status(), StatusCode::OK);
    let client = org.client().await;
    let q = "/query?q=SELECT+Id+FROM+User+WHERE+Contact.Gatehouse_Key__c+LIKE+'BK-%25'";
    for (batch, pages) in [(None, 3), (Some("batchSize=200"), 23)] {
        let mut request = client
            .http
            .get(format!("{}{q}", client.data_url))
            .bearer_auth(&client.token);
        if let Some(batch) = batch {
            request = request.header("Sforce-Query-Options", batch);
        }
        let first = crate::support::Answer::read(request.send().await.expect("query")).await;
        assert_eq!(first.body["totalSize"], json!(4500), "{}", first.body);
        let mut seen = first.body["records"].as_array().map_or(0, Vec::len);
        let mut next = first.body["nextRecordsUrl"].as_str().map(str::to_owned);
        let mut calls = 1;
        while let Some(path) = next {
            let page = org
                .http
                .get(org.url(&path))
                .bearer_auth(&client.token)
                .send()
                .await
                .expect("page");
            let page = crate::support::Answer::read(page).await;
            seen += page.body["records"].as_array().map_or(0, Vec::len);
            next = page.body["nextRecordsUrl"].as_str().map(str::to_owned);
            calls += 1;
        }
        assert_eq!((seen, calls), (4500, pages), "batch {batch:?}");
    }
    let inactive = client
        .get("/query?q=SELECT+COUNT()+FROM+User+WHERE+IsActive=false+AND+Contact.Gatehouse_Key__c+LIKE+'BK-%25'")
        .await;
    assert_eq!(inactive.body["totalSize"], json!(450));
}
