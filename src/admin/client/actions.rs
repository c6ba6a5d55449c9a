//! What each operator command asks the admin API, and how its answer is printed.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use serde_json::{Value, json};

use super::remote::{Failure, Gatehouse};
use super::{
    CommandAction, CommandCommand, DeadLettersAction, DeadLettersCommand, DeprovisionArgs, Format,
    InboxAction, InboxCommand, Mode, ParkedAction, ParkedCommand, ProvisionArgs, Remote,
    SubjectAction, SubjectCommand, execute, render,
};

/// Prints the JSON answer as it came, or hands it to the text printer.
pub(super) fn print(format: Format, answer: &Value, as_text: impl FnOnce(&Value)) {
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(answer).unwrap_or_else(|_| answer.to_string())
        ),
        Format::Text => as_text(answer),
    }
}

pub(super) fn push(
    query: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: &Option<String>,
) {
    if let Some(value) = value {
        query.push((name, value.clone()));
    }
}

impl SubjectCommand {
    pub fn run(self) -> ExitCode {
        let action = self.action;
        execute(
            &self.remote,
            self.json.json,
            async move |gatehouse: &Gatehouse, format| {
                match action {
                    SubjectAction::Show { key } => {
                        let record = gatehouse.get(&["v1", "subjects", &key], &[]).await?;
                        print(format, &record, render::subject);
                    }
                    SubjectAction::List { state, page } => {
                        let mut query = page.query();
                        push(&mut query, "state", &state);
                        let answer = gatehouse.get(&["v1", "subjects"], &query).await?;
                        print(format, &answer, render::subjects);
                    }
                    SubjectAction::Erase(erase) => erase.run(gatehouse, format).await?,
                }
                Ok(())
            },
        )
    }
}

impl CommandCommand {
    pub fn run(self) -> ExitCode {
        let action = self.action;
        execute(
            &self.remote,
            self.json.json,
            async move |gatehouse: &Gatehouse, format| {
                match action {
                    CommandAction::Show { id } => {
                        let record = gatehouse.get(&["v1", "commands", &id], &[]).await?;
                        print(format, &record, render::command);
                    }
                    CommandAction::List {
                        state,
                        outcome,
                        subject,
                        page,
                    } => {
                        let mut query = page.query();
                        push(&mut query, "state", &state);
                        push(&mut query, "outcome", &outcome);
                        push(&mut query, "subject", &subject);
                        let answer = gatehouse.get(&["v1", "commands"], &query).await?;
                        print(format, &answer, |page| {
                            render::commands(page, "no commands")
                        });
                    }
                }
                Ok(())
            },
        )
    }
}

impl DeadLettersCommand {
    pub fn run(self) -> ExitCode {
        let action = self.action;
        execute(
            &self.remote,
            self.json.json,
            async move |gatehouse: &Gatehouse, format| {
                match action {
                    DeadLettersAction::List { subject, page } => {
                        let mut query = page.query();
                        push(&mut query, "subject", &subject);
                        let answer = gatehouse.get(&["v1", "dead-letters"], &query).await?;
                        print(format, &answer, |page| {
                            render::commands(page, "no dead letters")
                        });
                    }
                    DeadLettersAction::Replay { id } => {
                        let answer = gatehouse
                            .post(&["v1", "commands", &id, "replay"], &[], None)
                            .await?;
                        print(format, &answer, |a| {
                            println!(
                                "replayed {} as {} ({}); `gatehouse command show {}` follows it",
                                id,
                                super::table::text(a, "/command_id"),
                                super::table::text(a, "/state"),
                                super::table::text(a, "/command_id"),
                            );
                        });
                    }
                }
                Ok(())
            },
        )
    }
}

impl ProvisionArgs {
    pub fn run(self) -> ExitCode {
        let file = self.json;
        enqueue(&self.remote, false, self.key, "provision", move || {
            read_intent(&file)
        })
    }
}

impl DeprovisionArgs {
    pub fn run(self) -> ExitCode {
        let mut body = json!({
            "mode": match self.mode {
                Mode::Deactivate => "deactivate",
                Mode::Freeze => "freeze",
                Mode::FreezeThenDeactivate => "freeze-then-deactivate",
                Mode::Disable => "disable",
            },
            "trigger": self.trigger,
        });
        if let Some(grace) = self.grace {
            body["grace"] = Value::String(grace);
        }
        enqueue(
            &self.remote,
            self.json.json,
            self.key,
            "deprovision",
            move || Ok(body.to_string().into_bytes()),
        )
    }
}

/// A manual provision or deprovision: the body goes to the subject's `action` route.
fn enqueue(
    remote: &Remote,
    json: bool,
    key: String,
    action: &'static str,
    body: impl FnOnce() -> Result<Vec<u8>, Failure>,
) -> ExitCode {
    execute(remote, json, async move |gatehouse: &Gatehouse, format| {
        let answer = gatehouse
            .post(&["v1", "subjects", &key, action], &[], Some(body()?))
            .await?;
        print(format, &answer, print_enqueued);
        Ok(())
    })
}

impl ParkedCommand {
    pub fn run(self) -> ExitCode {
        let action = self.action;
        execute(
            &self.remote,
            self.json.json,
            async move |gatehouse: &Gatehouse, format| {
                let ParkedAction::Resume { licence } = action;
                let mut query = Vec::new();
                push(&mut query, "licence", &licence);
                let answer = gatehouse
                    .post(&["v1", "parked", "resume"], &query, None)
                    .await?;
                print(format, &answer, |a| {
                    let scope = match &licence {
                        Some(licence) => format!(" waiting for {licence}"),
                        None => String::new(),
                    };
                    println!(
                        "resumed {} parked command(s){scope}",
                        super::table::text(a, "/resumed")
                    );
                });
                Ok(())
            },
        )
    }
}

impl InboxCommand {
    pub fn run(self) -> ExitCode {
        let action = self.action;
        execute(
            &self.remote,
            self.json.json,
            async move |gatehouse: &Gatehouse, format| {
                match action {
                    InboxAction::List {
                        status,
                        source,
                        page,
                    } => {
                        let mut query = page.query();
                        push(&mut query, "status", &status);
                        push(&mut query, "source", &source);
                        let answer = gatehouse.get(&["v1", "inbox"], &query).await?;
                        print(format, &answer, render::events);
                    }
                    InboxAction::Show { event_id } => {
                        let event = gatehouse.get(&["v1", "inbox", &event_id], &[]).await?;
                        print(format, &event, render::event);
                    }
                    InboxAction::Replay { event_id } => {
                        let answer = gatehouse
                            .post(&["v1", "inbox", &event_id, "replay"], &[], None)
                            .await?;
                        print(format, &answer, |_| {
                            println!(
                                "{event_id} is back for mapping; `gatehouse inbox show {event_id}` shows how it went"
                            );
                        });
                    }
                }
                Ok(())
            },
        )
    }
}

/// The answer to a manual provision or deprovision.
fn print_enqueued(answer: &Value) {
    use super::table::text;
    println!(
        "{} {} for {}: {}",
        text(answer, "/intent"),
        text(answer, "/command_id"),
        text(answer, "/subject"),
        text(answer, "/state"),
    );
    for (label, pointer) in [("superseded", "/superseded"), ("scheduled", "/scheduled")] {
        let ids: Vec<&str> = answer
            .pointer(pointer)
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if !ids.is_empty() {
            println!("{label}: {}", ids.join(", "));
        }
    }
}

/// The provision intent from a file or standard input, checked to be JSON before sending.
fn read_intent(path: &Path) -> Result<Vec<u8>, Failure> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| {
            Failure::Refused(format!("cannot read the intent from standard input: {e}"))
        })?;
        bytes
    } else {
        std::fs::read(path).map_err(|e| {
            Failure::Refused(format!(
                "cannot read the intent file {}: {e}",
                path.display()
            ))
        })?
    };
    serde_json::from_slice::<Value>(&bytes)
        .map_err(|e| Failure::Refused(format!("{} is not JSON: {e}", path.display())))?;
    Ok(bytes)
}
