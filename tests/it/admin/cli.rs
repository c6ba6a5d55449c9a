//! The operators' commands as the real binary, against a running service's URL.

use crate::on_both_stores;
use std::process::Stdio;

use serde_json::{Value, json};

use super::app::{ALICE, AdminApp, TOKEN, spawn};
use super::manual::contractor;

/// Runs `gatehouse ARGS --url BASE` with the admin token in the environment; answers the exit
/// code, standard output and standard error.
pub async fn gatehouse(app: &AdminApp, args: &[&str]) -> (i32, String, String) {
    gatehouse_with(app, args, Some(TOKEN), None).await
}

async fn gatehouse_with(
    app: &AdminApp,
    args: &[&str],
    token: Option<&str>,
    stdin: Option<&str>,
) -> (i32, String, String) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    command
        .args(args)
        .args(["--url", &app.base])
        .env_remove("GATEHOUSE_ADMIN_TOKEN")
        .env_remove("GATEHOUSE_URL")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(token) = token {
        command.env("GATEHOUSE_ADMIN_TOKEN", token);
    }
    let mut child = command.spawn().expect("gatehouse runs");
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        use tokio::io::AsyncWriteExt;
        input.write_all(text.as_bytes()).await.unwrap();
    }
    let output = child.wait_with_output().await.unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

on_both_stores! {
    async fn subject_and_command_show_what_happened_to_a_person() {
        let app = spawn().await;
        app.sign_up("u-1", "P-100").await;
        let commands = app.settled_commands("partner-portal:u-1").await;
        let command_id = commands[0]["id"].as_str().unwrap();

        let (code, out, err) = gatehouse(&app, &["subject", "show", "partner-portal:u-1"]).await;
        assert_eq!(code, 0, "{err}");
        for expected in [
            "partner-portal:u-1  provisioned",
            "Partner Community",
            "key:P-100",
            "partner portal user of partner P-100",
            command_id,
            "succeeded",
            "by partner-portal",
        ] {
            assert!(out.contains(expected), "{expected:?} missing:\n{out}");
        }

        let (code, out, err) =
            gatehouse(&app, &["subject", "show", "partner-portal:u-1", "--json"]).await;
        assert_eq!(code, 0, "{err}");
        let record: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(record["subject_key"], "partner-portal:u-1");
        assert_eq!(record["state"], "provisioned");

        let (code, out, _) = gatehouse(&app, &["subject", "list"]).await;
        assert_eq!(code, 0);
        assert!(
            out.contains("partner-portal:u-1") && out.contains("provisioned"),
            "{out}"
        );

        let (code, out, err) = gatehouse(&app, &["command", "show", command_id]).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("provision for partner-portal:u-1"), "{out}");
        assert!(out.contains("done (succeeded)"), "{out}");

        let (code, out, _) = gatehouse(
            &app,
            &["command", "list", "--subject", "partner-portal:u-1"],
        )
        .await;
        assert_eq!(code, 0);
        assert!(out.contains(command_id), "{out}");
        app.stop().await;
    }
}

on_both_stores! {
    async fn exit_codes_say_not_found_and_what_to_fix() {
        let app = spawn().await;
        let (code, _, err) = gatehouse(&app, &["subject", "show", "partner-portal:nobody"]).await;
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("no subject 'partner-portal:nobody'"), "{err}");

        let (code, _, err) = gatehouse(
            &app,
            &[
                "command",
                "show",
                "cmd_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f",
            ],
        )
        .await;
        assert_eq!(code, 2, "{err}");

        let (code, _, err) = gatehouse_with(
            &app,
            &["subject", "list"],
            Some("admin-test-token-wrong-wrong"),
            None,
        )
        .await;
        assert_eq!(code, 1);
        assert!(err.contains("GATEHOUSE_ADMIN_TOKEN"), "{err}");
        assert!(
            !err.contains("admin-test-token-wrong"),
            "the token is never printed: {err}"
        );

        let (code, _, err) = gatehouse_with(&app, &["subject", "list"], None, None).await;
        assert_eq!(code, 1);
        assert!(err.contains("no admin token"), "{err}");

        let (code, _, err) = gatehouse(&app, &["command", "list", "--state", "finished"]).await;
        assert_eq!(code, 1);
        assert!(err.contains("state 'finished'"), "{err}");
        app.stop().await;
    }
}

on_both_stores! {
    async fn an_operator_provisions_and_locks_out_from_the_command_line() {
        let app = spawn().await;
        let intent = contractor("Morgan", "P-100", "Partner Community User").to_string();
        let (code, out, err) = gatehouse_with(
            &app,
            &[
                "provision",
                "ops:contractor-7",
                "--json",
                "-",
            ],
            Some(ALICE),
            Some(&intent),
        )
        .await;
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("provision cmd_"), "{out}");
        assert!(
            out.trim_end().ends_with("for ops:contractor-7: queued"),
            "{out}"
        );
        let id = out.split_whitespace().nth(1).unwrap();
        let record = app.command_in_state(id, "done").await;
        assert_eq!(record["outcome"]["kind"], "succeeded", "{record}");
        assert_eq!(record["origin"]["actor"], "alice");

        let (code, out, err) = gatehouse(
            &app,
            &[
                "deprovision",
                "ops:contractor-7",
                "--mode",
                "freeze",
                "--trigger",
                "security incident INC-42",
                "--json",
            ],
        )
        .await;
        assert_eq!(code, 0, "{err}");
        let queued: Value = serde_json::from_str(&out).unwrap();
        let id = queued["command_id"].as_str().unwrap();
        app.command_in_state(id, "done").await;
        let (_, subject) = app.get("/v1/subjects/ops:contractor-7").await;
        assert_eq!(subject["state"], "frozen");
        assert_eq!(subject["deactivation_trigger"], "security incident INC-42");

        let (code, out, _) = gatehouse(&app, &["parked", "resume"]).await;
        assert_eq!(code, 0);
        assert_eq!(out.trim(), "resumed 0 parked command(s)");

        // A file that is not there is a mistake to fix, not a request.
        let (code, _, err) = gatehouse(
            &app,
            &[
                "provision",
                "ops:contractor-9",
                "--json",
                "/nonexistent/intent.json",
            ],
        )
        .await;
        assert_eq!(code, 1);
        assert!(err.contains("/nonexistent/intent.json"), "{err}");
        app.stop().await;
    }
}

on_both_stores! {
    async fn dead_letters_and_unmapped_events_are_listed_and_replayed_from_the_command_line() {
        let app = spawn().await;
        app.sign_up("u-300", "N-300").await;
        let dead = app.settled_commands("partner-portal:u-300").await;
        let dead_id = dead[0]["id"].as_str().unwrap();
        let event_id = app
            .deliver(
                "msg_renamed",
                &json!({"type": "partner.user.renamed", "occurred_at": "2026-01-31T18:42:00Z", "data": {}}),
            )
            .await;

        let (code, out, _) = gatehouse(&app, &["dead-letters", "list"]).await;
        assert_eq!(code, 0);
        assert!(
            out.contains(dead_id) && out.contains("dead_lettered"),
            "{out}"
        );

        let (code, out, err) = gatehouse(&app, &["dead-letters", "replay", dead_id]).await;
        assert_eq!(code, 0, "{err}");
        assert!(
            out.starts_with(&format!("replayed {dead_id} as cmd_")),
            "{out}"
        );
        let (code, _, err) = gatehouse(&app, &["dead-letters", "replay", dead_id]).await;
        assert_eq!(code, 1, "replaying twice is refused");
        assert!(err.contains("already replayed"), "{err}");

        let listed = crate::admin::app::eventually("the event is kept unmapped", || async {
            let (code, out, _) = gatehouse(&app, &["inbox", "list", "--status", "unmapped"]).await;
            (code == 0 && out.contains(&event_id)).then_some(out)
        })
        .await;
        assert!(listed.contains("partner-portal"), "{listed}");

        let (code, out, _) = gatehouse(&app, &["inbox", "show", &event_id]).await;
        assert_eq!(code, 0);
        assert!(
            out.contains("partner.user.renamed"),
            "the body is shown:\n{out}"
        );

        let (code, out, err) = gatehouse(&app, &["inbox", "replay", &event_id]).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("back for mapping"), "{out}");
        let replayed = crate::admin::app::eventually("the event is mapped again", || async {
            let (_, event) = app.get(&format!("/v1/inbox/{event_id}")).await;
            (event["attempts"] == 2).then_some(event)
        })
        .await;
        assert_eq!(replayed["replays"], 1);
        app.stop().await;
    }
}
