use super::*;

#[test]
fn a_protobuf_command_yields_its_id_and_time() {
    let command = v1::Command {
        command_id: "c-1".into(),
        subject_key: "hr:1".into(),
        source_time: Some(prost_types::Timestamp {
            seconds: 1_700_000_000,
            nanos: 5_000_000,
        }),
        ..Default::default()
    };
    let got = envelope(Some("application/x-protobuf"), &command.encode_to_vec()).unwrap();
    assert_eq!(got.command_id.as_deref(), Some("c-1"));
    assert_eq!(got.source_time.timestamp_millis(), 1_700_000_000_005);
}

#[test]
fn a_json_command_may_use_either_field_spelling() {
    let snake = br#"{"command_id":"c-2","source_time":"2026-01-02T03:04:05Z"}"#;
    let camel = br#"{"commandId":"c-2","sourceTime":"2026-01-02T03:04:05Z"}"#;
    let a = envelope(Some("application/json"), snake).unwrap();
    let b = envelope(Some("application/json; charset=utf-8"), camel).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.command_id.as_deref(), Some("c-2"));
}

#[test]
fn records_that_are_not_commands_are_refused_with_the_reason() {
    assert!(matches!(
        envelope(Some("text/plain"), b"hi"),
        Err(EnvelopeError::ContentType(_))
    ));
    assert!(matches!(
        envelope(Some("application/json"), b"{not json"),
        Err(EnvelopeError::Json(_))
    ));
    assert!(matches!(
        envelope(Some("application/json"), br#"{"command_id":"x"}"#),
        Err(EnvelopeError::NoSourceTime)
    ));
    assert!(matches!(
        envelope(None, &[0xff, 0xff, 0xff]),
        Err(EnvelopeError::Protobuf(_))
    ));
    let no_time = v1::Command::default().encode_to_vec();
    assert_eq!(envelope(None, &no_time), Err(EnvelopeError::NoSourceTime));
}
