//! The operators' commands — `subject` (show, list, erase), `command`, `dead-letters`,
//! `provision`, `deprovision`, `parked`, `held`, `inbox`, `roster`, `reconcile`,
//! `outcome-webhooks`, `retention` — which talk to a running Gatehouse over its admin HTTP API,
//! so they work the same against a laptop and a deployed instance.
//!
//! Text for people by default, `--json` (the API's own answer) for scripts. Exit codes: 0 done,
//! 1 error (the message says what to fix), 2 the subject, command or event does not exist.

mod actions;
mod audit;
mod erase;
mod held;
mod licences;
mod reconcile;
mod remote;
mod render;
mod retention;
mod roster;
mod table;
mod webhooks;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use secrecy::SecretString;

pub use audit::AuditCommand;
pub use held::HeldCommand;
pub use licences::LicencesCommand;
pub use reconcile::ReconcileCommand;
pub use retention::RetentionCommand;
pub use roster::RosterCommand;
pub use webhooks::WebhooksCommand;

use remote::{Failure, Gatehouse};

/// Where the running Gatehouse is and who asks (the token's operator); given before or after
/// the action.
#[derive(Debug, Args)]
pub struct Remote {
    /// Base URL of the running Gatehouse.
    #[arg(
        long,
        env = "GATEHOUSE_URL",
        default_value = "http://127.0.0.1:8080",
        global = true,
        value_name = "URL"
    )]
    pub url: String,
    /// The operator's token: their `[[admin.operators]]` token, the shared `[admin] token`, or
    /// a bearer token (JWT) of the identity provider. It says who acts; prefer the environment
    /// variable: a flag's value shows in the process list.
    #[arg(
        long,
        env = "GATEHOUSE_ADMIN_TOKEN",
        hide_env_values = true,
        global = true,
        value_name = "TOKEN"
    )]
    pub token: Option<SecretString>,
    /// Why you act: kept with your request in the audit trail (and, for `held reject`, on
    /// each person's record and in the rejection event).
    #[arg(long, global = true, value_name = "TEXT")]
    pub reason: Option<String>,
    /// How to print the answer.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true, value_name = "FORMAT")]
    pub output: Format,
}

/// How answers are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Lines and tables for people.
    Text,
    /// The API's JSON answer, unchanged, for scripts.
    Json,
}

/// `--json`, short for `--output json`.
#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print the API's JSON answer (same as --output json).
    #[arg(long, global = true)]
    pub json: bool,
}

const REMOTE_HELP: &str =
    "Talks to a running Gatehouse: --url (default http://127.0.0.1:8080, env GATEHOUSE_URL) and
the admin token from GATEHOUSE_ADMIN_TOKEN (or --token). Exit codes: 0 done, 1 error, 2 not found.";

/// `gatehouse subject …`.
#[derive(Debug, Args)]
#[command(after_help = REMOTE_HELP)]
pub struct SubjectCommand {
    #[command(subcommand)]
    action: SubjectAction,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Debug, Subcommand)]
enum SubjectAction {
    /// A person's lifecycle record: who they are in the org, why they have access, what ends
    /// it, and every command and outcome.
    #[command(
        after_help = "Example:\n  export GATEHOUSE_ADMIN_TOKEN=quickstart-admin-token-do-not-deploy\n  gatehouse subject show partner-portal:u-1\n\nExit codes: 0 shown, 1 error, 2 no such subject."
    )]
    Show {
        /// The subject key, e.g. partner-portal:u-1.
        key: String,
    },
    /// Lifecycle records in key order, without history.
    #[command(
        after_help = "Examples:\n  gatehouse subject list\n  gatehouse subject list --state frozen --json"
    )]
    List {
        /// Only subjects in this state: provisioned, frozen, deactivated, disabled, unknown.
        #[arg(long)]
        state: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Erase a person's data on their request, leaving a tombstone (docs/privacy.md).
    #[command(
        after_help = "Examples:\n  gatehouse subject erase partner-portal:u-1 --reason \"request DSR-118\"\n  gatehouse subject erase partner-portal:u-1 --deprovision --reason \"request DSR-118\"\n\nRefused while they still have access, unless --deprovision: then they are deactivated first\nand erased once that succeeded. Exit codes: 0 erased or pending, 1 error or refused, 2 no such subject."
    )]
    Erase(erase::EraseArgs),
}

/// `gatehouse command …`.
#[derive(Debug, Args)]
#[command(after_help = REMOTE_HELP)]
pub struct CommandCommand {
    #[command(subcommand)]
    action: CommandAction,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Debug, Subcommand)]
enum CommandAction {
    /// A command's whole life: intent, origin, state, attempts, outcome, refusal.
    #[command(
        after_help = "Example:\n  gatehouse command show cmd_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f\n\nExit codes: 0 shown, 1 error, 2 no such command."
    )]
    Show {
        /// The command id (cmd_…).
        id: String,
    },
    /// Commands in creation order.
    #[command(
        after_help = "Examples:\n  gatehouse command list --subject partner-portal:u-1\n  gatehouse command list --state parked"
    )]
    List {
        /// Only commands in this state: queued, scheduled, running, retrying, parked, held, done.
        #[arg(long)]
        state: Option<String>,
        /// Only commands that ended so: succeeded, no_change, skipped_stale, superseded, dead_lettered,
        /// rejected.
        #[arg(long)]
        outcome: Option<String>,
        /// Only this subject's commands.
        #[arg(long, value_name = "KEY")]
        subject: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
}

/// `gatehouse dead-letters …`.
#[derive(Debug, Args)]
#[command(after_help = REMOTE_HELP)]
pub struct DeadLettersCommand {
    #[command(subcommand)]
    action: DeadLettersAction,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Debug, Subcommand)]
enum DeadLettersAction {
    /// Commands refused for good, each with Salesforce's (or the rules') reason.
    #[command(after_help = "Example:\n  gatehouse dead-letters list")]
    List {
        /// Only this subject's dead letters.
        #[arg(long, value_name = "KEY")]
        subject: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Run a dead-lettered command again, as a new command, once its cause is fixed.
    #[command(
        after_help = "Example:\n  gatehouse dead-letters replay cmd_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f\n\nA command can be replayed once; if the replay is dead-lettered too, replay the replay.\nExit codes: 0 replayed, 1 error (e.g. not dead-lettered, or replayed before), 2 no such command."
    )]
    Replay {
        /// The dead-lettered command's id (cmd_…).
        id: String,
    },
}

/// `gatehouse provision KEY --json FILE`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example (the intent is the domain's provision, as `gatehouse command show` prints it):
  cat > ada.json <<'JSON'
  {\"account\": {\"key\": \"P-100\"},
   \"contact\": {\"first_name\": \"Ada\", \"last_name\": \"Lovelace\", \"email\": \"ada@partner.example\"},
   \"user\": {\"username\": \"ada@partner.example.acme\", \"alias\": \"alove\", \"nickname\": \"ada.lovelace\",
            \"locale\": \"en_US\", \"time_zone\": \"GMT\", \"email_encoding\": \"UTF-8\", \"language\": \"en_US\"},
   \"profile\": \"Partner Community User\", \"role\": \"user\", \"welcome_email\": \"site_setting\",
   \"purpose\": \"pilot user\", \"sponsor\": \"parker.owner\"}
  JSON
  gatehouse provision partner-portal:u-1 --json ada.json

The command is queued like one from an event: the same executor runs it and the subject's
history records it with the actor. Use --output json for the API's answer.
Exit codes: 0 queued, 1 error."
)]
pub struct ProvisionArgs {
    /// The subject key, e.g. partner-portal:u-1.
    key: String,
    /// The provision intent as a JSON file, or - for standard input.
    #[arg(long, value_name = "FILE")]
    json: PathBuf,
    #[command(flatten)]
    remote: Remote,
}

/// `gatehouse deprovision KEY --mode … --trigger …`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  gatehouse deprovision partner-portal:u-1 --mode freeze --trigger \"security incident INC-42\"
  gatehouse deprovision bamboohr:67890 --mode freeze-then-deactivate --grace 7d --trigger \"notice period\"

Modes: deactivate (frees the licence), freeze (keeps it; undone at once), freeze-then-deactivate
(needs --grace), disable (unlinks the Contact for good; only when named).
Exit codes: 0 queued, 1 error.")]
pub struct DeprovisionArgs {
    /// The subject key, e.g. partner-portal:u-1.
    key: String,
    /// How to show them out.
    #[arg(long, value_enum, default_value_t = Mode::Deactivate)]
    mode: Mode,
    /// What ends their access, kept on the lifecycle record.
    #[arg(long)]
    trigger: String,
    /// For freeze-then-deactivate: how long frozen before deactivation (7d, 24h, 1d12h).
    #[arg(long, value_name = "PERIOD")]
    grace: Option<String>,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

/// The deprovision modes, as the API names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    Deactivate,
    Freeze,
    FreezeThenDeactivate,
    Disable,
}

/// `gatehouse parked …`.
#[derive(Debug, Args)]
#[command(after_help = REMOTE_HELP)]
pub struct ParkedCommand {
    #[command(subcommand)]
    action: ParkedAction,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Debug, Subcommand)]
enum ParkedAction {
    /// Run commands parked for want of a licence again (after buying licences or freeing some
    /// by hand in Salesforce); one that still finds none parks again.
    #[command(
        after_help = "Examples:\n  gatehouse parked resume --licence \"Customer Community\"\n  gatehouse parked resume"
    )]
    Resume {
        /// Only commands waiting for this licence; all parked commands when absent.
        #[arg(long, value_name = "LICENCE")]
        licence: Option<String>,
    },
}

/// `gatehouse inbox …`.
#[derive(Debug, Args)]
#[command(after_help = REMOTE_HELP)]
pub struct InboxCommand {
    #[command(subcommand)]
    action: InboxAction,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Debug, Subcommand)]
enum InboxAction {
    /// Accepted events, oldest first, with the reason when one stayed unmapped or was ignored.
    #[command(
        after_help = "Examples:\n  gatehouse inbox list --status unmapped\n  gatehouse inbox list --source bamboohr --limit 20"
    )]
    List {
        /// Only events with this status: accepted, mapped, ignored, unmapped.
        #[arg(long)]
        status: Option<String>,
        /// Only events from this source.
        #[arg(long)]
        source: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// One event with its body as received.
    #[command(
        after_help = "Example:\n  gatehouse inbox show evt_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f\n\nExit codes: 0 shown, 1 error, 2 no such event."
    )]
    Show {
        /// The event id (evt_…).
        event_id: String,
    },
    /// Map an unmapped or ignored event again, with the rules as they are now.
    #[command(
        after_help = "Example (after fixing the rules and restarting):\n  gatehouse inbox replay evt_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f\n  gatehouse inbox show evt_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f   # mapped, or unmapped with the reason"
    )]
    Replay {
        /// The event id (evt_…).
        event_id: String,
    },
}

/// Paging through a listing.
#[derive(Debug, Args)]
struct PageArgs {
    /// At most this many (1 to 1000).
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Continue after this id or key (printed at the end of a full page).
    #[arg(long, value_name = "CURSOR")]
    after: Option<String>,
}

impl PageArgs {
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = vec![("limit", self.limit.to_string())];
        if let Some(after) = &self.after {
            query.push(("after", after.clone()));
        }
        query
    }
}

/// Runs an operator command: one request, its answer printed.
fn execute(
    remote: &Remote,
    json: bool,
    action: impl AsyncFnOnce(&Gatehouse, Format) -> Result<(), Failure>,
) -> ExitCode {
    let format = if json { Format::Json } else { remote.output };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!(
                "error: cannot start the async runtime: {}",
                crate::report::chain(&e)
            );
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let gatehouse = Gatehouse::new(remote)?;
        action(&gatehouse, format).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            failure.exit_code()
        }
    }
}
