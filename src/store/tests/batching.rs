//! A batch's checkpoints and renewals: one transaction for many commands, each item fenced on
//! its own token, a store failure failing them all.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use super::backing::{Backing, Scratch, current, on_both_stores};
use super::samples::{WORKER, at, provision};
use crate::domain::CommandId;
use crate::store::{ClaimedCommand, CommandState, HistoryKind, ProgressWrite, Store};

/// A batch of three commands claimed by [`WORKER`], and a fourth whose claim by [`WORKER`] is
/// stale: it expired and another worker holds the command now. Answers the store, the
/// batch's claims, the stale claim and the time the batch was claimed.
pub(super) struct Batch {
    pub(super) store: Store,
    pub(super) held: Vec<ClaimedCommand>,
    pub(super) stale: ClaimedCommand,
    pub(super) now: DateTime<Utc>,
}

impl Batch {
    pub(super) async fn claim(dir: &Scratch) -> Batch {
        let store = dir.open().await;
        let now = Utc::now();
        store
            .enqueue(None, vec![provision("partner-portal:stale", at(0))])
            .await
            .unwrap();
        let mut stale = store
            .claim_due(now, 10, WORKER, TimeDelta::minutes(1))
            .await
            .unwrap();
        let commands = (1..=3)
            .map(|n| provision(&format!("partner-portal:{n}"), at(0)))
            .collect();
        store.enqueue(None, commands).await.unwrap();
        let held = store
            .claim_due(now, 10, WORKER, TimeDelta::minutes(10))
            .await
            .unwrap();
        assert_eq!(held.len(), 3);
        let later = now + TimeDelta::minutes(2);
        assert_eq!(store.release_expired_claims(later).await.unwrap(), 1);
        let taken = store
            .claim_due(later, 10, "another-worker", TimeDelta::minutes(10))
            .await
            .unwrap();
        assert_eq!(taken.len(), 1);
        Batch {
            store,
            held,
            stale: stale.remove(0),
            now,
        }
    }

    /// The history rows of `command`'s subject that name it, of `kind`.
    pub(super) async fn history(
        &self,
        command: &ClaimedCommand,
        kind: HistoryKind,
    ) -> Vec<serde_json::Value> {
        let subject = self
            .store
            .get_subject(&command.command.subject)
            .await
            .unwrap()
            .unwrap();
        subject
            .history
            .into_iter()
            .filter(|entry| {
                entry.kind == kind && entry.command_id.as_ref() == Some(&command.command.id)
            })
            .map(|entry| entry.detail)
            .collect()
    }
}

/// Makes every history row written for `subject` fail from now on, so a batch's last item
/// fails after the others were written in its transaction.
pub(super) async fn refuse_history_of(dir: &Scratch, subject: &str) {
    match current() {
        Backing::Sqlite => {
            dir.execute(&format!(
                "CREATE TRIGGER refuse_history BEFORE INSERT ON subject_history \
                 WHEN NEW.subject_key = '{subject}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            ))
            .await
        }
        Backing::Postgres => {
            dir.execute(&format!(
                "CREATE FUNCTION refuse_history() RETURNS trigger AS $$ BEGIN \
                 RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER refuse_history BEFORE INSERT ON subject_history FOR EACH ROW \
                 WHEN (NEW.subject_key = '{subject}') EXECUTE FUNCTION refuse_history();"
            ))
            .await
        }
    }
}

fn checkpoint(claimed: &ClaimedCommand, key: &str) -> ProgressWrite {
    ProgressWrite {
        command_id: claimed.command.id.clone(),
        fence: claimed.fence,
        key: key.to_owned(),
        value: json!("intended"),
    }
}

on_both_stores! {
    async fn a_batch_of_checkpoints_lands_for_every_held_claim_and_not_for_a_stale_one() {
        let dir = Scratch::new().await;
        let batch = Batch::claim(&dir).await;
        let store = &batch.store;
        let stale_before = store.get_command(&batch.stale.command.id).await.unwrap().unwrap();
        let mut items: Vec<ProgressWrite> =
            batch.held.iter().map(|c| checkpoint(c, "welcome_email")).collect();
        // The stale claim sits between held ones, so a refusal that stopped the rest would show.
        items.insert(1, checkpoint(&batch.stale, "welcome_email"));
        items.push(checkpoint(&batch.held[0], "user_creating"));

        let answers = store.record_progress_many(&items).await.unwrap();

        assert_eq!(answers.len(), 5);
        assert!(answers[1].as_ref().is_err_and(|e| e.is_claim_lost()), "{answers:?}");
        for (n, answer) in answers.iter().enumerate().filter(|(n, _)| *n != 1) {
            assert!(answer.is_ok(), "item {n}: {answer:?}");
        }
        for claimed in &batch.held {
            let record = store.get_command(&claimed.command.id).await.unwrap().unwrap();
            assert_eq!(record.progress.get("welcome_email"), Some(&json!("intended")));
            assert_eq!(record.state, CommandState::Running);
            let rows = batch.history(claimed, HistoryKind::Progress).await;
            assert!(rows.contains(&json!({ "welcome_email": "intended" })), "{rows:?}");
        }
        let first = store.get_command(&batch.held[0].command.id).await.unwrap().unwrap();
        assert_eq!(first.progress.len(), 2, "two keys of one command merge: {first:?}");
        let stale_after = store.get_command(&batch.stale.command.id).await.unwrap().unwrap();
        assert_eq!(stale_after, stale_before, "the stale item wrote nothing");
        let stale_rows = batch.history(&batch.stale, HistoryKind::Progress).await;
        assert!(!stale_rows.iter().any(|row| row.get("welcome_email").is_some()), "{stale_rows:?}");
    }
}

on_both_stores! {
    async fn a_batch_of_checkpoints_the_store_fails_records_none() {
        let dir = Scratch::new().await;
        let batch = Batch::claim(&dir).await;
        refuse_history_of(&dir, batch.held[2].command.subject.as_str()).await;
        let items: Vec<ProgressWrite> =
            batch.held.iter().map(|c| checkpoint(c, "welcome_email")).collect();

        let failed = batch.store.record_progress_many(&items).await.unwrap_err();

        assert!(!failed.is_claim_lost(), "{failed:?}");
        for claimed in &batch.held {
            let record = batch.store.get_command(&claimed.command.id).await.unwrap().unwrap();
            assert!(record.progress.is_empty(), "{record:?}");
        }
    }
}

on_both_stores! {
    async fn a_batch_renewal_extends_the_held_claims_and_names_the_lost_one() {
        let dir = Scratch::new().await;
        let batch = Batch::claim(&dir).await;
        let store = &batch.store;
        let mut claims: Vec<(CommandId, _)> =
            batch.held.iter().map(|c| (c.command.id.clone(), c.fence)).collect();
        claims.insert(0, (batch.stale.command.id.clone(), batch.stale.fence));
        let stale_before = store.get_command(&batch.stale.command.id).await.unwrap().unwrap();

        let renewed = store.renew_many(&claims, TimeDelta::hours(1)).await.unwrap();

        assert_eq!(renewed.lost, vec![batch.stale.command.id.clone()]);
        for claimed in &batch.held {
            let record = store.get_command(&claimed.command.id).await.unwrap().unwrap();
            assert_eq!(record.claimed_until, Some(renewed.until));
        }
        assert!(renewed.until > batch.now + TimeDelta::minutes(50));
        let stale_after = store.get_command(&batch.stale.command.id).await.unwrap().unwrap();
        assert_eq!(stale_after, stale_before);
    }
}

on_both_stores! {
    async fn a_batch_of_one_checkpoint_per_command_lands_row_by_row_and_refuses_a_stale_one() {
        let dir = Scratch::new().await;
        let batch = Batch::claim(&dir).await;
        let store = &batch.store;
        let mut items: Vec<ProgressWrite> =
            batch.held.iter().map(|c| checkpoint(c, "user_creating")).collect();
        items.insert(2, checkpoint(&batch.stale, "user_creating"));

        let answers = store.record_progress_many(&items).await.unwrap();

        assert!(answers[2].as_ref().is_err_and(|e| e.is_claim_lost()), "{answers:?}");
        assert_eq!(answers.iter().filter(|a| a.is_ok()).count(), 3, "{answers:?}");
        for claimed in &batch.held {
            let record = store.get_command(&claimed.command.id).await.unwrap().unwrap();
            assert_eq!(record.progress.get("user_creating"), Some(&json!("intended")));
            let rows = batch.history(claimed, HistoryKind::Progress).await;
            assert_eq!(rows.iter().filter(|r| r.get("user_creating").is_some()).count(), 1);
        }
        let stale = store.get_command(&batch.stale.command.id).await.unwrap().unwrap();
        assert!(stale.progress.get("user_creating").is_none(), "{stale:?}");
    }
}
