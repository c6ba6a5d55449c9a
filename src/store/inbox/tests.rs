use super::*;

#[test]
fn statuses_and_origins_round_trip_through_their_stored_names() {
    for status in InboxStatus::ALL {
        assert_eq!(status.as_str().parse::<InboxStatus>(), Ok(status));
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(json, format!("\"{}\"", status.as_str()));
    }
    for origin in [KeyOrigin::Header, KeyOrigin::Body, KeyOrigin::ContentHash] {
        assert_eq!(origin.as_str().parse::<KeyOrigin>(), Ok(origin));
        let json = serde_json::to_string(&origin).unwrap();
        assert_eq!(json, format!("\"{}\"", origin.as_str()));
    }
    assert!("Accepted".parse::<InboxStatus>().is_err());
    assert!("contenthash".parse::<KeyOrigin>().is_err());
}

#[test]
fn debug_output_never_shows_the_body() {
    let event = NewEvent {
        source: "partner-portal".into(),
        dedupe_key: "d-1".into(),
        key_origin: KeyOrigin::Header,
        received_at: Utc::now(),
        source_time: None,
        content_type: "application/json".into(),
        body: br#"{"email":"ada@example.com"}"#.to_vec(),
        traceparent: None,
    };
    let printed = format!("{event:?}");
    assert!(!printed.contains("ada@example.com"), "{printed}");
    assert!(printed.contains("body_len: 27"), "{printed}");
}
