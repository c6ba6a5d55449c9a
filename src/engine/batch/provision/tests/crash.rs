//! A process that dies before, during or after the batch's User collection, restarted: the
//! commands go back to the queue, run again — alone, since their checkpoints say what an
//! earlier attempt began — and every person ends with one Contact, one User and at most one
//! welcome email.

use serde_json::json;

use super::{Bench, Person, told};
use crate::domain::OutcomeKind;
use crate::engine::executor::RunEnd;
use crate::store::tests::backing::on_both_stores;
use crate::store::tests::samples::WORKER;

const PEOPLE: usize = 4;

fn people() -> Vec<crate::store::NewCommand> {
    (1..=PEOPLE)
        .map(|n| {
            let key = format!("pp:crash-{n}");
            let email = format!("crash{n}@northwind.example");
            Person {
                key: &key,
                email: &email,
                username: &format!("{email}.portal"),
                sets: &["Partner_Deal_Registration"],
                ..Person::default()
            }
            .command()
        })
        .collect()
}

/// Runs the batch (its end is lost with the process), restarts, runs each command again as the
/// worker would, and checks the org and the outcomes.
async fn crash_and_restart(bench: &Bench) {
    let members = bench.claim(people()).await;
    let first = bench.converge(&members).await;
    let told_first: Vec<String> = first.iter().map(told).collect();
    drop(members);

    // The restart gives back what the dead process held.
    let released = bench
        .store
        .release_claims_of(WORKER)
        .await
        .expect("release");
    assert_eq!(released, PEOPLE as u64);
    let members = bench.claim_due(PEOPLE as u32).await;
    assert_eq!(members.len(), PEOPLE);
    let again = bench.converge(&members).await;
    // Each attempt recorded `user_creating` before the collection: each is finished alone.
    for (m, s) in members.iter().zip(&again) {
        assert!(!m.claimed.progress.is_empty(), "{:?}", m.claimed.progress);
        assert_eq!(told(s), "alone");
    }
    let executor = bench.executor();
    for member in members {
        let end = executor
            .run(member.claimed, &member.hold)
            .await
            .expect("run");
        assert_eq!(
            end,
            RunEnd::Finished(OutcomeKind::Succeeded),
            "first: {told_first:?}"
        );
    }

    for n in 1..=PEOPLE {
        let key = format!("pp:crash-{n}");
        let contacts = bench
            .records_where("Contact", "Gatehouse_Key__c", &key)
            .await;
        assert_eq!(contacts.len(), 1, "{key}: one Contact");
        let contact = contacts[0]["Id"].as_str().expect("id");
        let users = bench.records_where("User", "ContactId", contact).await;
        assert_eq!(users.len(), 1, "{key}: one User");
        let user = users[0]["Id"].as_str().expect("id");
        let resets = bench.emails_to("password_reset", user).await;
        assert_eq!(resets, 1, "{key}: welcome emails");
    }
}

on_both_stores! {
    async fn killed_before_the_user_collection_goes_out() {
        let bench = Bench::start().await;
        // The collection never reaches the org.
        bench.script(json!({"method": "POST", "path": "/composite/sobjects", "kind": "drop"})).await;
        crash_and_restart(&bench).await;
    }
}

on_both_stores! {
    async fn killed_while_the_user_collection_is_answered() {
        let bench = Bench::start().await;
        // The org makes the users; the answer never comes back.
        bench.script(json!({"method": "POST", "path": "/composite/sobjects", "kind": "drop_after"})).await;
        crash_and_restart(&bench).await;
    }
}

on_both_stores! {
    async fn killed_after_the_user_collection_was_answered() {
        let bench = Bench::start().await;
        // The permission sets' collection, the one after the users', is lost with the process.
        bench.script(json!({"method": "POST", "path": "/composite/sobjects", "kind": "drop", "skip": 1})).await;
        crash_and_restart(&bench).await;
    }
}

on_both_stores! {
    async fn a_read_the_org_cannot_answer_fails_each_person_for_a_retry() {
        let bench = Bench::start().await;
        let members = bench.claim(people()).await;
        bench
            .script(json!({"method": "POST", "path": "/composite", "errorCode": "SERVER_UNAVAILABLE"}))
            .await;

        let settled = bench.converge(&members).await;

        for s in &settled {
            let crate::engine::batch::Settled::Failed(error) = s else {
                panic!("{}", told(s));
            };
            assert_eq!(error.code(), "SERVER_UNAVAILABLE");
            assert_eq!(error.disposition(), crate::salesforce::Disposition::Transient);
        }
        assert!(bench.records_where("Contact", "Gatehouse_Key__c", "pp:crash-1").await.is_empty());
    }
}
