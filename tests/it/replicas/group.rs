//! The consumer group as the replicas' logs tell it: the partitions each holds, and how often
//! they gave them up to rejoin.
//!
//! The broker the tests use (tansu 0.6.0) drops a member whose session timed out without
//! handing its partitions to the others: only the member whose heartbeat noticed is told to
//! rejoin, and it gets its own partitions back. A new member joining is what assigns them all
//! anew. So the test waits for that notice before the killed replica's replacement joins; had
//! it joined first, the dead member would still be in the group and be given partitions again.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::cluster::Cluster;

const ASSIGNED: &str = "\"message\":\"partitions assigned\"";
const REVOKED: &str = "\"message\":\"partitions revoked; draining them\"";
/// The bound on every wait: a hang, not a speed.
const PATIENCE: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(100);

/// The partitions a replica holds by its log: those of its last assignment; none while a
/// revocation came after it.
fn held(log: &str) -> Vec<String> {
    let last = log
        .lines()
        .rfind(|l| l.contains(ASSIGNED) || l.contains(REVOKED));
    let Some(line) = last.filter(|l| l.contains(ASSIGNED)) else {
        return Vec::new();
    };
    let line: Value = serde_json::from_str(line).expect("a JSON log line");
    line["partitions"]
        .as_str()
        .unwrap_or_default()
        .split(", ")
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Waits until the running replicas hold `partitions` partitions between them, none twice: the
/// group has formed.
pub async fn until_formed(cluster: &Cluster, partitions: usize) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let each: Vec<Vec<String>> = cluster.logs().iter().map(|l| held(l)).collect();
        let all: Vec<&String> = each.iter().flatten().collect();
        let distinct: BTreeSet<&String> = all.iter().copied().collect();
        if all.len() == partitions && distinct.len() == partitions {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the group never settled on {partitions} partitions; the replicas hold {each:?}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// How often the running replicas gave their partitions up to rejoin so far.
pub fn rejoins(cluster: &Cluster) -> usize {
    cluster
        .logs()
        .iter()
        .map(|log| log.matches(REVOKED).count())
        .sum()
}

/// Waits until a running replica rejoins once more than `before`: the broker has dropped a
/// member whose session timed out.
pub async fn until_rejoined(cluster: &Cluster, before: usize) {
    let deadline = Instant::now() + PATIENCE;
    while rejoins(cluster) <= before {
        assert!(
            Instant::now() < deadline,
            "no replica was told to rejoin the group: the dead member was never dropped"
        );
        tokio::time::sleep(POLL).await;
    }
}
