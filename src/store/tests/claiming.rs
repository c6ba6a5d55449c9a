//! `claim_due`: one command per subject at a time, in source order, when due; and getting
//! claims back from workers that are gone.

use chrono::{TimeDelta, Utc};
use serde_json::json;

use super::backing::{Scratch, on_both_stores};
use super::fresh_store;
use super::samples::{
    WORKER, at, claim_now, deprovision, enqueue_and_claim, finish_as, lease, provision,
};
use crate::domain::{CommandId, OutcomeKind, Refusal};
use crate::store::{CommandState, HistoryKind};

fn ids(claimed: &[crate::store::ClaimedCommand]) -> Vec<CommandId> {
    claimed
        .iter()
        .map(|claim| claim.command.id.clone())
        .collect()
}

on_both_stores! {
    async fn claims_take_one_command_per_subject_oldest_source_time_first() {
        let (_dir, store) = fresh_store().await;
        let c = provision("partner-portal:c", at(3));
        let a = provision("partner-portal:a", at(1));
        let b = provision("partner-portal:b", at(2));
        let mut first = provision("partner-portal:d", at(0));
        first.item_key = Some("first".into());
        let mut second = deprovision("partner-portal:d", at(0));
        second.item_key = Some("second".into());
        store.enqueue(None, vec![c.clone()]).await.unwrap();
        store
            .enqueue(None, vec![a.clone(), b.clone()])
            .await
            .unwrap();
        store
            .enqueue(None, vec![first.clone(), second.clone()])
            .await
            .unwrap();

        let claimed = claim_now(&store).await;

        assert_eq!(ids(&claimed), [first.id.clone(), a.id, b.id, c.id]);
        assert!(claimed.iter().all(|claim| claim.attempts == 1));
        // Subject d has a command running: its second waits, even though it is due.
        assert!(claim_now(&store).await.is_empty());
        assert_eq!(
            store.get_command(&second.id).await.unwrap().unwrap().state,
            CommandState::Queued
        );
        finish_as(&store, &claimed[0], OutcomeKind::Succeeded).await;
        assert_eq!(ids(&claim_now(&store).await), [second.id]);
    }
}

on_both_stores! {
    async fn a_limit_caps_how_many_subjects_one_claim_takes() {
        let (_dir, store) = fresh_store().await;
        for (subject, minute) in [("partner-portal:a", 0), ("partner-portal:b", 1)] {
            store
                .enqueue(None, vec![provision(subject, at(minute))])
                .await
                .unwrap();
        }
        let one = store
            .claim_due(Utc::now(), 1, WORKER, lease())
            .await
            .unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].command.subject.as_str(), "partner-portal:a");
        assert_eq!(claim_now(&store).await.len(), 1);
    }
}

on_both_stores! {
    async fn a_command_without_an_effective_time_is_due_from_its_receipt() {
        let (_dir, store) = fresh_store().await;
        // The service's clock says it is shortly after the event arrived (March); the store's own
        // clock is months later. The worker asks with the service's time and must get the command.
        let now_for_the_service = at(1);
        let command = provision("partner-portal:1", at(0));
        let answers = store.enqueue(None, vec![command.clone()]).await.unwrap();
        assert_eq!(answers[0].state, CommandState::Queued);
        let claimed = store
            .claim_due(now_for_the_service, 10, WORKER, lease())
            .await
            .unwrap();
        assert_eq!(ids(&claimed), [command.id]);
        assert_eq!(claimed[0].command.effective_at, None);
    }
}

on_both_stores! {
    async fn a_command_due_later_is_not_claimed_until_then() {
        let (_dir, store) = fresh_store().await;
        let mut later = deprovision("partner-portal:1", at(0));
        let due = Utc::now() + TimeDelta::hours(1);
        later.due_at = Some(due);
        let answers = store.enqueue(None, vec![later.clone()]).await.unwrap();
        assert_eq!(answers[0].state, CommandState::Scheduled);

        assert!(claim_now(&store).await.is_empty());
        let next = store.next_due_at().await.unwrap().unwrap();
        assert_eq!(next, crate::store::timestamp::to_millis(due));

        let claimed = store.claim_due(next, 10, WORKER, lease()).await.unwrap();
        assert_eq!(ids(&claimed), [later.id]);
        assert_eq!(claimed[0].command.effective_at, Some(next));
        // Nothing else waits: the scheduler can sleep until something is enqueued.
        assert_eq!(store.next_due_at().await.unwrap(), None);
    }
}

on_both_stores! {
    async fn a_retrying_command_holds_back_the_later_commands_of_its_subject() {
        let (_dir, store) = fresh_store().await;
        let mut provide = provision("partner-portal:1", at(0));
        provide.item_key = Some("provision".into());
        let mut end = deprovision("partner-portal:1", at(0));
        end.item_key = Some("end".into());
        let end_at = Utc::now() + TimeDelta::hours(1);
        end.due_at = Some(end_at);
        store
            .enqueue(None, vec![provide.clone(), end.clone()])
            .await
            .unwrap();
        let claimed = claim_now(&store).await;
        assert_eq!(ids(&claimed), [provide.id.clone()]);
        let retry_at = end_at + TimeDelta::hours(1);
        let busy = Refusal {
            code: "SERVER_UNAVAILABLE".into(),
            message: "503".into(),
            fields: vec![],
            status: Some(503),
        };
        store
            .retry_later(&provide.id, claimed[0].fence, retry_at, &busy)
            .await
            .unwrap();

        // The end date has come, but the provision it ends has not run yet.
        let after_end = end_at + TimeDelta::minutes(1);
        assert!(
            store
                .claim_due(after_end, 10, WORKER, lease())
                .await
                .unwrap()
                .is_empty()
        );
        let next = store.next_due_at().await.unwrap().unwrap();
        assert_eq!(next, crate::store::timestamp::to_millis(retry_at));

        let claimed = store.claim_due(next, 10, WORKER, lease()).await.unwrap();
        assert_eq!(ids(&claimed), [provide.id]);
        assert_eq!(claimed[0].attempts, 2);
    }
}

on_both_stores! {
    async fn an_expired_claim_goes_back_to_the_queue() {
        let (_dir, store) = fresh_store().await;
        store
            .enqueue(None, vec![provision("partner-portal:1", at(0))])
            .await
            .unwrap();
        let now = Utc::now();
        let claimed = store
            .claim_due(now, 10, WORKER, TimeDelta::minutes(1))
            .await
            .unwrap();
        let id = claimed[0].command.id.clone();

        assert_eq!(store.release_expired_claims(now).await.unwrap(), 0);
        assert_eq!(
            store
                .release_expired_claims(now + TimeDelta::minutes(2))
                .await
                .unwrap(),
            1
        );

        let record = store.get_command(&id).await.unwrap().unwrap();
        assert_eq!(record.state, CommandState::Queued);
        assert_eq!((record.claimed_by, record.claimed_until), (None, None));
        let again = claim_now(&store).await;
        assert_eq!(ids(&again), [id]);
        assert_eq!(again[0].attempts, 2);
    }
}

on_both_stores! {
    async fn work_running_when_the_process_stopped_is_queued_again_with_its_progress() {
        let dir = Scratch::new().await;
        let store = dir.open().await;
        let claimed = enqueue_and_claim(&store, provision("partner-portal:1", at(0))).await;
        let id = claimed.command.id.clone();
        store
            .record_progress(&id, claimed.fence, "user_id", json!("005000000000001AAA"))
            .await
            .unwrap();
        store
            .record_progress(&id, claimed.fence, "welcome_email", json!("intended"))
            .await
            .unwrap();
        store.close().await;
        drop(store);

        let restarted = dir.open().await;
        assert!(claim_now(&restarted).await.is_empty(), "still claimed");
        assert_eq!(
            restarted.release_claims_of("another-worker").await.unwrap(),
            0
        );
        assert_eq!(restarted.release_claims_of(WORKER).await.unwrap(), 1);

        let again = claim_now(&restarted).await;
        assert_eq!(ids(&again), [id]);
        assert_eq!(again[0].attempts, 2);
        assert_eq!(
            again[0].progress.get("welcome_email"),
            Some(&json!("intended"))
        );
        assert_eq!(
            again[0].progress.get("user_id"),
            Some(&json!("005000000000001AAA"))
        );
        let history = restarted
            .get_subject(&claimed.command.subject)
            .await
            .unwrap()
            .unwrap()
            .history;
        let progress: Vec<_> = history
            .iter()
            .filter(|entry| entry.kind == HistoryKind::Progress)
            .map(|entry| entry.detail.clone())
            .collect();
        assert_eq!(progress.len(), 3, "{progress:?}");
        assert_eq!(progress[1], json!({ "welcome_email": "intended" }));
        assert_eq!(progress[2]["released"], "worker restarted");
    }
}

on_both_stores! {
    async fn a_claim_larger_than_one_statement_takes_claims_every_command_in_source_order() {
        let (_dir, store) = fresh_store().await;
        // More than the 500 commands one claiming statement takes, enqueued newest first.
        let commands: Vec<_> = (0..1_100)
            .rev()
            .map(|n| provision(&format!("partner-portal:{n}"), at(n)))
            .collect();
        let mut expected = ids_of(&commands);
        expected.reverse();
        store.enqueue(None, commands).await.unwrap();

        let claimed = store.claim_due(Utc::now(), 2_000, WORKER, lease()).await.unwrap();

        assert_eq!(ids(&claimed), expected);
        for claim in &claimed {
            assert_eq!(claim.attempts, 1);
            assert_eq!(claim.subject.subject_key, claim.command.subject);
        }
        let running = store.count_commands_by_state().await.unwrap();
        assert_eq!(running[&CommandState::Running], 1_100);
    }
}

fn ids_of(commands: &[crate::store::NewCommand]) -> Vec<CommandId> {
    commands.iter().map(|command| command.id.clone()).collect()
}
