//! The brokers the Kafka tests talk to: the one `scripts/test.sh` starts and shares
//! (`GATEHOUSE_TEST_KAFKA`), and private ones a test starts from the same binary
//! (`GATEHOUSE_TEST_TANSU`) when it must restart or reconfigure its broker.
//!
//! Nothing here is skipped when a broker is missing: the tests fail, saying how to get one.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord};

const HOW: &str = "run the tests through scripts/test.sh, which builds and starts a tansu broker \
                   (or start one with scripts/tansu.sh and export GATEHOUSE_TEST_KAFKA=host:port \
                   and GATEHOUSE_TEST_TANSU=/path/to/tansu)";

/// The shared broker's address.
pub fn shared() -> String {
    std::env::var("GATEHOUSE_TEST_KAFKA")
        .unwrap_or_else(|_| panic!("GATEHOUSE_TEST_KAFKA is not set: {HOW}"))
}

/// A topic name no other test uses.
pub fn unique_topic(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}.{}.{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Creates `topic` with `partitions` partitions on the broker at `brokers`.
pub async fn create_topic(brokers: &str, topic: &str, partitions: i32) {
    create_topic_with(client(brokers), topic, partitions).await
}

/// Creates a topic with an admin client built from `config` (for brokers needing TLS or SASL).
pub async fn create_topic_with(config: ClientConfig, topic: &str, partitions: i32) {
    let admin: AdminClient<DefaultClientContext> = config.create().expect("admin client");
    let results = admin
        .create_topics(
            &[NewTopic::new(topic, partitions, TopicReplication::Fixed(1))],
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
        )
        .await
        .expect("create topic request");
    for result in results {
        result.unwrap_or_else(|(name, code)| panic!("creating topic {name}: {code:?}"));
    }
}

/// A plain client config for `brokers`.
pub fn client(brokers: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", brokers);
    config
}

/// A plain producer, as any Kafka user would write one.
pub fn producer(brokers: &str) -> FutureProducer {
    client(brokers)
        .set("message.timeout.ms", "10000")
        .create()
        .expect("producer")
}

/// Sends one record and waits for the broker's acknowledgement.
pub async fn send(
    producer: &FutureProducer,
    topic: &str,
    key: &str,
    payload: &[u8],
    headers: &[(&str, &str)],
) {
    let mut owned = rdkafka::message::OwnedHeaders::new();
    for (name, value) in headers {
        owned = owned.insert(rdkafka::message::Header {
            key: name,
            value: Some(*value),
        });
    }
    producer
        .send(
            FutureRecord::to(topic)
                .key(key)
                .payload(payload)
                .headers(owned),
            Duration::from_secs(10),
        )
        .await
        .unwrap_or_else(|(e, _)| panic!("producing to {topic}: {e}"));
}

/// Reads `topic` from the beginning with a fresh group until `want` records arrived or
/// `within` passed; returns what it got.
pub async fn read(brokers: &str, topic: &str, want: usize, within: Duration) -> Vec<OwnedMessage> {
    let consumer: StreamConsumer = client(brokers)
        .set("group.id", unique_topic("reader"))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    consumer.subscribe(&[topic]).expect("subscribe");
    let deadline = Instant::now() + within;
    let mut got = Vec::new();
    while got.len() < want {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match tokio::time::timeout(left, consumer.recv()).await {
            Ok(Ok(message)) => got.push(message.detach()),
            Ok(Err(e)) => panic!("reading {topic}: {e}"),
            Err(_) => break,
        }
    }
    got
}

/// A record's header as text.
pub fn header(message: &OwnedMessage, name: &str) -> Option<String> {
    let headers = message.headers()?;
    headers
        .iter()
        .find(|h| h.key == name)
        .and_then(|h| h.value.map(|v| String::from_utf8_lossy(v).into_owned()))
}

/// A broker of the test's own, started from the cached tansu binary, keeping its data in a
/// temporary directory so that a restart keeps every record and committed offset.
pub struct PrivateBroker {
    binary: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    /// Where clients are told to connect (`host:port`), when not the broker's own address:
    /// a proxy in front of it, such as a TLS front.
    advertised: Option<String>,
    args: Vec<String>,
    child: Option<Child>,
}

impl PrivateBroker {
    /// Starts a plain broker.
    pub fn start() -> PrivateBroker {
        PrivateBroker::start_with(&[])
    }

    /// Starts a broker with further arguments (`--cert`, `--key`, `--authentication`).
    pub fn start_with(args: &[&str]) -> PrivateBroker {
        PrivateBroker::start_advertising(None, args)
    }

    /// Starts a broker that tells clients to reach it at `advertised` (`host:port`) instead of
    /// its own address, for a proxy that stands in front of it.
    pub fn start_advertising(advertised: Option<&str>, args: &[&str]) -> PrivateBroker {
        let binary = std::env::var("GATEHOUSE_TEST_TANSU")
            .map(PathBuf::from)
            .unwrap_or_else(|_| panic!("GATEHOUSE_TEST_TANSU is not set: {HOW}"));
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut broker = PrivateBroker {
            binary,
            dir: tempfile::tempdir().expect("broker dir"),
            port,
            advertised: advertised.map(str::to_owned),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            child: None,
        };
        broker.spawn();
        broker
    }

    /// `host:port` for clients.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Kills the broker (no clean shutdown) and starts it again on the same port and data.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// Kills the broker and starts it again on the same port and data with other arguments
    /// (e.g. `--authentication` once its users exist).
    pub fn restart_with(&mut self, args: &[&str]) {
        self.kill();
        self.args = args.iter().map(|a| (*a).to_owned()).collect();
        self.spawn();
    }

    /// Runs the tansu command line against this broker (`user create NAME PASSWORD …`),
    /// `--broker` added; fails the test, with the output, when it fails.
    pub fn cli(&self, args: &[&str]) {
        let output = Command::new(&self.binary)
            .current_dir("/")
            .args(args)
            .arg("--broker")
            .arg(format!("tcp://{}", self.addr()))
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", self.binary.display()));
        assert!(
            output.status.success(),
            "tansu {args:?}: {}\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }

    /// Kills the broker with no clean shutdown.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the broker again after [`PrivateBroker::kill`].
    pub fn spawn(&mut self) {
        let addr = self.addr();
        let advertised = self.advertised.clone().unwrap_or_else(|| addr.clone());
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("broker.log"))
            .expect("broker log");
        let scheme = "tcp";
        let child = Command::new(&self.binary)
            // tansu 0.6.0 reads the path of sqlite:///abs/path relative to its working
            // directory: from / it is the absolute path meant.
            .current_dir("/")
            .arg("broker")
            .arg("--listener-url")
            .arg(format!("{scheme}://{addr}"))
            .arg("--advertised-listener-url")
            .arg(format!("{scheme}://{advertised}"))
            .arg("--storage-engine")
            // tansu reads the path after `sqlite://` relative to its working directory unless
            // it starts with a slash of its own: `sqlite:///` + the absolute path.
            .arg(format!(
                "sqlite:///{}",
                self.dir.path().join("tansu.db").display()
            ))
            .args(&self.args)
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.binary.display()));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(&addr).is_err() {
            if Instant::now() > deadline {
                let log =
                    std::fs::read_to_string(self.dir.path().join("broker.log")).unwrap_or_default();
                panic!("tansu did not start on {addr}; its log:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for PrivateBroker {
    fn drop(&mut self) {
        self.kill();
    }
}
