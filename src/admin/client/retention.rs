//! `gatehouse retention run`: a retention pass asked of a running Gatehouse now
//! (`POST /v1/retention/run`), or with `--dry-run` the count of what one would remove.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::Value;

use super::remote::Gatehouse;
use super::table::print_table;
use super::{Format, JsonFlag, REMOTE_HELP, Remote, execute};

/// `gatehouse retention …`.
#[derive(Debug, Args)]
#[command(after_help = REMOTE_HELP)]
pub struct RetentionCommand {
    #[command(subcommand)]
    action: RetentionAction,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Debug, Subcommand)]
enum RetentionAction {
    /// Remove personal data past its [retention] time now, as the scheduled pass does; prints
    /// the rows scrubbed or deleted per kind of record.
    #[command(
        after_help = "Examples:\n  gatehouse retention run --dry-run    what a pass would remove, changing nothing\n  gatehouse retention run              remove it now\n\nWhat each kind keeps afterwards: docs/privacy.md."
    )]
    Run {
        /// Count what would go and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

impl RetentionCommand {
    pub fn run(self) -> ExitCode {
        let RetentionAction::Run { dry_run } = self.action;
        execute(
            &self.remote,
            self.json.json,
            async move |gatehouse: &Gatehouse, format| {
                let query = [("dry_run", dry_run.to_string())];
                let answer = gatehouse
                    .post(&["v1", "retention", "run"], &query, None)
                    .await?;
                match format {
                    Format::Json => println!(
                        "{}",
                        serde_json::to_string_pretty(&answer)
                            .unwrap_or_else(|_| answer.to_string())
                    ),
                    Format::Text => print_rows(&answer),
                }
                Ok(())
            },
        )
    }
}

/// A line saying what was done, then the rows per kind.
fn print_rows(answer: &Value) {
    let counts: Vec<Vec<String>> = answer["rows"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(kind, rows)| vec![kind.clone(), rows.to_string()])
        .collect();
    if counts.is_empty() {
        println!("Every kind of record is kept forever ([retention]): nothing to do.");
        return;
    }
    if answer["dry_run"] == true {
        println!("Dry run: rows a pass would scrub or delete now.\n");
    } else {
        println!("Rows scrubbed or deleted.\n");
    }
    print_table(&["KIND", "ROWS"], &counts);
}
