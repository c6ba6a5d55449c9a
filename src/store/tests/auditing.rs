//! The operators' audit trail: entries kept with the store's time, listed newest first, by
//! actor or by person, a page at a time.

use chrono::{TimeDelta, TimeZone, Utc};
use serde_json::json;

use super::backing::{Scratch, on_both_stores};
use crate::clock::ManualClock;
use crate::store::{AuditFilter, NewAuditEntry, RetentionKind};

fn entry(actor: &str, action: &str, subject: Option<&str>) -> NewAuditEntry {
    NewAuditEntry {
        actor: actor.to_owned(),
        roles: "operator".to_owned(),
        action: action.to_owned(),
        target: None,
        reason: Some("ticket OPS-7".to_owned()),
        subject_key: subject.map(str::to_owned),
        personal: subject.map(|s| json!({"subject": s})),
    }
}

on_both_stores! {
    async fn audit_entries_are_kept_and_listed_newest_first() {
        let dir = Scratch::new().await;
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
        let store = dir.open_with_clock(clock.shared()).await;
        let first = store.record_audit(&entry("alice", "GET /v1/subjects/{key}", Some("hr:1"))).await.unwrap();
        clock.advance(TimeDelta::seconds(5));
        store.record_audit(&entry("bob", "POST /v1/held/approve", None)).await.unwrap();
        store.record_audit(&entry("alice@example.com", "GET /v1/inbox/{event_id}", None)).await.unwrap();

        let all = store.audit_entries(&AuditFilter { limit: 10, ..AuditFilter::default() }).await.unwrap();
        let actors: Vec<&str> = all.iter().map(|e| e.actor.as_str()).collect();
        assert_eq!(actors, ["alice@example.com", "bob", "alice"]);
        let oldest = &all[2];
        assert_eq!(oldest.seq, first);
        assert_eq!(oldest.at, Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
        assert_eq!(oldest.subject_key.as_deref(), Some("hr:1"));
        assert_eq!(oldest.personal, Some(json!({"subject": "hr:1"})));
        assert_eq!(oldest.reason.as_deref(), Some("ticket OPS-7"));

        let alices = AuditFilter { actor: Some("alice".into()), limit: 10, ..AuditFilter::default() };
        assert_eq!(store.audit_entries(&alices).await.unwrap().len(), 1);
        let about = AuditFilter { subject: Some("hr:1".into()), limit: 10, ..AuditFilter::default() };
        assert_eq!(store.audit_entries(&about).await.unwrap()[0].seq, first);
        let page = AuditFilter { before: Some(all[0].seq), limit: 1, ..AuditFilter::default() };
        let next = store.audit_entries(&page).await.unwrap();
        assert_eq!(next.iter().map(|e| e.actor.as_str()).collect::<Vec<_>>(), ["bob"]);
    }
}

on_both_stores! {
    async fn past_its_retention_an_entry_forgets_whom_it_was_about_and_keeps_the_rest() {
        let dir = Scratch::new().await;
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
        let store = dir.open_with_clock(clock.shared()).await;
        store.record_audit(&entry("alice", "GET /v1/subjects/{key}", Some("hr:1"))).await.unwrap();
        store.record_audit(&entry("bob", "GET /v1/subjects/{key}", Some("hr:2"))).await.unwrap();
        clock.advance(TimeDelta::days(400));
        store.record_audit(&entry("carol", "GET /v1/subjects/{key}", Some("hr:3"))).await.unwrap();

        let cut_off = Utc.with_ymd_and_hms(2026, 3, 3, 0, 0, 0).unwrap();
        assert_eq!(store.count_sweepable(RetentionKind::Audit, cut_off).await.unwrap(), 2);
        let swept = store.sweep(RetentionKind::Audit, cut_off, 1).await.unwrap();
        assert_eq!((swept.rows, swept.statements), (2, 3));

        let all = store.audit_entries(&AuditFilter { limit: 10, ..AuditFilter::default() }).await.unwrap();
        let by = |actor: &str| all.iter().find(|e| e.actor == actor).unwrap();
        for old in [by("alice"), by("bob")] {
            assert_eq!((&old.subject_key, &old.personal), (&None, &None), "{old:?}");
            assert_eq!(old.action, "GET /v1/subjects/{key}");
            assert_eq!(old.reason.as_deref(), Some("ticket OPS-7"));
        }
        assert_eq!(by("carol").subject_key.as_deref(), Some("hr:3"));
        assert_eq!(store.count_sweepable(RetentionKind::Audit, cut_off).await.unwrap(), 0);
    }
}
