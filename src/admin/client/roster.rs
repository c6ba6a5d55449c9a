//! `gatehouse roster upload|show`: a source's roster sent to the running Gatehouse, and the
//! reports of its runs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::Value;

use super::remote::{Failure, Gatehouse};
use super::table::{print_table, text};
use super::{Format, JsonFlag, REMOTE_HELP, Remote, execute};

/// `gatehouse roster …`.
#[derive(Debug, Args)]
#[command(after_help = REMOTE_HELP)]
pub struct RosterCommand {
    #[command(subcommand)]
    action: RosterAction,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Debug, Subcommand)]
enum RosterAction {
    /// Send a source's full list of current people: people with access from the source whom it
    /// does not list are deprovisioned after the source's grace; listed people without access
    /// are reported, or provisioned when the roster carries the fields the rules need.
    #[command(
        after_help = "Examples:\n  gatehouse roster upload partner-portal people.csv --dry-run\n  gatehouse roster upload partner-portal people.json --output json\n\nCSV: a header row with a `subject` column, other columns are fields (`user.email` nests).\nJSON: {\"people\": [\"KEY\", {\"subject\": \"KEY\", \"fields\": {...}}]}.\nA roster that would remove more than the source's max_removal_share is refused (exit 1), nothing changes.\nExit codes: 0 applied or dry run, 1 refused or error."
    )]
    Upload {
        /// The source, e.g. partner-portal.
        source: String,
        /// The roster file; `-` reads standard input.
        file: PathBuf,
        /// Report what the roster would do, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The file's format; by default `.csv` is CSV and anything else JSON.
        #[arg(long, value_enum)]
        format: Option<FileFormat>,
    },
    /// The newest roster run of a source and who is missing from it now, or one run's report.
    #[command(
        after_help = "Examples:\n  gatehouse roster show partner-portal\n  gatehouse roster show partner-portal --run ros_0193…\n\nExit codes: 0 shown, 1 error, 2 no such run."
    )]
    Show {
        /// The source, e.g. partner-portal.
        source: String,
        /// One run's report, by its id (ros_…).
        #[arg(long, value_name = "RUN_ID")]
        run: Option<String>,
    },
}

/// A roster file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FileFormat {
    Csv,
    Json,
}

impl RosterCommand {
    pub fn run(self) -> ExitCode {
        let action = self.action;
        execute(
            &self.remote,
            self.json.json,
            async move |gatehouse: &Gatehouse, format| match action {
                RosterAction::Upload {
                    source,
                    file,
                    dry_run,
                    format: file_format,
                } => {
                    let body = read(&file)?;
                    let media_type = media_type(&file, file_format);
                    let query = vec![("dry_run", dry_run.to_string())];
                    let path = ["v1", "sources", source.as_str(), "roster"];
                    let report = gatehouse.put(&path, &query, body, media_type).await?;
                    print(format, &report, report_text);
                    Ok(())
                }
                RosterAction::Show { source, run } => {
                    let answer = match &run {
                        Some(run) => {
                            let path = ["v1", "sources", source.as_str(), "roster", "runs", run];
                            gatehouse.get(&path, &[]).await?
                        }
                        None => {
                            let path = ["v1", "sources", source.as_str(), "roster"];
                            gatehouse.get(&path, &[]).await?
                        }
                    };
                    let as_text = if run.is_some() {
                        report_text
                    } else {
                        latest_text
                    };
                    print(format, &answer, as_text);
                    Ok(())
                }
            },
        )
    }
}

fn print(format: Format, answer: &Value, as_text: fn(&Value)) {
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(answer).unwrap_or_else(|_| answer.to_string())
        ),
        Format::Text => as_text(answer),
    }
}

fn read(file: &Path) -> Result<Vec<u8>, Failure> {
    let read = if file == Path::new("-") {
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut body).map(|_| body)
    } else {
        std::fs::read(file)
    };
    read.map_err(|e| Failure::Refused(format!("cannot read {}: {e}", file.display())))
}

fn media_type(file: &Path, format: Option<FileFormat>) -> &'static str {
    let csv = match format {
        Some(format) => format == FileFormat::Csv,
        None => file
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("csv")),
    };
    if csv { "text/csv" } else { "application/json" }
}

/// The newest run and the people missing now.
fn latest_text(answer: &Value) {
    match answer.get("last_run") {
        Some(report) if !report.is_null() => report_text(report),
        _ => println!("no roster run yet for {}", text(answer, "/source")),
    }
    let missing = answer
        .get("missing")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    println!();
    println!("missing now: {}", missing.len());
    let rows: Vec<Vec<String>> = missing
        .iter()
        .map(|a| {
            vec![
                text(a, "/subject"),
                text(a, "/first_missing_at"),
                text(a, "/due_at"),
                text(a, "/command_id"),
            ]
        })
        .collect();
    if !rows.is_empty() {
        print_table(&["SUBJECT", "MISSING SINCE", "DUE", "DEPROVISION"], &rows);
    }
}

/// One run's report: the verdict and counts, then who goes and who lacks access.
fn report_text(report: &Value) {
    println!(
        "roster run {} of {} ({}, by {}) at {}: {}",
        text(report, "/run_id"),
        text(report, "/source"),
        text(report, "/origin"),
        text(report, "/actor"),
        text(report, "/at"),
        text(report, "/verdict"),
    );
    if let Some(reason) = report.get("reason").and_then(Value::as_str) {
        println!("reason: {reason}");
    }
    let share = |pointer| {
        report
            .pointer(pointer)
            .and_then(Value::as_f64)
            .map_or("-".to_owned(), |s| format!("{:.1} %", s * 100.0))
    };
    println!(
        "listed {}, with access from the source {}, missing {} ({} of at most {}), grace {} s",
        text(report, "/listed"),
        text(report, "/with_access"),
        list(report, "leaving").len(),
        share("/removal_share"),
        share("/max_removal_share"),
        text(report, "/grace_seconds"),
    );
    let leaving: Vec<Vec<String>> = list(report, "leaving")
        .iter()
        .map(|l| {
            vec![
                text(l, "/subject"),
                text(l, "/first_missing_at"),
                text(l, "/due_at"),
                text(l, "/command_id"),
            ]
        })
        .collect();
    if !leaving.is_empty() {
        println!();
        print_table(
            &["LEAVING", "MISSING SINCE", "DUE", "DEPROVISION"],
            &leaving,
        );
    }
    let without: Vec<Vec<String>> = list(report, "without_access")
        .iter()
        .map(|w| {
            vec![
                text(w, "/subject"),
                text(w, "/action"),
                text(w, "/command_id"),
                text(w, "/reason"),
            ]
        })
        .collect();
    if !without.is_empty() {
        println!();
        print_table(&["WITHOUT ACCESS", "ACTION", "COMMAND", "REASON"], &without);
    }
    let reappeared = list(report, "reappeared");
    if !reappeared.is_empty() {
        let keys: Vec<&str> = reappeared.iter().filter_map(Value::as_str).collect();
        println!();
        println!("listed again (no longer leaving): {}", keys.join(", "));
    }
}

fn list<'a>(report: &'a Value, name: &str) -> &'a [Value] {
    report
        .get(name)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}
