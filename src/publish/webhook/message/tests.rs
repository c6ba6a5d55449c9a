use std::sync::Arc;

use chrono::TimeZone;
use serde_json::json;

use super::*;
use crate::domain::{CommandId, SubjectKey};
use crate::store::OutboxId;

fn row() -> OutboxRow {
    OutboxRow {
        outbox_id: OutboxId::parse("out_01a21e7a-1018-751b-bb11-ef77a21b0b66").unwrap(),
        subject_key: SubjectKey::parse("partner-portal:u-1").unwrap(),
        command_id: CommandId::parse("cmd_01a21e7a-0ffc-763b-9006-95d73530a4e2").unwrap(),
        event_type: "dev.gatehouse.user.provisioned".to_owned(),
        payload: json!({"subject": "partner-portal:u-1", "source": "partner-portal"}),
        traceparent: None,
        created_at: Utc.timestamp_millis_opt(1_796_000_000_123).unwrap(),
        published_at: None,
    }
}

#[test]
fn the_body_carries_the_kafka_attributes_and_the_payload_as_data() {
    let event = cloud_event(&row(), "urn:gatehouse:prod");
    assert_eq!(
        event,
        json!({
            "specversion": "1.0",
            "id": "out_01a21e7a-1018-751b-bb11-ef77a21b0b66",
            "source": "urn:gatehouse:prod",
            "type": "dev.gatehouse.user.provisioned",
            "subject": "partner-portal:u-1",
            "time": "2026-11-30T00:53:20.123Z",
            "datacontenttype": "application/json",
            "data": {"subject": "partner-portal:u-1", "source": "partner-portal"},
        })
    );
}

#[test]
fn the_signature_is_the_standard_webhooks_example() {
    // The worked example of the Standard Webhooks specification.
    let key = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let keys = [Arc::new(SecretSlice::from(key))];
    let at = Utc.timestamp_opt(1_614_265_330, 0).unwrap();
    let body = br#"{"test": 2432232314}"#.to_vec();
    let signed = sign("msg_p5jXN8AQM9LWM0D4loKWxJek", at, body, &keys);
    assert_eq!(
        signed.signature,
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
    assert_eq!(signed.timestamp, 1_614_265_330);
}

#[test]
fn each_secret_adds_a_signature() {
    let keys = [
        Arc::new(SecretSlice::from(vec![1u8; 32])),
        Arc::new(SecretSlice::from(vec![2u8; 32])),
    ];
    let signed = message(&row(), "urn:gatehouse", Utc::now(), &keys);
    let parts: Vec<&str> = signed.signature.split(' ').collect();
    assert_eq!(parts.len(), 2);
    assert!(parts.iter().all(|p| p.starts_with("v1,")));
    assert_ne!(parts[0], parts[1]);
}
