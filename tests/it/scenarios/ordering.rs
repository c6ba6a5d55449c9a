//! Events out of order and events that replace each other: a late signup after the
//! offboarding, and a renewal that replaces a scheduled contract end.

use crate::on_both_stores;
use chrono::{Days, NaiveTime, TimeDelta};
use gatehouse::domain::OutcomeKind;
use gatehouse::store::CommandState;
use serde_json::json;

use super::{Scenario, ada, assert_kind, rfc3339};
use crate::support::settle::kind_of;

on_both_stores! {
    async fn an_offboarding_that_overtakes_a_late_signup_leaves_the_person_out() {
        let s = Scenario::start().await;
        let ada = ada();
        let signed_up_at = s.now();
        let removed_at = signed_up_at + TimeDelta::minutes(10);
        s.advance(TimeDelta::minutes(15));

        // The removal arrives first: nobody to remove yet.
        s.send_and_settle(
            "partner-portal",
            &ada.event("partner.user.removed", removed_at, json!({})),
        )
        .await;
        assert_kind(&s.last_outcome(&ada.subject()).await, OutcomeKind::NoChange);

        // The signup, older at its source, arrives late.
        let spent = s
            .send_and_settle("partner-portal", &ada.signed_up(signed_up_at, json!({})))
            .await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::SkippedStale);
        assert_eq!(outcome.api_calls, 0, "a stale event costs nothing");
        assert_eq!(spent, 0);
        assert!(
            s.keyed_contacts(&ada.subject()).await.is_empty(),
            "no Contact"
        );
        assert!(
            s.org
                .records_where("User", "Username", "ada.lovelace@partner.example.acme")
                .await
                .is_empty(),
            "no User"
        );
    }
}

on_both_stores! {
    async fn a_renewal_supersedes_the_scheduled_contract_end_and_schedules_the_new_one() {
        let (s, ada) = Scenario::with_ada().await;

        // The contract system: Ada's contract ends in 30 days.
        s.advance(TimeDelta::minutes(5));
        let first_end = (s.now() + TimeDelta::days(30)).date_naive();
        let ended = json!({
            "type": "contract.ended", "contract_id": "C-42", "occurred_at": rfc3339(s.now()),
            "ended_at": first_end.to_string(), "people": [ada.id],
        });
        s.send_and_settle("contracts", &ended).await;
        let end_command = s.commands(&ada.subject()).await.pop().unwrap();
        assert_eq!(end_command.state, CommandState::Scheduled);
        let first_due = first_end
            .checked_add_days(Days::new(1))
            .unwrap()
            .and_time(NaiveTime::MIN)
            .and_utc();
        assert_eq!(end_command.due_at, first_due, "the end of that day");

        // The portal renews Ada for another year.
        s.advance(TimeDelta::minutes(5));
        let new_end = (s.now() + TimeDelta::days(395)).date_naive();
        let spent = s
            .send_and_settle(
                "partner-portal",
                &ada.event(
                    "partner.user.renewed",
                    s.now(),
                    json!({"contract_end": new_end.to_string()}),
                ),
            )
            .await;
        let commands = s.commands(&ada.subject()).await;
        let old_end = commands
            .iter()
            .find(|c| c.command.id == end_command.command.id)
            .unwrap();
        assert_eq!(kind_of(old_end), Some(OutcomeKind::Superseded));
        assert_eq!(old_end.outcome.as_ref().unwrap().api_calls, 0);
        let renewal = &commands[commands.len() - 2];
        assert_eq!(renewal.command.intent.kind(), "provision");
        assert_kind(renewal.outcome.as_ref().unwrap(), OutcomeKind::NoChange);
        assert_eq!(spent, 1, "the renewal changes nothing in the org: one read");
        let new_end_command = commands.last().unwrap();
        assert_eq!(new_end_command.command.intent.kind(), "deprovision");
        assert_eq!(new_end_command.state, CommandState::Scheduled);
        let new_due = new_end
            .checked_add_days(Days::new(1))
            .unwrap()
            .and_time(NaiveTime::MIN)
            .and_utc();
        assert_eq!(new_end_command.due_at, new_due);
        assert_eq!(s.subject(&ada.subject()).await.end_at, Some(new_due));

        // The old end date passes: nothing happens.
        s.app.clock.set(first_due + TimeDelta::hours(1));
        let calls = s.org.api_calls().await;
        s.settle().await;
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], true);
        assert_eq!(s.org.api_calls().await, calls);

        // The new one does: Ada is deactivated, in one call.
        s.app.clock.set(new_due + TimeDelta::minutes(1));
        let calls = s.org.api_calls().await;
        s.settle().await;
        let last = s.last_outcome(&ada.subject()).await;
        assert_kind(&last, OutcomeKind::Succeeded);
        assert_eq!(last.api_calls, 1);
        assert_eq!(s.org.api_calls().await - calls, 1);
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], false);
    }
}

on_both_stores! {
    async fn a_signup_and_its_removal_sent_together_end_with_the_person_unable_to_log_in() {
        let s = Scenario::start().await;
        let ada = ada();
        let signed_up_at = s.now();
        let signup = ada.signed_up(signed_up_at, json!({}));
        let removal = ada.event(
            "partner.user.removed",
            signed_up_at + TimeDelta::seconds(1),
            json!({}),
        );

        let (_, _) = tokio::join!(
            s.send("partner-portal", &signup),
            s.send("partner-portal", &removal)
        );
        let commands = s.settle().await;

        assert!(
            commands.iter().all(|c| c.state == CommandState::Done),
            "{:#?}",
            crate::support::settle::summary(&commands)
        );
        let users = s
            .org
            .records_where("User", "Username", "ada.lovelace@partner.example.acme")
            .await;
        assert!(users.len() <= 1, "{users:#?}");
        assert!(
            users.iter().all(|u| u["IsActive"] == false),
            "whatever ran, the later removal has the last word: {users:#?}"
        );
        assert!(s.keyed_contacts(&ada.subject()).await.len() <= 1);
    }
}

on_both_stores! {
    async fn a_burst_of_signups_for_different_people_converges_with_every_call_accounted_for() {
        let s = Scenario::start().await;
        let people: Vec<crate::scenarios::Partner> = (1..=12)
            .map(|n| {
                crate::scenarios::Partner::new(
                    &format!("b-{n}"),
                    "P-100",
                    "Burst",
                    &format!("Person{n}"),
                    &format!("burst{n}@partner.example"),
                )
            })
            .collect();
        let before = s.org.api_calls().await;

        let events: Vec<serde_json::Value> = people
            .iter()
            .map(|p| p.signed_up(s.now(), json!({})))
            .collect();
        futures::future::join_all(events.iter().map(|e| s.send("partner-portal", e))).await;
        let commands = s.settle().await;

        // Every call the org counted is a person's own or a batch's they shared: each batch
        // counted once, however many people it carried.
        let mut calls = 0;
        let mut batches = std::collections::BTreeMap::new();
        for person in &people {
            let outcome = s.last_outcome(&person.subject()).await;
            assert_kind(&outcome, OutcomeKind::Succeeded);
            assert!(outcome.api_calls <= 3, "{outcome:#?}");
            calls += u64::from(outcome.api_calls);
            if let Some(batch) = &outcome.batch {
                batches.insert(batch.id.clone(), u64::from(batch.api_calls));
            }
            s.one_contact_one_user(&person.subject()).await;
        }
        calls += batches.values().sum::<u64>();
        assert_eq!(commands.len(), people.len());
        assert_eq!(s.org.api_calls().await - before, calls);
        assert_eq!(
            s.org.licence("Partner Community").await.used,
            people.len() as i64
        );
    }
}
