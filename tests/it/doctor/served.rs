//! The binary: `gatehouse doctor`'s output and exit code, and `serve`'s preflight at start-up.

use std::process::Command;

use crate::support::{PARTNER_RULES, TestApp, portal_source};

/// Runs `gatehouse doctor` on a config of the simulated org with `rules`; answers the exit
/// code and what it printed.
fn doctor(rules: &str, args: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("gatehouse.toml");
    let text = format!(
        "[salesforce]\norg = \"simulated\"\nsite = \"Gatehouse Partners\"\n[store]\nkind = \"sqlite\"\npath = \"{}\"\n{}\n{rules}\n",
        dir.path().join("never-opened.db").display(),
        portal_source()
    );
    std::fs::write(&path, text).expect("config written");
    let output = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .env_clear()
        .arg("doctor")
        .arg("--config")
        .arg(&path)
        .args(args)
        .output()
        .expect("gatehouse doctor runs");
    let printed = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code(), printed)
}

fn unknown_profile_rules() -> String {
    PARTNER_RULES.replace("\"Partner Community User\"", "\"Partner Community Usr\"")
}

#[test]
fn doctor_prints_a_checklist_and_exits_zero_on_the_default_org() {
    let (code, printed) = doctor(PARTNER_RULES, &[]);
    assert_eq!(code, Some(0), "{printed}");
    assert!(printed.contains("[pass  ] authentication"), "{printed}");
    assert!(
        printed.contains("[manual] email deliverability"),
        "{printed}"
    );
    assert!(printed.contains(" 0 failed,"), "{printed}");
}

#[test]
fn doctor_exits_one_and_prints_the_fix_of_each_failure_as_json() {
    let (code, printed) = doctor(&unknown_profile_rules(), &["--json"]);
    assert_eq!(code, Some(1), "{printed}");
    let list: serde_json::Value = serde_json::from_str(&printed).expect("JSON checklist");
    let failed: Vec<&serde_json::Value> = list["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] == "fail")
        .collect();
    assert_eq!(failed.len(), 1, "{printed}");
    assert_eq!(failed[0]["name"], "profile Partner Community Usr");
    assert!(
        failed[0]["fix"]
            .as_str()
            .is_some_and(|f| f.contains("correct the rule")),
        "{printed}"
    );
}

#[tokio::test]
async fn serve_logs_the_checklist_at_start_up() {
    let served = TestApp::builder().config(PARTNER_RULES).serve();
    served
        .wait_for_log("\"message\":\"preflight done\"", 1)
        .await;
    let log = served.log();
    assert!(
        log.contains("\"check\":\"profile Partner Community User\"")
            && log.contains("\"status\":\"pass\""),
        "{log}"
    );
    assert!(
        log.contains("\"check\":\"Account owners hold roles\""),
        "{log}"
    );
    let (status, _) = served.stop();
    assert!(status.success());
}

#[test]
fn serve_refuses_to_start_when_told_to_and_a_check_fails() {
    let config = TestApp::builder()
        .config(&unknown_profile_rules())
        .config("[salesforce.preflight]\nat_start = \"refuse\"")
        .served_config();
    let (status, log) = config.run_to_exit();
    assert!(!status.success(), "{log}");
    assert!(
        log.contains("the org's preflight failed: profile Partner Community Usr"),
        "{log}"
    );
    assert!(!log.contains("\"message\":\"listening\""), "{log}");
}

#[tokio::test]
async fn serve_starts_when_logging_only_though_a_check_fails() {
    let served = TestApp::builder().config(&unknown_profile_rules()).serve();
    let log = served.log();
    assert!(log.contains("\"status\":\"FAIL\""), "{log}");
    let (status, _) = served.stop();
    assert!(status.success());
}

#[tokio::test]
async fn serve_runs_no_checks_when_told_to_skip_them() {
    let served = TestApp::builder()
        .config(&unknown_profile_rules())
        .config("[salesforce.preflight]\nat_start = \"skip\"")
        .serve();
    let log = served.log();
    assert!(!log.contains("preflight"), "{log}");
    let (status, _) = served.stop();
    assert!(status.success());
}
