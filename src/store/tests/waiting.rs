//! Retrying, parking and unparking, and what only a running command may do.

use chrono::{TimeDelta, Utc};
use serde_json::json;

use super::backing::on_both_stores;
use super::fresh_store;
use super::samples::{WORKER, at, claim_now, ended, enqueue_and_claim, lease, provision};
use crate::domain::{OutcomeKind, Refusal};
use crate::store::{
    CommandState, FencingToken, OutboxEvent, StoreError, StoreErrorKind, SubjectUpdate,
};

fn lock_error() -> Refusal {
    Refusal {
        code: "UNABLE_TO_LOCK_ROW".into(),
        message: "unable to obtain exclusive access to this record".into(),
        fields: vec![],
        status: Some(400),
    }
}

on_both_stores! {
    async fn a_failed_attempt_runs_again_at_its_retry_time_with_the_error_kept() {
        let (_dir, store) = fresh_store().await;
        let claimed = enqueue_and_claim(&store, provision("partner-portal:1", at(0))).await;
        let id = claimed.command.id.clone();
        let retry_at = Utc::now() + TimeDelta::minutes(10);

        store
            .retry_later(&id, claimed.fence, retry_at, &lock_error())
            .await
            .unwrap();

        let record = store.get_command(&id).await.unwrap().unwrap();
        assert_eq!(record.state, CommandState::Retrying);
        assert_eq!(record.last_error, Some(lock_error()));
        assert_eq!(record.due_at, crate::store::timestamp::to_millis(retry_at));
        assert_eq!(record.claimed_by, None);
        assert!(claim_now(&store).await.is_empty());
        let again = store
            .claim_due(retry_at, 10, WORKER, lease())
            .await
            .unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].attempts, 2);
    }
}

on_both_stores! {
    async fn parked_commands_wait_until_their_licence_is_unparked() {
        let (_dir, store) = fresh_store().await;
        store
            .enqueue(
                None,
                vec![
                    provision("partner-portal:1", at(0)),
                    provision("customer-portal:2", at(0)),
                ],
            )
            .await
            .unwrap();
        let claimed = claim_now(&store).await;
        assert_eq!(claimed.len(), 2);
        let (partner, customer) = (&claimed[0].command.id, &claimed[1].command.id);
        store
            .park(
                partner,
                claimed[0].fence,
                "LICENSE_LIMIT_EXCEEDED",
                Some("Partner Community"),
            )
            .await
            .unwrap();
        store
            .park(
                customer,
                claimed[1].fence,
                "LICENSE_LIMIT_EXCEEDED",
                Some("Customer Community"),
            )
            .await
            .unwrap();
        let parked = store.get_command(partner).await.unwrap().unwrap();
        assert_eq!(parked.state, CommandState::Parked);
        assert_eq!(parked.parked_licence.as_deref(), Some("Partner Community"));
        assert_eq!(
            parked.parked_reason.as_deref(),
            Some("LICENSE_LIMIT_EXCEEDED")
        );
        let far_future = Utc::now() + TimeDelta::days(365);
        assert!(
            store
                .claim_due(far_future, 10, WORKER, lease())
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(store.next_due_at().await.unwrap(), None);
        let counts = store.count_commands_by_state().await.unwrap();
        assert_eq!(counts[&CommandState::Parked], 2);
        assert_eq!(counts[&CommandState::Running], 0);

        assert_eq!(store.unpark(Some("Partner Community")).await.unwrap(), 1);
        let woken = claim_now(&store).await;
        assert_eq!(woken.len(), 1);
        assert_eq!(&woken[0].command.id, partner);
        assert_eq!(store.unpark(None).await.unwrap(), 1);
        assert_eq!(store.unpark(None).await.unwrap(), 0);
        let record = store.get_command(customer).await.unwrap().unwrap();
        assert_eq!(record.state, CommandState::Queued);
        assert_eq!(record.parked_licence, None);
    }
}

on_both_stores! {
    async fn only_a_running_command_can_finish_retry_park_or_record_progress() {
        let (_dir, store) = fresh_store().await;
        let waiting = provision("partner-portal:1", at(0));
        let id = waiting.id.clone();
        store.enqueue(None, vec![waiting]).await.unwrap();
        let record = store.get_command(&id).await.unwrap().unwrap();
        let outcome = ended(OutcomeKind::Succeeded);
        let announcement = OutboxEvent::announcing(&record.command, &outcome);
        // A token no claim of the command was given.
        let fence = FencingToken::new(1);

        let errors = [
            store
                .finish(&id, fence, outcome, SubjectUpdate::default(), announcement)
                .await
                .unwrap_err(),
            store
                .retry_later(&id, fence, Utc::now(), &lock_error())
                .await
                .unwrap_err(),
            store
                .park(&id, fence, "no licence", None)
                .await
                .unwrap_err(),
            store
                .record_progress(&id, fence, "welcome_email", json!("intended"))
                .await
                .unwrap_err(),
        ];

        for error in errors {
            assert!(
                matches!(
                    error,
                    StoreError::CommandRefused {
                        state: CommandState::Queued,
                        ..
                    }
                ),
                "{error:?}"
            );
            assert_eq!(error.kind(), StoreErrorKind::Refused);
        }
        let after = store.get_command(&id).await.unwrap().unwrap();
        assert_eq!(after.state, CommandState::Queued);
        assert!(after.progress.is_empty());
        assert!(store.outbox_unpublished(10).await.unwrap().is_empty());
        let history = store
            .get_subject(&record.command.subject)
            .await
            .unwrap()
            .unwrap()
            .history;
        assert_eq!(
            history.len(),
            1,
            "only the enqueue is recorded: {history:?}"
        );
    }
}
