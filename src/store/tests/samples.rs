//! Sample commands, outcomes and claims for the command-queue tests.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::delivery;
use crate::domain::{
    AccountRef, CommandId, ContactFields, Deprovision, DeprovisionMode, Intent, LicenceEffect,
    Origin, Outcome, OutcomeKind, Provision, SalesforceIds, SubjectKey, UserFields, WelcomeEmail,
};
use crate::store::{ClaimedCommand, EventId, NewCommand, OutboxEvent, Store, SubjectUpdate};

/// The worker id the tests claim as.
pub(crate) const WORKER: &str = "worker-1";

/// A lease long enough that no claim expires while a test runs.
pub(crate) fn lease() -> TimeDelta {
    TimeDelta::minutes(10)
}

/// A source time `minutes` after a fixed instant, so source order is chosen by the test.
pub(crate) fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + TimeDelta::minutes(minutes)
}

pub(crate) fn key(text: &str) -> SubjectKey {
    SubjectKey::parse(text).unwrap()
}

pub(crate) fn origin(source_time: DateTime<Utc>) -> Origin {
    Origin {
        source: "partner-portal".into(),
        event_id: None,
        source_time,
        received_at: source_time + TimeDelta::seconds(2),
        actor: None,
        traceparent: Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into()),
        started_by: None,
    }
}

pub(crate) fn provision_intent() -> Intent {
    Intent::Provision(Box::new(Provision {
        account: AccountRef::Key("P-100".into()),
        contact: ContactFields {
            first_name: Some("Ada".into()),
            last_name: "Lovelace".into(),
            email: "ada@partner.example".into(),
            extra: Default::default(),
        },
        user: UserFields {
            username: "ada@partner.example.portal".into(),
            alias: "alove".into(),
            nickname: "ada.lovelace".into(),
            locale: "en_GB".into(),
            time_zone: "Europe/London".into(),
            email_encoding: "UTF-8".into(),
            language: "en_US".into(),
            federation_id: None,
        },
        profile: "Partner Community User".into(),
        role: None,
        permission_sets: vec!["Deal_Registration".into()],
        welcome_email: WelcomeEmail::PasswordReset,
        purpose: Some("resells the product".into()),
        sponsor: Some("channel-team".into()),
        end_at: None,
    }))
}

pub(crate) fn provision(subject: &str, source_time: DateTime<Utc>) -> NewCommand {
    NewCommand {
        id: CommandId::generate(),
        subject: key(subject),
        intent: provision_intent(),
        origin: origin(source_time),
        item_key: None,
        due_at: None,
    }
}

pub(crate) fn deprovision(subject: &str, source_time: DateTime<Utc>) -> NewCommand {
    NewCommand {
        intent: Intent::Deprovision(Deprovision {
            mode: DeprovisionMode::Freeze,
            trigger: "contract C-42 ended".into(),
        }),
        ..provision(subject, source_time)
    }
}

/// An outcome of the given kind, with the ids a provision would have found.
pub(crate) fn ended(kind: OutcomeKind) -> Outcome {
    Outcome {
        kind,
        salesforce: SalesforceIds {
            account_id: Some("001000000000001AAA".into()),
            contact_id: Some("003000000000001AAA".into()),
            user_id: Some("005000000000001AAA".into()),
        },
        licence_effect: LicenceEffect::Consumed {
            licence: "Partner Community".into(),
        },
        steps: vec!["contact.created".into(), "user.created".into()],
        api_calls: 3,
        refusal: None,
        finished_at: Utc::now(),
        batch: None,
    }
}

/// Claims everything due now.
pub(crate) async fn claim_now(store: &Store) -> Vec<ClaimedCommand> {
    store
        .claim_due(Utc::now(), 100, WORKER, lease())
        .await
        .unwrap()
}

/// Finishes a claimed command with an outcome of `kind` and its standard announcement.
pub(crate) async fn finish_as(store: &Store, claimed: &ClaimedCommand, kind: OutcomeKind) {
    let outcome = ended(kind);
    let announcement = OutboxEvent::announcing(&claimed.command, &outcome);
    store
        .finish(
            &claimed.command.id,
            claimed.fence,
            outcome,
            SubjectUpdate::default(),
            announcement,
        )
        .await
        .unwrap();
}

/// Enqueues one command and claims it; the subject must have nothing else due.
pub(crate) async fn enqueue_and_claim(store: &Store, command: NewCommand) -> ClaimedCommand {
    let id = command.id.clone();
    store.enqueue(None, vec![command]).await.unwrap();
    let mut claimed = claim_now(store).await;
    assert_eq!(claimed.len(), 1);
    let claimed = claimed.remove(0);
    assert_eq!(claimed.command.id, id);
    claimed
}

/// An accepted inbox event, as the mapping stage finds it.
pub(crate) async fn accepted_event(store: &Store, dedupe_key: &str) -> EventId {
    store
        .accept(delivery("partner-portal", dedupe_key, b"{}"))
        .await
        .unwrap()
        .event_id
}
