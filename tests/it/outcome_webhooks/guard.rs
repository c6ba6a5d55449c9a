//! The mass-deprovision guard's own events through the webhook relay: a trip and the operator's
//! rejections reach the subscriber whose type filter asks for them, and are filtered out (never
//! sent) for one whose filter does not.

use std::sync::Arc;
use std::sync::atomic::AtomicU32;

use std::time::Duration;

use gatehouse::store::{DeliveryFilter, DeliveryState, WebhookDelivery};

use super::receiver::{self, Delivery};
use super::subscriber;
use crate::on_both_stores;
use crate::scenarios::bursts::{contract, people};
use crate::scenarios::{Scenario, Setup, scenario_app};
use crate::support::TestApp;

const TOKEN: &str = "guard-webhooks-admin-token";
const TRIPPED: &str = "dev.gatehouse.guard.tripped";
const REJECTED: &str = "dev.gatehouse.command.rejected";

fn of_type<'a>(got: &'a [Delivery], event_type: &str) -> Vec<&'a Delivery> {
    got.iter()
        .filter(|d| d.event_type() == event_type)
        .collect()
}

/// `subscriber`'s filtered deliveries, once there are `count` of them (at most 30 s).
async fn filtered_for(app: &TestApp, subscriber: &str, count: usize) -> Vec<WebhookDelivery> {
    let filter = DeliveryFilter {
        subscriber: Some(subscriber.to_owned()),
        state: Some(DeliveryState::Filtered),
        limit: 100,
        ..DeliveryFilter::default()
    };
    for _ in 0..600 {
        let listed = app.store.webhook_deliveries(&filter).await.unwrap();
        if listed.len() >= count {
            return listed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{subscriber} never had {count} filtered deliveries");
}

on_both_stores! {
    async fn a_guard_trip_and_its_rejections_reach_the_subscriber_that_asks_for_them() {
        let (ops_url, ops, _ops_server) = receiver::start();
        let (crm_url, crm, _crm_server) = receiver::start();
        let config = format!(
            "{}{}",
            subscriber("ops", &ops_url, &format!("types = [\"dev.gatehouse.guard.*\", \"{REJECTED}\"]")),
            subscriber("crm", &crm_url, "types = [\"dev.gatehouse.user.*\"]"),
        );
        // A contract ending for two people passes an overall limit of one: both are held.
        let setup = Setup { guard: "[guard.overall]\ncount = 1", ..Setup::default() };
        let app = scenario_app(&setup).config(&config).admin_token(TOKEN).spawn().await;
        let s = Scenario::on(app, setup, Arc::new(AtomicU32::new(0)));
        s.send("contracts", &contract("contract.ended", s.now(), &people(0..2))).await;
        s.settle().await;
        let rejected = s
            .app
            .client
            .post(format!("{}/v1/held/reject?all=true&reason=wrong%20contract", s.app.base))
            .bearer_auth(TOKEN)
            .header("X-Gatehouse-Actor", "alice")
            .send()
            .await
            .unwrap();
        assert_eq!(rejected.status().as_u16(), 200);
        s.settle().await;

        let got = ops
            .wait_for("the trip and both rejections", |r| {
                of_type(r, TRIPPED).len() == 1 && of_type(r, REJECTED).len() == 2
            })
            .await;
        assert!(got.iter().all(|d| d.verified && d.status == 200), "{got:?}");
        let rejected_subjects: Vec<&str> = of_type(&got, REJECTED)
            .iter()
            .filter_map(|d| d.body["subject"].as_str())
            .collect();
        assert_eq!(
            rejected_subjects,
            ["partner-portal:b-0", "partner-portal:b-1"],
            "one rejection per held person, in order"
        );

        // The other subscriber's relay saw the same three events and left them out.
        let filtered = filtered_for(&s.app, "crm", 3).await;
        assert!(filtered.iter().all(|d| d.attempts == 0), "{filtered:?}");
        let mut types: Vec<&str> = filtered.iter().map(|d| d.event_type.as_str()).collect();
        types.sort_unstable();
        assert_eq!(types, [REJECTED, REJECTED, TRIPPED]);
        assert!(crm.received().is_empty(), "nothing was sent to crm: {:?}", crm.received());
        s.app.stop().await;
    }
}
