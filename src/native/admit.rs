//! A decoded `gatehouse.v1.Command` checked and turned into the domain's intent. The guard
//! rails are those of every command (see `domain::validate`), plus what protobuf cannot say:
//! proto3 has no "required", so an empty field and a missing one look alike and both are
//! refused where a value is needed; and an enum's zero value means "not said", which for a
//! deprovision's mode is refused, so that nothing is ever disabled by default.

use std::time::Duration;

use chrono::{DateTime, Utc};
use prost_types::Timestamp;

use crate::domain::validate::{self, Violation};
use crate::domain::{
    AccountRef, ContactFields, Deprovision, DeprovisionMode, Intent, PortalRoleLevel, Provision,
    SubjectKey, SubjectKeyError, UserFields, WelcomeEmail,
};
use crate::proto::v1;

use super::proto_enum::ProtoEnum;

/// A native command that passed the guard rails: one intent for one subject.
#[derive(Debug, Clone, PartialEq)]
pub struct NativeCommand {
    /// The producer's id for the command, when it gave one.
    pub command_id: Option<String>,
    pub subject: SubjectKey,
    pub intent: Intent,
    /// When the change happened at the producer; orders the subject's commands.
    pub source_time: DateTime<Utc>,
    /// Not before this time; `None` means now.
    pub effective_at: Option<DateTime<Utc>>,
}

/// Checks a decoded command and turns it into the domain's terms; the first problem found
/// names its field (as the .proto names it) and says what to fix.
pub fn admit(command: v1::Command) -> Result<NativeCommand, Violation> {
    let subject = SubjectKey::parse(&command.subject_key).map_err(|e| match e {
        SubjectKeyError::Empty => Violation::new(
            "subject_key",
            "required; the producer's stable key for the person, e.g. \"hr:12345\" (never an email)",
        ),
        other => Violation::new("subject_key", other.to_string()),
    })?;
    let source_time = time("source_time", command.source_time.as_ref())?.ok_or_else(|| {
        Violation::new(
            "source_time",
            "required; when the change happened at the producer, in RFC 3339 in JSON: it orders the person's commands",
        )
    })?;
    let effective_at = time("effective_at", command.effective_at.as_ref())?;
    let intent = match command.intent {
        Some(v1::command::Intent::Provision(p)) => {
            Intent::Provision(Box::new(provision(p).map_err(|v| v.under("provision"))?))
        }
        Some(v1::command::Intent::Deprovision(d)) => {
            Intent::Deprovision(deprovision(&d).map_err(|v| v.under("deprovision"))?)
        }
        None => {
            return Err(Violation::new(
                "intent",
                "required: set provision or deprovision",
            ));
        }
    };
    Ok(NativeCommand {
        command_id: Some(command.command_id).filter(|id| !id.is_empty()),
        subject,
        intent,
        source_time,
        effective_at,
    })
}

fn provision(p: v1::Provision) -> Result<Provision, Violation> {
    let account = match p.account {
        Some(v1::provision::Account::AccountKey(key)) => AccountRef::Key(key),
        Some(v1::provision::Account::AccountId(id)) => AccountRef::Id(id),
        None => {
            return Err(Violation::new(
                "account_key",
                "required: the Account's external key (e.g. \"P-100\"), or its Salesforce id as account_id",
            ));
        }
    };
    let contact = p.contact.ok_or_else(|| {
        Violation::new(
            "contact",
            "required: the person's last_name and email (first_name if known)",
        )
    })?;
    let user = p.user.ok_or_else(|| {
        Violation::new(
            "user",
            "required: username, alias, nickname, locale, time_zone, email_encoding and language",
        )
    })?;
    let role = match known::<v1::PortalRoleLevel>("role", p.role)? {
        v1::PortalRoleLevel::Unspecified => None,
        v1::PortalRoleLevel::User => Some(PortalRoleLevel::User),
        v1::PortalRoleLevel::Manager => Some(PortalRoleLevel::Manager),
        v1::PortalRoleLevel::Executive => Some(PortalRoleLevel::Executive),
    };
    let welcome_email = match known::<v1::WelcomeEmail>("welcome_email", p.welcome_email)? {
        v1::WelcomeEmail::Unspecified => WelcomeEmail::None,
        v1::WelcomeEmail::SiteSetting => WelcomeEmail::SiteSetting,
        v1::WelcomeEmail::PasswordReset => WelcomeEmail::PasswordReset,
    };
    let mut permission_sets: Vec<String> = Vec::with_capacity(p.permission_sets.len());
    for set in p.permission_sets {
        if !permission_sets.contains(&set) {
            permission_sets.push(set);
        }
    }
    let provision = Provision {
        account,
        contact: ContactFields {
            first_name: present(contact.first_name),
            last_name: contact.last_name,
            email: contact.email,
            extra: Default::default(),
        },
        user: UserFields {
            username: user.username,
            alias: user.alias,
            nickname: user.nickname,
            locale: user.locale,
            time_zone: user.time_zone,
            email_encoding: user.email_encoding,
            language: user.language,
            federation_id: present(user.federation_id),
        },
        profile: p.profile,
        role,
        permission_sets,
        welcome_email,
        purpose: present(p.purpose),
        sponsor: present(p.sponsor),
        end_at: time("end_at", p.end_at.as_ref())?,
    };
    validate::check_provision(&provision).map_err(|v| match v.field.as_str() {
        // The domain names the oneof as one field; the .proto has two.
        "account" => match &provision.account {
            AccountRef::Key(_) => v.named("account_key"),
            AccountRef::Id(_) => v.named("account_id"),
        },
        _ => v,
    })?;
    Ok(provision)
}

fn deprovision(d: &v1::Deprovision) -> Result<Deprovision, Violation> {
    let mode = match known::<v1::DeprovisionMode>("mode", d.mode)? {
        v1::DeprovisionMode::Unspecified => {
            return Err(Violation::new(
                "mode",
                format!(
                    "required: there is no default, so say what is meant: {}",
                    named_values::<v1::DeprovisionMode>()
                ),
            ));
        }
        v1::DeprovisionMode::Deactivate => DeprovisionMode::Deactivate,
        v1::DeprovisionMode::Freeze => DeprovisionMode::Freeze,
        v1::DeprovisionMode::Disable => DeprovisionMode::Disable,
        v1::DeprovisionMode::FreezeThenDeactivate => DeprovisionMode::FreezeThenDeactivate {
            grace: Duration::ZERO,
        },
    };
    let trigger = validate::trigger(&d.trigger)?;
    let grace = |v: Violation| v.named("grace_seconds");
    let mode = match mode {
        DeprovisionMode::FreezeThenDeactivate { .. } => DeprovisionMode::FreezeThenDeactivate {
            grace: validate::grace(Duration::from_secs(d.grace_seconds)).map_err(grace)?,
        },
        other if d.grace_seconds > 0 => {
            validate::grace_belongs(other.name()).map_err(grace)?;
            other
        }
        other => other,
    };
    Ok(Deprovision { mode, trigger })
}

/// An enum field's value, refused when the number is none of the enum's.
fn known<E: ProtoEnum>(field: &str, value: i32) -> Result<E, Violation> {
    E::try_from(value).map_err(|_| {
        Violation::new(
            field,
            format!(
                "{value} is not a {} value; use one of {}",
                E::NAME,
                named_values::<E>()
            ),
        )
    })
}

/// The enum's meaningful value names (its zero value, "unspecified", left out).
fn named_values<E: ProtoEnum>() -> String {
    E::names()
        .into_iter()
        .skip(1)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A proto3 string: empty means not given.
fn present(text: String) -> Option<String> {
    Some(text).filter(|t| !t.trim().is_empty())
}

/// A Timestamp as a time, refused outside what the .proto allows (years 1 to 9999, nanos
/// below a second).
fn time(field: &str, t: Option<&Timestamp>) -> Result<Option<DateTime<Utc>>, Violation> {
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, as google/protobuf/timestamp.proto bounds it.
    const FIRST: i64 = -62_135_596_800;
    const LAST: i64 = 253_402_300_799;
    let Some(t) = t else {
        return Ok(None);
    };
    let in_range = (FIRST..=LAST).contains(&t.seconds) && (0..1_000_000_000).contains(&t.nanos);
    in_range
        .then(|| DateTime::from_timestamp(t.seconds, t.nanos as u32))
        .flatten()
        .map(Some)
        .ok_or_else(|| {
            Violation::new(
                field,
                format!(
                    "{}s {}ns is not a time between the years 1 and 9999",
                    t.seconds, t.nanos
                ),
            )
        })
}
