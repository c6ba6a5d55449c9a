//! A reseller onboarded with its people in one event: the worker claims the fanned-out
//! provisions together and runs them as one batch — new people, people the org already has
//! (one as desired, one deactivated, one renamed) — each ending with its own outcome and the
//! batch's record, in a handful of calls for all of them.

use crate::on_both_stores;
use gatehouse::domain::{LicenceEffect, OutcomeKind};
use serde_json::{Value, json};

use super::bursts::start_with_people;
use super::{Scenario, Setup, ada, assert_kind};

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

on_both_stores! {
    async fn a_reset_the_org_refuses_inside_the_composite_is_sent_alone_and_its_email_goes_out_once() {
        let s = Scenario::start_with(Setup {
            welcome: "password-reset",
            service: "max_body_bytes = 1048576",
            ..Setup::default()
        })
        .await;
        s.org.settings(json!({"site_sends_welcome_email": false})).await;
        // The second reset of the batch's composite is refused as a subrequest, once.
        s.org
            .control(
                reqwest::Method::POST,
                "/faults/subrequests",
                json!({"resource": "password", "method": "DELETE", "count": 1}),
            )
            .await;
        let new: Vec<String> = (0..4).map(|n| format!("r-{n}")).collect();
        let members: Vec<Value> = new.iter().map(|id| member(id, &format!("Reset {id}"))).collect();
        let event = json!({
            "type": "reseller.onboarded", "contract_id": "R-10", "partner_id": "P-100",
            "occurred_at": s.now().to_rfc3339(), "members": members,
        });
        let alone_before = s.org.calls_to("DELETE /sobjects/{type}/{id}/password").await;

        s.send_and_settle("contracts", &event).await;

        let mut batch = None;
        for id in &new {
            let subject = format!("partner-portal:{id}");
            let outcome = s.last_outcome(&subject).await;
            assert_kind(&outcome, OutcomeKind::Succeeded);
            let record = outcome.batch.clone().unwrap_or_else(|| panic!("{id}: {outcome:#?}"));
            assert_eq!(*batch.get_or_insert(record.id.clone()), record.id, "one batch");
            assert!(outcome.steps.iter().any(|s| s == "welcome_email.sent"), "{id}: {outcome:#?}");
            let (_, user) = s.one_contact_one_user(&subject).await;
            let user_id = user["Id"].as_str().unwrap_or_default();
            assert_eq!(s.org.emails_about("password_reset", user_id).await, 1, "{id}");
        }
        let refusals = s.org.control(reqwest::Method::GET, "/faults/subrequests", Value::Null).await;
        assert_eq!(refusals, json!([]), "the refusal was met");
        let alone = s.org.calls_to("DELETE /sobjects/{type}/{id}/password").await - alone_before;
        assert_eq!(alone, 1, "one reset sent alone, the others inside the composite");
    }
}

on_both_stores! {
    async fn a_burst_whose_account_lacks_a_level_refuses_those_people_before_writing_and_admits_the_rest() {
        let s = Scenario::start().await;
        // P-100 gets one partner role level (Worker) with its first partner user.
        s.org.settings(json!({"partner_roles": 1})).await;
        let ada = ada();
        s.send_and_settle("partner-portal", &ada.signed_up(s.now(), json!({"role": "user"})))
            .await;
        assert_kind(&s.last_outcome(&ada.subject()).await, OutcomeKind::Succeeded);
        let managers: Vec<String> = (0..2).map(|n| format!("m-{n}")).collect();
        let workers: Vec<String> = (0..3).map(|n| format!("w-{n}")).collect();
        let mut members: Vec<Value> = Vec::new();
        for id in &managers {
            let mut one = member(id, &format!("Manager {id}"));
            one["role"] = json!("manager");
            members.push(one);
        }
        members.extend(workers.iter().map(|id| member(id, &format!("Worker {id}"))));
        let event = json!({
            "type": "reseller.onboarded", "contract_id": "R-11", "partner_id": "P-100",
            "occurred_at": s.now().to_rfc3339(), "members": members,
        });
        let used = s.org.licence("Partner Community").await.used;

        s.send_and_settle("contracts", &event).await;

        for id in &managers {
            let subject = format!("partner-portal:{id}");
            let outcome = s.last_outcome(&subject).await;
            assert_kind(&outcome, OutcomeKind::DeadLettered);
            assert!(outcome.batch.is_some(), "{id}: run in the batch: {outcome:#?}");
            let refusal = outcome.refusal.clone().expect("a refusal");
            assert_eq!(refusal.code, "PORTAL_ROLE_NOT_FOUND", "{id}: {outcome:#?}");
            assert!(refusal.message.contains("'manager'"), "{}", refusal.message);
            // The read showed the level missing: refused before anything was written.
            assert!(s.keyed_contacts(&subject).await.is_empty(), "{id}");
            assert!(outcome.steps.is_empty(), "{id}: {outcome:#?}");
        }
        for id in &workers {
            let subject = format!("partner-portal:{id}");
            let outcome = s.last_outcome(&subject).await;
            assert_kind(&outcome, OutcomeKind::Succeeded);
            s.one_contact_one_user(&subject).await;
        }
        assert_eq!(s.org.licence("Partner Community").await.used, used + 3);
    }
}
