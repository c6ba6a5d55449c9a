//! The inbox as operators see it: unmapped events with their reason, one event with its body,
//! and putting an event back for mapping.

use crate::on_both_stores;
use serde_json::{Value, json};

use super::app::{eventually, spawn};

on_both_stores! {
    async fn an_unmapped_event_is_listed_shown_and_mapped_again_on_replay() {
        let app = spawn().await;
        let body = json!({
            "type": "partner.user.renamed",
            "occurred_at": "2026-01-31T18:42:00Z",
            "data": {"user": {"id": "u-9", "email": "nine@partner.example"}}
        });
        let event_id = app.deliver("msg_renamed", &body).await;
        let signup = app.sign_up("u-1", "P-100").await;

        let unmapped = eventually("the event is kept unmapped", || async {
            let (_, page) = app.get("/v1/inbox?status=unmapped").await;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            (!items.is_empty()).then_some(items)
        })
        .await;
        assert_eq!(unmapped.len(), 1, "{unmapped:?}");
        let listed = &unmapped[0];
        assert_eq!(listed["event_id"], event_id.as_str());
        assert_eq!(listed["source"], "partner-portal");
        assert_eq!(listed["attempts"], 1);
        let reason = listed["reason"].as_str().expect("a reason").to_owned();
        assert!(!reason.is_empty());
        assert!(
            listed.get("body").is_none(),
            "listings leave bodies out: {listed}"
        );
        assert_eq!(listed["body_bytes"], body.to_string().len());

        // Filters: by source, and by status.
        let (_, by_source) = app.get("/v1/inbox?source=partner-portal").await;
        assert_eq!(by_source["items"].as_array().unwrap().len(), 2);
        let (_, elsewhere) = app.get("/v1/inbox?source=bamboohr").await;
        assert_eq!(elsewhere["items"], json!([]));

        let (status, shown) = app.get(&format!("/v1/inbox/{event_id}")).await;
        assert_eq!(status, 200);
        assert_eq!(shown["body_encoding"], "utf-8");
        let shown_body: Value = serde_json::from_str(shown["body"].as_str().unwrap()).unwrap();
        assert_eq!(shown_body, body, "the body exactly as received");
        assert_eq!(shown["reason"], reason.as_str());

        // Replayed with the same rules, it is mapped again and again stays unmapped: observable
        // as a second attempt and a counted replay.
        let (status, replayed) = app
            .post(&format!("/v1/inbox/{event_id}/replay"), Value::Null)
            .await;
        assert_eq!(status, 202, "{replayed}");
        assert_eq!(
            replayed,
            json!({"event_id": event_id, "status": "accepted"})
        );
        let again = eventually("the replayed event is mapped again", || async {
            let (_, event) = app.get(&format!("/v1/inbox/{event_id}")).await;
            (event["status"] == "unmapped" && event["attempts"] == 2).then_some(event)
        })
        .await;
        assert_eq!(again["replays"], 1);
        assert!(again["replayed_at"].is_string());
        assert_eq!(again["reason"], reason.as_str());

        // A mapped event has its commands already: replaying it is refused.
        eventually("the signup is mapped", || async {
            let (_, event) = app.get(&format!("/v1/inbox/{signup}")).await;
            (event["status"] == "mapped").then_some(())
        })
        .await;
        let (status, refused) = app
            .post(&format!("/v1/inbox/{signup}/replay"), Value::Null)
            .await;
        assert_eq!(status, 409);
        assert_eq!(refused["reason"], "not_replayable");
        let (status, unknown) = app
            .post(
                "/v1/inbox/evt_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f/replay",
                Value::Null,
            )
            .await;
        assert_eq!(status, 404);
        assert_eq!(unknown["reason"], "unknown_event");
        app.stop().await;
    }
}
