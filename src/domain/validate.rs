//! The guard rails every command passes before it is queued, whichever way it came in: an
//! operator's manual body, or a native command from a producer. One set of checks, so the ways
//! in cannot drift apart. No I/O: these are the refusals Salesforce would give anyway, given
//! before a command is made of them, plus Gatehouse's own limits.
//!
//! Each refusal is a [`Violation`] naming the field (relative to the intent, e.g.
//! `user.alias`) and saying what to fix; callers put the field under their own prefix.

use std::time::Duration;

use chrono_tz::Tz;

use super::intent::{AccountRef, Provision};
use super::username::{ALIAS_MAX, NICKNAME_MAX, check_username, is_email_shaped};

/// A trigger is kept on the lifecycle record and in outcome events; a sentence is enough.
pub const TRIGGER_MAX: usize = 500;

/// The longest grace period between a freeze and its deactivation. Longer periods are better
/// said as a plain freeze; and a bound keeps the scheduled time representable.
pub const GRACE_MAX: Duration = Duration::from_secs(366 * 86_400);

/// One field a command cannot carry as it is: which, and what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Violation {
    /// The field's dotted path, e.g. `user.alias`.
    pub field: String,
    /// What is wrong and how to put it right.
    pub message: String,
}

impl Violation {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Violation {
        Violation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same refusal with its field named under `parent` (`provision` + `user.alias` →
    /// `provision.user.alias`), for callers whose fields sit deeper.
    pub fn under(self, parent: &str) -> Violation {
        Violation {
            field: format!("{parent}.{}", self.field),
            ..self
        }
    }

    /// The same refusal for a field its caller names differently (`grace` is
    /// `deprovision.grace_seconds` in a native command).
    pub fn named(self, field: impl Into<String>) -> Violation {
        Violation {
            field: field.into(),
            ..self
        }
    }
}

/// What Salesforce would refuse in a provision, refused before a command is made of it: the
/// first problem found.
pub fn check_provision(p: &Provision) -> Result<(), Violation> {
    let blank = |text: &str| text.trim().is_empty();
    let chars = |text: &str| text.chars().count();
    let rules: [(bool, &str, &str); 11] = [
        (blank(&p.profile), "profile", "must not be empty"),
        (
            blank(&p.contact.last_name),
            "contact.last_name",
            "must not be empty (Salesforce requires it)",
        ),
        (
            !is_email_shaped(&p.contact.email),
            "contact.email",
            "must be an email address",
        ),
        (
            check_username(&p.user.username).is_err(),
            "user.username",
            "must be in the form of an email address, at most 80 characters",
        ),
        (
            blank(&p.user.alias) || chars(&p.user.alias) > ALIAS_MAX,
            "user.alias",
            "1 to 8 characters",
        ),
        (
            blank(&p.user.nickname) || chars(&p.user.nickname) > NICKNAME_MAX,
            "user.nickname",
            "1 to 40 characters",
        ),
        (
            blank(&p.user.locale),
            "user.locale",
            "must not be empty, e.g. \"en_US\"",
        ),
        (
            blank(&p.user.time_zone),
            "user.time_zone",
            "must not be empty, e.g. \"Europe/Berlin\"",
        ),
        (
            blank(&p.user.email_encoding),
            "user.email_encoding",
            "must not be empty, e.g. \"UTF-8\"",
        ),
        (
            blank(&p.user.language),
            "user.language",
            "must not be empty, e.g. \"en_US\"",
        ),
        (
            matches!(&p.account, AccountRef::Key(k) | AccountRef::Id(k) if blank(k)),
            "account",
            "the key or id must not be empty",
        ),
    ];
    if let Some((_, field, message)) = rules.into_iter().find(|(broken, _, _)| *broken) {
        return Err(Violation::new(field, message));
    }
    composite_references(p)?;
    time_zone(&p.user.time_zone).map_err(|message| Violation::new("user.time_zone", message))?;
    if let AccountRef::Id(id) = &p.account {
        account_id(id)?;
    }
    for (i, set) in p.permission_sets.iter().enumerate() {
        if blank(set) {
            return Err(Violation::new(
                format!("permission_sets[{i}]"),
                "must not be empty; name a permission set by its API name",
            ));
        }
    }
    Ok(())
}

/// The opening of a Composite API reference, `@{referenceId.field}`. Salesforce substitutes it
/// wherever it appears in a subrequest's body or URL, so a first name `@{contact.id}` would be
/// replaced by another record's value before the write.
const REFERENCE_OPENING: &str = "@{";

/// Refuses a provision whose values carry a Composite reference (`@{…}`): every value that goes
/// into a Salesforce subrequest's body or URL is checked, the Contact's further fields included
/// (their nested text too). The field is named; the value is not echoed (it is personal data).
pub fn composite_references(p: &Provision) -> Result<(), Violation> {
    let account = match &p.account {
        AccountRef::Key(k) | AccountRef::Id(k) => k.as_str(),
    };
    let user = &p.user;
    let named: [(&str, Option<&str>); 13] = [
        ("account", Some(account)),
        ("profile", Some(&p.profile)),
        ("contact.first_name", p.contact.first_name.as_deref()),
        ("contact.last_name", Some(&p.contact.last_name)),
        ("contact.email", Some(&p.contact.email)),
        ("user.username", Some(&user.username)),
        ("user.alias", Some(&user.alias)),
        ("user.nickname", Some(&user.nickname)),
        ("user.locale", Some(&user.locale)),
        ("user.time_zone", Some(&user.time_zone)),
        ("user.email_encoding", Some(&user.email_encoding)),
        ("user.language", Some(&user.language)),
        ("user.federation_id", user.federation_id.as_deref()),
    ];
    let sets = p.permission_sets.iter().enumerate().map(|(i, set)| {
        (
            format!("permission_sets[{i}]"),
            set.contains(REFERENCE_OPENING),
        )
    });
    let extra = p
        .contact
        .extra
        .iter()
        .map(|(name, value)| (format!("contact.extra.{name}"), holds_reference(value)));
    named
        .into_iter()
        .map(|(field, value)| {
            let held = value.is_some_and(|v| v.contains(REFERENCE_OPENING));
            (field.to_owned(), held)
        })
        .chain(sets)
        .chain(extra)
        .find(|(_, held)| *held)
        .map_or(Ok(()), |(field, _)| {
            Err(Violation::new(
                field,
                "must not contain '@{': Salesforce would read it as a reference to another record's value; correct the value at its source",
            ))
        })
}

/// Whether any text in a JSON value, at any depth, opens a Composite reference.
fn holds_reference(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(text) => text.contains(REFERENCE_OPENING),
        serde_json::Value::Array(items) => items.iter().any(holds_reference),
        serde_json::Value::Object(fields) => {
            fields.keys().any(|k| k.contains(REFERENCE_OPENING))
                || fields.values().any(holds_reference)
        }
        _ => false,
    }
}

/// A Salesforce Account id: 15 or 18 letters and digits starting with the Account prefix `001`.
pub fn account_id(text: &str) -> Result<(), Violation> {
    let shaped = matches!(text.len(), 15 | 18) && text.bytes().all(|b| b.is_ascii_alphanumeric());
    if shaped && text.starts_with("001") {
        Ok(())
    } else {
        Err(Violation::new(
            "account",
            "not an Account id (15 or 18 letters and digits starting 001); give the Account's external key instead when you do not know its id",
        ))
    }
}

/// An IANA time zone name, as Salesforce's `TimeZoneSidKey` takes; the message says what to
/// write instead.
pub fn time_zone(text: &str) -> Result<(), String> {
    text.parse::<Tz>()
        .map(|_| ())
        .map_err(|_| format!("'{text}' is not a time zone name such as Europe/Berlin or GMT"))
}

/// What ended the access, trimmed: required, and at most [`TRIGGER_MAX`] characters.
pub fn trigger(text: &str) -> Result<String, Violation> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Violation::new(
            "trigger",
            "required; say what ends the access (e.g. \"security incident INC-42\"), it is kept on the lifecycle record",
        ));
    }
    if text.chars().count() > TRIGGER_MAX {
        return Err(Violation::new(
            "trigger",
            format!("at most {TRIGGER_MAX} characters"),
        ));
    }
    Ok(text.to_owned())
}

/// A grace period belongs to `freeze-then-deactivate` alone; `mode` is the mode's name.
pub fn grace_belongs(mode: &str) -> Result<(), Violation> {
    if mode == "freeze-then-deactivate" {
        Ok(())
    } else {
        Err(Violation::new(
            "grace",
            format!("only freeze-then-deactivate takes a grace period, not {mode}"),
        ))
    }
}

/// The grace period of a `freeze-then-deactivate`: longer than zero, at most [`GRACE_MAX`].
pub fn grace(period: Duration) -> Result<Duration, Violation> {
    if period.is_zero() {
        return Err(Violation::new(
            "grace",
            "freeze-then-deactivate needs a grace period longer than zero",
        ));
    }
    if period > GRACE_MAX {
        return Err(Violation::new(
            "grace",
            format!(
                "at most {} days; for longer, freeze now and deactivate with a command of its own",
                GRACE_MAX.as_secs() / 86_400
            ),
        ));
    }
    Ok(period)
}

#[cfg(test)]
mod tests;
