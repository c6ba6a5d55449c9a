use super::*;

fn event(body: &[u8]) -> InboxEvent {
    InboxEvent {
        event_id: EventId::generate(),
        source: "hr".into(),
        dedupe_key: "d-1".into(),
        key_origin: KeyOrigin::Header,
        received_at: Utc::now(),
        source_time: None,
        content_type: "text/xml".into(),
        body: body.to_vec(),
        traceparent: None,
        status: InboxStatus::Unmapped,
        reason: Some("no rule matched".into()),
        attempts: 1,
        replays: 0,
        replayed_at: None,
        updated_at: Utc::now(),
        body_sha256: None,
        body_dropped_at: None,
    }
}

#[test]
fn a_body_that_is_not_utf8_is_shown_as_base64_and_listings_leave_it_out() {
    let bytes = b"<name>Jos\xe9</name>";
    let stored = event(bytes);
    let shown = serde_json::to_value(EventView::of(&stored, true)).unwrap();
    assert_eq!(shown["body_encoding"], "base64");
    assert_eq!(
        STANDARD.decode(shown["body"].as_str().unwrap()).unwrap(),
        bytes
    );
    assert_eq!(shown["body_bytes"], bytes.len());
    let listed = serde_json::to_value(EventView::of(&stored, false)).unwrap();
    assert!(listed.get("body").is_none(), "{listed}");
    assert!(listed.get("body_encoding").is_none(), "{listed}");
}

#[test]
fn a_utf8_body_is_shown_as_text() {
    let stored = event("{\"name\":\"José\"}".as_bytes());
    let shown = serde_json::to_value(EventView::of(&stored, true)).unwrap();
    assert_eq!(shown["body_encoding"], "utf-8");
    assert_eq!(shown["body"], "{\"name\":\"José\"}");
}
