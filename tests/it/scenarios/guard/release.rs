//! Rejecting what the guard holds, and what it never holds: an operator's deprovision, a
//! provision, a newer event for a held person; and the `disable` it always holds in a fan-out.

use crate::on_both_stores;
use gatehouse::domain::OutcomeKind;
use gatehouse::store::CommandState;
use reqwest::Method;
use serde_json::json;

use super::super::Partner;
use super::super::bursts::{contract, people};
use super::{FIFTY, TOKEN, admin, in_state, start, still_active};

/// Two people `b-0` and `b-1` ended by one contract, with the guard tripping past one.
const PAST_ONE: &str = "[guard.overall]\ncount = 1";

on_both_stores! {
    async fn a_rejection_ends_a_held_fan_out_and_leaves_the_users_active() {
        let s = start(200, FIFTY).await;
        s.send("contracts", &contract("contract.ended", s.now(), &people(0..200))).await;
        let commands = s.settle().await;
        assert_eq!(in_state(&commands, CommandState::Held).len(), 200);

        let (status, refused) = admin(&s, Method::POST, "/v1/held/reject").await;
        assert_eq!(status, 400, "a rejection names what it rejects: {refused}");
        assert!(refused["detail"].as_str().unwrap().contains("all=true"), "{refused}");
        let (status, rejected) =
            admin(&s, Method::POST, "/v1/held/reject?account=P-100&reason=wrong%20contract").await;
        assert_eq!(status, 200, "{rejected}");
        assert_eq!(rejected["rejected"], 0, "no record names P-100 yet: nobody ran");
        let (status, rejected) =
            admin(&s, Method::POST, "/v1/held/reject?all=true&reason=wrong%20contract").await;
        assert_eq!(status, 200, "{rejected}");
        assert_eq!(rejected["rejected"], 200);
        let commands = s.settle().await;

        assert!(commands.iter().all(|c| c.outcome.as_ref().map(|o| o.kind)
            == Some(OutcomeKind::Rejected)), "every held command ended rejected");
        assert_eq!(still_active(&s, 0..200).await, 200, "every user is still active");
        let history = s.history("partner-portal:b-3").await;
        let rejection = history
            .iter()
            .find(|h| h.detail["action"] == "reject")
            .expect("the rejection is on the record");
        assert_eq!(rejection.actor.as_deref(), Some("alice"));
        assert_eq!(rejection.detail["reason"], "wrong contract");
        let events = s.app.store.outbox_unpublished(10_000).await.unwrap();
        let announced = events
            .iter()
            .filter(|row| row.event_type == "dev.gatehouse.command.rejected")
            .count();
        assert_eq!(announced, 200, "each rejection is announced");
    }
}

on_both_stores! {
    async fn an_operators_deprovision_and_a_provision_pass_a_tripped_guard() {
        let s = start(3, PAST_ONE).await;
        s.send("contracts", &contract("contract.ended", s.now(), &people(0..2))).await;
        let commands = s.settle().await;
        assert_eq!(in_state(&commands, CommandState::Held).len(), 2, "two passed one");

        let response = s
            .app
            .client
            .post(format!("{}/v1/subjects/partner-portal:b-2/deprovision", s.app.base))
            .bearer_auth(TOKEN)
            .json(&json!({"trigger": "security incident"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 202);
        let ada = Partner::new("ada-9", "P-100", "Ada", "Lovelace", "ada9@partner.example");
        s.sign_up(&ada).await;
        s.settle().await;

        assert_eq!(s.last_outcome("partner-portal:b-2").await.kind, OutcomeKind::Succeeded);
        assert_eq!(still_active(&s, 2..3).await, 0, "the operator's deprovision ran");
        assert_eq!(s.last_outcome(&ada.subject()).await.kind, OutcomeKind::Succeeded);
        assert_eq!(still_active(&s, 0..2).await, 2, "the held two still wait");
    }
}

on_both_stores! {
    async fn a_disable_in_a_fan_out_of_two_is_held_under_the_default_thresholds() {
        let s = start(3, "").await;
        s.send("contracts", &contract("contract.terminated", s.now(), &people(0..2))).await;
        let commands = s.settle().await;
        let held = in_state(&commands, CommandState::Held);
        assert_eq!(held.len(), 2, "{commands:#?}");
        assert!(held.iter().all(|c| c.held_reason.as_deref().is_some_and(|r| r
            .contains("a disable (irreversible) in a fan-out of 2 people"))));
        assert_eq!(still_active(&s, 0..2).await, 2);

        s.send("contracts", &contract("contract.terminated", s.now(), &people(2..3))).await;
        s.settle().await;
        assert_eq!(
            s.last_outcome("partner-portal:b-2").await.kind,
            OutcomeKind::Succeeded,
            "a lone disable runs"
        );
        let (_, guard) = admin(&s, Method::GET, "/v1/guard").await;
        assert_eq!(guard["scopes"], json!([]), "a held disable is no trip: {guard}");
    }
}

on_both_stores! {
    async fn a_newer_event_supersedes_a_held_deprovision() {
        let s = start(3, PAST_ONE).await;
        s.send("contracts", &contract("contract.ended", s.now(), &people(0..2))).await;
        s.settle().await;
        s.advance(chrono::TimeDelta::minutes(1));
        let b0 = Partner::new("b-0", "P-100", "Burst", "Person 0", "b0@partner.example");
        s.sign_up(&b0).await;
        let commands = s.commands(&b0.subject()).await;

        let first = &commands[0];
        assert_eq!(first.state, CommandState::Done);
        assert_eq!(first.outcome.as_ref().map(|o| o.kind), Some(OutcomeKind::Superseded));
        assert_eq!(s.last_outcome(&b0.subject()).await.kind, OutcomeKind::Succeeded);
        assert_eq!(still_active(&s, 0..1).await, 1);
        let (_, held) = admin(&s, Method::GET, "/v1/held").await;
        let items = held["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "b-1 still waits: {held}");
        assert_eq!(items[0]["subject"], "partner-portal:b-1");
    }
}
