//! The bodies of manual provisions and deprovisions, read into the domain's intents with
//! refusals that name the field to fix.
//!
//! A provision body is the domain's [`Provision`] as JSON (snake_case names, as commands show
//! it). Unknown keys are refused rather than ignored: a misspelt `permision_sets` would
//! otherwise provision someone without what the operator asked for.

use std::time::Duration;

use actix_web::http::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::domain::validate;
use crate::domain::{
    AccountRef, ContactFields, Deprovision, DeprovisionMode, PortalRoleLevel, Provision,
    UserFields, WelcomeEmail,
};
use crate::problem::Problem;

/// The keys of a provision body, by level.
const PROVISION_KEYS: &[&str] = &[
    "account",
    "contact",
    "user",
    "profile",
    "role",
    "permission_sets",
    "welcome_email",
    "purpose",
    "sponsor",
    "end_at",
];
const CONTACT_KEYS: &[&str] = &["first_name", "last_name", "email", "extra"];
const USER_KEYS: &[&str] = &[
    "username",
    "alias",
    "nickname",
    "locale",
    "time_zone",
    "email_encoding",
    "language",
    "federation_id",
];

/// A refused body, naming what to fix.
fn bad_body(detail: impl Into<String>) -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "bad_body",
        "Body not usable",
        detail,
    )
}

/// Reads a provision body.
pub fn provision(body: &[u8]) -> Result<Provision, Problem> {
    let value = object(body, "a provision (account, contact, user, profile, …)")?;
    let fields = value.as_object().map(Map::len).unwrap_or(0);
    if fields == 0 {
        return Err(bad_body(
            "the body is an empty object; a provision needs account, contact, user and profile",
        ));
    }
    unknown_keys(&value, None, PROVISION_KEYS)?;
    for required in ["account", "contact", "user", "profile"] {
        if value.get(required).is_none_or(Value::is_null) {
            return Err(bad_body(format!("{required}: required")));
        }
    }
    unknown_keys(&value["contact"], Some("contact"), CONTACT_KEYS)?;
    unknown_keys(&value["user"], Some("user"), USER_KEYS)?;
    part::<AccountRef>(&value, "account")
        .map_err(|_| bad_body("account: write {\"key\": \"P-100\"} (the Account's external key) or {\"id\": \"001…\"}"))?;
    part::<ContactFields>(&value, "contact").map_err(|e| bad_body(format!("contact: {e}")))?;
    part::<UserFields>(&value, "user").map_err(|e| bad_body(format!("user: {e}")))?;
    part::<String>(&value, "profile")
        .map_err(|_| bad_body("profile: a profile name, e.g. \"Partner Community User\""))?;
    part::<Option<PortalRoleLevel>>(&value, "role")
        .map_err(|_| bad_body("role: one of \"user\", \"manager\", \"executive\""))?;
    part::<Vec<String>>(&value, "permission_sets")
        .map_err(|_| bad_body("permission_sets: a list of permission set API names"))?;
    part::<WelcomeEmail>(&value, "welcome_email").map_err(|_| {
        bad_body("welcome_email: one of \"none\", \"site_setting\", \"password_reset\"")
    })?;
    part::<Option<String>>(&value, "purpose").map_err(|_| bad_body("purpose: a text"))?;
    part::<Option<String>>(&value, "sponsor").map_err(|_| bad_body("sponsor: a text"))?;
    part::<Option<chrono::DateTime<chrono::Utc>>>(&value, "end_at").map_err(|_| {
        bad_body("end_at: an RFC 3339 time with its offset, e.g. \"2027-03-31T23:59:59Z\"")
    })?;
    let provision: Provision =
        serde_json::from_value(value).map_err(|e| bad_body(e.to_string()))?;
    validate::check_provision(&provision).map_err(|v| bad_body(v.to_string()))?;
    Ok(provision)
}

/// A deprovision body as written: `{"mode": …, "trigger": …, "grace": …}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeprovisionBody {
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    trigger: Option<String>,
    #[serde(default)]
    grace: Option<Grace>,
}

/// A grace period: seconds, or a text such as `"7d"` as the rules write it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Grace {
    Seconds(u64),
    Text(String),
}

/// Reads a deprovision body. The mode defaults to `deactivate`; `disable`, which cannot be
/// undone, happens only when the body names it.
pub fn deprovision(body: &[u8]) -> Result<Deprovision, Problem> {
    let value = object(body, "{\"mode\": …, \"trigger\": …}")?;
    let body: DeprovisionBody =
        serde_json::from_value(value).map_err(|e| bad_body(e.to_string()))?;
    let trigger = validate::trigger(body.trigger.as_deref().unwrap_or(""))
        .map_err(|v| bad_body(v.to_string()))?;
    let mode_name = body.mode.as_deref().map(str::trim).unwrap_or("deactivate");
    if body.grace.is_some() {
        validate::grace_belongs(mode_name).map_err(|v| bad_body(v.to_string()))?;
    }
    let mode = match mode_name {
        "deactivate" => DeprovisionMode::Deactivate,
        "freeze" => DeprovisionMode::Freeze,
        "disable" => DeprovisionMode::Disable,
        "freeze-then-deactivate" => DeprovisionMode::FreezeThenDeactivate {
            grace: grace(body.grace)?,
        },
        other => {
            return Err(bad_body(format!(
                "mode: '{other}' is not a deprovision mode; use deactivate, freeze, freeze-then-deactivate or disable"
            )));
        }
    };
    Ok(Deprovision { mode, trigger })
}

fn grace(grace: Option<Grace>) -> Result<Duration, Problem> {
    let wrong = || {
        bad_body(
            "grace: freeze-then-deactivate needs a grace period: seconds (86400) or a text such as \"7d\", \"24h\", \"1d12h\"",
        )
    };
    let period = match grace {
        Some(Grace::Seconds(seconds)) if seconds > 0 => Duration::from_secs(seconds),
        Some(Grace::Text(text)) => crate::domain::time::parse_grace(&text).ok_or_else(wrong)?,
        _ => return Err(wrong()),
    };
    validate::grace(period).map_err(|v| bad_body(v.to_string()))
}

/// The body as a JSON object.
fn object(body: &[u8], expected: &str) -> Result<Value, Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(bad_body(format!(
            "the body is empty; send a JSON object: {expected}"
        )));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| bad_body(format!("the body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(bad_body(format!(
            "the body must be a JSON object: {expected}"
        )));
    }
    Ok(value)
}

/// Refuses keys of `value` (an object) outside `known`.
fn unknown_keys(value: &Value, at: Option<&str>, known: &[&str]) -> Result<(), Problem> {
    let Some(fields) = value.as_object() else {
        return Err(bad_body(format!(
            "{}: must be an object",
            at.unwrap_or("the body")
        )));
    };
    if let Some(key) = fields.keys().find(|k| !known.contains(&k.as_str())) {
        let name = match at {
            Some(parent) => format!("{parent}.{key}"),
            None => key.clone(),
        };
        return Err(bad_body(format!(
            "{name}: unknown field; the fields here are {}",
            known.join(", ")
        )));
    }
    Ok(())
}

/// Reads one field of a provision body on its own, so an error names the field; an absent
/// field reads as null and passes for the optional ones.
fn part<T: DeserializeOwned>(value: &Value, name: &str) -> Result<(), serde_json::Error> {
    match value.get(name) {
        None => Ok(()),
        Some(field) => serde_json::from_value::<T>(field.clone()).map(|_| ()),
    }
}

#[cfg(test)]
mod tests;
