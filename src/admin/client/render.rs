//! Answers of the admin API as text for people: records as labelled lines, listings as tables.

use serde_json::Value;

use super::table::{clip, items, optional, print_more, print_table, text};

/// `subject show`: the record, then its history oldest first.
pub fn subject(record: &Value) {
    println!(
        "{}  {}",
        text(record, "/subject_key"),
        text(record, "/state")
    );
    let account = match (
        optional(record, "/account_ref"),
        optional(record, "/account_id"),
    ) {
        (Some(reference), Some(id)) => format!("{reference} ({id})"),
        (reference, id) => reference.or(id).unwrap_or_else(|| "-".to_owned()),
    };
    let lines = [
        ("source", text(record, "/source")),
        ("account", account),
        ("contact", text(record, "/contact_id")),
        ("user", text(record, "/user_id")),
        ("username", text(record, "/username")),
        ("nickname", text(record, "/nickname")),
        ("licence", text(record, "/licence")),
        ("purpose", text(record, "/purpose")),
        ("sponsor", text(record, "/sponsor")),
        ("ends at", text(record, "/end_at")),
        ("ended by", text(record, "/deactivation_trigger")),
        ("welcome email", text(record, "/welcome_email")),
        ("last applied", text(record, "/last_applied_source_time")),
        ("first seen", text(record, "/created_at")),
        ("updated", text(record, "/updated_at")),
    ];
    labelled(&lines);
    let history = record
        .get("history")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    println!("\nHistory (oldest first)");
    let rows: Vec<Vec<String>> = history
        .iter()
        .map(|entry| {
            vec![
                text(entry, "/at"),
                text(entry, "/kind"),
                text(entry, "/command_id"),
                history_line(entry),
            ]
        })
        .collect();
    print_table(&["AT", "KIND", "COMMAND", "WHAT"], &rows);
}

/// What a history row says, by its kind.
fn history_line(entry: &Value) -> String {
    let detail = entry.get("detail").unwrap_or(&Value::Null);
    let actor = optional(entry, "/actor");
    match text(entry, "/kind").as_str() {
        "command" => {
            let mut line = text(detail, "/intent");
            if let Some(mode) = optional(detail, "/mode") {
                line.push_str(&format!(" ({mode})"));
            }
            if let Some(trigger) = optional(detail, "/trigger") {
                line.push_str(&format!(" \"{trigger}\""));
            }
            if let Some(actor) = actor {
                line.push_str(&format!(" by {actor}"));
            }
            if let Some(event) = optional(detail, "/event_id") {
                line.push_str(&format!(", event {event}"));
            }
            if let Some(replay_of) = optional(detail, "/replay_of") {
                line.push_str(&format!(", replay of {replay_of}"));
            }
            line
        }
        "outcome" => outcome_line(detail),
        "operator" => {
            let mut line = text(detail, "/action");
            if let Some(of) = optional(detail, "/replay_of") {
                line.push_str(&format!(" of {of}"));
            }
            if let Some(actor) = actor {
                line.push_str(&format!(" by {actor}"));
            }
            line
        }
        _ => match optional(detail, "/state") {
            Some(state) => {
                let why = optional(detail, "/reason")
                    .or_else(|| optional(detail, "/error/code"))
                    .or_else(|| optional(detail, "/released"))
                    .or_else(|| optional(detail, "/licence"));
                match why {
                    Some(why) => format!("{state}: {why}"),
                    None => state,
                }
            }
            None => format!("checkpoint {detail}"),
        },
    }
}

/// `succeeded: contact.created, user.created` or `dead_lettered: CODE message`.
fn outcome_line(outcome: &Value) -> String {
    let mut line = text(outcome, "/kind");
    let steps: Vec<String> = outcome
        .get("steps")
        .and_then(Value::as_array)
        .map(|steps| {
            steps
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if !steps.is_empty() {
        line.push_str(&format!(": {}", steps.join(", ")));
    }
    if let Some(code) = optional(outcome, "/refusal/code") {
        line.push_str(&format!(": {code} {}", text(outcome, "/refusal/message")));
    }
    line
}

/// `subject list`.
pub fn subjects(page: &Value) {
    let rows: Vec<Vec<String>> = items(page)
        .iter()
        .map(|r| {
            vec![
                text(r, "/subject_key"),
                text(r, "/state"),
                text(r, "/licence"),
                text(r, "/account_ref"),
                text(r, "/updated_at"),
            ]
        })
        .collect();
    if rows.is_empty() {
        println!("no subjects");
        return;
    }
    print_table(
        &["SUBJECT", "STATE", "LICENCE", "ACCOUNT", "UPDATED"],
        &rows,
    );
    print_more(page);
}

/// `command show`.
pub fn command(record: &Value) {
    let intent = text(record, "/intent/intent");
    println!(
        "{}  {intent} for {}",
        text(record, "/id"),
        text(record, "/subject")
    );
    let state = match optional(record, "/outcome/kind") {
        Some(kind) => format!("{} ({kind})", text(record, "/state")),
        None => text(record, "/state"),
    };
    let mut origin = text(record, "/origin/source");
    if let Some(actor) = optional(record, "/origin/actor") {
        origin.push_str(&format!(", actor {actor}"));
    }
    if let Some(event) = optional(record, "/origin/event_id") {
        origin.push_str(&format!(", event {event}"));
    }
    let mut lines = vec![
        ("state", state),
        ("origin", origin),
        ("source time", text(record, "/origin/source_time")),
        ("due", text(record, "/due_at")),
        ("attempts", text(record, "/attempts")),
    ];
    if let Some(mode) = optional(record, "/intent/mode") {
        lines.push(("mode", mode));
        lines.push(("trigger", text(record, "/intent/trigger")));
    }
    if let Some(account) = optional(record, "/intent/account/key")
        .map(|k| format!("key:{k}"))
        .or_else(|| optional(record, "/intent/account/id").map(|i| format!("id:{i}")))
    {
        lines.push(("account", account));
        lines.push(("profile", text(record, "/intent/profile")));
    }
    for (label, pointer) in [
        ("item", "/item_key"),
        ("replay of", "/replay_of"),
        ("parked", "/parked_reason"),
        ("parked on", "/parked_licence"),
        ("held", "/held_reason"),
    ] {
        if let Some(value) = optional(record, pointer) {
            lines.push((label, value));
        }
    }
    if let Some(code) = optional(record, "/last_error/code") {
        lines.push((
            "last error",
            format!("{code} {}", text(record, "/last_error/message")),
        ));
    }
    if let Some(outcome) = record.get("outcome").filter(|o| !o.is_null()) {
        outcome_lines(outcome, &mut lines);
    }
    labelled(&lines);
}

/// The lines of `command show` that tell a command's outcome.
fn outcome_lines(outcome: &Value, lines: &mut Vec<(&'static str, String)>) {
    lines.push(("outcome", outcome_line(outcome)));
    lines.push(("finished", text(outcome, "/finished_at")));
    lines.push(("api calls", text(outcome, "/api_calls")));
    if let Some(batch) = optional(outcome, "/batch/id") {
        lines.push((
            "batch",
            format!(
                "{batch} ({} commands, {} calls for them all)",
                text(outcome, "/batch/size"),
                text(outcome, "/batch/api_calls")
            ),
        ));
    }
    let effect = match optional(outcome, "/licence_effect/licence") {
        Some(licence) => format!("{} {licence}", text(outcome, "/licence_effect/effect")),
        None => text(outcome, "/licence_effect/effect"),
    };
    lines.push(("licence", effect));
    for (label, pointer) in [
        ("account id", "/salesforce/account_id"),
        ("contact id", "/salesforce/contact_id"),
        ("user id", "/salesforce/user_id"),
    ] {
        if let Some(id) = optional(outcome, pointer) {
            lines.push((label, id));
        }
    }
}

/// `command list` and `dead-letters list`.
pub fn commands(page: &Value, empty: &str) {
    let rows: Vec<Vec<String>> = items(page)
        .iter()
        .map(|r| {
            let ended = match optional(r, "/outcome/refusal/code") {
                Some(code) => format!(
                    "{}: {code} {}",
                    text(r, "/outcome/kind"),
                    clip(&text(r, "/outcome/refusal/message"), 60)
                ),
                None => match optional(r, "/held_reason") {
                    Some(reason) if r["state"] == "held" => format!("held: {}", clip(&reason, 70)),
                    _ => text(r, "/outcome/kind"),
                },
            };
            vec![
                text(r, "/id"),
                text(r, "/subject"),
                text(r, "/intent/intent"),
                text(r, "/state"),
                ended,
            ]
        })
        .collect();
    if rows.is_empty() {
        println!("{empty}");
        return;
    }
    print_table(&["COMMAND", "SUBJECT", "INTENT", "STATE", "OUTCOME"], &rows);
    print_more(page);
}

/// `inbox list`.
pub fn events(page: &Value) {
    let rows: Vec<Vec<String>> = items(page)
        .iter()
        .map(|e| {
            vec![
                text(e, "/event_id"),
                text(e, "/source"),
                text(e, "/status"),
                text(e, "/received_at"),
                clip(&text(e, "/reason"), 80),
            ]
        })
        .collect();
    if rows.is_empty() {
        println!("no events");
        return;
    }
    print_table(&["EVENT", "SOURCE", "STATUS", "RECEIVED", "REASON"], &rows);
    print_more(page);
}

/// `inbox show`: the event's facts, then its body.
pub fn event(event: &Value) {
    println!("{}  {}", text(event, "/event_id"), text(event, "/status"));
    labelled(&[
        ("source", text(event, "/source")),
        ("reason", text(event, "/reason")),
        ("received", text(event, "/received_at")),
        ("source time", text(event, "/source_time")),
        (
            "dedupe key",
            format!(
                "{} ({})",
                text(event, "/dedupe_key"),
                text(event, "/key_origin")
            ),
        ),
        ("content type", text(event, "/content_type")),
        ("attempts", text(event, "/attempts")),
        ("replays", text(event, "/replays")),
        ("replayed at", text(event, "/replayed_at")),
    ]);
    println!(
        "\nBody ({} bytes, {})",
        text(event, "/body_bytes"),
        text(event, "/body_encoding")
    );
    println!("{}", text(event, "/body"));
}

/// `label   value` lines, labels aligned.
fn labelled(lines: &[(&str, String)]) {
    let width = lines.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (label, value) in lines {
        println!("  {label:<width$}  {value}");
    }
}
