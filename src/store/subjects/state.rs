//! What the org says of a subject, and what became of their welcome email.

use serde::{Deserialize, Serialize};

use crate::store::stored_name::stored_names;

/// Whether the person can log in, as the last outcome left it. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectState {
    /// An active external user.
    Provisioned,
    /// Cannot log in, still holds a licence.
    Frozen,
    /// Cannot log in, licence given back; can be reactivated.
    Deactivated,
    /// Unlinked from the Contact for good.
    Disabled,
    /// No command has told yet: the subject is only known from events.
    Unknown,
}

stored_names!(SubjectState, "subject state", {
    Provisioned => "provisioned",
    Frozen => "frozen",
    Deactivated => "deactivated",
    Disabled => "disabled",
    Unknown => "unknown",
});

/// What became of the welcome email, which must reach a person at most once. Stored as its
/// snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WelcomeEmailState {
    /// The intent asked for none.
    NotWanted,
    /// Recorded just before the call that sends it: after a crash it may or may not have gone
    /// out, and it is not sent again.
    Intended,
    /// Salesforce accepted the call that sends it.
    Sent,
    /// The site sends it itself on user creation: it is active and its "Send welcome email"
    /// setting is on.
    BySite,
    /// Left to the site, which is not active (`Network.Status` other than `Live`): it sends
    /// none.
    SiteNotActive,
    /// Left to the site, whose "Send welcome email" setting is off: it sends none.
    SiteSendsNone,
    /// Left to the site, but no site is configured (`[salesforce] site`), so whether it sends
    /// one was not checked.
    SiteUnchecked,
}

stored_names!(WelcomeEmailState, "welcome email state", {
    NotWanted => "not_wanted",
    Intended => "intended",
    Sent => "sent",
    BySite => "by_site",
    SiteNotActive => "site_not_active",
    SiteSendsNone => "site_sends_none",
    SiteUnchecked => "site_unchecked",
});

#[cfg(test)]
mod tests;
