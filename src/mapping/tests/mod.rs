//! Mapping rules, proved on the payload shapes senders really send (docs: source-events).

mod deprovision;
mod fan_out;
mod fields;
mod native;
mod odd_input;
mod order;
mod provision;
mod validation;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{MappedCommand, MappingDecision, MappingInput, MappingRules};
use crate::config::{Problem, Settings};

const BASE: &str = r#"
[salesforce]
org = "simulated"

[sources.s.verification]
scheme = "standard-webhooks"
secrets = [{ secret = "whsec_7sfXlE4lU7UJz/2TPJizP0xlkJodFR6e" }]
"#;

/// A config with `extra` (rules of source `s`, perhaps a `[mapping]` table) after the base.
fn settings(extra: &str) -> Result<Settings, Vec<Problem>> {
    // `[mapping]` must not land inside the source's tables: put it first.
    let (mapping, rules): (Vec<&str>, Vec<&str>) = split_mapping(extra);
    let text = format!("{}\n{BASE}\n{}", mapping.join("\n"), rules.join("\n"));
    Settings::from_toml_checked(&text, MappingRules::problems).map_err(|e| e.problems)
}

fn split_mapping(extra: &str) -> (Vec<&str>, Vec<&str>) {
    let mut mapping = Vec::new();
    let mut rest = Vec::new();
    let mut in_mapping = false;
    for line in extra.lines() {
        let t = line.trim_start();
        if t.starts_with('[') {
            in_mapping = t.starts_with("[mapping");
        }
        if in_mapping {
            mapping.push(line);
        } else {
            rest.push(line);
        }
    }
    (mapping, rest)
}

pub(super) fn rules(extra: &str) -> MappingRules {
    let settings = settings(extra).unwrap_or_else(|p| panic!("config problems: {p:#?}"));
    MappingRules::build(&settings).unwrap()
}

pub(super) fn problems(extra: &str) -> Vec<Problem> {
    match settings(extra) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    }
}

pub(super) fn received() -> DateTime<Utc> {
    "2026-02-01T09:00:00Z".parse().unwrap()
}

pub(super) fn input(body: serde_json::Value) -> MappingInput {
    MappingInput {
        source: "s".to_owned(),
        content_type: "application/json".to_owned(),
        body: body.to_string().into_bytes(),
        headers: BTreeMap::new(),
        source_time: None,
        received_at: received(),
        event_id: Some("evt_test".to_owned()),
        dedupe_key: "d-1".to_owned(),
        traceparent: None,
    }
}

pub(super) fn map(extra: &str, body: serde_json::Value) -> MappingDecision {
    rules(extra).map(&input(body))
}

pub(super) fn commands(decision: MappingDecision) -> Vec<MappedCommand> {
    match decision {
        MappingDecision::Commands(commands) => commands,
        other => panic!("expected commands, got {other:?}"),
    }
}

pub(super) fn unmapped(decision: MappingDecision) -> String {
    match decision {
        MappingDecision::Unmapped { reason } => reason,
        other => panic!("expected unmapped, got {other:?}"),
    }
}

pub(super) fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// The partner portal's signup, as its Standard Webhooks payload carries it.
pub(super) fn signup() -> serde_json::Value {
    serde_json::json!({
        "type": "partner.user.signed_up",
        "id": "evt_1",
        "occurred_at": "2026-01-31T18:42:00Z",
        "data": {
            "partner_id": "P-100",
            "user": {
                "id": "u-1",
                "email": "ada.lovelace@partner.example",
                "first_name": "Ada",
                "last_name": "Lovelace"
            }
        }
    })
}

/// A provision rule for the signup; `more` adds lines inside the provision table.
pub(super) fn signup_rule(more: &str) -> String {
    format!(
        r#"
[[sources.s.rules]]
name = "partner signup"
when = "type == 'partner.user.signed_up'"
subject = "partner-portal:{{{{ data.user.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"
[sources.s.rules.provision]
account = {{ key = "{{{{ data.partner_id }}}}" }}
contact = {{ first_name = "{{{{ data.user.first_name }}}}", last_name = "{{{{ data.user.last_name }}}}", email = "{{{{ data.user.email }}}}" }}
username = "{{{{ contact.email }}}}.acme"
profile = "Partner Community User"
{more}
"#
    )
}
