//! One person's way through the batch: what was read and planned for them, what each step did,
//! and how it ended — kept apart from everyone else's, so that one record's error settles that
//! person alone.

use serde_json::json;

use crate::domain::{LicenceEffect, Provision, SalesforceIds};
use crate::engine::apply::{AfterCreation, Applied, ApplyError, change_steps};
use crate::engine::batch::{Member, Settled};
use crate::engine::executor::Done;
use crate::engine::plan::{Observed, ObservedProfile, ProvisionWrites, UserWrite};
use crate::report;
use crate::salesforce::{CallError, SalesforceError};
use crate::store::WelcomeEmailState;

/// One person whose plan writes.
pub(super) struct Person<'a> {
    /// Where the member stands in the batch, for its [`Settled`].
    pub index: usize,
    pub member: &'a Member,
    pub intent: &'a Provision,
    pub observed: Observed,
    pub writes: ProvisionWrites,
    pub profile: ObservedProfile,
    pub steps: Vec<String>,
    pub contact_id: Option<String>,
    pub user_id: Option<String>,
    /// Username and nickname of a user created now.
    pub created: Option<(String, String)>,
    pub welcome: Option<WelcomeEmailState>,
    /// How it ended, once it did before the last step.
    pub end: Option<Settled>,
}

impl<'a> Person<'a> {
    pub fn new(
        index: usize,
        member: &'a Member,
        intent: &'a Provision,
        observed: Observed,
        writes: ProvisionWrites,
        profile: ObservedProfile,
    ) -> Person<'a> {
        let contact_id = writes.contact.id().map(str::to_owned);
        let user_id = match &writes.user {
            UserWrite::Keep { id } | UserWrite::Update { id, .. } => Some(id.clone()),
            UserWrite::Create { .. } => None,
        };
        Person {
            index,
            member,
            intent,
            observed,
            writes,
            profile,
            steps: Vec::new(),
            contact_id,
            user_id,
            created: None,
            welcome: None,
            end: None,
        }
    }

    /// Still going: nothing has ended it.
    pub fn is_open(&self) -> bool {
        self.end.is_none()
    }

    /// Its plan creates the user.
    pub fn is_new(&self) -> bool {
        matches!(self.writes.user, UserWrite::Create { .. })
    }

    /// An update that makes an inactive user active again, which takes a licence.
    pub fn reactivates(&self) -> bool {
        matches!(&self.writes.user, UserWrite::Update { fields, .. } if fields.get("IsActive") == Some(&json!(true)))
    }

    /// Open and its claim still held; a lost claim ends it here, before the next call is sent
    /// for it (the store refuses its writes too).
    pub fn may_go_on(&mut self) -> bool {
        if !self.is_open() {
            return false;
        }
        match self.member.hold.check() {
            Ok(()) => true,
            Err(lost) => {
                self.end = Some(Settled::Failed(ApplyError::Store(lost)));
                false
            }
        }
    }

    /// Ends it with `error`. A refusal once the user exists says that the user stays and holds
    /// a licence, as a single run's does.
    pub fn fail(&mut self, error: ApplyError) {
        if !self.is_open() {
            return;
        }
        let error = match (error, &self.user_id) {
            (ApplyError::Refused(mut refusal), Some(user)) if self.created.is_some() => {
                refusal.message = format!(
                    "{}. User {user} was created and holds a {} licence: once the cause is fixed, replay the command (the user is found, not created again), or deprovision the person to give the licence back",
                    refusal.message, self.profile.licence
                );
                let mut applied = self.applied();
                applied.welcome_email = None;
                applied.email_change = None;
                ApplyError::RefusedAfterCreation(Box::new(AfterCreation { refusal, applied }))
            }
            (error, _) => error,
        };
        self.end = Some(Settled::Failed(error));
    }

    /// Ends it with a record's own error from a collection's answer.
    pub fn refused(&mut self, error: SalesforceError) {
        self.fail(ApplyError::Call(CallError::Refused(error)));
    }

    /// Leaves it to a run of its own, under the same claim.
    pub fn alone(&mut self) {
        if self.is_open() {
            self.end = Some(Settled::Alone);
        }
    }

    /// The steps of an existing user's changes, once they are written.
    pub fn changed(&mut self) {
        let reactivated = self.reactivates();
        self.steps.extend(change_steps(&self.writes, reactivated));
    }

    fn applied(&self) -> Applied {
        let created_or_back = self.created.is_some() || self.reactivates();
        let (username, nickname) = match (&self.created, &self.observed.user) {
            (Some((u, n)), _) => (Some(u.clone()), Some(n.clone())),
            (None, Some(user)) => (Some(user.username.clone()), user.nickname.clone()),
            (None, None) => (None, None),
        };
        Applied {
            ids: SalesforceIds {
                account_id: self.observed.account.as_ref().map(|a| a.id.clone()),
                contact_id: self.contact_id.clone(),
                user_id: self.user_id.clone(),
            },
            steps: self.steps.clone(),
            licence_effect: if created_or_back {
                LicenceEffect::Consumed {
                    licence: self.profile.licence.clone(),
                }
            } else {
                LicenceEffect::Unchanged
            },
            username,
            nickname,
            welcome_email: self.welcome,
            email_change: self.writes.email_change.clone(),
            changed: true,
        }
    }

    /// How it ended: its end, or — having gone through every step — done.
    pub fn settle(self) -> Settled {
        match self.end {
            Some(end) => end,
            None => Settled::Done(Done::Changed(self.applied())),
        }
    }
}

/// A failure of a call that concerned several people, as each of them keeps it: the same
/// code, message and disposition (a cause that cannot be copied is kept as its text).
pub(super) fn shared(error: &CallError) -> ApplyError {
    let copy = match error {
        CallError::Refused(e) => CallError::Refused(e.clone()),
        CallError::Halted => CallError::Halted,
        CallError::OverLimit(text) => CallError::OverLimit(text.clone()),
        CallError::Unreadable { status, detail } => CallError::Unreadable {
            status: *status,
            detail: detail.clone(),
        },
        CallError::Unreachable { timed_out, .. } => CallError::Unreachable {
            cause: report::chain(error).to_string().into(),
            timed_out: *timed_out,
        },
        CallError::Undecodable { status, body, .. } => CallError::Unreadable {
            status: *status,
            detail: body.clone(),
        },
        // A token refused for the batch's call: transient refusals stay transient, the rest
        // are kept as what they are for the outcome (their text), refused for good.
        other => {
            let text = report::chain(other).to_string();
            match other.disposition() {
                crate::salesforce::Disposition::Permanent => CallError::Unreadable {
                    status: other.answered().unwrap_or(0),
                    detail: text,
                },
                _ => CallError::Unreachable {
                    cause: text.into(),
                    timed_out: false,
                },
            }
        }
    };
    ApplyError::Call(copy)
}
