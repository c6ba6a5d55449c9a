//! `gatehouse held …` as the real binary against a running service whose guard tripped.

use crate::on_both_stores;
use gatehouse::domain::OutcomeKind;

use super::super::Scenario;
use super::super::bursts::{contract, people};
use super::{APPROVER, start, still_active};

/// Runs `gatehouse ARGS --url BASE` with the approver alice's token in the environment;
/// answers the exit code, standard output and standard error.
async fn gatehouse(s: &Scenario, args: &[&str]) -> (i32, String, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        .args(["--url", &s.app.base])
        .env("GATEHOUSE_ADMIN_TOKEN", APPROVER)
        .env_remove("GATEHOUSE_URL")
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
    async fn operators_list_approve_and_reject_held_deprovisions_from_the_command_line() {
        let s = start(2, "[guard.overall]\ncount = 1").await;
        s.send("contracts", &contract("contract.ended", s.now(), &people(0..2))).await;
        s.settle().await;

        let (code, out, err) = gatehouse(&s, &["held", "list"]).await;
        assert_eq!(code, 0, "{err}");
        for expected in ["partner-portal:b-0", "partner-portal:b-1", "held: every source together passed"] {
            assert!(out.contains(expected), "{expected:?} missing:\n{out}");
        }
        let (code, out, err) = gatehouse(&s, &["held", "status"]).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("every source together: TRIPPED since"), "{out}");
        assert!(out.contains("holding 2"), "{out}");

        let (code, _, err) = gatehouse(&s, &["held", "approve"]).await;
        assert_eq!(code, 1, "an approval names what it approves");
        assert!(err.contains("all=true, subject=KEY, account=ACCOUNT or event=EVENT_ID"), "{err}");
        let (code, out, err) =
            gatehouse(&s, &["held", "approve", "--subject", "partner-portal:b-0"]).await;
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.trim(), "approved 1 held command(s)");
        let (code, out, err) =
            gatehouse(&s, &["held", "reject", "--all", "--reason", "wrong contract"]).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("rejected 1 held command(s)"), "{out}");
        assert!(out.contains("cleared: every source together"), "{out}");
        s.settle().await;

        assert_eq!(still_active(&s, 0..2).await, 1, "b-0 ran, b-1 was rejected");
        assert_eq!(s.last_outcome("partner-portal:b-1").await.kind, OutcomeKind::Rejected);
        let history = s.history("partner-portal:b-1").await;
        let rejection = history.iter().find(|h| h.detail["action"] == "reject").unwrap();
        assert_eq!(rejection.actor.as_deref(), Some("alice"));
        let (code, out, _) = gatehouse(&s, &["held", "status"]).await;
        assert_eq!(code, 0);
        assert!(out.contains("every source together: clear; 1 trip(s)"), "{out}");
    }
}
