//! `mark` and `requeue`: the later stages' verdicts, and an operator's replay.

use super::backing::on_both_stores;
use super::{delivery, fresh_store};
use crate::store::{EventId, InboxStatus, StoreError, StoreErrorKind};

fn refused_from(error: &StoreError) -> Option<(InboxStatus, InboxStatus)> {
    match error {
        StoreError::Refused { from, to, .. } => Some((*from, *to)),
        _ => None,
    }
}

on_both_stores! {
    async fn an_unmapped_event_is_kept_with_its_reason_and_can_be_replayed() {
        let (_dir, store) = fresh_store().await;
        let receipt = store
            .accept(delivery("bamboohr", "d-1", b"{}"))
            .await
            .unwrap();
        let id = &receipt.event_id;

        store
            .mark(
                id,
                InboxStatus::Unmapped,
                Some("missing field email".into()),
            )
            .await
            .unwrap();
        let kept = store.get(id).await.unwrap().unwrap();
        assert_eq!(kept.status, InboxStatus::Unmapped);
        assert_eq!(kept.reason.as_deref(), Some("missing field email"));
        assert_eq!((kept.attempts, kept.replays), (1, 0));

        store.requeue(id).await.unwrap();
        let requeued = store.get(id).await.unwrap().unwrap();
        assert_eq!(requeued.status, InboxStatus::Accepted);
        assert_eq!(requeued.reason, None);
        assert_eq!((requeued.attempts, requeued.replays), (1, 1));
        let replayed_at = requeued.replayed_at.expect("a replay records when");
        assert!(replayed_at >= kept.updated_at);
        assert_eq!(requeued.updated_at, replayed_at);

        store.mark(id, InboxStatus::Mapped, None).await.unwrap();
        let mapped = store.get(id).await.unwrap().unwrap();
        assert_eq!(mapped.status, InboxStatus::Mapped);
        assert_eq!((mapped.attempts, mapped.replays), (2, 1));
        assert_eq!(mapped.body, b"{}");
    }
}

on_both_stores! {
    async fn only_accepted_events_take_a_verdict() {
        let (_dir, store) = fresh_store().await;
        let receipt = store
            .accept(delivery("bamboohr", "d-1", b"{}"))
            .await
            .unwrap();
        let id = &receipt.event_id;

        let back_to_accepted = store
            .mark(id, InboxStatus::Accepted, None)
            .await
            .unwrap_err();
        assert_eq!(
            refused_from(&back_to_accepted),
            Some((InboxStatus::Accepted, InboxStatus::Accepted))
        );

        store.mark(id, InboxStatus::Mapped, None).await.unwrap();
        let second_verdict = store
            .mark(id, InboxStatus::Unmapped, Some("late".into()))
            .await
            .unwrap_err();
        assert_eq!(
            refused_from(&second_verdict),
            Some((InboxStatus::Mapped, InboxStatus::Unmapped))
        );
        assert_eq!(second_verdict.kind(), StoreErrorKind::Refused);
        let stored = store.get(id).await.unwrap().unwrap();
        assert_eq!((stored.status, stored.attempts), (InboxStatus::Mapped, 1));
    }
}

on_both_stores! {
    async fn requeue_refuses_events_that_are_not_kept() {
        let (_dir, store) = fresh_store().await;
        let waiting = store
            .accept(delivery("bamboohr", "d-1", b"{}"))
            .await
            .unwrap();
        let mapped = store
            .accept(delivery("bamboohr", "d-2", b"{}"))
            .await
            .unwrap();
        store
            .mark(&mapped.event_id, InboxStatus::Mapped, None)
            .await
            .unwrap();
        let ignored = store
            .accept(delivery("bamboohr", "d-3", b"{}"))
            .await
            .unwrap();
        store
            .mark(
                &ignored.event_id,
                InboxStatus::Ignored,
                Some("rule: ignore".into()),
            )
            .await
            .unwrap();

        let twice = store.requeue(&waiting.event_id).await.unwrap_err();
        assert_eq!(
            refused_from(&twice),
            Some((InboxStatus::Accepted, InboxStatus::Accepted))
        );
        let done = store.requeue(&mapped.event_id).await.unwrap_err();
        assert_eq!(
            refused_from(&done),
            Some((InboxStatus::Mapped, InboxStatus::Accepted))
        );
        // An ignored event can come back once the rule that ignored it has changed.
        store.requeue(&ignored.event_id).await.unwrap();
        // Replaying again before the mapping stage looked at it does nothing more.
        assert!(store.requeue(&ignored.event_id).await.is_err());
        let replayed = store.get(&ignored.event_id).await.unwrap().unwrap();
        assert_eq!(replayed.replays, 1);
    }
}

on_both_stores! {
    async fn an_unknown_event_is_reported_as_such() {
        let (_dir, store) = fresh_store().await;
        let nobody = EventId::generate();

        assert!(store.get(&nobody).await.unwrap().is_none());
        for error in [
            store
                .mark(&nobody, InboxStatus::Mapped, None)
                .await
                .unwrap_err(),
            store.requeue(&nobody).await.unwrap_err(),
        ] {
            assert!(
                matches!(&error, StoreError::UnknownEvent(id) if *id == nobody),
                "{error:?}"
            );
            assert_eq!(error.kind(), StoreErrorKind::NotFound);
        }
    }
}

on_both_stores! {
    async fn a_page_of_verdicts_is_written_together_and_only_to_accepted_events() {
        let (_dir, store) = fresh_store().await;
        let mut ids = Vec::new();
        for key in ["d-1", "d-2", "d-3", "d-4"] {
            ids.push(
                store
                    .accept(delivery("bamboohr", key, b"{}"))
                    .await
                    .unwrap()
                    .event_id,
            );
        }
        store
            .mark(&ids[3], InboxStatus::Mapped, None)
            .await
            .unwrap();

        let changed = store
            .mark_many(&[
                (
                    ids[0].clone(),
                    InboxStatus::Unmapped,
                    Some("no rule".into()),
                ),
                (
                    ids[1].clone(),
                    InboxStatus::Ignored,
                    Some("rule 'x': test".into()),
                ),
                // A second verdict for the same event in one page: the first one counts.
                (ids[0].clone(), InboxStatus::Ignored, Some("later".into())),
                // Already mapped: left alone.
                (ids[3].clone(), InboxStatus::Unmapped, Some("late".into())),
            ])
            .await
            .unwrap();
        assert_eq!(changed, 2);

        let mut stored = Vec::new();
        for id in &ids {
            stored.push(store.get(id).await.unwrap().unwrap());
        }
        let [first, second, untouched, mapped] = &stored[..] else {
            panic!("four events were accepted");
        };
        assert_eq!(
            (first.status, first.reason.as_deref(), first.attempts),
            (InboxStatus::Unmapped, Some("no rule"), 1)
        );
        assert_eq!(
            (second.status, second.reason.as_deref(), second.attempts),
            (InboxStatus::Ignored, Some("rule 'x': test"), 1)
        );
        assert_eq!(
            (untouched.status, untouched.attempts),
            (InboxStatus::Accepted, 0)
        );
        assert_eq!(
            (mapped.status, mapped.reason.as_deref(), mapped.attempts),
            (InboxStatus::Mapped, None, 1)
        );

        let accepted = store
            .mark_many(&[(ids[2].clone(), InboxStatus::Accepted, None)])
            .await
            .unwrap_err();
        assert_eq!(accepted.kind(), StoreErrorKind::Invalid);
    }
}
