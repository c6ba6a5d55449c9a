//! The same record delivered twice does no new work: one inbox event, one command, one user,
//! one welcome email.

use super::broker;
use super::inbound::{Accounts, Inbound, Topics, partners, signup};
use crate::on_both_stores;
use crate::support::Org;
use crate::support::settle;

on_both_stores! {
    async fn the_same_record_produced_twice_does_no_new_work() {
        let topics = Topics::create(&broker::shared(), 1).await;
        let gatehouse = Inbound::start(&topics, Org::Simulated, "").await;
        let ada = &partners("kr", 1)[0];
        let bytes = signup(ada, chrono::Utc::now());
        let producer = broker::producer(&topics.brokers);
        broker::send(&producer, &topics.input, &ada.id, &bytes, &[]).await;
        broker::send(&producer, &topics.input, &ada.id, &bytes, &[]).await;

        // Both records handled: the second one's offset is stored too.
        let consumed = [("topic", topics.input.as_str())];
        gatehouse
            .metrics_until("both records consumed", |m| {
                m.value("gatehouse_kafka_records_consumed_total", &consumed) == Some(2.0)
            })
            .await;
        gatehouse.provisioned(std::slice::from_ref(ada)).await;
        let commands = settle::settled(&gatehouse.app.store, gatehouse.app.clock_now()).await;

        let events = gatehouse.inbox(1).await;
        assert_eq!(events.len(), 1, "one inbox event");
        assert_eq!(commands.len(), 1, "one command");
        let accounts = Accounts::read(&gatehouse.org).await;
        accounts.assert_once(&ada.subject());
        let user = accounts.users_of(&ada.subject())[0]["Id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            gatehouse.org.emails_about("welcome", &user).await,
            1,
            "one welcome email"
        );
        gatehouse.app.stop().await;
    }
}
