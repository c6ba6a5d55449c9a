//! `gatehouse mapping test` on each example rule set and its sample event, as a rule author
//! runs it: the printed JSON is the command the service would queue.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

const RECEIVED: &str = "2026-02-01T09:00:00Z";

fn gatehouse() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    // GATEHOUSE_ variables are config overrides: the test suite's own must not reach it.
    for (name, _) in std::env::vars() {
        if name.starts_with("GATEHOUSE_") {
            command.env_remove(name);
        }
    }
    command.env("NO_COLOR", "1");
    command
}

/// A config with the four example sources and one example rule set pasted in, as the
/// examples' comments tell a user to do.
fn config_with(dir: &Path, rules: &str) -> PathBuf {
    let fragment = std::fs::read_to_string(Path::new("examples/rules").join(rules)).unwrap();
    let mut text = String::from("[salesforce]\norg = \"simulated\"\n");
    for source in ["partner-portal", "bamboohr", "hibob", "contracts"] {
        text.push_str(&format!(
            "[sources.{source}.verification]\nscheme = \"standard-webhooks\"\nsecrets = [{{ secret = \"whsec_7sfXlE4lU7UJz/2TPJizP0xlkJodFR6e\" }}]\n"
        ));
    }
    text.push_str(&fragment);
    let path = dir.join(format!("{rules}.config.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `mapping test --json` and returns the exit code and the printed decision.
fn mapping_test(config: &Path, source: &str, event: &str, extra: &[&str]) -> (i32, Value, String) {
    let output = gatehouse()
        .args([
            "mapping",
            "test",
            "--json",
            "--received-at",
            RECEIVED,
            "--config",
        ])
        .arg(config)
        .args(["--source", source])
        .arg(Path::new("examples/rules").join(event))
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let decision = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap_or(-1), decision, stderr)
}

fn example(rules: &str, source: &str, event: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with(dir.path(), rules);
    let (code, decision, stderr) = mapping_test(&config, source, event, &[]);
    assert!(stderr.is_empty() || code != 1, "{stderr}");
    (code, decision)
}

#[test]
fn partner_signup_provisions_a_partner_user_under_the_partner_account() {
    let (code, decision) = example(
        "partner-portal.toml",
        "partner-portal",
        "partner-portal.signed-up.json",
    );
    assert_eq!(code, 0, "{decision}");
    assert_eq!(
        decision,
        json!({
            "source": "partner-portal",
            "decision": "mapped",
            "commands": [{
                "rule": "partner signup",
                "subject": "partner-portal:u-1",
                "intent": {
                    "intent": "provision",
                    "account": {"key": "P-100"},
                    "contact": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada.lovelace@partner.example"},
                    "user": {
                        "username": "ada.lovelace@partner.example.acme",
                        "alias": "alovelac",
                        "nickname": "ada.lovelace",
                        "locale": "en_US",
                        "time_zone": "GMT",
                        "email_encoding": "UTF-8",
                        "language": "en_US"
                    },
                    "profile": "Partner Community User",
                    "role": "user",
                    "welcome_email": "site_setting",
                    "purpose": "partner portal user of partner P-100"
                },
                "source_time": "2026-01-31T18:42:00Z"
            }]
        })
    );
}

#[test]
fn partner_removal_deactivates_the_user() {
    let (code, decision) = example(
        "partner-portal.toml",
        "partner-portal",
        "partner-portal.removed.json",
    );
    assert_eq!(code, 0, "{decision}");
    assert_eq!(
        decision["commands"],
        json!([{
            "rule": "partner user removed",
            "subject": "partner-portal:u-1",
            "intent": {"intent": "deprovision", "mode": "deactivate", "trigger": "removed from the partner portal by partner P-100"},
            "source_time": "2026-06-30T16:05:00Z"
        }])
    );
}

#[test]
fn bamboohr_batch_deactivates_only_the_terminated_employee() {
    let (code, decision) = example("bamboohr.toml", "bamboohr", "bamboohr.terminated.json");
    assert_eq!(code, 0, "{decision}");
    assert_eq!(
        decision["commands"],
        json!([{
            "rule": "terminated",
            "item_key": "67890@2026-01-31T18:42:00+0000",
            "subject": "bamboohr:67890",
            "intent": {"intent": "deprovision", "mode": "deactivate", "trigger": "employment status Terminated in BambooHR"},
            "source_time": "2026-01-31T18:42:00Z"
        }])
    );
}

#[test]
fn bamboohr_thin_status_change_is_ignored_with_its_reason() {
    let (code, decision) = example("bamboohr.toml", "bamboohr", "bamboohr.status-changed.json");
    assert_eq!(code, 0, "{decision}");
    assert_eq!(decision["decision"], "ignored");
    assert_eq!(decision["rule"], "status changed (thin event)");
    assert_eq!(
        decision["reason"],
        "thin event: it names employee 67890 but not the new status, which must be fetched from BambooHR"
    );
}

#[test]
fn hibob_leaver_is_deactivated_by_employee_id() {
    let (code, decision) = example("hibob.toml", "hibob", "hibob.left.json");
    assert_eq!(code, 0, "{decision}");
    assert_eq!(
        decision["commands"],
        json!([{
            "rule": "employee left",
            "subject": "hibob:3332883894235038486",
            "intent": {"intent": "deprovision", "mode": "deactivate", "trigger": "left the company (HiBob employee.left)"},
            // Zone-less `triggeredAt`, read in the default [mapping] time_zone, UTC.
            "source_time": "2024-12-26T11:29:14.399997Z"
        }])
    );
}

#[test]
fn hibob_thin_join_is_ignored_with_its_reason() {
    let (code, decision) = example("hibob.toml", "hibob", "hibob.joined.json");
    assert_eq!(code, 0, "{decision}");
    assert_eq!(decision["decision"], "ignored");
    assert_eq!(decision["rule"], "employee joined (thin event)");
    assert!(
        decision["reason"]
            .as_str()
            .unwrap()
            .contains("3332883894235038999"),
        "{decision}"
    );
}

#[test]
fn contract_end_deprovisions_each_person_at_the_end_of_the_day() {
    let (code, decision) = example("contracts.toml", "contracts", "contracts.ended.json");
    assert_eq!(code, 0, "{decision}");
    let command = |person: &str| {
        json!({
            "rule": "contract ended",
            "item_key": format!("C-42:{person}"),
            "subject": format!("partner-portal:{person}"),
            "intent": {"intent": "deprovision", "mode": "deactivate", "trigger": "contract C-42 with P-100 ended"},
            // No occurred_at in the rule and no event time configured: the receipt time.
            "source_time": RECEIVED,
            "effective_at": "2027-01-01T00:00:00Z"
        })
    };
    assert_eq!(
        decision["commands"],
        json!([command("u-1"), command("u-2")])
    );
}

#[test]
fn an_event_no_rule_matches_exits_2_with_the_reason() {
    let (code, decision) = example("contracts.toml", "contracts", "hibob.left.json");
    assert_eq!(code, 2);
    assert_eq!(
        decision,
        json!({"source": "contracts", "decision": "unmapped",
               "reason": "no rule matched: 'contract ended' (condition is false)"})
    );
}

#[test]
fn a_rule_lacking_a_field_exits_2_naming_the_rule_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with(dir.path(), "partner-portal.toml");
    let event = dir.path().join("no-email.json");
    let mut body: Value = serde_json::from_str(
        &std::fs::read_to_string("examples/rules/partner-portal.signed-up.json").unwrap(),
    )
    .unwrap();
    body["data"]["user"]
        .as_object_mut()
        .unwrap()
        .remove("email");
    std::fs::write(&event, body.to_string()).unwrap();
    let output = gatehouse()
        .args(["mapping", "test", "--config"])
        .arg(&config)
        .args(["--source", "partner-portal"])
        .arg(&event)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("unmapped: rule 'partner signup': field data.user.email is missing (needed by provision.contact.email)"),
        "{text}"
    );
}

#[test]
fn the_quickstart_config_maps_the_demo_shapes_as_readable_text() {
    let output = gatehouse()
        .args([
            "mapping",
            "test",
            "--config",
            "examples/quickstart.toml",
            "--source",
            "contracts",
        ])
        .arg("examples/rules/contracts.ended.json")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "contracts: mapped to 2 commands",
        "1. deprovision partner-portal:u-1  (rule 'contract ended')",
        "2. deprovision partner-portal:u-2  (rule 'contract ended')",
        "effective    2027-01-01T00:00:00Z",
        "frees the licence",
    ] {
        assert!(text.contains(expected), "lacks {expected:?}:\n{text}");
    }
}

#[test]
fn headers_given_on_the_command_line_reach_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("h.toml");
    std::fs::write(
        &config,
        r#"
[salesforce]
org = "simulated"
[sources.hr]
event_time = { header = "X-Event-Time" }
[sources.hr.verification]
scheme = "standard-webhooks"
secrets = [{ secret = "whsec_7sfXlE4lU7UJz/2TPJizP0xlkJodFR6e" }]
[[sources.hr.rules]]
name = "by header"
when = "headers['x-kind'] == 'leave'"
subject = "hr:{{ data.employeeId }}"
deprovision = { mode = "freeze" }
"#,
    )
    .unwrap();
    let (code, decision, stderr) = mapping_test(
        &config,
        "hr",
        "hibob.left.json",
        &[
            "-H",
            "X-Kind: leave",
            "--header",
            "X-Event-Time: 2026-03-01T10:00:00+0100",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(decision["commands"][0]["subject"], "hr:3332883894235038486");
    assert_eq!(decision["commands"][0]["intent"]["mode"], "freeze");
    assert_eq!(
        decision["commands"][0]["source_time"],
        "2026-03-01T09:00:00Z"
    );
}

#[test]
fn config_and_input_errors_exit_1_with_what_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with(dir.path(), "hibob.toml");
    for (args, says) in [
        (
            vec!["--source", "nope", "examples/rules/hibob.left.json"],
            "no source named nope",
        ),
        (
            vec!["--source", "hibob", "examples/rules/missing.json"],
            "cannot read the event file",
        ),
        (
            vec![
                "--source",
                "hibob",
                "-H",
                "no colon",
                "examples/rules/hibob.left.json",
            ],
            "'Name: value'",
        ),
    ] {
        let output = gatehouse()
            .args(["mapping", "test", "--config"])
            .arg(&config)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn check_config_names_the_rule_and_key_of_a_broken_template() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad-rules.toml");
    std::fs::write(
        &path,
        r#"
[salesforce]
org = "simulated"
[sources.partner-portal.verification]
scheme = "standard-webhooks"
secrets = [{ secret = "whsec_7sfXlE4lU7UJz/2TPJizP0xlkJodFR6e" }]
[[sources.partner-portal.rules]]
name = "partner signup"
when = "type == 'partner.user.signed_up'"
subject = "partner-portal:{{ data.user.id"
deprovision = { mode = "delete" }
"#,
    )
    .unwrap();
    let output = gatehouse()
        .args(["check-config", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "sources.partner-portal.rules[0] ('partner signup').subject: does not compile",
        "sources.partner-portal.rules[0] ('partner signup').deprovision.mode: 'delete' is not a deprovision mode",
    ] {
        assert!(err.contains(expected), "lacks {expected:?}:\n{err}");
    }
}

#[test]
fn mapping_test_help_shows_an_example_and_the_exit_codes() {
    let output = gatehouse()
        .args(["mapping", "test", "--help"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "--source",
        "--header",
        "--json",
        "examples/rules/partner-portal.signed-up.json",
        "2 when it stays unmapped",
    ] {
        assert!(text.contains(expected), "help lacks {expected:?}:\n{text}");
    }
}

#[test]
fn plan_reads_the_org_and_prints_the_writes_without_making_them() {
    let run = |event: &str| {
        let output = gatehouse()
            .args([
                "mapping",
                "test",
                "--config",
                "examples/quickstart.toml",
                "--source",
                "partner-portal",
                "--plan",
                event,
            ])
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, out, err) = run("examples/rules/partner-portal.signed-up.json");
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("Plan against the org (read-only calls; nothing was written)"),
        "{out}"
    );
    assert!(
        out.contains("create Contact by key partner-portal:u-1"),
        "{out}"
    );
    assert!(
        out.contains("create User ada.lovelace@partner.example.acme"),
        "{out}"
    );
    assert!(
        out.contains("read calls spent: 1"),
        "one composite read: {out}"
    );

    // Nobody by that key exists in the built-in org, so removing them would change nothing.
    let (code, out, err) = run("examples/rules/partner-portal.removed.json");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("no change: no user for this subject"), "{out}");
}
