//! Composite order: from API 49.0 Salesforce may collate unrelated subrequests of one method on
//! `/sobjects` and run them in any order unless the body says `collateSubrequests: false`. The
//! simulated org collates by the same rules, so a write that relies on the order it was sent
//! in shows whether the client turns collation off.

use gatehouse::salesforce::CompositeRequest;
use serde_json::json;
use sfsim::{SimConfig, SimServer};

use super::*;

/// Rounds of writes; each draws its own order when collation is on.
const ROUNDS: usize = 8;

#[tokio::test]
async fn composite_writes_take_effect_in_the_order_sent() {
    let org = SimServer::start(SimConfig {
        seed: Some(13),
        ..SimConfig::default()
    })
    .await
    .expect("simulated org starts");
    let client = client(&org);
    let contact = client
        .create("Contact", &fields(json!({"LastName": "Unwritten"})))
        .await
        .unwrap();
    for round in 0..ROUNDS {
        // Unrelated PATCHes of one record, as the Contact, User and UserLogin updates of a
        // provision are unrelated PATCHes: only the order sent makes the last one win.
        let mut request = CompositeRequest::new(false);
        for step in 0..5 {
            let name = format!("Round {round} step {step}");
            request.update(
                &format!("step{step}"),
                "Contact",
                contact.as_str(),
                fields(json!({"LastName": name})),
            );
        }
        let response = client.composite(&request).await.unwrap();
        assert!(response.failure().is_none(), "round {round}");
        let written = client
            .get_record("Contact", &contact, &["LastName"])
            .await
            .unwrap()
            .expect("the Contact exists");
        assert_eq!(
            written.text("LastName"),
            Some(format!("Round {round} step 4").as_str()),
            "round {round}: the last write sent is the last made"
        );
    }
}
