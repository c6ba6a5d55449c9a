//! `gatehouse reconcile`: a reconciliation with the org run by the running Gatehouse (a dry
//! run unless `--apply`), its plan printed per person; `reconcile show` for the last report;
//! `reconcile adopt` to link an external user created outside Gatehouse to a lifecycle record.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::remote::{Failure, Gatehouse};
use super::table::{print_table, text};
use super::{Format, JsonFlag, REMOTE_HELP, Remote, execute};

/// How long a reconciliation may take before the command stops waiting for its answer.
const PATIENCE: Duration = Duration::from_secs(30 * 60);

/// How often the command says it is still waiting.
const HEARTBEAT: Duration = Duration::from_secs(10);

/// `gatehouse reconcile …`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(after_help = "Examples:
  gatehouse reconcile                       the plan: each drift, its evidence and the action
  gatehouse reconcile --apply               enqueue the repairs the [reconcile.policy] asks for
  gatehouse reconcile --batch-size 200      smaller query batches (Salesforce may not honour 2000)
  gatehouse reconcile --output json         the report as JSON, for scripts
  gatehouse reconcile show                  the last run's report
  gatehouse reconcile adopt 005xx0000012345 --as partner-portal:u-7

Reads every external user in query batches (a call per batch, never one per person) and
compares them with the lifecycle records: re-enabled by hand, lost access (inactive, frozen,
missing, disabled), another profile, Account or role than the last intent, and users no
record names (unmanaged; adoptable when their Contact's key is free).
Repairs go through the queue as commands with actor `reconcile`; without --apply nothing changes.
Progress goes to standard error, the plan to standard output.

Talks to a running Gatehouse: --url (default http://127.0.0.1:8080, env GATEHOUSE_URL) and
the admin token from GATEHOUSE_ADMIN_TOKEN (or --token).
Exit codes: 0 done (drift or not), 1 error, 2 not found.")]
pub struct ReconcileCommand {
    #[command(subcommand)]
    action: Option<ReconcileAction>,
    /// Enqueue the repairs the policies ask for (without it: a dry run that changes nothing).
    #[arg(long)]
    apply: bool,
    /// Records per query batch asked of Salesforce, 200 to 2000 (default: [reconcile] batch_size).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(200..=2000))]
    batch_size: Option<u16>,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Debug, Subcommand)]
enum ReconcileAction {
    /// The last run's report, whoever started it.
    #[command(after_help = REMOTE_HELP)]
    Show,
    /// Link an external user created outside Gatehouse to a new lifecycle record, in the state
    /// the org shows; the record's history names who adopted them and when.
    #[command(
        after_help = "Examples:\n  gatehouse reconcile adopt 005xx0000012345\n  gatehouse reconcile adopt 005xx0000012345 --as partner-portal:u-7\n\nWithout --as the key is the Contact's (the finding's adoptable_as).\nRefused (exit 1) when the key already has a record, another record names the user, or the\nuser has no Contact. Exit codes: 0 adopted, 1 refused or error, 2 no such user."
    )]
    Adopt {
        /// The external user's id, as an `unmanaged` finding names it.
        user_id: String,
        /// The subject key to file them under.
        #[arg(long = "as", value_name = "KEY")]
        subject: Option<String>,
    },
}

impl ReconcileCommand {
    pub fn run(self) -> ExitCode {
        let (apply, batch_size) = (self.apply, self.batch_size);
        let action = self.action;
        execute(
            &self.remote,
            self.json.json,
            async move |gatehouse: &Gatehouse, format| {
                let answer = match action {
                    None => run(gatehouse, apply, batch_size).await?,
                    Some(ReconcileAction::Show) => gatehouse.get(&["v1", "reconcile"], &[]).await?,
                    Some(ReconcileAction::Adopt { user_id, subject }) => {
                        let body = json!({"user_id": user_id, "subject": subject});
                        let answer = gatehouse
                            .post(
                                &["v1", "reconcile", "adopt"],
                                &[],
                                Some(body.to_string().into_bytes()),
                            )
                            .await?;
                        print(format, &answer, adopted_text);
                        return Ok(());
                    }
                };
                print(format, &answer, report_text);
                Ok(())
            },
        )
    }
}

/// Asks for a run and waits for its report, saying on standard error that it waits.
async fn run(
    gatehouse: &Gatehouse,
    apply: bool,
    batch_size: Option<u16>,
) -> Result<Value, Failure> {
    let mut query = vec![("apply", apply.to_string())];
    if let Some(size) = batch_size {
        query.push(("batch_size", size.to_string()));
    }
    eprintln!(
        "reconciling the org with the lifecycle records ({})…",
        if apply {
            "applying the repairs"
        } else {
            "dry run"
        }
    );
    let started = Instant::now();
    let asked = gatehouse.post_waiting(&["v1", "reconcile"], &query, PATIENCE);
    tokio::pin!(asked);
    let answer = loop {
        tokio::select! {
            answer = &mut asked => break answer?,
            () = tokio::time::sleep(HEARTBEAT) => {
                eprintln!("  still reading the org ({} s)", started.elapsed().as_secs());
            }
        }
    };
    eprintln!(
        "read {} external users in {} calls, compared with {} records, in {:.1} s",
        text(&answer, "/org_users"),
        text(&answer, "/api_calls"),
        text(&answer, "/records"),
        started.elapsed().as_secs_f64()
    );
    Ok(answer)
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

/// A run's report: a line of counts, then the plan per person.
fn report_text(report: &Value) {
    let applied = report.get("applied").and_then(Value::as_bool) == Some(true);
    println!(
        "reconciliation {} ({}), batches of {}: {} external users in the org, {} records, {} calls",
        text(report, "/run_id"),
        if applied { "applied" } else { "dry run" },
        text(report, "/batch_size"),
        text(report, "/org_users"),
        text(report, "/records"),
        text(report, "/api_calls"),
    );
    let counts: Vec<String> = report
        .get("counts")
        .and_then(Value::as_object)
        .map(|counts| {
            counts
                .iter()
                .map(|(class, n)| format!("{class} {n}"))
                .collect()
        })
        .unwrap_or_default();
    let findings = report
        .get("findings")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if findings.is_empty() {
        println!("no drift: the org shows what the lifecycle records say");
        return;
    }
    println!("drift: {}", counts.join(", "));
    println!();
    let rows: Vec<Vec<String>> = findings.iter().map(finding_row).collect();
    print_table(&["SUBJECT", "USER", "DRIFT", "ACTION", "EVIDENCE"], &rows);
    if !applied && findings.iter().any(|f| f["action"] == "repair") {
        println!();
        println!("dry run: nothing changed; --apply enqueues the repairs");
    }
}

fn finding_row(finding: &Value) -> Vec<String> {
    let subject = match finding.get("adoptable_as").and_then(Value::as_str) {
        Some(key) if finding["subject_key"].is_null() => format!("(adoptable as {key})"),
        _ => text(finding, "/subject_key"),
    };
    let action = match (
        text(finding, "/action").as_str(),
        finding.get("repair").and_then(Value::as_str),
    ) {
        ("report", _) => "report".to_owned(),
        (action, Some(repair)) => format!("{action}: {repair}"),
        (action, None) => action.to_owned(),
    };
    vec![
        subject,
        text(finding, "/user_id"),
        text(finding, "/class"),
        action,
        evidence(finding),
    ]
}

/// The evidence in a line: what the record (or the last intent) says against what the org says.
fn evidence(finding: &Value) -> String {
    let org = |field: &str| text(finding, &format!("/evidence/org/{field}"));
    let record = |field: &str| text(finding, &format!("/evidence/record/{field}"));
    match text(finding, "/class").as_str() {
        "reenabled" => format!("record {}, org active", record("state")),
        "inactive" => "record provisioned, org inactive".to_owned(),
        "frozen" => "record provisioned, login frozen".to_owned(),
        "disabled" => "record provisioned, portal disabled".to_owned(),
        "missing" => "record provisioned, no such external user".to_owned(),
        "profile" => format!(
            "intent {}, org {}",
            text(finding, "/evidence/intent/profile"),
            org("profile")
        ),
        "account" => format!("record {}, org {}", record("account_id"), org("account_id")),
        "role" => format!(
            "intent {}, org {}",
            text(finding, "/evidence/intent/portal_role"),
            org("portal_role")
        ),
        "unmanaged" => format!(
            "no record; profile {}, Account {}, active {}",
            org("profile"),
            org("account_id"),
            org("is_active")
        ),
        _ => finding
            .get("evidence")
            .map(Value::to_string)
            .unwrap_or_default(),
    }
}

fn adopted_text(adopted: &Value) {
    println!(
        "adopted user {} as {} ({}), by {} at {}",
        text(adopted, "/user_id"),
        text(adopted, "/subject_key"),
        text(adopted, "/state"),
        text(adopted, "/actor"),
        text(adopted, "/at"),
    );
}
