//! `gatehouse check-config`: validate and print the effective config, secrets redacted.

use std::path::Path;
use std::process::ExitCode;

pub fn run(path: &Path) -> ExitCode {
    match crate::startup::load_settings(Some(path)) {
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
