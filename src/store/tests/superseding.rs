//! The supersede rule: only a subject's newest desired state waits.

use chrono::{TimeDelta, Utc};

use super::backing::on_both_stores;
use super::fresh_store;
use super::samples::{at, claim_now, deprovision, enqueue_and_claim, key, provision};
use crate::domain::{OutcomeKind, Refusal};
use crate::store::{CommandState, HistoryKind, Store};

async fn state_of(store: &Store, id: &crate::domain::CommandId) -> CommandState {
    store.get_command(id).await.unwrap().unwrap().state
}

on_both_stores! {
    async fn a_newer_event_supersedes_waiting_commands_but_never_a_running_one() {
        let (_dir, store) = fresh_store().await;
        let running = enqueue_and_claim(&store, provision("partner-portal:1", at(0))).await;
        let waiting = provision("partner-portal:1", at(1));
        let elsewhere = provision("partner-portal:2", at(1));
        let answers = store
            .enqueue(None, vec![waiting.clone(), elsewhere.clone()])
            .await
            .unwrap();
        assert!(answers.iter().all(|answer| answer.superseded.is_empty()));

        let newer = deprovision("partner-portal:1", at(2));
        let answers = store.enqueue(None, vec![newer.clone()]).await.unwrap();

        assert_eq!(answers[0].superseded, vec![waiting.id.clone()]);
        assert_eq!(answers[0].state, CommandState::Queued);
        assert_eq!(
            state_of(&store, &running.command.id).await,
            CommandState::Running
        );
        assert_eq!(state_of(&store, &elsewhere.id).await, CommandState::Queued);
        let replaced = store.get_command(&waiting.id).await.unwrap().unwrap();
        assert_eq!(replaced.state, CommandState::Done);
        let outcome = replaced.outcome.unwrap();
        assert_eq!(outcome.kind, OutcomeKind::Superseded);
        assert_eq!(outcome.api_calls, 0);

        let outbox = store.outbox_unpublished(10).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].command_id, waiting.id);
        assert_eq!(outbox[0].event_type, "dev.gatehouse.command.superseded");
        assert_eq!(outbox[0].payload["superseded_by"], newer.id.as_str());
        let history = store
            .get_subject(&key("partner-portal:1"))
            .await
            .unwrap()
            .unwrap()
            .history;
        let ended = history
            .iter()
            .find(|entry| entry.kind == HistoryKind::Outcome)
            .unwrap();
        assert_eq!(ended.command_id.as_ref(), Some(&waiting.id));
        assert_eq!(ended.detail["superseded_by"], newer.id.as_str());
        // A superseded command was never applied.
        assert_eq!(
            store.last_applied(&key("partner-portal:1")).await.unwrap(),
            None
        );
    }
}

on_both_stores! {
    async fn retrying_parked_and_scheduled_commands_are_superseded_too() {
        let (_dir, store) = fresh_store().await;
        let retrying = enqueue_and_claim(&store, provision("partner-portal:1", at(0))).await;
        let error = Refusal {
            code: "UNABLE_TO_LOCK_ROW".into(),
            message: "unable to obtain exclusive access to this record".into(),
            fields: vec![],
            status: Some(400),
        };
        store
            .retry_later(
                &retrying.command.id,
                retrying.fence,
                Utc::now() + TimeDelta::minutes(5),
                &error,
            )
            .await
            .unwrap();
        let parked = enqueue_and_claim(&store, provision("partner-portal:2", at(0))).await;
        store
            .park(
                &parked.command.id,
                parked.fence,
                "no free licence",
                Some("Partner Community"),
            )
            .await
            .unwrap();
        let mut scheduled = deprovision("partner-portal:3", at(0));
        scheduled.due_at = Some(Utc::now() + TimeDelta::days(30));
        store.enqueue(None, vec![scheduled.clone()]).await.unwrap();

        let answers = store
            .enqueue(
                None,
                vec![
                    provision("partner-portal:1", at(1)),
                    provision("partner-portal:2", at(1)),
                    provision("partner-portal:3", at(1)),
                ],
            )
            .await
            .unwrap();

        let superseded: Vec<_> = answers.iter().flat_map(|a| a.superseded.clone()).collect();
        assert_eq!(
            superseded,
            [
                retrying.command.id.clone(),
                parked.command.id.clone(),
                scheduled.id.clone()
            ]
        );
        for id in &superseded {
            let record = store.get_command(id).await.unwrap().unwrap();
            assert_eq!(
                record.outcome.map(|o| o.kind),
                Some(OutcomeKind::Superseded)
            );
        }
        assert_eq!(store.outbox_unpublished(10).await.unwrap().len(), 3);
    }
}

on_both_stores! {
    async fn an_event_older_than_a_waiting_one_is_superseded_on_arrival() {
        let (_dir, store) = fresh_store().await;
        let newer = deprovision("partner-portal:1", at(5));
        store.enqueue(None, vec![newer.clone()]).await.unwrap();

        let late = provision("partner-portal:1", at(1));
        let answers = store.enqueue(None, vec![late.clone()]).await.unwrap();

        assert_eq!(answers[0].state, CommandState::Done);
        assert!(answers[0].superseded.is_empty());
        let record = store.get_command(&late.id).await.unwrap().unwrap();
        assert_eq!(
            record.outcome.map(|o| o.kind),
            Some(OutcomeKind::Superseded)
        );
        let claimed = claim_now(&store).await;
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].command.id, newer.id);
    }
}

on_both_stores! {
    async fn the_commands_of_one_event_never_supersede_each_other() {
        let (_dir, store) = fresh_store().await;
        let mut now = provision("partner-portal:1", at(0));
        now.item_key = Some("provision".into());
        let mut end = deprovision("partner-portal:1", at(0));
        end.item_key = Some("end".into());
        end.due_at = Some(Utc::now() + TimeDelta::days(90));

        let answers = store
            .enqueue(None, vec![now.clone(), end.clone()])
            .await
            .unwrap();

        let states: Vec<CommandState> = answers.iter().map(|a| a.state).collect();
        assert_eq!(states, [CommandState::Queued, CommandState::Scheduled]);
        assert!(answers.iter().all(|a| a.superseded.is_empty()));
        assert!(store.outbox_unpublished(10).await.unwrap().is_empty());
    }
}

on_both_stores! {
    async fn a_future_end_date_does_not_cancel_a_provision_that_is_due_now() {
        let (_dir, store) = fresh_store().await;
        let signup = provision("partner-portal:7", at(0));
        store.enqueue(None, vec![signup.clone()]).await.unwrap();
        let mut contract_end = deprovision("partner-portal:7", at(1));
        contract_end.due_at = Some(Utc::now() + TimeDelta::days(30));
        let answers = store
            .enqueue(None, vec![contract_end.clone()])
            .await
            .unwrap();

        assert!(
            answers[0].superseded.is_empty(),
            "the signup must still run"
        );
        assert_eq!(state_of(&store, &signup.id).await, CommandState::Queued);
        assert_eq!(
            state_of(&store, &contract_end.id).await,
            CommandState::Scheduled
        );

        // A renewal due now does replace the scheduled end.
        let renewal = provision("partner-portal:7", at(2));
        let answers = store.enqueue(None, vec![renewal]).await.unwrap();
        assert!(answers[0].superseded.contains(&contract_end.id));
    }
}
