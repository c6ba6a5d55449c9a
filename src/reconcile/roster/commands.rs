//! The commands a roster makes: a provision from a listed person's fields, by the source's own
//! rules, and the deprovision of a person whose grace ended.
//!
//! A listed person's fields reach the rules as an event of the source whose body is
//! `{"type": "gatehouse.roster.person", "occurred_at": …, "subject": KEY, "data": FIELDS}`: a
//! rule matching that type (or one whose `when` also admits it) provisions them as it would
//! from the source's own event. A rule that lacks a field names it, and the report keeps that
//! as the reason the person was not provisioned.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::run::ACTOR;
use crate::config::RosterConfig;
use crate::domain::{CommandId, Deprovision, Intent, Origin, SubjectKey};
use crate::mapping::{MappingDecision, MappingInput, MappingRules};
use crate::store::{Absence, NewCommand};

/// The event type a roster's person reaches the rules as.
pub const PERSON_TYPE: &str = "gatehouse.roster.person";

/// The commands the source's rules make of a listed person's `fields`, the position of the
/// provision among them; or why they make no provision.
pub fn provision_commands(
    rules: &MappingRules,
    (source, run_id, now): (&str, &str, DateTime<Utc>),
    subject: &SubjectKey,
    fields: &Map<String, Value>,
) -> Result<(usize, Vec<NewCommand>), String> {
    let body = json!({
        "type": PERSON_TYPE,
        "occurred_at": now.to_rfc3339(),
        "subject": subject,
        "data": fields,
    });
    let input = MappingInput {
        source: source.to_owned(),
        content_type: "application/json".to_owned(),
        body: body.to_string().into_bytes(),
        headers: BTreeMap::new(),
        source_time: Some(now),
        received_at: now,
        event_id: None,
        dedupe_key: format!("{run_id}:{subject}"),
        traceparent: None,
    };
    let mapped = match rules.map(&input) {
        MappingDecision::Commands(mapped) => mapped,
        MappingDecision::Ignored { rule, reason } => {
            return Err(format!(
                "rule '{rule}' ignores the roster's person: {reason}"
            ));
        }
        MappingDecision::Unmapped { reason } => return Err(reason),
    };
    let commands: Vec<NewCommand> = mapped
        .into_iter()
        .filter(|m| &m.subject == subject)
        .map(|m| {
            let item_key = m.item_key.clone();
            let mut command = NewCommand::from_command(m.into_command(&input), item_key);
            command.origin.actor = Some(ACTOR.to_owned());
            command
        })
        .collect();
    let first = commands
        .iter()
        .position(|c| matches!(c.intent, Intent::Provision(_)))
        .ok_or_else(|| {
            format!("the rules of {source} make no provision of {subject} from the roster's fields")
        })?;
    Ok((first, commands))
}

/// The deprovision of a person whose grace ended, from their source, by the roster; kept as
/// started by the operator whose upload ended it, if one did.
pub fn deprovision(
    absence: &Absence,
    config: &RosterConfig,
    now: DateTime<Utc>,
    started_by: Option<&str>,
) -> NewCommand {
    NewCommand {
        id: CommandId::generate(),
        subject: absence.subject.clone(),
        intent: Intent::Deprovision(Deprovision {
            mode: config.mode(),
            trigger: format!(
                "absent from the {} roster since {}",
                absence.source,
                absence.first_missing_at.format("%Y-%m-%d %H:%M UTC")
            ),
        }),
        origin: Origin {
            source: absence.source.clone(),
            event_id: None,
            source_time: now,
            received_at: now,
            actor: Some(ACTOR.to_owned()),
            traceparent: None,
            started_by: started_by.map(str::to_owned),
        },
        item_key: None,
        due_at: None,
    }
}
