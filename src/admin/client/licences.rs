//! `gatehouse licences report` and `gatehouse licences reclaim`: the licence report and the
//! reclaim of idle licences, asked of a running Gatehouse (`/v1/licences`).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::Value;

use super::remote::{Failure, Gatehouse};
use super::table::{print_table, text};
use super::{Format, JsonFlag, REMOTE_HELP, Remote, execute};
use crate::reconcile::licences::{LicenceReport, to_csv};

/// `gatehouse licences …`.
#[derive(Debug, Args)]
#[command(after_help = REMOTE_HELP)]
pub struct LicencesCommand {
    #[command(subcommand)]
    action: LicencesAction,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Debug, Subcommand)]
enum LicencesAction {
    /// Per licence type the total, used, held by people Gatehouse manages, by others and
    /// inactive past [licences] reclaim_after_days; then each managed holder.
    #[command(
        after_help = "Examples:\n  gatehouse licences report\n  gatehouse licences report --csv > licences.csv\n  gatehouse licences report --json"
    )]
    Report {
        /// Print CSV (the licence table, a blank line, the people table).
        #[arg(long)]
        csv: bool,
    },
    /// The people whose licence would be reclaimed (inactive past [licences]
    /// reclaim_after_days, not exempt); a dry run unless --apply.
    #[command(
        after_help = "Examples:\n  gatehouse licences reclaim            the plan, nothing changed\n  gatehouse licences reclaim --apply    enqueue a deprovision per person (actor reclaim)"
    )]
    Reclaim {
        /// Enqueue the deprovisions (deactivate or freeze, as [licences] action says).
        #[arg(long)]
        apply: bool,
    },
}

impl LicencesCommand {
    pub fn run(self) -> ExitCode {
        let action = self.action;
        execute(
            &self.remote,
            self.json.json,
            async move |gatehouse: &Gatehouse, format| match action {
                LicencesAction::Report { csv } => {
                    let answer = gatehouse.get(&["v1", "licences"], &[]).await?;
                    if csv {
                        let report: LicenceReport = serde_json::from_value(answer.clone())
                            .map_err(|e| {
                                Failure::Refused(format!("the report could not be read: {e}"))
                            })?;
                        print!("{}", to_csv(&report));
                    } else {
                        show(format, &answer, print_report);
                    }
                    Ok(())
                }
                LicencesAction::Reclaim { apply } => {
                    let query = [("apply", apply.to_string())];
                    let answer = gatehouse
                        .post(&["v1", "licences", "reclaim"], &query, None)
                        .await?;
                    show(format, &answer, print_reclaim);
                    Ok(())
                }
            },
        )
    }
}

fn show(format: Format, answer: &Value, as_text: impl FnOnce(&Value)) {
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(answer).unwrap_or_else(|_| answer.to_string())
        ),
        Format::Text => as_text(answer),
    }
}

fn rows(answer: &Value, list: &str, pointers: &[&str]) -> Vec<Vec<String>> {
    answer[list]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| pointers.iter().map(|p| text(row, p)).collect())
        .collect()
}

fn print_report(answer: &Value) {
    println!(
        "Inactive: no login for more than {} days (last seen before {}).\n",
        text(answer, "/reclaim_after_days"),
        text(answer, "/cutoff")
    );
    print_table(
        &[
            "LICENCE", "KIND", "TOTAL", "USED", "MANAGED", "OTHERS", "INACTIVE",
        ],
        &rows(
            answer,
            "licences",
            &[
                "/licence",
                "/kind",
                "/total",
                "/used",
                "/managed",
                "/others",
                "/inactive",
            ],
        ),
    );
    println!();
    print_table(
        &[
            "SUBJECT",
            "STATE",
            "LICENCE",
            "PURPOSE",
            "SPONSOR",
            "ACCOUNT",
            "LAST LOGIN",
            "ENDS",
            "INACTIVE",
        ],
        &rows(
            answer,
            "people",
            &[
                "/subject",
                "/state",
                "/licence",
                "/purpose",
                "/sponsor",
                "/account",
                "/last_login",
                "/ends_at",
                "/inactive",
            ],
        ),
    );
}

fn print_reclaim(answer: &Value) {
    let action = text(answer, "/action");
    let count = answer["reclaim"].as_array().map_or(0, Vec::len);
    if answer["applied"] == true {
        println!("Enqueued {count} deprovision(s) ({action}), actor reclaim.");
    } else {
        println!("Dry run: {count} person(s) would be shown out ({action}); --apply to enqueue.");
    }
    println!(
        "Inactive: no login since {} ({} days).\n",
        text(answer, "/cutoff"),
        text(answer, "/reclaim_after_days")
    );
    let pointers = [
        "/subject",
        "/licence",
        "/profile",
        "/last_login",
        "/created",
    ];
    print_table(
        &["SUBJECT", "LICENCE", "PROFILE", "LAST LOGIN", "CREATED"],
        &rows(answer, "reclaim", &pointers),
    );
    let exempt = rows(
        answer,
        "exempt",
        &["/subject", "/licence", "/last_login", "/exempt"],
    );
    if !exempt.is_empty() {
        println!("\nKept by an exemption:");
        print_table(&["SUBJECT", "LICENCE", "LAST LOGIN", "EXEMPT BY"], &exempt);
    }
}
