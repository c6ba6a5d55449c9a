//! How `mapping test` shows a decision: readable text, or JSON for scripts.

use std::fmt::Write as _;

use serde_json::json;

use crate::domain::{AccountRef, DeprovisionMode, Intent, PortalRoleLevel, WelcomeEmail};
use crate::mapping::{MappedCommand, MappingDecision};

/// `{"source", "decision": "mapped"|"ignored"|"unmapped", …}`.
pub fn json(source: &str, decision: &MappingDecision) -> serde_json::Value {
    match decision {
        MappingDecision::Commands(commands) => {
            json!({"source": source, "decision": "mapped", "commands": commands})
        }
        MappingDecision::Ignored { rule, reason } => {
            json!({"source": source, "decision": "ignored", "rule": rule, "reason": reason})
        }
        MappingDecision::Unmapped { reason } => {
            json!({"source": source, "decision": "unmapped", "reason": reason})
        }
    }
}

pub fn text(source: &str, decision: &MappingDecision) -> String {
    let mut out = String::new();
    match decision {
        MappingDecision::Commands(commands) => {
            let n = commands.len();
            let _ = writeln!(
                out,
                "{source}: mapped to {n} command{}",
                if n == 1 { "" } else { "s" }
            );
            for (i, command) in commands.iter().enumerate() {
                out.push('\n');
                command_text(&mut out, i + 1, command);
            }
        }
        MappingDecision::Ignored { rule, reason } => {
            let _ = writeln!(out, "{source}: ignored by rule '{rule}': {reason}");
        }
        MappingDecision::Unmapped { reason } => {
            let _ = writeln!(out, "{source}: unmapped: {reason}");
        }
    }
    out
}

fn command_text(out: &mut String, n: usize, c: &MappedCommand) {
    let _ = writeln!(
        out,
        "{n}. {} {}  (rule '{}')",
        c.intent.kind(),
        c.subject,
        c.rule
    );
    let mut line = |label: &str, value: String| {
        let _ = writeln!(out, "   {label:<13}{value}");
    };
    if let Some(key) = &c.item_key {
        line("item key", key.clone());
    }
    line("source time", rfc3339(c.source_time));
    if let Some(at) = c.effective_at {
        line("effective", rfc3339(at));
    }
    match &c.intent {
        Intent::Provision(p) => {
            line(
                "account",
                match &p.account {
                    AccountRef::Key(key) => format!("external key {key}"),
                    AccountRef::Id(id) => format!("id {id}"),
                },
            );
            let name = match &p.contact.first_name {
                Some(first) => format!("{first} {}", p.contact.last_name),
                None => p.contact.last_name.clone(),
            };
            line("contact", format!("{name} <{}>", p.contact.email));
            for (field, value) in &p.contact.extra {
                line("", format!("{field} = {value}"));
            }
            let u = &p.user;
            line("username", u.username.clone());
            line("alias", format!("{}   nickname {}", u.alias, u.nickname));
            line(
                "settings",
                format!(
                    "locale {}, time zone {}, email encoding {}, language {}",
                    u.locale, u.time_zone, u.email_encoding, u.language
                ),
            );
            if let Some(id) = &u.federation_id {
                line("federation", id.clone());
            }
            let role = match p.role {
                Some(PortalRoleLevel::User) => ", portal role user",
                Some(PortalRoleLevel::Manager) => ", portal role manager",
                Some(PortalRoleLevel::Executive) => ", portal role executive",
                None => "",
            };
            line("profile", format!("{}{role}", p.profile));
            if !p.permission_sets.is_empty() {
                line("permissions", p.permission_sets.join(", "));
            }
            line(
                "welcome",
                match p.welcome_email {
                    WelcomeEmail::None => "none sent by Gatehouse",
                    WelcomeEmail::SiteSetting => "by the site's own setting, on creation",
                    WelcomeEmail::PasswordReset => "a password-reset email (one API call)",
                }
                .to_owned(),
            );
            for (label, value) in [("purpose", &p.purpose), ("sponsor", &p.sponsor)] {
                if let Some(value) = value {
                    line(label, value.clone());
                }
            }
            if let Some(end) = p.end_at {
                line("access ends", rfc3339(end));
            }
        }
        Intent::Deprovision(d) => {
            line("mode", mode_text(d.mode));
            line("trigger", d.trigger.clone());
        }
    }
}

fn mode_text(mode: DeprovisionMode) -> String {
    match mode {
        DeprovisionMode::Deactivate => {
            "deactivate (cannot log in; frees the licence; reversible)".into()
        }
        DeprovisionMode::Freeze => "freeze (cannot log in; keeps the licence; reversible)".into(),
        DeprovisionMode::FreezeThenDeactivate { grace } => format!(
            "freeze, then deactivate after {} (keeps the licence until then)",
            grace_text(grace.as_secs())
        ),
        DeprovisionMode::Disable => {
            "disable (frees the licence; unlinks the Contact for good; irreversible)".into()
        }
    }
}

fn grace_text(secs: u64) -> String {
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if secs.is_multiple_of(size) {
            return format!("{}{unit}", secs / size);
        }
    }
    format!("{secs}s")
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}
