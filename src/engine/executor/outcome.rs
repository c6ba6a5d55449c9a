//! What a run records once its command ends: the outcome, and the lifecycle record's update —
//! both read off what the Salesforce part did. Pure: no store, no org.

use crate::domain::{
    BatchRecord, DeprovisionMode, Intent, LicenceEffect, Outcome, OutcomeKind, Refusal,
    SalesforceIds,
};
use crate::engine::apply::Applied;
use crate::store::{SubjectState, SubjectUpdate};
use chrono::{DateTime, Utc};

/// The result of the Salesforce part of a command.
pub(in crate::engine) enum Done {
    Changed(Applied),
    Unchanged {
        ids: SalesforceIds,
        licence: Option<String>,
        why: &'static str,
        /// The user's username and nickname as the org has them, for the lifecycle record.
        names: Option<(String, Option<String>)>,
    },
}

/// An outcome before its API calls are counted and its time is stamped.
pub(super) struct Draft {
    pub kind: OutcomeKind,
    pub salesforce: SalesforceIds,
    pub licence_effect: LicenceEffect,
    pub steps: Vec<String>,
    pub refusal: Option<Refusal>,
}

impl Draft {
    /// Nothing was done; the steps say why.
    pub fn nothing(kind: OutcomeKind, steps: Vec<String>, refusal: Option<Refusal>) -> Draft {
        Draft {
            kind,
            salesforce: SalesforceIds::default(),
            licence_effect: LicenceEffect::Unchanged,
            steps,
            refusal,
        }
    }

    /// Refused for good, with the refusal kept on the outcome.
    pub fn dead_lettered(refusal: Refusal) -> Draft {
        Draft::nothing(OutcomeKind::DeadLettered, vec![], Some(refusal))
    }

    /// The outcome, with the calls the run spent, the time it ended and the batch it ran in.
    pub fn finished(
        self,
        api_calls: u32,
        finished_at: DateTime<Utc>,
        batch: Option<BatchRecord>,
    ) -> Outcome {
        Outcome {
            kind: self.kind,
            salesforce: self.salesforce,
            licence_effect: self.licence_effect,
            steps: self.steps,
            api_calls,
            refusal: self.refusal,
            finished_at,
            batch,
        }
    }
}

/// What a command refused for good records: the refusal, and — when the run created the user
/// before it was refused — what it did, the licence it took and the user's names, so the
/// outcome and the lifecycle record tell the truth about the org.
pub(super) fn dead_lettered(refusal: Refusal, applied: Option<&Applied>) -> (Draft, SubjectUpdate) {
    let mut outcome = Draft::dead_lettered(refusal);
    let Some(applied) = applied else {
        return (outcome, SubjectUpdate::default());
    };
    outcome.salesforce = applied.ids.clone();
    outcome.steps = applied.steps.clone();
    outcome.licence_effect = applied.licence_effect.clone();
    let licence = match &applied.licence_effect {
        LicenceEffect::Consumed { licence } => Some(licence.clone()),
        _ => None,
    };
    let update = SubjectUpdate {
        licence,
        username: applied.username.clone(),
        nickname: applied.nickname.clone(),
        ..SubjectUpdate::default()
    };
    (outcome, update)
}

/// What a command that reached the org's desired state records.
pub(super) struct Converged {
    pub outcome: Draft,
    pub update: SubjectUpdate,
    /// A licence the command gave back, which parked commands may be waiting for.
    pub freed: Option<String>,
}

/// Reads the outcome and the lifecycle record's update off what the Salesforce part did.
pub(super) fn converged(intent: &Intent, done: Done) -> Converged {
    match done {
        Done::Unchanged {
            ids,
            licence,
            why,
            names,
        } => {
            let (username, nickname) = match names {
                Some((username, nickname)) => (Some(username), nickname),
                None => (None, None),
            };
            let mut outcome = Draft::nothing(OutcomeKind::NoChange, vec![why.to_owned()], None);
            outcome.salesforce = ids;
            Converged {
                outcome,
                update: SubjectUpdate {
                    state: Some(state_after(intent)),
                    licence,
                    username,
                    nickname,
                    ..SubjectUpdate::default()
                },
                freed: None,
            }
        }
        Done::Changed(applied) => changed(intent, applied),
    }
}

fn changed(intent: &Intent, applied: Applied) -> Converged {
    let licence = match &applied.licence_effect {
        LicenceEffect::Consumed { licence }
        | LicenceEffect::Freed { licence }
        | LicenceEffect::Kept { licence } => Some(licence.clone()),
        LicenceEffect::Unchanged => None,
    };
    let freed = match &applied.licence_effect {
        LicenceEffect::Freed { licence } => Some(licence.clone()),
        _ => None,
    };
    let update = SubjectUpdate {
        state: Some(state_after(intent)),
        username: applied.username,
        nickname: applied.nickname,
        licence,
        welcome_email: applied.welcome_email,
        pending_email: applied.email_change,
    };
    let kind = if applied.changed {
        OutcomeKind::Succeeded
    } else {
        OutcomeKind::NoChange
    };
    Converged {
        outcome: Draft {
            kind,
            salesforce: applied.ids,
            licence_effect: applied.licence_effect,
            steps: applied.steps,
            refusal: None,
        },
        update,
        freed,
    }
}

/// The lifecycle state a person is in once the intent is carried out.
fn state_after(intent: &Intent) -> SubjectState {
    match intent {
        Intent::Provision(_) => SubjectState::Provisioned,
        Intent::Deprovision(d) => match d.mode {
            DeprovisionMode::Deactivate => SubjectState::Deactivated,
            DeprovisionMode::Freeze | DeprovisionMode::FreezeThenDeactivate { .. } => {
                SubjectState::Frozen
            }
            DeprovisionMode::Disable => SubjectState::Disabled,
        },
    }
}
