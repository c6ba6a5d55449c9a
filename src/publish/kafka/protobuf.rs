//! The stored JSON announcement as a `gatehouse.v1.OutcomeEvent` (or, for a guard's trip, a
//! `gatehouse.v1.GuardTripped`; for an erasure, a `gatehouse.v1.SubjectErased`), for an
//! outcome topic that is configured to carry protobuf.
//!
//! The outbox keeps one payload per outcome, in JSON (see `OutboxEvent::announcing`); the
//! protobuf form is derived from it when published rather than stored beside it, so the two
//! encodings can never disagree about an event. The payload is read into typed fields first:
//! one Gatehouse wrote that is not of the announcement's shape is refused, not half-converted.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::domain::event_type::{GUARD_TRIPPED, SUBJECT_ERASED};
use crate::domain::{LicenceEffect, Outcome};
use crate::proto::v1;

/// A stored payload that is not an announcement: says which field is wrong, never the whole
/// payload.
#[derive(Debug, thiserror::Error)]
#[error("the outbox payload is not an outcome announcement: {0}")]
pub struct PayloadError(#[source] serde_json::Error);

/// The announcement's fields, as `OutboxEvent::announcing` writes them.
#[derive(Deserialize)]
struct Announcement {
    command_id: String,
    subject: String,
    intent: String,
    #[serde(default)]
    mode: Option<String>,
    source: String,
    #[serde(default)]
    event_id: Option<String>,
    source_time: DateTime<Utc>,
    outcome: Outcome,
    #[serde(default)]
    superseded_by: Option<String>,
    #[serde(default)]
    rejected_by: Option<String>,
    #[serde(default)]
    rejection_reason: Option<String>,
}

/// The protobuf message carrying the same facts as `payload`.
pub fn outcome_event(payload: &Value) -> Result<v1::OutcomeEvent, PayloadError> {
    let announced = Announcement::deserialize(payload).map_err(PayloadError)?;
    let outcome = announced.outcome;
    let (effect, licence) = match outcome.licence_effect {
        LicenceEffect::Consumed { licence } => ("consumed", licence),
        LicenceEffect::Freed { licence } => ("freed", licence),
        LicenceEffect::Kept { licence } => ("kept", licence),
        LicenceEffect::Unchanged => ("unchanged", String::new()),
    };
    Ok(v1::OutcomeEvent {
        command_id: announced.command_id,
        subject_key: announced.subject,
        intent: announced.intent,
        mode: announced.mode.unwrap_or_default(),
        source: announced.source,
        event_id: announced.event_id.unwrap_or_default(),
        source_time: Some(timestamp(announced.source_time)),
        outcome: Some(v1::Outcome {
            kind: outcome.kind.as_str().to_owned(),
            salesforce: Some(v1::SalesforceIds {
                account_id: outcome.salesforce.account_id.unwrap_or_default(),
                contact_id: outcome.salesforce.contact_id.unwrap_or_default(),
                user_id: outcome.salesforce.user_id.unwrap_or_default(),
            }),
            licence_effect: Some(v1::LicenceEffect {
                effect: effect.to_owned(),
                licence,
            }),
            steps: outcome.steps,
            api_calls: outcome.api_calls,
            refusal: outcome.refusal.map(|refusal| v1::Refusal {
                code: refusal.code,
                message: refusal.message,
                fields: refusal.fields,
                status: refusal.status.map(u32::from).unwrap_or_default(),
            }),
            finished_at: Some(timestamp(outcome.finished_at)),
            batch: outcome.batch.map(|batch| v1::Batch {
                id: batch.id,
                size: batch.size,
                api_calls: batch.api_calls,
            }),
        }),
        superseded_by: announced.superseded_by.unwrap_or_default(),
        rejected_by: announced.rejected_by.unwrap_or_default(),
        rejection_reason: announced.rejection_reason.unwrap_or_default(),
    })
}

/// The announcement of a guard's trip, as `OutboxEvent::guard_tripped` writes it.
#[derive(Deserialize)]
struct TripAnnouncement {
    scope: String,
    #[serde(default)]
    source: Option<String>,
    deprovisions: u64,
    allowed: u64,
    threshold: Threshold,
    managed: u64,
    window_seconds: u64,
    held: u64,
    command_id: String,
    subject: String,
    #[serde(default)]
    event_id: Option<String>,
    tripped_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct Threshold {
    count: Option<u64>,
    percent: Option<f64>,
}

/// The protobuf message carrying the same facts as a trip's `payload`.
pub fn guard_tripped(payload: &Value) -> Result<v1::GuardTripped, PayloadError> {
    let trip = TripAnnouncement::deserialize(payload).map_err(PayloadError)?;
    Ok(v1::GuardTripped {
        scope: trip.scope,
        source: trip.source.unwrap_or_default(),
        deprovisions: trip.deprovisions,
        allowed: trip.allowed,
        threshold_count: trip.threshold.count.unwrap_or_default(),
        threshold_percent: trip.threshold.percent.unwrap_or_default(),
        managed: trip.managed,
        window_seconds: trip.window_seconds,
        held: trip.held,
        command_id: trip.command_id,
        subject_key: trip.subject,
        event_id: trip.event_id.unwrap_or_default(),
        tripped_at: Some(timestamp(trip.tripped_at)),
    })
}

/// The announcement of an erasure, as `OutboxEvent::subject_erased` writes it.
#[derive(Deserialize)]
struct ErasureAnnouncement {
    erasure_id: String,
    subject_hash: String,
    #[serde(default)]
    last_applied_source_time: Option<DateTime<Utc>>,
    erased_at: DateTime<Utc>,
    actor: String,
    #[serde(default)]
    reason: Option<String>,
}

/// The protobuf message carrying the same facts as an erasure's `payload`.
pub fn subject_erased(payload: &Value) -> Result<v1::SubjectErased, PayloadError> {
    let erased = ErasureAnnouncement::deserialize(payload).map_err(PayloadError)?;
    Ok(v1::SubjectErased {
        erasure_id: erased.erasure_id,
        subject_hash: erased.subject_hash,
        last_applied_source_time: erased.last_applied_source_time.map(timestamp),
        erased_at: Some(timestamp(erased.erased_at)),
        actor: erased.actor,
        reason: erased.reason.unwrap_or_default(),
    })
}

/// The protobuf encoding of an outbox row's payload: a trip's or an erasure's own message, or
/// an outcome's.
pub fn encode(event_type: &str, payload: &Value) -> Result<Vec<u8>, PayloadError> {
    Ok(match event_type {
        GUARD_TRIPPED => prost::Message::encode_to_vec(&guard_tripped(payload)?),
        SUBJECT_ERASED => prost::Message::encode_to_vec(&subject_erased(payload)?),
        _ => prost::Message::encode_to_vec(&outcome_event(payload)?),
    })
}

fn timestamp(time: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: time.timestamp(),
        // Below one second, so it fits.
        nanos: time.timestamp_subsec_nanos() as i32,
    }
}

#[cfg(test)]
mod tests;
