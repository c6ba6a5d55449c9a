//! A reseller onboarded with its people in one event: the worker claims the fanned-out
//! provisions together and runs them as one batch — new people, people the org already has
//! (one as desired, one deactivated, one renamed) — each ending with its own outcome and the
//! batch's record, in a handful of calls for all of them.

use crate::on_both_stores;
use gatehouse::domain::{LicenceEffect, OutcomeKind};
use serde_json::{Value, json};

use super::assert_kind;
use super::bursts::start_with_people;

fn member(id: &str, last_name: &str) -> Value {
    let n = id.trim_start_matches(|c: char| !c.is_ascii_digit());
    let email = if id.starts_with("b-") {
        format!("b{n}@partner.example")
    } else {
        format!("{id}@reseller.example")
    };
    json!({"id": id, "first_name": "Burst", "last_name": last_name, "email": email})
}

on_both_stores! {
    async fn an_onboarding_burst_is_one_batch_of_collections() {
        // b-0, b-1 (deactivated) and b-2 are in the org already.
        let s = start_with_people(3, &[1], "").await;
        let mut members = vec![
            member("b-0", "Person 0"),
            member("b-1", "Person 1"),
            member("b-2", "Renamed"),
        ];
        let new: Vec<String> = (0..20).map(|n| format!("n-{n}")).collect();
        members.extend(new.iter().map(|id| member(id, &format!("Newcomer {id}"))));
        let event = json!({
            "type": "reseller.onboarded", "contract_id": "R-9", "partner_id": "P-100",
            "occurred_at": s.now().to_rfc3339(), "members": members,
        });

        let calls = s.send_and_settle("contracts", &event).await;

        let mut batch = None;
        for id in new.iter().map(String::as_str).chain(["b-0", "b-1", "b-2"]) {
            let subject = format!("partner-portal:{id}");
            let outcome = s.last_outcome(&subject).await;
            let record = outcome.batch.clone().unwrap_or_else(|| panic!("{id}: {outcome:#?}"));
            assert_eq!(*batch.get_or_insert(record.id.clone()), record.id, "one batch");
            assert_eq!(record.size, 23);
            match id {
                "b-0" => assert_kind(&outcome, OutcomeKind::NoChange),
                "b-1" => {
                    assert_kind(&outcome, OutcomeKind::Succeeded);
                    assert_eq!(outcome.steps, ["user.reactivated"]);
                    assert_eq!(
                        outcome.licence_effect,
                        LicenceEffect::Consumed { licence: "Partner Community".into() }
                    );
                }
                "b-2" => {
                    assert_kind(&outcome, OutcomeKind::Succeeded);
                    assert_eq!(outcome.steps, ["contact.updated", "user.updated"]);
                }
                _ => {
                    assert_kind(&outcome, OutcomeKind::Succeeded);
                    assert_eq!(
                        outcome.steps,
                        ["contact.created", "user.created", "user.verified", "welcome_email.by_site"]
                    );
                    let contacts = s.org.records_where("Contact", "Gatehouse_Key__c", &subject).await;
                    assert_eq!(contacts.len(), 1, "{id}");
                    let contact = contacts[0]["Id"].as_str().unwrap_or_default();
                    assert_eq!(s.org.records_where("User", "ContactId", contact).await.len(), 1);
                }
            }
        }
        // The read, two composites (with adoption by email on, the Contacts and users by email
        // are two queries more than five); the new Contacts; b-2's Contact; b-1's and b-2's
        // users; the new users; their read-back.
        assert_eq!(calls, 7);
    }
}
