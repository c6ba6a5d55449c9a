//! `POST /composite`: references between subrequests, all-or-none rollback, limits, and mixed
//! DML.

use serde_json::{Value, json};

use crate::org_client::start;

fn subrequest(method: &str, url: &str, reference: &str, body: Option<Value>) -> Value {
    let mut entry = json!({"method": method, "url": format!("/services/data/v68.0{url}"), "referenceId": reference});
    if let Some(body) = body {
        entry["body"] = body;
    }
    entry
}

fn statuses(answer: &crate::org_client::Answer) -> Vec<u64> {
    answer.body["compositeResponse"]
        .as_array()
        .expect("responses")
        .iter()
        .filter_map(|r| r["httpStatusCode"].as_u64())
        .collect()
}

#[tokio::test]
async fn later_subrequests_read_earlier_results_through_references() {
    let sim = start().await;
    let request = json!({"compositeRequest": [
        subrequest("POST", "/sobjects/Account", "acct", Some(json!({"Name": "Composite Co"}))),
        subrequest("POST", "/sobjects/Contact", "person", Some(json!({"LastName": "Ref", "AccountId": "@{acct.id}"}))),
        subrequest("GET", "/query?q=SELECT+Id,+Name+FROM+Account+WHERE+Name+=+'Composite+Co'", "found", None),
        subrequest("GET", "/sobjects/Account/@{found.records[0].Id}", "read", None),
    ]});
    let answer = sim.post("/composite", request).await;
    assert_eq!(answer.status, 200);
    assert_eq!(statuses(&answer), [201, 201, 200, 200], "{}", answer.body);
    let responses = &answer.body["compositeResponse"];
    let account = responses[0]["body"]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        responses[0]["httpHeaders"]["Location"],
        json!(format!("/services/data/v68.0/sobjects/Account/{account}"))
    );
    assert_eq!(responses[1]["referenceId"], json!("person"));
    let contact = responses[1]["body"]["id"].as_str().expect("id");
    assert_eq!(sim.field(contact, "AccountId"), json!(account));
    assert_eq!(responses[3]["body"]["Name"], json!("Composite Co"));
}

#[tokio::test]
async fn all_or_none_rolls_everything_back_and_marks_the_others_halted() {
    let sim = start().await;
    let before = sim.org().records_of("Account").count();
    let request = json!({"allOrNone": true, "compositeRequest": [
        subrequest("POST", "/sobjects/Account", "good", Some(json!({"Name": "Kept?"}))),
        subrequest("POST", "/sobjects/Contact", "bad", Some(json!({"FirstName": "No last name"}))),
        subrequest("POST", "/sobjects/Account", "after", Some(json!({"Name": "Never"}))),
    ]});
    let answer = sim.post("/composite", request).await;
    assert_eq!(answer.status, 200, "always 200");
    assert_eq!(statuses(&answer), [400, 400, 400]);
    let responses = &answer.body["compositeResponse"];
    assert_eq!(
        responses[1]["body"][0]["errorCode"],
        json!("REQUIRED_FIELD_MISSING")
    );
    for halted in [&responses[0], &responses[2]] {
        assert_eq!(halted["body"][0]["errorCode"], json!("PROCESSING_HALTED"));
        assert_eq!(
            halted["body"][0]["message"],
            json!(
                "The transaction was rolled back since another operation in the same transaction failed."
            )
        );
    }
    assert_eq!(
        sim.org().records_of("Account").count(),
        before,
        "nothing kept"
    );
}

#[tokio::test]
async fn without_all_or_none_failures_stay_local_and_dependants_halt() {
    let sim = start().await;
    let request = json!({"allOrNone": false, "compositeRequest": [
        subrequest("POST", "/sobjects/Account", "bad", Some(json!({"Website": "no name"}))),
        subrequest("POST", "/sobjects/Contact", "dependant", Some(json!({"LastName": "D", "AccountId": "@{bad.id}"}))),
        subrequest("POST", "/sobjects/Account", "fine", Some(json!({"Name": "Independent"}))),
    ]});
    let answer = sim.post("/composite", request).await;
    assert_eq!(statuses(&answer), [400, 400, 201]);
    let dependant = &answer.body["compositeResponse"][1]["body"][0];
    assert_eq!(dependant["errorCode"], json!("PROCESSING_HALTED"));
    assert!(dependant["message"].as_str().is_some_and(|m| {
        m.starts_with("Invalid reference specified. No value for bad.id found in bad.")
    }));
    let kept = sim
        .org()
        .records_of("Account")
        .any(|a| a.text("Name") == Some("Independent"));
    assert!(kept);
}

#[tokio::test]
async fn more_than_25_subrequests_or_5_queries_are_refused() {
    let sim = start().await;
    let many: Vec<Value> = (0..26)
        .map(|n| {
            subrequest(
                "GET",
                "/sobjects/Account/Gatehouse_Key__c/P-100",
                &format!("r{n}"),
                None,
            )
        })
        .collect();
    let answer = sim
        .post("/composite", json!({"compositeRequest": many}))
        .await;
    answer.assert_error(400, "LIMIT_EXCEEDED", &[]);

    let twenty_five: Vec<Value> = (0..25)
        .map(|n| {
            subrequest(
                "GET",
                "/sobjects/Account/Gatehouse_Key__c/P-100",
                &format!("r{n}"),
                None,
            )
        })
        .collect();
    let answer = sim
        .post("/composite", json!({"compositeRequest": twenty_five}))
        .await;
    assert_eq!(
        answer.status, 200,
        "reads by external id do not count as queries"
    );

    let queries: Vec<Value> = (0..6)
        .map(|n| {
            subrequest(
                "GET",
                "/query?q=SELECT+Id+FROM+Account",
                &format!("q{n}"),
                None,
            )
        })
        .collect();
    let answer = sim
        .post("/composite", json!({"compositeRequest": queries}))
        .await;
    answer.assert_error(400, "LIMIT_EXCEEDED", &[]);
}

#[tokio::test]
async fn duplicate_reference_ids_and_malformed_requests_are_refused() {
    let sim = start().await;
    let duplicate = json!({"compositeRequest": [
        subrequest("GET", "/sobjects/Account/Gatehouse_Key__c/P-100", "same", None),
        subrequest("GET", "/sobjects/Account/Gatehouse_Key__c/C-200", "same", None),
    ]});
    let answer = sim.post("/composite", duplicate).await;
    answer.assert_error(400, "INVALID_INPUT", &[]);
    sim.post("/composite", json!({"allOrNone": true}))
        .await
        .assert_error(400, "JSON_PARSER_ERROR", &[]);
}

#[tokio::test]
async fn subrequests_outside_the_data_api_are_not_found() {
    let sim = start().await;
    let request = json!({"compositeRequest": [
        {"method": "GET", "url": "/services/data/v68.0/composite", "referenceId": "nested"},
        {"method": "GET", "url": "/elsewhere", "referenceId": "outside"},
    ]});
    let answer = sim.post("/composite", request).await;
    assert_eq!(statuses(&answer), [404, 404]);
}

#[tokio::test]
async fn mixed_dml_is_refused_in_an_all_or_none_composite_when_enforced() {
    let sim = start().await;
    sim.org().settings_mut().enforce_mixed_dml = true;
    let account = sim.id_where("Account", "Gatehouse_Key__c", "C-200");
    let profile = sim.id_where("Profile", "Name", "Customer Community User");
    let mut user = crate::org_client::user_body(&profile, "@{person.id}", "mixed@example.com");
    user["ContactId"] = json!("@{person.id}");
    let request = |all_or_none: bool| {
        json!({"allOrNone": all_or_none, "compositeRequest": [
            subrequest("POST", "/sobjects/Contact", "person", Some(json!({"LastName": "Mixed", "AccountId": account}))),
            subrequest("POST", "/sobjects/User", "login", Some(user.clone())),
        ]})
    };
    let answer = sim.post("/composite", request(true)).await;
    assert_eq!(statuses(&answer), [400, 400]);
    let refusal = &answer.body["compositeResponse"][1]["body"][0];
    assert_eq!(refusal["errorCode"], json!("MIXED_DML_OPERATION"));
    assert_eq!(
        refusal["message"],
        json!(
            "DML operation on setup object is not permitted after you have updated a non-setup object (or vice versa): User, original object: Contact"
        )
    );

    let answer = sim.post("/composite", request(false)).await;
    assert_eq!(statuses(&answer), [201, 201], "{}", answer.body);
}
