//! Reading rendered text into the domain's values. Used twice: on literals when the config
//! loads, and on rendered values for each event, so both say the same thing.

use crate::domain::{DeprovisionMode, PortalRoleLevel, WelcomeEmail};

pub(crate) fn role(text: &str) -> Result<PortalRoleLevel, String> {
    match text.to_ascii_lowercase().as_str() {
        "user" => Ok(PortalRoleLevel::User),
        "manager" => Ok(PortalRoleLevel::Manager),
        "executive" => Ok(PortalRoleLevel::Executive),
        _ => Err(format!(
            "'{text}' is not a portal role level; use user, manager or executive"
        )),
    }
}

pub(crate) fn welcome_email(text: &str) -> Result<WelcomeEmail, String> {
    match text.to_ascii_lowercase().as_str() {
        "none" => Ok(WelcomeEmail::None),
        "site-setting" => Ok(WelcomeEmail::SiteSetting),
        "password-reset" => Ok(WelcomeEmail::PasswordReset),
        _ => Err(format!(
            "'{text}' is not a welcome email choice; use none, site-setting or password-reset"
        )),
    }
}

/// A deprovision mode as written in a rule. `grace` belongs to `freeze-then-deactivate` only.
pub(crate) fn deprovision_mode(
    mode: Option<&str>,
    grace: Option<&str>,
) -> Result<DeprovisionMode, (&'static str, String)> {
    let mode = mode.map(str::trim).unwrap_or("deactivate");
    let needs_grace = mode == "freeze-then-deactivate";
    if let (Some(_), false) = (grace, needs_grace) {
        return Err((
            "grace",
            format!("only freeze-then-deactivate takes a grace period, not {mode}"),
        ));
    }
    match mode {
        "deactivate" => Ok(DeprovisionMode::Deactivate),
        "freeze" => Ok(DeprovisionMode::Freeze),
        "disable" => Ok(DeprovisionMode::Disable),
        "freeze-then-deactivate" => {
            let text = grace.ok_or((
                "grace",
                "freeze-then-deactivate needs a grace period, e.g. grace = \"7d\"".to_owned(),
            ))?;
            let grace = crate::domain::time::parse_grace(text).ok_or((
                "grace",
                format!("'{text}' is not a grace period; write e.g. \"7d\", \"24h\" or \"1d12h\""),
            ))?;
            let grace = crate::domain::validate::grace(grace).map_err(|v| ("grace", v.message))?;
            Ok(DeprovisionMode::FreezeThenDeactivate { grace })
        }
        other => Err((
            "mode",
            format!(
                "'{other}' is not a deprovision mode; use deactivate, freeze, freeze-then-deactivate or disable (written out, never from a template)"
            ),
        )),
    }
}

/// A Salesforce Account id: 15 or 18 letters and digits starting with the Account prefix `001`.
pub(crate) fn account_id(text: &str) -> Result<(), String> {
    let shaped = matches!(text.len(), 15 | 18) && text.bytes().all(|b| b.is_ascii_alphanumeric());
    if shaped && text.starts_with("001") {
        Ok(())
    } else {
        Err(format!(
            "'{text}' is not an Account id (15 or 18 letters and digits starting 001); use account = {{ key = … }} for the Account's external key"
        ))
    }
}

/// An IANA time zone name, as Salesforce's `TimeZoneSidKey` takes; the same check as every
/// other way a command comes in.
pub(crate) fn time_zone(text: &str) -> Result<(), String> {
    crate::domain::validate::time_zone(text)
}
