//! `gatehouse store …`: work on a store without running the service. `copy` moves a SQLite
//! store into an empty PostgreSQL database (the way from one replica to several).

mod target;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Subcommand;

use crate::config::SslMode;
use crate::store::copy::{CopyProgress, CopySummary, DEFAULT_PAGE_SIZE, copy_sqlite_to_postgres};

const COPY_HELP: &str = "\
The URL of the PostgreSQL database carries a password, so it is never written on the command
line: --to names where it is kept, in the forms the config's secrets take:
  --to env:VAR        an environment variable holding the URL
  --to file:PATH      a file holding it (e.g. a mounted Kubernetes Secret)
  --to config:FILE    the [store] table of a gatehouse config with kind = \"postgres\"
                      (url, sslmode, ca_file, statement timeout as the service uses them;
                      GATEHOUSE_STORE__… variables override it as they do for serve)

Examples:
  export STORE_DATABASE_URL='postgres://gatehouse:…@db.internal:5432/gatehouse'
  gatehouse store copy --from sqlite:var/gatehouse.db \\
    --to env:STORE_DATABASE_URL --sslmode require

  gatehouse store copy --from sqlite:/data/gatehouse.db --to config:gatehouse-postgres.toml

Stop `gatehouse serve` first: the copy refuses a SQLite file that another process has open, and
holds the file while it runs, so it copies the store exactly as the service left it. The target
must be an empty database (its schema is made as a replica makes it); a database that already
holds Gatehouse data is refused. Everything is copied in one transaction: a copy that fails leaves
the database empty, to run again. Progress goes to standard error, the summary to standard output.
Commands that were running when the service stopped are copied with their claims: PostgreSQL
releases them when their lease runs out, or at once when a replica starts with the same
engine.worker_id. See docs/operations.md, \"Moving from SQLite to PostgreSQL\".
Exit codes: 0 when copied, 1 when nothing was copied (the reason is printed).";

/// What to do with a store.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy a SQLite store (inbox, commands, lifecycle records with their history, outbox) into
    /// an empty PostgreSQL database.
    #[command(after_help = COPY_HELP)]
    Copy(CopyArgs),
}

/// `gatehouse store copy`.
#[derive(Debug, clap::Args)]
pub struct CopyArgs {
    /// The store to copy: sqlite:PATH, the file the service's [store] path names.
    #[arg(long, value_name = "sqlite:PATH")]
    pub from: String,
    /// Where the PostgreSQL URL is kept: env:VAR, file:PATH or config:FILE (never the URL).
    #[arg(long, value_name = "env:VAR|file:PATH|config:FILE")]
    pub to: String,
    /// With env: or file:, how the connection is encrypted (libpq's sslmode): disable, prefer
    /// (the default), require, verify-ca or verify-full.
    #[arg(long, value_name = "MODE", value_parser = target::sslmode)]
    pub sslmode: Option<SslMode>,
    /// With env: or file:, the PEM file of the certificate authorities for verify-ca and
    /// verify-full.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Rows read and written at a time (1 to 2000).
    #[arg(long, value_name = "ROWS", default_value_t = DEFAULT_PAGE_SIZE)]
    pub page_size: u32,
}

impl StoreCommand {
    pub fn run(self) -> ExitCode {
        match self {
            StoreCommand::Copy(args) => args.run(),
        }
    }
}

impl CopyArgs {
    fn run(self) -> ExitCode {
        let prepared = target::source_path(&self.from).and_then(|path| {
            let to = target::target(&self.to)?;
            Ok((
                path,
                target::options(&to, self.sslmode, self.ca_file.as_deref())?,
            ))
        });
        let (path, options) = match prepared {
            Ok(prepared) => prepared,
            Err(e) => {
                eprintln!("error: {}", crate::report::chain(&e));
                return ExitCode::FAILURE;
            }
        };
        let Some(runtime) = super::runtime() else {
            return ExitCode::FAILURE;
        };
        eprintln!(
            "copying the SQLite store {} into PostgreSQL, {} rows at a time",
            path.display(),
            self.page_size
        );
        let started = Instant::now();
        let mut report = |progress: CopyProgress| eprintln!("{}", progress_line(&progress));
        let copied = runtime.block_on(copy_sqlite_to_postgres(
            &path,
            &options,
            self.page_size,
            &mut report,
        ));
        match copied {
            Ok(summary) => {
                print!("{}", summary_text(&summary, &path, started.elapsed()));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {}", crate::report::chain(&e));
                eprintln!("nothing was copied");
                ExitCode::FAILURE
            }
        }
    }
}

/// One line of progress: a table starting, or a page of it copied.
fn progress_line(progress: &CopyProgress) -> String {
    let CopyProgress {
        table,
        copied,
        total,
    } = *progress;
    match (copied, total) {
        (0, 0) => format!("  {table}: no rows"),
        (0, _) => format!("  {table}: {total} rows to copy"),
        _ => format!("  {table}: {copied} of {total} rows copied"),
    }
}

/// What was copied, and what happens next.
fn summary_text(summary: &CopySummary, from: &Path, took: Duration) -> String {
    let mut text = format!(
        "Copied the SQLite store {} into PostgreSQL in {:.1} s:\n",
        from.display(),
        took.as_secs_f64()
    );
    for (table, rows) in &summary.tables {
        let _ = writeln!(text, "  {table:<16} {rows:>9} rows");
    }
    if summary.unpublished > 0 {
        let _ = writeln!(
            text,
            "{} outcome event(s) not yet published: the relay publishes them from PostgreSQL, \
             in the order it would have from SQLite.",
            summary.unpublished
        );
    }
    for (worker, count) in &summary.running {
        let _ = writeln!(
            text,
            "{count} command(s) were running under worker {worker:?} when the service stopped: \
             PostgreSQL releases them when their lease runs out, or at once when a replica \
             starts with engine.worker_id = {worker:?}."
        );
    }
    text.push_str(
        "Next: start the service with [store] kind = \"postgres\" on this database. Keep the \
         SQLite file, unchanged, until the service runs well on PostgreSQL.\n",
    );
    text
}

#[cfg(test)]
mod tests;
