//! A batch's endings: finishes, retries and parks of many commands in one transaction, with the
//! follow-ups and unparks their outcomes cause, each ending fenced on its own token.

use chrono::{TimeDelta, Utc};

use super::backing::{Scratch, on_both_stores};
use super::batching::{Batch, refuse_history_of};
use super::samples::{WORKER, at, deprovision, ended, lease, provision};
use crate::domain::{OutcomeKind, Refusal};
use crate::store::{
    ClaimedCommand, CommandFilter, CommandRecord, CommandState, Ending, Finish, HistoryKind,
    OutboxEvent, Store, SubjectUpdate,
};

const PARTNER: &str = "Partner Community";
const CUSTOMER: &str = "Customer Community";

/// A finish of `claimed` that frees `freed` and enqueues a deactivation a day later.
fn finish(claimed: &ClaimedCommand, freed: Option<&str>) -> Ending {
    let outcome = ended(OutcomeKind::Succeeded);
    let mut follow_up = deprovision(claimed.command.subject.as_str(), at(0));
    follow_up.item_key = Some(format!("{}:then-deactivate", claimed.command.id));
    follow_up.due_at = Some(Utc::now() + TimeDelta::days(1));
    Ending::Finish(Box::new(Finish {
        command_id: claimed.command.id.clone(),
        fence: claimed.fence,
        announcement: OutboxEvent::announcing(&claimed.command, &outcome),
        outcome,
        update: SubjectUpdate::default(),
        freed: freed.map(str::to_owned),
        follow_ups: vec![follow_up],
    }))
}

fn busy() -> Refusal {
    Refusal {
        code: "UNABLE_TO_LOCK_ROW".into(),
        message: "unable to obtain exclusive access to this record".into(),
        fields: vec![],
        status: Some(400),
    }
}

/// A command of `subject` claimed and parked on `licence` before the batch ends.
async fn parked_on(store: &Store, subject: &str, licence: &str) -> ClaimedCommand {
    store
        .enqueue(None, vec![provision(subject, at(0))])
        .await
        .unwrap();
    let mut claimed = store
        .claim_due(Utc::now(), 10, WORKER, lease())
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1, "{claimed:?}");
    let claimed = claimed.remove(0);
    store
        .park(
            &claimed.command.id,
            claimed.fence,
            "LICENSE_LIMIT_EXCEEDED",
            Some(licence),
        )
        .await
        .unwrap();
    claimed
}

async fn record(store: &Store, claimed: &ClaimedCommand) -> CommandRecord {
    store
        .get_command(&claimed.command.id)
        .await
        .unwrap()
        .unwrap()
}

/// Every command of `claimed`'s subject.
async fn commands_of(store: &Store, claimed: &ClaimedCommand) -> Vec<CommandRecord> {
    let filter = CommandFilter {
        subject: Some(claimed.command.subject.clone()),
        ..CommandFilter::default()
    };
    store.list_commands(&filter).await.unwrap()
}

on_both_stores! {
    async fn a_batch_of_endings_lands_each_held_one_with_what_it_causes_and_refuses_a_stale_one() {
        let dir = Scratch::new().await;
        let batch = Batch::claim(&dir).await;
        let store = &batch.store;
        let waiting_partner = parked_on(store, "partner-portal:waiting", PARTNER).await;
        let waiting_customer = parked_on(store, "customer-portal:waiting", CUSTOMER).await;
        let [first, second, third] = [&batch.held[0], &batch.held[1], &batch.held[2]];
        let retry_at = Utc::now() + TimeDelta::minutes(10);
        let endings = vec![
            finish(first, Some(PARTNER)),
            finish(&batch.stale, Some(CUSTOMER)),
            Ending::Retry { command_id: second.command.id.clone(), fence: second.fence, due_at: retry_at, error: busy() },
            Ending::Park { command_id: third.command.id.clone(), fence: third.fence, reason: "no licence".into(), licence: Some(PARTNER.into()) },
        ];

        let ended = store.end_many(endings).await.unwrap();

        let answers = &ended.endings;
        assert!(answers[1].as_ref().is_err_and(|e| e.is_claim_lost()), "{answers:?}");
        let outbox_id = answers[0].as_ref().unwrap().clone().expect("a finish is announced");
        assert!(matches!(answers[2], Ok(None)) && matches!(answers[3], Ok(None)), "{answers:?}");
        // The finish: its outcome, history row and announcement, and its follow-up enqueued.
        let done = record(store, first).await;
        assert_eq!((done.state, done.outcome.map(|o| o.kind)), (CommandState::Done, Some(OutcomeKind::Succeeded)));
        assert_eq!(batch.history(first, HistoryKind::Outcome).await.len(), 1);
        let outbox = store.outbox_unpublished(10).await.unwrap();
        assert_eq!(outbox.iter().map(|row| &row.outbox_id).collect::<Vec<_>>(), vec![&outbox_id]);
        let follow_ups: Vec<_> = commands_of(store, first).await.into_iter().filter(|c| c.command.id != first.command.id).collect();
        assert_eq!(follow_ups.len(), 1, "{follow_ups:?}");
        assert_eq!(follow_ups[0].state, CommandState::Scheduled);
        // The stale finish wrote nothing: no follow-up, no unpark of the licence it named.
        assert_eq!(commands_of(store, &batch.stale).await.len(), 1);
        assert_eq!(record(store, &batch.stale).await.claimed_by.as_deref(), Some("another-worker"));
        assert_eq!(record(store, &waiting_customer).await.state, CommandState::Parked);
        // The retry and the park, each with its history row.
        let retrying = record(store, second).await;
        assert_eq!((retrying.state, retrying.last_error), (CommandState::Retrying, Some(busy())));
        assert_eq!(retrying.due_at, crate::store::timestamp::to_millis(retry_at));
        let third_rows = batch.history(third, HistoryKind::Progress).await;
        assert!(third_rows.iter().any(|row| row["state"] == "parked"), "{third_rows:?}");
        // The licence the finish freed resumed both commands parked on it, the one parked in
        // this very batch included.
        assert_eq!(ended.resumed, 2);
        assert_eq!(record(store, &waiting_partner).await.state, CommandState::Queued);
        assert_eq!(record(store, third).await.state, CommandState::Queued);
    }
}

on_both_stores! {
    async fn a_batch_of_finishes_is_announced_in_the_order_given() {
        let dir = Scratch::new().await;
        let batch = Batch::claim(&dir).await;
        let order = [&batch.held[2], &batch.held[0], &batch.held[1]];
        let endings = order.iter().map(|claimed| finish(claimed, None)).collect();

        let ended = batch.store.end_many(endings).await.unwrap();

        let ids: Vec<_> = ended.endings.into_iter().map(|e| e.unwrap().unwrap()).collect();
        let outbox = batch.store.outbox_unpublished(10).await.unwrap();
        assert_eq!(outbox.iter().map(|row| row.outbox_id.clone()).collect::<Vec<_>>(), ids);
        let announced: Vec<_> = outbox.iter().map(|row| row.command_id.clone()).collect();
        let expected: Vec<_> = order.iter().map(|claimed| claimed.command.id.clone()).collect();
        assert_eq!(announced, expected);
    }
}

on_both_stores! {
    async fn a_batch_of_endings_the_store_fails_writes_nothing_of_it() {
        let dir = Scratch::new().await;
        let batch = Batch::claim(&dir).await;
        let store = &batch.store;
        let waiting = parked_on(store, "partner-portal:waiting", PARTNER).await;
        refuse_history_of(&dir, batch.held[2].command.subject.as_str()).await;
        let endings = vec![
            finish(&batch.held[0], Some(PARTNER)),
            finish(&batch.held[1], None),
            finish(&batch.held[2], None),
        ];

        let failed = store.end_many(endings).await.unwrap_err();

        assert!(!failed.is_claim_lost(), "{failed:?}");
        for claimed in &batch.held {
            let record = record(store, claimed).await;
            assert_eq!(record.state, CommandState::Running, "{record:?}");
            assert_eq!(commands_of(store, claimed).await.len(), 1, "no follow-up");
        }
        assert!(store.outbox_unpublished(10).await.unwrap().is_empty());
        assert_eq!(record(store, &waiting).await.state, CommandState::Parked);
    }
}

on_both_stores! {
    async fn a_batch_of_finishes_records_on_each_subject_what_its_own_outcome_found() {
        let dir = Scratch::new().await;
        let batch = Batch::claim(&dir).await;
        let store = &batch.store;
        let endings = batch.held.iter().enumerate().map(|(n, claimed)| {
            let Ending::Finish(mut one) = finish(claimed, None) else { unreachable!("a finish") };
            one.update.username = Some(format!("person{n}@example.com"));
            one.update.licence = (n == 1).then(|| PARTNER.to_owned());
            Ending::Finish(one)
        }).collect();

        let ended = store.end_many(endings).await.unwrap();

        assert!(ended.endings.iter().all(|e| matches!(e, Ok(Some(_)))), "{:?}", ended.endings);
        for (n, claimed) in batch.held.iter().enumerate() {
            let subject = store.get_subject(&claimed.command.subject).await.unwrap().unwrap().record;
            assert_eq!(subject.username, Some(format!("person{n}@example.com")));
            assert_eq!(subject.licence.is_some(), n == 1, "{subject:?}");
            assert_eq!(subject.user_id.as_deref(), Some("005000000000001AAA"));
            assert_eq!(subject.deactivation_trigger, None, "a provision's reasons replace the old");
        }
    }
}
