use chrono::TimeZone;
use serde_json::json;

use super::*;
use crate::domain::Command;
use crate::domain::{
    BatchRecord, CommandId, Deprovision, DeprovisionMode, Intent, Origin, OutcomeKind, Refusal,
    SalesforceIds, SubjectKey,
};
use crate::store::OutboxEvent;
use crate::store::tests::samples::provision_intent;

fn time(seconds: u32, millis: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, seconds).unwrap()
        + chrono::TimeDelta::milliseconds(i64::from(millis))
}

fn command(intent: Intent, event_id: Option<&str>) -> Command {
    Command {
        id: CommandId::generate(),
        subject: SubjectKey::parse("partner-portal:u-1").unwrap(),
        intent,
        origin: Origin {
            source: "partner-portal".into(),
            event_id: event_id.map(str::to_owned),
            source_time: time(1, 250),
            received_at: time(2, 0),
            actor: None,
            traceparent: None,
            started_by: None,
        },
        effective_at: None,
    }
}

#[test]
fn a_provisioned_outcome_carries_every_field_across() {
    let command = command(provision_intent(), Some("evt_1"));
    let outcome = Outcome {
        kind: OutcomeKind::Succeeded,
        salesforce: SalesforceIds {
            account_id: Some("001A".into()),
            contact_id: Some("003C".into()),
            user_id: Some("005U".into()),
        },
        licence_effect: LicenceEffect::Consumed {
            licence: "Partner Community".into(),
        },
        steps: vec!["contact.created".into(), "user.created".into()],
        api_calls: 3,
        refusal: None,
        finished_at: time(5, 125),
        batch: Some(BatchRecord {
            id: "bat_1".into(),
            size: 450,
            api_calls: 4,
        }),
    };
    let payload = OutboxEvent::announcing(&command, &outcome).payload;

    let event = outcome_event(&payload).unwrap();
    assert_eq!(
        event,
        v1::OutcomeEvent {
            command_id: command.id.as_str().to_owned(),
            subject_key: "partner-portal:u-1".into(),
            intent: "provision".into(),
            mode: String::new(),
            source: "partner-portal".into(),
            event_id: "evt_1".into(),
            source_time: Some(prost_types::Timestamp {
                seconds: time(1, 0).timestamp(),
                nanos: 250_000_000,
            }),
            outcome: Some(v1::Outcome {
                kind: "succeeded".into(),
                salesforce: Some(v1::SalesforceIds {
                    account_id: "001A".into(),
                    contact_id: "003C".into(),
                    user_id: "005U".into(),
                }),
                licence_effect: Some(v1::LicenceEffect {
                    effect: "consumed".into(),
                    licence: "Partner Community".into(),
                }),
                steps: vec!["contact.created".into(), "user.created".into()],
                api_calls: 3,
                refusal: None,
                finished_at: Some(prost_types::Timestamp {
                    seconds: time(5, 0).timestamp(),
                    nanos: 125_000_000,
                }),
                batch: Some(v1::Batch {
                    id: "bat_1".into(),
                    size: 450,
                    api_calls: 4,
                }),
            }),
            superseded_by: String::new(),
            rejected_by: String::new(),
            rejection_reason: String::new(),
        }
    );
}

#[test]
fn a_dead_lettered_deprovision_carries_its_mode_and_refusal() {
    let command = command(
        Intent::Deprovision(Deprovision {
            mode: DeprovisionMode::Freeze,
            trigger: "contract ended".into(),
        }),
        None,
    );
    let outcome = Outcome {
        kind: OutcomeKind::DeadLettered,
        salesforce: SalesforceIds::default(),
        licence_effect: LicenceEffect::Unchanged,
        steps: vec![],
        api_calls: 1,
        refusal: Some(Refusal {
            code: "INSUFFICIENT_ACCESS".into(),
            message: "no access".into(),
            fields: vec!["IsPortalEnabled".into()],
            status: Some(400),
        }),
        finished_at: time(9, 0),
        batch: None,
    };
    let payload = OutboxEvent::announcing(&command, &outcome).payload;

    let event = outcome_event(&payload).unwrap();
    assert_eq!(event.intent, "deprovision");
    assert_eq!(event.mode, "freeze");
    assert_eq!(event.event_id, "", "no inbox event: empty");
    let outcome = event.outcome.unwrap();
    assert_eq!(outcome.kind, "dead_lettered");
    assert_eq!(
        outcome.salesforce,
        Some(v1::SalesforceIds::default()),
        "no ids found: all empty"
    );
    assert_eq!(
        outcome.licence_effect,
        Some(v1::LicenceEffect {
            effect: "unchanged".into(),
            licence: String::new(),
        })
    );
    assert_eq!(
        outcome.refusal,
        Some(v1::Refusal {
            code: "INSUFFICIENT_ACCESS".into(),
            message: "no access".into(),
            fields: vec!["IsPortalEnabled".into()],
            status: 400,
        })
    );
}

#[test]
fn freed_and_kept_licences_and_a_superseding_command_are_named() {
    let mut payload = json!({
        "command_id": "cmd_1",
        "subject": "partner-portal:u-1",
        "intent": "provision",
        "source": "partner-portal",
        "source_time": "2026-03-02T09:00:01Z",
        "superseded_by": "cmd_2",
        "outcome": {
            "kind": "superseded",
            "licence_effect": {"effect": "freed", "licence": "Customer Community"},
            "api_calls": 0,
            "finished_at": "2026-03-02T09:00:02Z"
        }
    });
    let event = outcome_event(&payload).unwrap();
    assert_eq!(event.superseded_by, "cmd_2");
    let outcome = event.outcome.unwrap();
    assert_eq!(outcome.steps, Vec::<String>::new());
    assert_eq!(
        outcome.licence_effect.unwrap(),
        v1::LicenceEffect {
            effect: "freed".into(),
            licence: "Customer Community".into(),
        }
    );

    payload["outcome"]["licence_effect"] = json!({"effect": "kept", "licence": "Partner"});
    let kept = outcome_event(&payload).unwrap().outcome.unwrap();
    assert_eq!(kept.licence_effect.unwrap().effect, "kept");
}

#[test]
fn a_payload_of_another_shape_is_refused() {
    let finished = json!({"kind": "succeeded", "licence_effect": {"effect": "unchanged"},
                              "api_calls": 0, "finished_at": "2026-03-02T09:00:02Z"});
    let whole = json!({
        "command_id": "cmd_1", "subject": "s:1", "intent": "provision",
        "source": "s", "source_time": "2026-03-02T09:00:01Z", "outcome": finished,
    });
    assert!(outcome_event(&whole).is_ok());
    let mut bad_time = whole.clone();
    bad_time["source_time"] = json!("yesterday");
    let mut bad_kind = whole.clone();
    bad_kind["outcome"]["kind"] = json!("exploded");
    let mut no_outcome = whole.clone();
    no_outcome.as_object_mut().unwrap().remove("outcome");
    for payload in [json!(null), json!("text"), bad_time, bad_kind, no_outcome] {
        assert!(outcome_event(&payload).is_err(), "{payload}");
    }
}

#[test]
fn a_guard_trip_is_encoded_as_its_own_message() {
    use crate::domain::guard::{Limit, Scope, Trip};
    use crate::store::Tripped;
    let trip = Trip {
        scope: Scope::Source("contracts".into()),
        deprovisions: 200,
        allowed: 50,
        limit: Limit {
            count: Some(50),
            percent: None,
        },
        managed: 1200,
    };
    let command_id = CommandId::parse("cmd_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f").unwrap();
    let subject = SubjectKey::parse("contracts:b-0").unwrap();
    let tripped = Tripped {
        window: chrono::TimeDelta::minutes(10),
        held: 200,
        event_id: Some("evt_1"),
        command_id: &command_id,
        subject: &subject,
    };
    let at = "2026-03-02T09:00:00Z".parse().unwrap();
    let event = OutboxEvent::guard_tripped(&trip, &tripped, at);
    assert_eq!(event.event_type, "dev.gatehouse.guard.tripped");
    assert_eq!(event.payload["source"], "contracts");
    let message = guard_tripped(&event.payload).unwrap();
    assert_eq!(
        (message.scope.as_str(), message.source.as_str()),
        ("source", "contracts")
    );
    assert_eq!((message.deprovisions, message.allowed), (200, 50));
    assert_eq!(
        (message.threshold_count, message.threshold_percent),
        (50, 0.0)
    );
    assert_eq!(
        (message.managed, message.window_seconds, message.held),
        (1200, 600, 200)
    );
    assert_eq!(message.subject_key, "contracts:b-0");
    assert_eq!(message.event_id, "evt_1");
    let bytes = encode(&event.event_type, &event.payload).unwrap();
    assert_eq!(
        <v1::GuardTripped as prost::Message>::decode(bytes.as_slice()).unwrap(),
        message
    );
    assert!(encode("dev.gatehouse.user.deactivated", &event.payload).is_err());
}

#[test]
fn an_erasure_is_encoded_as_its_own_message() {
    use crate::store::{Tombstone, key_hash};
    let subject = SubjectKey::parse("hr:E-1001").unwrap();
    let tombstone = Tombstone {
        key_hash: key_hash(&subject),
        last_applied_source_time: Some("2026-03-01T08:00:00Z".parse().unwrap()),
        erased_at: "2026-03-02T09:00:00Z".parse().unwrap(),
        actor: "alice".to_owned(),
        reason: Some("request DSR-7".to_owned()),
    };
    let erasure_id = CommandId::parse("cmd_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f").unwrap();
    let event = OutboxEvent::subject_erased(&erasure_id, &tombstone);
    let message = subject_erased(&event.payload).unwrap();
    assert_eq!(message.subject_hash, tombstone.key_hash);
    assert_eq!(message.erasure_id, erasure_id.as_str());
    assert_eq!(
        (message.actor.as_str(), message.reason.as_str()),
        ("alice", "request DSR-7")
    );
    assert_eq!(
        message.erased_at.as_ref().map(|t| t.seconds),
        Some(1_772_442_000)
    );
    assert_eq!(
        message.last_applied_source_time.as_ref().map(|t| t.seconds),
        Some(1_772_352_000)
    );
    let bytes = encode(&event.event_type, &event.payload).unwrap();
    assert_eq!(
        <v1::SubjectErased as prost::Message>::decode(bytes.as_slice()).unwrap(),
        message
    );
    assert!(encode("dev.gatehouse.user.deactivated", &event.payload).is_err());
}
