//! The command line: `gatehouse serve`, `check-config`, `doctor`, `mapping`, `demo`, `store`, and the
//! operators' commands (`subject`, `command`, `dead-letters`, `provision`, `deprovision`, `parked`, `held`, `inbox`,
//! `licences`, `roster`)
//! that talk to a running Gatehouse over its admin API.

mod check_config;
mod demo;
mod doctor;
mod healthcheck;
mod mapping;
mod serve;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Gatehouse admits external people into a Salesforce Experience Cloud site and shows them out
/// again, driven by signed webhooks and Kafka events from HR systems and partner portals.
#[derive(Debug, Parser)]
#[command(name = "gatehouse", version, propagate_version = true)]
#[command(
    after_help = "Start here:\n  gatehouse demo                                        see the whole flow in one process\n  gatehouse serve --config examples/quickstart.toml     run the service on the embedded store\n  gatehouse check-config --config FILE                  validate a config before deploying it\n  gatehouse doctor --config FILE                        check the org before the first event\n  gatehouse mapping test -c FILE --source S EVENT.json  see what the rules make of an event\n  gatehouse store copy --from sqlite:F --to env:VAR     move the store to PostgreSQL (several replicas)\n\nOperating a running Gatehouse (admin API; token from GATEHOUSE_ADMIN_TOKEN):\n  gatehouse subject show partner-portal:u-1             a person's lifecycle record and history\n  gatehouse dead-letters list                           commands refused for good, with the reason\n  gatehouse deprovision KEY --mode freeze --trigger T   lock someone out now\n  gatehouse inbox list --status unmapped                events no rule could map\n  gatehouse roster upload SOURCE people.csv --dry-run   compare a source's roster with who has access\n  gatehouse reconcile                                   compare the org with the lifecycle records (dry run)\n  gatehouse outcome-webhooks deliveries --state failed  outcome events a subscriber never took\n\nDocs: README.md and docs/ in the source tree."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service: receive signed webhooks, keep them durably, answer health checks.
    #[command(
        after_help = "Example:\n  gatehouse serve --config examples/quickstart.toml\n\nGET /healthz answers while the process runs; GET /readyz answers 200 while the store\nanswers a read and commits a write within service.readiness_timeout_ms, 503 with the reason otherwise.\nStops gracefully on SIGTERM or Ctrl-C: /readyz turns 503, in-flight requests finish, then it exits 0.\nEvery key of the config can be overridden by GATEHOUSE_<KEY> with __ between levels,\ne.g. GATEHOUSE_SERVICE__LISTEN=0.0.0.0:8080."
    )]
    Serve {
        #[command(flatten)]
        config: ConfigArg,
        /// Address to listen on, overriding service.listen (e.g. 0.0.0.0:8080).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
    },
    /// Validate a config and print the effective settings with secrets redacted.
    #[command(
        after_help = "Exits 0 when the config is valid, 1 with every problem listed (each naming its key) when not.\nThe printed config includes GATEHOUSE_* environment overrides, so run it where the service will run."
    )]
    CheckConfig {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Check the configured org before the first event: read-only, a handful of API calls,
    /// a checklist with the fix for each failure.
    #[command(
        after_help = "Checks, in order: authentication with the configured flow; the API version is served; the run-as user's permissions;\nthe key fields on Contact and Account exist, are visible and are external ids; every profile and permission set the rules name\nexists; each rule's users join the site ([salesforce] site); the site is Live and sends the welcome email rules rely on;\nlicences left per licence of the rules' profiles; owners of keyed Accounts hold roles; and, as manual checks,\nemail deliverability and verified sending domains.\n\nExits 0 when nothing failed (warnings and manual checks do not fail), 1 otherwise.\n`serve` runs the same checks at start-up: [salesforce.preflight] at_start = \"log\" (default), \"refuse\" or \"skip\".\nSee docs/operations.md, \"gatehouse doctor\"."
    )]
    Doctor {
        #[command(flatten)]
        config: ConfigArg,
        /// Print the checklist as JSON, for machines.
        #[arg(long)]
        json: bool,
    },
    /// Work on mapping rules: try an event against a source's rules.
    #[command(subcommand)]
    Mapping(mapping::MappingCommand),
    /// Run a self-contained demonstration: the service on a temporary embedded store plus the
    /// simulated Salesforce org, fed sample signed webhooks, printing what happened to each.
    #[command(
        after_help = "Needs nothing else: no Kafka, no database, no Salesforce org. Exits non-zero if any step does not do what it should."
    )]
    Demo {
        /// Keep the demo's data folder instead of deleting it at the end, and print its path.
        #[arg(long)]
        keep: bool,
    },
    /// Work on a store without running the service: copy a SQLite store into PostgreSQL.
    #[command(subcommand)]
    Store(store::StoreCommand),
    /// Look at the people Gatehouse admits: lifecycle records with their history.
    Subject(crate::admin::client::SubjectCommand),
    /// Look at commands: what was asked for whom, and how it ended.
    #[command(name = "command")]
    CommandRecord(crate::admin::client::CommandCommand),
    /// List and replay commands that Salesforce or the rules refused for good.
    DeadLetters(crate::admin::client::DeadLettersCommand),
    /// Admit someone by hand: queue a provision with an intent written as JSON.
    Provision(crate::admin::client::ProvisionArgs),
    /// Show someone out by hand ("lock this person out now").
    Deprovision(crate::admin::client::DeprovisionArgs),
    /// Resume commands parked for want of a licence.
    Parked(crate::admin::client::ParkedCommand),
    /// List, approve or reject the deprovisions the mass-deprovision guard holds.
    Held(crate::admin::client::HeldCommand),
    /// What operators did and read, newest first (role admin).
    Audit(crate::admin::client::AuditCommand),
    /// Look at accepted events, and map unmapped or ignored ones again.
    Inbox(crate::admin::client::InboxCommand),
    /// The licence report, and the reclaim of licences held by people who no longer log in.
    Licences(crate::admin::client::LicencesCommand),
    Roster(crate::admin::client::RosterCommand),
    /// Outcome webhooks: their subscribers, deliveries, replays.
    OutcomeWebhooks(crate::admin::client::WebhooksCommand),
    /// Compare the org with the lifecycle records: a dry-run plan per person, --apply to repair,
    /// `adopt` for users created outside Gatehouse.
    Reconcile(crate::admin::client::ReconcileCommand),
    /// Remove personal data past its [retention] time now (or count it with --dry-run).
    Retention(crate::admin::client::RetentionCommand),
    /// Ask a running service whether it is alive: exit 0 when its /healthz answers 200.
    #[command(
        after_help = "For container health checks in images without curl, e.g.\n  HEALTHCHECK CMD [\"gatehouse\", \"healthcheck\"]"
    )]
    Healthcheck {
        /// The liveness URL to ask (plain http, beside the service).
        #[arg(long, default_value = "http://127.0.0.1:8080/healthz")]
        url: String,
    },
}

/// The `--config` argument shared by the commands that read a config.
#[derive(Debug, clap::Args)]
pub struct ConfigArg {
    /// Path of the TOML config file. `GATEHOUSE_*` environment variables override its keys.
    #[arg(long, short = 'c', env = "GATEHOUSE_CONFIG", value_name = "FILE")]
    pub config: PathBuf,
}

impl Cli {
    /// Runs the chosen command and returns the process exit code.
    pub fn run(self) -> ExitCode {
        match self.command {
            Command::Serve { config, listen } => serve::run(&config.config, listen),
            Command::CheckConfig { config } => check_config::run(&config.config),
            Command::Doctor { config, json } => doctor::run(&config.config, json),
            Command::Mapping(command) => command.run(),
            Command::Demo { keep } => demo::run(keep),
            Command::Store(command) => command.run(),
            Command::Subject(command) => command.run(),
            Command::CommandRecord(command) => command.run(),
            Command::DeadLetters(command) => command.run(),
            Command::Provision(args) => args.run(),
            Command::Deprovision(args) => args.run(),
            Command::Parked(command) => command.run(),
            Command::Held(command) => command.run(),
            Command::Audit(command) => command.run(),
            Command::Inbox(command) => command.run(),
            Command::Licences(command) => command.run(),
            Command::Roster(command) => command.run(),
            Command::OutcomeWebhooks(command) => command.run(),
            Command::Reconcile(command) => command.run(),
            Command::Retention(command) => command.run(),
            Command::Healthcheck { url } => healthcheck::run(&url),
        }
    }
}

/// The async runtime a command runs on; `None` (the reason printed) when it cannot start.
fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => Some(runtime),
        Err(e) => {
            eprintln!(
                "cannot start the async runtime: {}",
                crate::report::chain(&e)
            );
            None
        }
    }
}
