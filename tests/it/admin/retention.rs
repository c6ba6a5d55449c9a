//! Retention asked for by an operator: a dry run counts, a run drops what is past its time and
//! counts it in the metrics, and the event keeps its dedupe key, verdict and digest.

use crate::on_both_stores;

use chrono::TimeDelta;
use serde_json::Value;

use super::app::{TOKEN, spawn};

on_both_stores! {
    async fn a_run_drops_old_bodies_keeps_their_digest_and_counts_them() {
        let app = spawn().await;
        let event_id = app.sign_up("u-1", "P-100").await;
        app.settled_commands("partner-portal:u-1").await;
        let (_, shown) = app.get(&format!("/v1/inbox/{event_id}")).await;
        assert_eq!(shown["status"], "mapped");
        let digest = shown["body_sha256"].as_str().expect("a digest on insert").to_owned();
        assert_eq!(digest.len(), 64);

        let (status, counted) = app.post("/v1/retention/run?dry_run=true", Value::Null).await;
        assert_eq!(status, 200, "{counted}");
        assert_eq!(counted["rows"]["inbox_bodies"], 0, "nothing is old yet");
        app.clock.advance(TimeDelta::days(31));
        let (_, counted) = app.post("/v1/retention/run?dry_run=true", Value::Null).await;
        assert_eq!(counted["dry_run"], true);
        assert_eq!(counted["rows"]["inbox_bodies"], 1);

        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .args(["retention", "run", "--url", &app.base])
            .env("GATEHOUSE_ADMIN_TOKEN", TOKEN)
            .env_remove("GATEHOUSE_URL")
            .output()
            .await
            .unwrap();
        let out = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{out}{}", String::from_utf8_lossy(&output.stderr));
        assert!(
            out.lines().any(|line| line.split_whitespace().eq(["inbox_bodies", "1"])),
            "{out}"
        );

        let (_, dropped) = app.get(&format!("/v1/inbox/{event_id}")).await;
        assert_eq!(dropped["status"], "mapped");
        assert_eq!(dropped["body_sha256"], digest.as_str());
        assert!(dropped["body_dropped_at"].is_string(), "{dropped}");
        assert!(dropped.get("body").is_none(), "{dropped}");
        let metrics = app
            .client
            .get(format!("{}/metrics", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            metrics.contains("gatehouse_retention_scrubbed_total{kind=\"inbox_bodies\"} 1"),
            "{metrics}"
        );
        let (status, problem) = app.post("/v1/retention/run?dry_run=maybe", Value::Null).await;
        assert_eq!(status, 400, "{problem}");
        app.stop().await;
    }
}
