//! The real `gatehouse serve` as a child process consuming Kafka, so a test can kill it the way
//! an operating system does (SIGKILL: no drain, no commit) and start it again on the same store.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use super::broker;
use super::inbound::Topics;

/// A running `gatehouse serve`.
pub struct Served {
    child: Child,
    pub base: String,
    log: PathBuf,
}

impl Served {
    /// Serves the config at `config`, its log appended to `log`.
    pub async fn start(config: &Path, log: &Path) -> Served {
        Served::start_with(config, log, &[]).await
    }

    /// Like [`Served::start`], with these environment variables.
    pub async fn start_with(config: &Path, log: &Path, env: &[(&str, &str)]) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
        for (name, _) in std::env::vars() {
            if name.starts_with("GATEHOUSE_") || name.starts_with("OTEL_") || name == "RUST_LOG" {
                command.env_remove(name);
            }
        }
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("log file");
        let child = command
            .envs(env.iter().copied())
            .args(["serve", "--config"])
            .arg(config)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::from(output))
            .spawn()
            .expect("gatehouse starts");
        let served = Served {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log: log.to_owned(),
        };
        served.ready().await;
        served
    }

    async fn ready(&self) {
        let client = reqwest::Client::new();
        for _ in 0..1200 {
            if let Ok(answer) = client.get(format!("{}/readyz", self.base)).send().await
                && answer.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("gatehouse never became ready; its log:\n{}", self.log());
    }

    /// The log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log holds `needle`; panics with the log after a generous bound.
    pub async fn wait_for_log(&self, needle: &str) {
        for _ in 0..2400 {
            if self.log().contains(needle) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the log never held {needle:?}:\n{}", self.log());
    }

    /// SIGKILL: the process ends at once, committing nothing.
    pub fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }

    /// SIGTERM, then waits for the exit.
    pub fn terminate(mut self) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(sent.success());
        self.child.wait().expect("wait")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The group's committed offset of each of the input topic's `partitions` (`None`: nothing
/// committed), read without joining the group.
pub fn committed(topics: &Topics, partitions: i32) -> Vec<Option<i64>> {
    let consumer: BaseConsumer = broker::client(&topics.brokers)
        .set("group.id", &topics.group)
        .create()
        .expect("consumer");
    let mut list = TopicPartitionList::new();
    for partition in 0..partitions {
        list.add_partition(&topics.input, partition);
    }
    let committed = consumer
        .committed_offsets(list, Duration::from_secs(20))
        .expect("committed offsets");
    (0..partitions)
        .map(|partition| {
            match committed
                .find_partition(&topics.input, partition)
                .map(|e| e.offset())
            {
                Some(Offset::Offset(offset)) => Some(offset),
                _ => None,
            }
        })
        .collect()
}

/// The high watermark (the next offset to be written) of each of the input topic's partitions.
pub fn ends(topics: &Topics, partitions: i32) -> Vec<i64> {
    let consumer: BaseConsumer = broker::client(&topics.brokers).create().expect("consumer");
    (0..partitions)
        .map(|partition| {
            consumer
                .fetch_watermarks(&topics.input, partition, Duration::from_secs(20))
                .expect("watermarks")
                .1
        })
        .collect()
}
