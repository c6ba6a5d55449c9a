//! `gatehouse mapping …`: working on mapping rules without running the service.

mod plan;
mod print;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::ConfigArg;

/// What to do with the mapping rules.
#[derive(Debug, Subcommand)]
pub enum MappingCommand {
    /// Show what the rules make of one event: the commands, or why none.
    #[command(after_help = "Example:
  gatehouse mapping test --config examples/quickstart.toml --source partner-portal \\
    examples/rules/partner-portal.signed-up.json

  gatehouse mapping test -c my.toml --source bamboohr --header 'X-BambooHR-Timestamp: 2026-01-31T18:42:00+0000' event.json

Nothing is sent anywhere and no org is read: the rules alone decide. With --plan, the org named by
the config is read (read-only calls, nothing written) and the writes the engine would make are
printed: a dry run that is safe against a production org.
Exit codes: 0 when the event maps to commands or a rule ignores it, 2 when it stays unmapped
(the reason is printed), 1 when the config or the event cannot be read.")]
    Test(TestArgs),
}

/// `gatehouse mapping test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The source whose rules apply, as named in the config (`[sources.NAME]`).
    #[arg(long, short = 's', value_name = "NAME")]
    pub source: String,
    /// The event body: a file, or `-` for standard input.
    #[arg(value_name = "EVENT")]
    pub event: PathBuf,
    /// A request header as the sender would send it, e.g. 'X-BambooHR-Timestamp: 2026-01-31T18:42:00+0000'.
    /// Repeatable. Templates read headers as `headers['x-bamboohr-timestamp']`.
    #[arg(long = "header", short = 'H', value_name = "'NAME: VALUE'")]
    pub headers: Vec<String>,
    /// The body's media type; the source's configured format when unset.
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
    /// When the event counts as received (RFC 3339); now when unset. Rules without
    /// `occurred_at` order commands by it when the source gives no time.
    #[arg(long, value_name = "TIME")]
    pub received_at: Option<String>,
    /// Print the decision as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also read the org (read-only calls) and print the Salesforce writes the commands would make.
    #[arg(long)]
    pub plan: bool,
}

impl MappingCommand {
    pub fn run(self) -> ExitCode {
        match self {
            MappingCommand::Test(args) => test::run(&args),
        }
    }
}

#[cfg(test)]
mod tests;
