//! The log of the real binary through a whole scenario: JSON lines, command lines carrying
//! their command, subject and trace, and no personal data or secret anywhere.

use serde_json::{Map, Value};

use super::harness::{
    ADA, ADMIN_TOKEN, GRACE, MASK_KEY, Served, delivery, forged_delivery, served_scenario,
};
use crate::support::PORTAL_SECRET;

const TRACEPARENT: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

fn lines(log: &str) -> Vec<Map<String, Value>> {
    log.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| match serde_json::from_str(line) {
            Ok(Value::Object(fields)) => fields,
            _ => panic!("not a JSON object line: {line}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_scenario_logs_json_lines_without_personal_data_or_secrets() {
    let served = served_scenario().serve();
    run_the_scenario(&served).await;
    let (status, log) = served.stop();
    assert!(status.success(), "{log}");

    assert_no_personal_data_or_secret(&log);
    let lines = lines(&log);
    assert_command_lines_name_their_command(&lines, &log);
    assert_salesforce_calls_and_refusals_logged(&lines, &log);
}

/// Ada signs up under the sender's trace, Grace signs up twice (a redelivery), three refused
/// deliveries carry their data, and Ada is removed; waits for the three commands.
pub async fn run_the_scenario(served: &Served) {
    let client = reqwest::Client::new();
    let now = chrono::Utc::now();
    let later = now + chrono::TimeDelta::seconds(1);

    let ada = ADA.signed_up(now);
    let answer = delivery(&client, &served.base, "msg_l1", &ada, now)
        .header("traceparent", TRACEPARENT)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    let grace = GRACE.signed_up(now);
    for id in ["msg_l2", "msg_l2"] {
        let answer = delivery(&client, &served.base, id, &grace, now)
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success());
    }
    // Refused deliveries whose bodies carry the people's data: a forged signature, a body
    // that is not JSON, a source that does not exist.
    let forged = forged_delivery(&client, &served.base, "msg_l3", &ada, now)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    let broken = format!("{{\"email\": \"{}\", ", GRACE.email);
    let malformed = delivery(&client, &served.base, "msg_l4", &broken, now)
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let stray = client
        .post(format!("{}/v1/webhooks/{}", served.base, ADA.email))
        .body(ada.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(stray.status(), 404);
    served
        .wait_for_log("\"message\":\"command finished\"", 2)
        .await;
    let removal = ADA.removed(later);
    let answer = delivery(&client, &served.base, "msg_l5", &removal, later)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    served
        .wait_for_log("\"message\":\"command finished\"", 3)
        .await;
}

/// No person's data and no secret anywhere in the log.
pub fn assert_no_personal_data_or_secret(log: &str) {
    for person in [&ADA, &GRACE] {
        for value in person.personal_data() {
            assert!(!log.contains(value), "{value:?} is in the log:\n{log}");
        }
    }
    for secret in [
        PORTAL_SECRET,
        ADMIN_TOKEN,
        MASK_KEY,
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ] {
        assert!(!log.contains(secret), "a secret is in the log:\n{log}");
    }
}

/// Three commands finished, every one succeeded; every line about a command names it, its
/// subject and its trace; Ada's signup continues the sender's trace.
fn assert_command_lines_name_their_command(lines: &[Map<String, Value>], log: &str) {
    let finished: Vec<&Map<String, Value>> = lines
        .iter()
        .filter(|l| l["message"] == "command finished")
        .collect();
    assert_eq!(finished.len(), 3, "{log}");
    assert!(
        finished.iter().all(|l| l["outcome"] == "succeeded"),
        "{log}"
    );
    // Every line about a command names it, its subject and its trace.
    let about_commands: Vec<&Map<String, Value>> = lines
        .iter()
        .filter(|l| l.contains_key("command_id"))
        .collect();
    assert!(about_commands.len() >= 3, "{log}");
    for line in &about_commands {
        for field in ["command_id", "subject", "trace_id"] {
            assert!(
                line.get(field)
                    .and_then(Value::as_str)
                    .is_some_and(|v| !v.is_empty()),
                "{field} missing from {line:?}"
            );
        }
    }
    let ada_lines: Vec<&&Map<String, Value>> = about_commands
        .iter()
        .filter(|l| l["subject"] == "partner-portal:u-7001")
        .collect();
    assert!(
        ada_lines.iter().any(|l| l["intent"] == "deprovision"),
        "{log}"
    );
    assert!(
        ada_lines
            .iter()
            .filter(|l| l["intent"] == "provision")
            .all(|l| l["trace_id"] == "0af7651916cd43dd8448eb211c80319c"),
        "the signup's commands continue the sender's trace:\n{log}"
    );
}

/// Salesforce calls (at debug) and the refused deliveries with their reasons.
fn assert_salesforce_calls_and_refusals_logged(lines: &[Map<String, Value>], log: &str) {
    // Salesforce calls are logged (at debug) inside the command, by template only; outside any
    // command only a batch's shared calls (naming the batch), the start-up read of the org's
    // shape and the start-up preflight, each in its own span.
    let calls: Vec<&Map<String, Value>> = lines
        .iter()
        .filter(|l| l["message"] == "salesforce call")
        .collect();
    assert!(!calls.is_empty(), "{log}");
    assert!(calls.iter().all(|l| {
        l.contains_key("command_id")
            || l.get("batch")
                .and_then(Value::as_str)
                .is_some_and(|b| b.starts_with("bat_"))
            || l["endpoint"] == "/limits"
            || l.get("org_shape") == Some(&Value::Bool(true))
            || l.get("preflight").and_then(Value::as_str) == Some("start-up")
    }));
    // The refusals are logged with their reasons.
    let refused: Vec<&str> = lines
        .iter()
        .filter(|l| l["message"] == "webhook refused")
        .filter_map(|l| l["reason"].as_str())
        .collect();
    assert_eq!(
        refused,
        ["bad_signature", "malformed_json", "unknown_source"],
        "{log}"
    );
}
