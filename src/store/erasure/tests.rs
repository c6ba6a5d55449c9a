use chrono::{TimeZone, Utc};

use super::{Tombstone, key_hash};
use crate::domain::{CommandId, SubjectKey};
use crate::store::outbox::OutboxEvent;

#[test]
fn the_key_hash_is_keyed_short_and_usable_as_a_subject_key() {
    let key = SubjectKey::parse("hr:E-1001").unwrap();
    let hash = key_hash(&key);
    assert!(hash.starts_with("subject:"), "{hash}");
    assert_eq!(hash.len(), "subject:".len() + 12);
    assert!(!hash.contains("E-1001"));
    assert_eq!(hash, key_hash(&SubjectKey::parse("hr:E-1001").unwrap()));
    assert_ne!(hash, key_hash(&SubjectKey::parse("hr:E-1002").unwrap()));
    assert!(SubjectKey::parse(&hash).is_ok());
}

#[test]
fn the_erased_announcement_names_the_person_by_hash_only() {
    let key = SubjectKey::parse("hr:E-1001").unwrap();
    let tombstone = Tombstone {
        key_hash: key_hash(&key),
        last_applied_source_time: Some(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()),
        erased_at: Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap(),
        actor: "alice".to_owned(),
        reason: Some("request DSR-7".to_owned()),
    };
    let id = CommandId::generate();
    let event = OutboxEvent::subject_erased(&id, &tombstone);
    assert_eq!(event.event_type, "dev.gatehouse.subject.erased");
    assert_eq!(event.payload["subject_hash"], tombstone.key_hash.as_str());
    assert_eq!(event.payload["erasure_id"], id.as_str());
    assert_eq!(event.payload["actor"], "alice");
    assert_eq!(
        event.payload["last_applied_source_time"],
        "2026-01-02T03:04:05Z"
    );
    assert!(!event.payload.to_string().contains("E-1001"));
}
