//! `list`, `replayable` and `count_by_status`: what operators and the mapping stage read.

use super::backing::on_both_stores;
use super::{delivery, fresh_store};
use crate::store::{EventId, InboxFilter, InboxStatus, Receipt, Store};

async fn accept_all(store: &Store, source: &str, count: usize) -> Vec<Receipt> {
    let mut receipts = Vec::new();
    for i in 0..count {
        let receipt = store
            .accept(delivery(source, &format!("{source}-{i}"), b"{}"))
            .await
            .unwrap();
        receipts.push(receipt);
    }
    receipts
}

fn ids<'a>(events: impl IntoIterator<Item = &'a crate::store::InboxEvent>) -> Vec<EventId> {
    events
        .into_iter()
        .map(|event| event.event_id.clone())
        .collect()
}

on_both_stores! {
    async fn pages_follow_each_other_in_acceptance_order() {
        let (_dir, store) = fresh_store().await;
        let accepted: Vec<EventId> = accept_all(&store, "bamboohr", 7)
            .await
            .into_iter()
            .map(|receipt| receipt.event_id)
            .collect();

        let mut seen = Vec::new();
        let mut filter = InboxFilter {
            limit: 3,
            ..InboxFilter::default()
        };
        let mut page_sizes = Vec::new();
        loop {
            let page = store.list(&filter).await.unwrap();
            if page.is_empty() {
                break;
            }
            page_sizes.push(page.len());
            filter.after = page.last().map(|event| event.event_id.clone());
            seen.extend(ids(&page));
        }

        assert_eq!(page_sizes, [3, 3, 1]);
        assert_eq!(seen, accepted);
    }
}

on_both_stores! {
    async fn filters_narrow_by_status_and_source() {
        let (_dir, store) = fresh_store().await;
        let hr = accept_all(&store, "bamboohr", 3).await;
        let portal = accept_all(&store, "partner-portal", 2).await;
        store
            .mark(&hr[1].event_id, InboxStatus::Mapped, None)
            .await
            .unwrap();
        store
            .mark(&portal[0].event_id, InboxStatus::Mapped, None)
            .await
            .unwrap();

        let mapped_hr = store
            .list(&InboxFilter {
                status: Some(InboxStatus::Mapped),
                source: Some("bamboohr".into()),
                ..InboxFilter::default()
            })
            .await
            .unwrap();
        let waiting = store
            .list(&InboxFilter {
                status: Some(InboxStatus::Accepted),
                ..InboxFilter::default()
            })
            .await
            .unwrap();
        let all_portal = store
            .list(&InboxFilter {
                source: Some("partner-portal".into()),
                ..InboxFilter::default()
            })
            .await
            .unwrap();

        assert_eq!(ids(&mapped_hr), [hr[1].event_id.clone()]);
        assert_eq!(
            ids(&waiting),
            [
                hr[0].event_id.clone(),
                hr[2].event_id.clone(),
                portal[1].event_id.clone()
            ]
        );
        assert_eq!(
            ids(&all_portal),
            [portal[0].event_id.clone(), portal[1].event_id.clone()]
        );
    }
}

on_both_stores! {
    async fn replayable_lists_only_kept_events() {
        let (_dir, store) = fresh_store().await;
        let events = accept_all(&store, "bamboohr", 4).await;
        let verdicts = [
            (InboxStatus::Mapped, None),
            (InboxStatus::Ignored, Some("contractor: rule says ignore")),
            (InboxStatus::Unmapped, Some("missing field email")),
        ];
        for (receipt, (status, reason)) in events.iter().zip(verdicts) {
            store
                .mark(&receipt.event_id, status, reason.map(str::to_owned))
                .await
                .unwrap();
        }

        let kept = store.replayable(&InboxFilter::default()).await.unwrap();
        let only_unmapped = store
            .replayable(&InboxFilter {
                status: Some(InboxStatus::Unmapped),
                ..InboxFilter::default()
            })
            .await
            .unwrap();
        let mapped = store
            .replayable(&InboxFilter {
                status: Some(InboxStatus::Mapped),
                ..InboxFilter::default()
            })
            .await
            .unwrap();

        assert_eq!(
            ids(&kept),
            [events[1].event_id.clone(), events[2].event_id.clone()]
        );
        assert_eq!(only_unmapped.len(), 1);
        assert_eq!(
            only_unmapped[0].reason.as_deref(),
            Some("missing field email")
        );
        assert!(mapped.is_empty());
    }
}

on_both_stores! {
    async fn counts_name_every_status_including_empty_ones() {
        let (_dir, store) = fresh_store().await;
        let empty = store.count_by_status().await.unwrap();
        assert_eq!(empty.len(), InboxStatus::ALL.len());
        assert!(empty.values().all(|&count| count == 0));

        let events = accept_all(&store, "bamboohr", 3).await;
        store
            .mark(
                &events[0].event_id,
                InboxStatus::Unmapped,
                Some("no rule matched".into()),
            )
            .await
            .unwrap();
        let counts = store.count_by_status().await.unwrap();

        assert_eq!(counts[&InboxStatus::Accepted], 2);
        assert_eq!(counts[&InboxStatus::Unmapped], 1);
        assert_eq!(counts[&InboxStatus::Mapped], 0);
        assert_eq!(counts[&InboxStatus::Ignored], 0);
    }
}
