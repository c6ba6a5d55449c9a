//! The `gatehouse` command; everything lives in the library.

use clap::Parser;
use gatehouse::cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. }) {
        end_quietly_when_the_reader_goes();
    }
    cli.run()
}

/// Rust starts programs with `SIGPIPE` ignored, so a command whose reader has gone
/// (`gatehouse subject show KEY | head`) would panic on its next line of output. A command
/// ends there quietly instead, as Unix tools do. Not `serve`: a service outlives a peer that
/// hangs up.
#[cfg(unix)]
fn end_quietly_when_the_reader_goes() {
    // SAFETY: called first thing in `main`, before any thread starts; `SIG_DFL` is a valid
    // disposition for `SIGPIPE`.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn end_quietly_when_the_reader_goes() {}
