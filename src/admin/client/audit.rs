//! `gatehouse audit`: what operators did and read, newest first.

use std::process::ExitCode;

use clap::Args;
use serde_json::Value;

use super::actions::{print, push};
use super::remote::Gatehouse;
use super::{JsonFlag, REMOTE_HELP, Remote, execute, table};

/// `gatehouse audit`.
#[derive(Debug, Args)]
#[command(after_help = concat!(
    "Examples:\n  gatehouse audit\n  gatehouse audit --actor alice\n  gatehouse audit --subject partner-portal:u-1 --json\n\n",
    "Needs role admin. Every admin request an operator was allowed to make is kept, reads included.\n"
))]
#[command(after_long_help = REMOTE_HELP)]
pub struct AuditCommand {
    /// Only this operator's requests.
    #[arg(long)]
    actor: Option<String>,
    /// Only requests about this person, by subject key.
    #[arg(long)]
    subject: Option<String>,
    /// At most this many (1 to 1000).
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Continue before this entry (printed at the end of a full page).
    #[arg(long)]
    before: Option<String>,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

impl AuditCommand {
    pub fn run(self) -> ExitCode {
        let AuditCommand {
            actor,
            subject,
            limit,
            before,
            remote,
            json,
        } = self;
        execute(
            &remote,
            json.json,
            async move |gatehouse: &Gatehouse, format| {
                let mut query = vec![("limit", limit.to_string())];
                push(&mut query, "actor", &actor);
                push(&mut query, "subject", &subject);
                push(&mut query, "before", &before);
                let answer = gatehouse.get(&["v1", "audit"], &query).await?;
                print(format, &answer, entries);
                Ok(())
            },
        )
    }
}

/// One line per entry: when, who with which roles, what, on what, why.
fn entries(page: &Value) {
    let items = page["items"].as_array().cloned().unwrap_or_default();
    if items.is_empty() {
        println!("no audit entries");
    }
    for entry in &items {
        let mut line = format!(
            "{} {} {} ({}) {}",
            table::text(entry, "/seq"),
            table::text(entry, "/at"),
            table::text(entry, "/actor"),
            table::text(entry, "/roles"),
            table::text(entry, "/action"),
        );
        for field in ["target", "subject_key"] {
            if let Some(value) = entry[field].as_str() {
                line.push_str(&format!(" {value}"));
            }
        }
        if let Some(reason) = entry["reason"].as_str() {
            line.push_str(&format!(" — {reason}"));
        }
        println!("{line}");
    }
    if let Some(before) = page["next_before"].as_i64() {
        println!("more: --before {before}");
    }
}
