//! Gauges of state kept elsewhere, brought up to date when `/metrics` is scraped.
//!
//! The store's counts are cheap reads. The org's licence counts cost one API call each time, so
//! they are asked at most once per `licence_poll_seconds`, in the background, and only while
//! something scrapes: a scrape never waits for Salesforce, and an unwatched service spends
//! nothing on them. Replicas sharing the store take turns at asking: only the replica holding
//! the turn reports licence gauges (the others report none rather than a stale count), so
//! dashboards read them with `max` over the replicas.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::clock::Clock;
use crate::engine::licences::{LicenceCounts, read_counts};
use crate::salesforce::SalesforceClient;
use crate::store::{Store, TaskTurn};
use crate::telemetry::{
    LicenceLabels, Metrics, OutcomeOnlyLabels, ScopeLabels, StateLabels, StatusLabels,
};

/// Everything a scrape reads, shared by the `/metrics` handler.
pub struct Scrape {
    metrics: Metrics,
    store: Store,
    org: SalesforceClient,
    /// The clock the store dates outbox rows by, so their age is measured on the same clock.
    clock: Arc<dyn Clock>,
    licences: LicencePoll,
}

struct LicencePoll {
    every: Option<Duration>,
    last: Mutex<Option<Instant>>,
    running: Arc<AtomicBool>,
    turn: Arc<tokio::sync::Mutex<TaskTurn>>,
    /// The counts provisions write new users by, refreshed by each reading.
    counts: LicenceCounts,
}

/// The name of the licence gauges' turn: one replica at a time asks the org.
pub const LICENCE_TURN: &str = "licence-gauges";

impl Scrape {
    /// `licence_poll` of zero never asks the org for licence counts; `worker_id` names this
    /// replica when it takes its turn at asking.
    pub fn new(
        metrics: Metrics,
        store: Store,
        org: SalesforceClient,
        clock: Arc<dyn Clock>,
        licence_poll: Duration,
        worker_id: &str,
    ) -> Scrape {
        // The holder keeps its turn by asking; another replica takes over three periods after
        // it stopped being scraped or stopped.
        let lease = licence_poll.max(Duration::from_secs(1)) * 3;
        let turn = TaskTurn::new(store.clone(), LICENCE_TURN, worker_id, lease);
        Scrape {
            metrics,
            store,
            org,
            clock,
            licences: LicencePoll {
                every: (!licence_poll.is_zero()).then_some(licence_poll),
                last: Mutex::new(None),
                running: Arc::new(AtomicBool::new(false)),
                turn: Arc::new(tokio::sync::Mutex::new(turn)),
                counts: LicenceCounts::default(),
            },
        }
    }

    /// Shares each reading of the licence counts with the provisions that write by them.
    pub fn with_licence_counts(mut self, counts: LicenceCounts) -> Scrape {
        self.licences.counts = counts;
        self
    }

    /// Brings the gauges up to date and encodes every metric.
    pub async fn render(&self) -> String {
        self.refresh().await;
        self.metrics.encode()
    }

    async fn refresh(&self) {
        let f = &self.metrics.families;
        match self.store.count_commands_by_state().await {
            Ok(counts) => {
                for (state, n) in counts {
                    f.commands_by_state
                        .get_or_create(&StateLabels {
                            state: state.as_str().to_owned(),
                        })
                        .set(gauge_value(n));
                }
            }
            Err(e) => {
                tracing::warn!(error = %crate::report::chain(&e), "metrics: could not count commands")
            }
        }
        match self.store.count_outcomes().await {
            Ok(counts) => {
                for (outcome, n) in counts {
                    f.outcomes_stored
                        .get_or_create(&OutcomeOnlyLabels {
                            outcome: outcome.as_str().to_owned(),
                        })
                        .set(gauge_value(n));
                }
            }
            Err(e) => {
                tracing::warn!(error = %crate::report::chain(&e), "metrics: could not count outcomes")
            }
        }
        match self.store.count_by_status().await {
            Ok(counts) => {
                for (status, n) in counts {
                    f.inbox_events
                        .get_or_create(&StatusLabels {
                            status: status.as_str().to_owned(),
                        })
                        .set(gauge_value(n));
                }
            }
            Err(e) => {
                tracing::warn!(error = %crate::report::chain(&e), "metrics: could not count inbox events")
            }
        }
        match self.store.outbox_unpublished(1).await {
            Ok(oldest) => {
                // The store dates rows by the service's clock, so the age is measured by it too.
                let age = oldest.first().map_or(0.0, |row| {
                    (self.clock.now() - row.created_at)
                        .to_std()
                        .unwrap_or_default()
                        .as_secs_f64()
                });
                f.outbox_lag.set(age);
            }
            Err(e) => {
                tracing::warn!(error = %crate::report::chain(&e), "metrics: could not read the outbox")
            }
        }
        self.refresh_guard().await;
        let budget = self.org.budget();
        if let Some(usage) = budget.usage {
            f.api_used.set(gauge_value(usage.used));
            f.api_limit.set(gauge_value(usage.max));
        }
        if let Some(reserve) = budget.reserve_calls {
            f.api_reserve.set(gauge_value(reserve));
        }
        f.api_gate_open.set(i64::from(budget.open));
        let calls = self.org.concurrent_calls();
        f.call_share.set(gauge_value(calls.share as u64));
        f.calls_in_flight.set(gauge_value(calls.in_use as u64));
        self.poll_licences_if_due();
    }

    /// The guard's scopes as the store keeps them, so every replica reports the same.
    async fn refresh_guard(&self) {
        let f = &self.metrics.families;
        match self.store.guard_scopes().await {
            Ok(scopes) => {
                for scope in scopes {
                    let labels = ScopeLabels { scope: scope.scope };
                    f.guard_tripped
                        .get_or_create(&labels)
                        .set(i64::from(scope.tripped_at.is_some()));
                    f.guard_trips
                        .get_or_create(&labels)
                        .set(gauge_value(scope.trips));
                }
            }
            Err(e) => {
                tracing::warn!(error = %crate::report::chain(&e), "metrics: could not read the guard")
            }
        }
    }

    fn poll_licences_if_due(&self) {
        let Some(every) = self.licences.every else {
            return;
        };
        {
            let mut last = self.licences.last.lock();
            if last.is_some_and(|at| at.elapsed() < every) {
                return;
            }
            if self.licences.running.swap(true, Ordering::SeqCst) {
                return;
            }
            *last = Some(Instant::now());
        }
        let org = self.org.clone();
        let metrics = self.metrics.clone();
        let running = self.licences.running.clone();
        let turn = self.licences.turn.clone();
        let counts = self.licences.counts.clone();
        tokio::spawn(async move {
            if turn.lock().await.is_mine().await {
                poll_licences(&org, &metrics, &counts).await;
            } else {
                metrics.families.licences_used.clear();
                metrics.families.licences_capacity.clear();
            }
            running.store(false, Ordering::SeqCst);
        });
    }
}

/// Asks the org for its licence counts (one API call) and sets the gauges.
async fn poll_licences(org: &SalesforceClient, metrics: &Metrics, counts: &LicenceCounts) {
    let read = match read_counts(org, counts).await {
        Ok(read) => read,
        Err(e) => {
            tracing::warn!(error = %crate::report::chain(&e), "metrics: could not read the org's licence counts");
            return;
        }
    };
    let f = &metrics.families;
    for licence in read {
        let labels = LicenceLabels {
            licence: licence.name,
        };
        f.licences_used.get_or_create(&labels).set(licence.used);
        f.licences_capacity
            .get_or_create(&labels)
            .set(licence.total);
    }
}

fn gauge_value(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
