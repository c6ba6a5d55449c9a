//! The `gatehouse` command; everything lives in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    gatehouse::cli::Cli::parse().run()
}
