//! `gatehouse held …`: what the mass-deprovision guard holds, and releasing it.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::actions::{print, push};
use super::remote::Gatehouse;
use super::{JsonFlag, PageArgs, REMOTE_HELP, Remote, execute, render, table};

/// `gatehouse held …`.
#[derive(Debug, Args)]
#[command(after_help = REMOTE_HELP)]
pub struct HeldCommand {
    #[command(subcommand)]
    action: HeldAction,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Debug, Subcommand)]
enum HeldAction {
    /// Deprovisions the guard holds, each with the reason it holds them.
    #[command(after_help = "Examples:
  gatehouse held list
  gatehouse held list --event evt_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f
  gatehouse held list --account P-100 --json

Nothing held runs until it is approved; `gatehouse held status` says which sources tripped.")]
    List {
        #[command(flatten)]
        which: Which,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Run held deprovisions: they are queued as if never held, recorded with the operator whose token approves.
    #[command(after_help = "Examples:
  gatehouse held approve --event evt_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f
  gatehouse held approve --subject hr:4711
  gatehouse held approve --all

Name exactly one of --all, --subject, --account or --event. Once nothing a tripped source held
is still held, the source clears and its window starts afresh.
Exit codes: 0 done (also when nothing matched), 1 error.")]
    Approve {
        #[command(flatten)]
        which: Which,
        /// Every held command.
        #[arg(long, conflicts_with_all = ["subject", "account", "event"])]
        all: bool,
    },
    /// End held deprovisions without running them: outcome `rejected`, users left as they are.
    #[command(after_help = "Examples:
  gatehouse held reject --event evt_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f --reason \"truncated HR export\"
  gatehouse held reject --all --reason \"wrong contract id\"

Name exactly one of --all, --subject, --account or --event. Each person's lifecycle record
keeps who rejected it, when and why; consumers get dev.gatehouse.command.rejected.
Exit codes: 0 done (also when nothing matched), 1 error.")]
    Reject {
        #[command(flatten)]
        which: Which,
        /// Every held command.
        #[arg(long, conflicts_with_all = ["subject", "account", "event"])]
        all: bool,
    },
    /// Whether the guard is on, its window, and every scope that has tripped.
    #[command(after_help = "Example:\n  gatehouse held status")]
    Status,
}

/// Which held commands: one person, one Account's people, or one event's fan-out.
#[derive(Debug, Args)]
struct Which {
    /// One person's, by subject key (e.g. hr:4711).
    #[arg(long, value_name = "KEY")]
    subject: Option<String>,
    /// The people of one Account, by its key or Salesforce id (e.g. P-100).
    #[arg(long, value_name = "ACCOUNT")]
    account: Option<String>,
    /// The fan-out of one inbox event (evt_…).
    #[arg(long, value_name = "EVENT_ID")]
    event: Option<String>,
}

impl Which {
    fn query(&self, all: bool) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if all {
            query.push(("all", "true".to_owned()));
        }
        push(&mut query, "subject", &self.subject);
        push(&mut query, "account", &self.account);
        push(&mut query, "event", &self.event);
        query
    }
}

impl HeldCommand {
    pub fn run(self) -> ExitCode {
        let action = self.action;
        execute(
            &self.remote,
            self.json.json,
            async move |gatehouse: &Gatehouse, format| {
                match action {
                    HeldAction::List { which, page } => {
                        let mut query = which.query(false);
                        query.extend(page.query());
                        let answer = gatehouse.get(&["v1", "held"], &query).await?;
                        print(format, &answer, |page| {
                            render::commands(page, "nothing is held")
                        });
                    }
                    HeldAction::Approve { which, all } => {
                        let path = ["v1", "held", "approve"];
                        let answer = gatehouse.post(&path, &which.query(all), None).await?;
                        print(format, &answer, |a| released(a, "approved"));
                    }
                    HeldAction::Reject { which, all } => {
                        let mut query = which.query(all);
                        push(&mut query, "reason", gatehouse.reason());
                        let path = ["v1", "held", "reject"];
                        let answer = gatehouse.post(&path, &query, None).await?;
                        print(format, &answer, |a| released(a, "rejected"));
                    }
                    HeldAction::Status => {
                        let answer = gatehouse.get(&["v1", "guard"], &[]).await?;
                        print(format, &answer, status);
                    }
                }
                Ok(())
            },
        )
    }
}

/// The answer to an approval or a rejection.
fn released(answer: &serde_json::Value, done: &str) {
    println!(
        "{done} {} held command(s)",
        table::text(answer, &format!("/{done}"))
    );
    if let Some(cleared) = answer["cleared"].as_array().filter(|c| !c.is_empty()) {
        let names: Vec<String> = cleared.iter().map(scope_name).collect();
        println!("cleared: {}", names.join(", "));
    }
}

/// `held status`.
fn status(answer: &serde_json::Value) {
    if answer["enabled"] != true {
        println!("the guard is off ([guard] enabled = false)");
    } else {
        println!(
            "the guard is on; window {} s",
            table::text(answer, "/window_seconds")
        );
    }
    let scopes = answer["scopes"].as_array().cloned().unwrap_or_default();
    if scopes.is_empty() {
        println!("no scope has tripped");
    }
    for scope in scopes {
        let state = match scope["tripped_at"].as_str() {
            Some(at) => format!("TRIPPED since {at}, holding {}", scope["held"]),
            None => "clear".to_owned(),
        };
        println!(
            "{}: {state}; {} trip(s); last: {}",
            scope_name(&scope["scope"]),
            scope["trips"],
            table::text(&scope, "/reason")
        );
    }
}

/// A scope as people read it.
fn scope_name(scope: &serde_json::Value) -> String {
    match scope.as_str() {
        Some("*") => "every source together".to_owned(),
        Some(source) => format!("source {source}"),
        None => scope.to_string(),
    }
}
