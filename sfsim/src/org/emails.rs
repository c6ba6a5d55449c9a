//! Emails the org sent. Sending is the part of provisioning that cannot be taken back, so
//! tests count them: one welcome email per new user, never two.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Why the org sent an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    /// The Experience Cloud site's welcome email on creation of a member user.
    Welcome,
    /// The reset link sent by `DELETE …/sobjects/User/{id}/password`.
    PasswordReset,
    /// The confirmation link sent to a new address when a User's Email change must be confirmed.
    EmailChangeVerification,
}

/// One sent email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentEmail {
    pub kind: EmailKind,
    /// The address it went to.
    pub to: String,
    /// The user it was about (18-character id).
    pub user_id: String,
    /// When it was sent, by the org's clock.
    pub at: DateTime<Utc>,
}

impl super::Org {
    /// Sends an email about a user, when the org's deliverability setting lets it out.
    pub(crate) fn send_email(&mut self, kind: EmailKind, to: &str, user_id: &str) {
        if self.settings.email_deliverability.lets_out(kind) {
            let now = self.now();
            self.outbox.send(kind, to, user_id, now);
        }
    }
}

/// The org's outbox, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    sent: Vec<SentEmail>,
}

impl Outbox {
    /// Records a sent email.
    pub fn send(&mut self, kind: EmailKind, to: &str, user_id: &str, at: DateTime<Utc>) {
        self.sent.push(SentEmail {
            kind,
            to: to.to_owned(),
            user_id: user_id.to_owned(),
            at,
        });
    }

    /// Everything sent so far.
    pub fn sent(&self) -> &[SentEmail] {
        &self.sent
    }
}
