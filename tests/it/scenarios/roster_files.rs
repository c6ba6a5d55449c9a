//! A roster read from its configured file by the rosters' periodic task, and one sent with
//! `gatehouse roster upload` and read back with `gatehouse roster show`.

use std::process::Stdio;
use std::time::Duration;

use chrono::TimeDelta;
use gatehouse::store::SubjectState;
use serde_json::Value;

use super::rosters::{ROSTER, TOKEN, partner, three_signed_up, user_is_active};
use super::{Scenario, Setup, scenario_app};
use crate::on_both_stores;

/// Waits until the source has `count` roster runs; answers the newest.
async fn runs_reach(s: &Scenario, count: usize) -> gatehouse::store::RosterRun {
    for _ in 0..300 {
        let runs = s
            .app
            .store
            .roster_runs("partner-portal", 100)
            .await
            .expect("reads");
        if runs.len() >= count {
            return runs.into_iter().next().expect("a run");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the roster file was not read");
}

on_both_stores! {
    async fn the_roster_file_is_read_at_start_and_a_zero_grace_removes_a_leaver_at_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("partner-portal.csv");
        let setup = Setup::default();
        let config = ROSTER.replace(
            "grace = \"1h\"",
            &format!("grace = \"0s\"\nfile = \"{}\"", file.display()),
        );
        // The file lists nobody yet: with no one having access, it removes no one.
        std::fs::write(&file, "subject\n").expect("write");
        let app = scenario_app(&setup).config(&config).admin_token(TOKEN).spawn().await;
        let s = Scenario::on(app, setup, Default::default());
        let first = runs_reach(&s, 1).await;
        assert_eq!(first.origin, "file");
        assert_eq!(first.verdict, "applied");

        let people = three_signed_up(&s).await;
        let rest: Vec<String> = people[1..].iter().map(|p| p.subject()).collect();
        std::fs::write(&file, format!("subject\n{}\n", rest.join("\n"))).expect("write");
        // A second upload runs the same file's content at once; the schedule reads it again
        // within the hour.
        let body = std::fs::read(&file).expect("read");
        let answer = s
            .app
            .client
            .put(format!("{}/v1/sources/partner-portal/roster", s.app.base))
            .bearer_auth(TOKEN)
            .header("content-type", "text/csv")
            .body(body)
            .send()
            .await
            .expect("answers");
        assert_eq!(answer.status().as_u16(), 200);
        s.settle().await;
        assert!(!user_is_active(&s, &people[0]).await, "a zero grace removes at once");
        assert_eq!(
            s.subject(&people[0].subject()).await.state,
            SubjectState::Deactivated
        );
    }
}

/// Runs `gatehouse ARGS --url BASE` with the admin token; answers the exit code and outputs.
async fn gatehouse(s: &Scenario, args: &[&str]) -> (i32, String, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        .args(["--url", &s.app.base])
        .env("GATEHOUSE_ADMIN_TOKEN", TOKEN)
        .env_remove("GATEHOUSE_URL")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("gatehouse runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

on_both_stores! {
    async fn the_command_line_uploads_a_roster_dry_or_not_and_shows_its_report() {
        let setup = Setup::default();
        let app = scenario_app(&setup).config(ROSTER).admin_token(TOKEN).spawn().await;
        let s = Scenario::on(app, setup, Default::default());
        let people = three_signed_up(&s).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("people.json");
        let keys: Vec<String> = people[1..].iter().map(|p| p.subject()).collect();
        std::fs::write(&file, serde_json::json!({ "people": keys }).to_string()).expect("write");
        let path = file.to_str().expect("utf-8 path");

        let (code, out, err) =
            gatehouse(&s, &["roster", "upload", "partner-portal", path, "--dry-run"]).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(": dry_run"), "{out}");
        assert!(out.contains("LEAVING") && out.contains(&people[0].subject()), "{out}");
        assert!(s.app.store.roster_absences("partner-portal").await.unwrap().is_empty());

        let (code, out, err) =
            gatehouse(&s, &["roster", "upload", "partner-portal", path, "--output", "json"]).await;
        assert_eq!(code, 0, "{err}");
        let report: Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(report["verdict"], "applied");

        let (code, out, err) = gatehouse(&s, &["roster", "show", "partner-portal"]).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(": applied") && out.contains("missing now: 1"), "{out}");

        let truncated = dir.path().join("one.csv");
        std::fs::write(&truncated, format!("subject\n{}\n", partner(1).subject())).expect("write");
        s.app.clock.advance(TimeDelta::minutes(1));
        let (code, _, err) = gatehouse(
            &s,
            &["roster", "upload", "partner-portal", truncated.to_str().unwrap()],
        )
        .await;
        assert_eq!(code, 1, "a refused roster fails the command");
        assert!(err.contains("roster_refused") && err.contains("max_removal_share"), "{err}");

        let (code, out, _) = gatehouse(&s, &["roster", "upload", "--help"]).await;
        assert_eq!(code, 0);
        assert!(out.contains("--dry-run") && out.contains("subject"), "{out}");
    }
}
