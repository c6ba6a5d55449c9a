use chrono::Utc;

use super::*;
use crate::domain::{CommandId, SubjectKey};
use crate::store::OutboxId;

fn row(traceparent: Option<&str>) -> OutboxRow {
    OutboxRow {
        outbox_id: OutboxId::generate(),
        subject_key: SubjectKey::parse("partner-portal:u-1").unwrap(),
        command_id: CommandId::generate(),
        event_type: "dev.gatehouse.user.provisioned".into(),
        payload: serde_json::json!({}),
        traceparent: traceparent.map(str::to_owned),
        created_at: Utc::now(),
        published_at: None,
    }
}

#[test]
fn without_exported_spans_the_stored_context_travels_and_none_is_made_up() {
    let stored = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let with = row(Some(stored));
    assert_eq!(
        traceparent(&produce_span("outcomes", &with), &with).as_deref(),
        Some(stored)
    );
    let without = row(None);
    assert_eq!(
        traceparent(&produce_span("outcomes", &without), &without),
        None
    );
    let garbled = row(Some("not-a-traceparent"));
    assert_eq!(
        traceparent(&produce_span("outcomes", &garbled), &garbled),
        None
    );
}
