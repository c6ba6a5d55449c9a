//! Things dying mid-run: the broker killed and restarted, and Gatehouse itself killed with
//! offsets it never committed. Either way every record is provisioned, and no Salesforce effect
//! happens twice.

use gatehouse::store::{SqliteOptions, Store};
use sfsim::{SimConfig, SimServer};

use super::broker::{self, PrivateBroker};
use super::inbound::{
    Accounts, Inbound, Topics, inbox_of, metrics_until, partners, produce_signups, provisioned,
    welcome_emails,
};
use super::served::{self, Served};
use crate::scenarios::{OrgChoice, Setup, scenario_config};
use crate::support::settle;
use crate::support::sim_org::SimOrg;

#[tokio::test]
async fn a_broker_killed_and_restarted_mid_run_loses_nothing_and_repeats_no_effect() {
    let mut private = PrivateBroker::start();
    let topics = Topics::create(&private.addr(), 2).await;
    let gatehouse = Inbound::start(&topics, OrgChoice::InProcess, "commit_interval_ms = 100").await;
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
    let accounts = Accounts::read(&gatehouse.org).await;
    for partner in &people {
        accounts.assert_once(&partner.subject());
    }
    assert_eq!(
        welcome_emails(&gatehouse.org).await,
        people.len(),
        "one welcome email each"
    );
    gatehouse.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_killed_with_uncommitted_offsets_resumes_without_a_repeated_effect() {
    const PARTITIONS: i32 = 2;
    let topics = Topics::create(&broker::shared(), PARTITIONS).await;
    let org = SimServer::start(SimConfig::default())
        .await
        .expect("the org starts");
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("gatehouse.db");
    let config = dir.path().join("gatehouse.toml");
    let setup = Setup {
        org: OrgChoice::Remote(org.login_url.clone()),
        ..Setup::default()
    };
    std::fs::write(
        &config,
        format!(
            "{}\n{}\n[store]\nkind = \"sqlite\"\npath = \"{}\"\n[log]\nformat = \"json\"\n",
            scenario_config(&setup),
            // An hour between commits: nothing is committed before the kill. The killed
            // process never leaves the group; a short session lets the group drop it soon.
            topics.kafka_toml_with(
                "partner-portal",
                "commit_interval_ms = 3600000",
                "\"session.timeout.ms\" = \"6000\"\n\"heartbeat.interval.ms\" = \"500\"",
            ),
            store.display()
        ),
    )
    .unwrap();
    let log = dir.path().join("serve.log");
    let people = partners("kk", 8);
    let producer = broker::producer(&topics.brokers);
    produce_signups(&producer, &topics.input, &people).await;

    let first = Served::start(&config, &log).await;
    let sim = SimOrg::at(&org.login_url);
    provisioned(&sim, &people).await;
    first.kill();
    assert_eq!(
        served::committed(&topics, PARTITIONS),
        vec![None; PARTITIONS as usize],
        "the kill left every offset uncommitted"
    );

    // The restart reads every record again: each is a duplicate, and does nothing.
    let second = Served::start(&config, &log).await;
    let input = topics.input.clone();
    metrics_until(&second.base, "every record read again", |m| {
        m.value(
            "gatehouse_kafka_records_consumed_total",
            &[("topic", &input)],
        ) == Some(people.len() as f64)
    })
    .await;
    let status = second.terminate();
    assert!(
        status.success(),
        "{}",
        std::fs::read_to_string(&log).unwrap()
    );
    assert_eq!(
        served::committed(&topics, PARTITIONS)
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect::<Vec<_>>(),
        served::ends(&topics, PARTITIONS),
        "a clean stop commits every offset it stored"
    );

    let accounts = Accounts::read(&sim).await;
    for partner in &people {
        accounts.assert_once(&partner.subject());
    }
    assert_eq!(
        welcome_emails(&sim).await,
        people.len(),
        "one welcome email each"
    );
    let store = Store::open_sqlite(&store, SqliteOptions::default())
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
