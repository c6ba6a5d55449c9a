//! `gatehouse check-config`: validate and print the effective config, secrets redacted.

use std::path::Path;
use std::process::ExitCode;

use crate::config::Settings;

pub fn run(path: &Path) -> ExitCode {
    match Settings::load(Some(path)) {
        Ok(settings) => match toml::to_string_pretty(&settings) {
            Ok(text) => {
                println!(
                    "# effective configuration of {} (secrets redacted)\n",
                    path.display()
                );
                println!("{text}");
                eprintln!("config is valid");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("config is valid but cannot be printed: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
