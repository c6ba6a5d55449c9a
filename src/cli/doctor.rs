//! `gatehouse doctor`: check the configured org before the first event, print the checklist.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use crate::clock::SystemClock;

/// Loads the config, runs the checks, prints them (text or JSON); exits 1 on any failure.
pub fn run(path: &Path, json: bool) -> ExitCode {
    let settings = match crate::startup::load_settings(Some(path)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", crate::report::chain(&e));
            return ExitCode::FAILURE;
        }
    };
    let Some(runtime) = super::runtime() else {
        return ExitCode::FAILURE;
    };
    let list = runtime.block_on(crate::doctor::run(&settings, Arc::new(SystemClock)));
    if json {
        match serde_json::to_string_pretty(&list) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("cannot print the checklist: {}", crate::report::chain(&e));
                return ExitCode::FAILURE;
            }
        }
    } else {
        println!("{list}");
    }
    if list.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
