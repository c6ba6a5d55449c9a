//! The replicas' world: one simulated org, one PostgreSQL database, one consumer group on an
//! input topic, one outcome topic, and three `gatehouse serve` processes sharing all of them,
//! each under its own `worker_id` on its own port. The test reads the store beside them through
//! a handle of its own.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use gatehouse::clock::SystemClock;
use gatehouse::store::{PostgresOptions, Store};
use secrecy::SecretString;
use sfsim::{FixtureSource, SimConfig, SimHandle, SimServer};

use crate::kafka::broker;
use crate::kafka::inbound::Topics;
use crate::scenarios::{Setup, scenario_app};
use crate::support::Org;
use crate::support::backing::ScratchDatabase;
use crate::support::served::Served;
use crate::support::sim_org::SimOrg;

/// Each replica's `[engine]` lines: its own name for its claims, and the shortest lease the
/// settings take, so the claims of a killed replica expire soon. The fourth is the replacement
/// of a killed one: a new process under a new name, as a new pod would be.
const ENGINES: [&str; 4] = [
    "lease_seconds = 10\nworker_id = \"replica-a\"",
    "lease_seconds = 10\nworker_id = \"replica-b\"",
    "lease_seconds = 10\nworker_id = \"replica-c\"",
    "lease_seconds = 10\nworker_id = \"replica-d\"",
];

/// The `worker_id` of replica `n`.
pub fn worker_id(n: usize) -> String {
    format!("replica-{}", ["a", "b", "c", "d"][n])
}

/// The replicas started at first; the others replace killed ones.
const FIRST: usize = 3;

/// Partitions of the input topic: one for each replica while all three run.
pub const PARTITIONS: usize = 3;

/// Added to each of the org's data calls, so a provision takes long enough for a replica to be
/// killed in the middle of one.
const ORG_LATENCY: Duration = Duration::from_millis(25);

/// The Partner Community licences the org holds: more than the test's people.
const PARTNER_LICENCES: u32 = 400;

/// Three replicas and what they share.
pub struct Cluster {
    pub org: SimOrg,
    pub topics: Topics,
    /// The topic outcome events are published to.
    pub outcomes: String,
    /// The test's own handle on the replicas' database.
    pub store: Store,
    /// Each replica's base URL, in the order they started, the killed one's included.
    pub bases: Vec<String>,
    replicas: Vec<Option<Served>>,
    /// The `[kafka]` table every replica runs with.
    kafka: String,
    sim: SimHandle,
    database: Arc<ScratchDatabase>,
    _folder: tempfile::TempDir,
}

impl Cluster {
    /// Starts the org, makes the topics and the database, then starts the first three replicas
    /// one after another, each ready before the next.
    pub async fn start() -> Cluster {
        let sim = SimServer::start(SimConfig {
            fixture: Some(roomy_fixture()),
            latency: ORG_LATENCY,
            ..SimConfig::default()
        })
        .await
        .expect("the org starts");
        let brokers = broker::shared();
        let topics = Topics::create(&brokers, PARTITIONS as i32).await;
        let outcomes = broker::unique_topic("replica-outcomes");
        broker::create_topic(&brokers, &outcomes, PARTITIONS as i32).await;
        let folder = tempfile::tempdir().expect("tempdir");
        let database = ScratchDatabase::for_folder(folder.path())
            .expect("the test runs on PostgreSQL: a database is made");
        let org = SimOrg::at(&sim.login_url);
        let kafka = kafka_toml(&topics, &outcomes);
        let mut cluster = Cluster {
            org,
            topics,
            outcomes,
            store: open(&database).await,
            bases: Vec::new(),
            replicas: Vec::new(),
            kafka,
            sim,
            database,
            _folder: folder,
        };
        for _ in 0..FIRST {
            cluster.start_replica().await;
        }
        cluster
    }

    /// Starts the next replica of [`ENGINES`] and waits until it is ready.
    pub async fn start_replica(&mut self) {
        let setup = Setup {
            org: Org::Remote(self.sim.login_url.clone()),
            engine: ENGINES[self.replicas.len()],
            // The burst's removals are a sixth of the people: past the guard's default share.
            guard: "enabled = false",
            ..Setup::default()
        };
        let served = scenario_app(&setup)
            .kafka(&self.kafka)
            .database(self.database.clone())
            .serve();
        served.ready().await;
        self.bases.push(served.base.clone());
        self.replicas.push(Some(served));
    }

    /// SIGKILL to replica `n`: it ends at once, its claims still held in the store, its
    /// consumer still a member of the group until its session times out.
    pub fn kill(&mut self, n: usize) {
        self.replicas[n].take().expect("the replica runs").kill();
    }

    /// The logs of the replicas still running.
    pub fn logs(&self) -> Vec<String> {
        self.replicas.iter().flatten().map(Served::log).collect()
    }

    /// Stops the replicas still running with SIGTERM (each must exit cleanly), and closes the
    /// test's handle on the store.
    pub async fn stop(mut self) {
        for served in self.replicas.iter_mut().filter_map(Option::take) {
            let (status, log) = served.stop();
            assert!(status.success(), "a replica did not stop cleanly:\n{log}");
        }
        self.store.close().await;
    }
}

/// The test's own handle on the replicas' database.
async fn open(database: &ScratchDatabase) -> Store {
    Store::open_postgres_with_clock(
        PostgresOptions::new(SecretString::from(database.url.clone())),
        Arc::new(SystemClock),
    )
    .await
    .expect("the test's handle on the replicas' database")
}

/// `[kafka]`: the shared group on the input topic (a short session, so the group hands a
/// killed replica's partitions to the others soon) and the outcome topic.
fn kafka_toml(topics: &Topics, outcomes: &str) -> String {
    let consumer = topics.kafka_toml_with(
        "partner-portal",
        "",
        "\"session.timeout.ms\" = \"6000\"\n\"heartbeat.interval.ms\" = \"500\"",
    );
    format!(
        "{consumer}\n[kafka.outcomes]\ntopic = \"{outcomes}\"\nce_source = \"urn:gatehouse:replicas\"\n"
    )
}

/// The default org with room for every person the test signs up.
fn roomy_fixture() -> FixtureSource {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("sfsim/fixtures");
    let text = std::fs::read_to_string(folder.join("default.toml")).expect("default fixture");
    let from = "user_type = \"PowerPartner\"\ntotal = 50";
    assert!(text.contains(from), "the default fixture holds {from:?}");
    FixtureSource::Toml {
        text: text.replace(
            from,
            &format!("user_type = \"PowerPartner\"\ntotal = {PARTNER_LICENCES}"),
        ),
        base_dir: folder,
    }
}
