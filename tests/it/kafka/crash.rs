//! Things dying mid-run: the broker killed and restarted, and Gatehouse itself killed with
//! offsets it never committed. Either way every record is provisioned, and no Salesforce effect
//! happens twice.

use crate::on_both_stores;
use gatehouse::store::{SqliteOptions, Store};
use sfsim::{SimConfig, SimServer};

use super::broker::{self, PrivateBroker};
use super::inbound::{
    Accounts, Inbound, Topics, inbox_of, metrics_until, partners, produce_signups, provisioned,
    welcome_emails,
};
use super::served;
use crate::scenarios::{Partner, Setup, scenario_app};
use crate::support::served::ServedConfig;
use crate::support::sim_org::SimOrg;
use crate::support::{Org, settle};

on_both_stores! {
    async fn a_broker_killed_and_restarted_mid_run_loses_nothing_and_repeats_no_effect() {
        let mut private = PrivateBroker::start();
        let topics = Topics::create(&private.addr(), 2).await;
        let gatehouse = Inbound::start(&topics, Org::Simulated, "commit_interval_ms = 100").await;
        let people = partners("kb", 12);
        let (early, late) = people.split_at(6);
        let producer = broker::producer(&topics.brokers);
        produce_signups(&producer, &topics.input, early).await;

        // Mid-run: the consumer has taken records in, and the broker dies under it.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
        while crate::support::stored_events(&gatehouse.app.store)
            .await
            .is_empty()
        {
            assert!(tokio::time::Instant::now() < deadline, "nothing consumed");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        private.restart();
        produce_signups(&producer, &topics.input, late).await;

        gatehouse.provisioned(&people).await;
        gatehouse.inbox(people.len()).await;
        let commands = settle::settled(&gatehouse.app.store, gatehouse.app.clock_now()).await;
        assert_eq!(commands.len(), people.len(), "one command per person");
        assert_each_provisioned_once(&gatehouse.org, &people).await;
        gatehouse.app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_killed_with_uncommitted_offsets_resumes_without_a_repeated_effect() {
    const PARTITIONS: i32 = 2;
    let topics = Topics::create(&broker::shared(), PARTITIONS).await;
    let org = SimServer::start(SimConfig::default())
        .await
        .expect("the org starts");
    let service = never_committing(&topics, &org.login_url);
    let people = partners("kk", 8);
    let producer = broker::producer(&topics.brokers);
    produce_signups(&producer, &topics.input, &people).await;

    let first = service.start();
    first.ready().await;
    let sim = SimOrg::at(&org.login_url);
    provisioned(&sim, &people).await;
    first.kill();
    assert_eq!(
        served::committed(&topics, PARTITIONS),
        vec![None; PARTITIONS as usize],
        "the kill left every offset uncommitted"
    );

    // The restart reads every record again: each is a duplicate, and does nothing.
    let second = service.start();
    second.ready().await;
    let input = topics.input.clone();
    metrics_until(&second.base, "every record read again", |m| {
        m.value(
            "gatehouse_kafka_records_consumed_total",
            &[("topic", &input)],
        ) == Some(people.len() as f64)
    })
    .await;
    let (status, log) = second.stop();
    assert!(status.success(), "{log}");
    assert_eq!(
        served::committed(&topics, PARTITIONS)
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect::<Vec<_>>(),
        served::ends(&topics, PARTITIONS),
        "a clean stop commits every offset it stored"
    );

    assert_each_provisioned_once(&sim, &people).await;
    let store = Store::open_sqlite(&service.store_path(), SqliteOptions::default())
        .await
        .expect("the store opens");
    inbox_of(&store, people.len()).await;
    assert_eq!(
        settle::all_commands(&store).await.len(),
        people.len(),
        "one command each"
    );
    store.close().await;
}

/// `gatehouse serve` on the org at `org_url`, consuming `topics` and committing nothing before
/// it is killed: an hour between commits. The killed process never leaves the group; a short
/// session lets the group drop it soon.
fn never_committing(topics: &Topics, org_url: &str) -> ServedConfig {
    let setup = Setup {
        org: Org::Remote(org_url.to_owned()),
        ..Setup::default()
    };
    scenario_app(&setup)
        .kafka(&topics.kafka_toml_with(
            "partner-portal",
            "commit_interval_ms = 3600000",
            "\"session.timeout.ms\" = \"6000\"\n\"heartbeat.interval.ms\" = \"500\"",
        ))
        .served_config()
}

/// Each partner has one Contact and one User on their Account, and got one welcome email.
async fn assert_each_provisioned_once(org: &SimOrg, people: &[Partner]) {
    let accounts = Accounts::read(org).await;
    for partner in people {
        accounts.assert_once(&partner.subject());
    }
    assert_eq!(
        welcome_emails(org).await,
        people.len(),
        "one welcome email each"
    );
}
