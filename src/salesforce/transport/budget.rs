//! The org's daily API allowance, as Gatehouse may spend it.
//!
//! Every answer but the version list carries `Sforce-Limit-Info: api-usage=USED/MAX` (a rolling
//! 24 hours). Other integrations share the allowance, so Gatehouse keeps a reserve it never
//! spends: once the remaining calls reach the reserve — or Salesforce answers
//! `REQUEST_LIMIT_EXCEEDED` — the gate closes and calls wait instead of being made. One waiter
//! at a time asks the org how much is left (`GET …/limits`), at first every `poll` and then at
//! doubling intervals up to `poll_max`; the gate reopens when the rolling window has freed
//! enough calls.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;

use crate::config::salesforce::ApiReserve;

/// The allowance as one answer reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiUsage {
    pub used: u64,
    pub max: u64,
}

impl ApiUsage {
    /// Calls left in the rolling window.
    pub fn remaining(self) -> u64 {
        self.max.saturating_sub(self.used)
    }

    /// Reads a `Sforce-Limit-Info` value, e.g. `api-usage=18/5000` or
    /// `api-usage=18/5000; per-app-api-usage=17/250(appName=x)`. Only the org-wide
    /// `api-usage` entry counts: the per-app one is a quota inside it.
    pub fn from_header(value: &str) -> Option<ApiUsage> {
        value.split([';', ',']).find_map(|part| {
            let (key, counts) = part.trim().split_once('=')?;
            if key.trim() != "api-usage" {
                return None;
            }
            let (used, max) = counts.trim().split_once('/')?;
            Some(ApiUsage {
                used: used.trim().parse().ok()?,
                max: max.trim().parse().ok()?,
            })
        })
    }
}

/// Where the budget stands, for metrics and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetSnapshot {
    /// The last usage an answer reported; `None` before the first answer.
    pub usage: Option<ApiUsage>,
    /// The reserve in calls for that usage's allowance.
    pub reserve_calls: Option<u64>,
    /// Salesforce said `REQUEST_LIMIT_EXCEEDED` and the org has not yet shown room since.
    pub throttled: bool,
    /// Whether calls may be made now.
    pub open: bool,
    /// Calls waiting at the gate.
    pub waiting: usize,
}

/// The gate in front of every call to one org.
pub struct ApiBudget {
    reserve: ApiReserve,
    poll: Duration,
    poll_max: Duration,
    state: Mutex<State>,
    /// Bumped on every change, so waiters wake to look again.
    changes: watch::Sender<u64>,
    /// Held by the one waiter that asks the org how much is left.
    polling: tokio::sync::Mutex<()>,
}

struct State {
    usage: Option<ApiUsage>,
    throttled: bool,
    waiting: usize,
    next_poll: Duration,
}

impl ApiBudget {
    /// A budget that keeps `reserve` back and, while closed, asks the org every `poll`
    /// (doubling up to `poll_max`).
    pub fn new(reserve: ApiReserve, poll: Duration, poll_max: Duration) -> Self {
        ApiBudget {
            reserve,
            poll,
            poll_max: poll_max.max(poll),
            state: Mutex::new(State {
                usage: None,
                throttled: false,
                waiting: 0,
                next_poll: poll,
            }),
            changes: watch::Sender::new(0),
            polling: tokio::sync::Mutex::new(()),
        }
    }

    /// Takes the usage an ordinary answer reported.
    pub fn observe(&self, usage: ApiUsage) {
        self.change(|state| state.usage = Some(usage));
    }

    /// Takes the usage the org reported when asked while the gate was closed: room above the
    /// reserve lifts a `REQUEST_LIMIT_EXCEEDED` throttle too.
    pub fn observe_probe(&self, usage: ApiUsage) {
        let reserve = self.reserve;
        self.change(|state| {
            state.usage = Some(usage);
            if usage.remaining() > reserve.calls_of(usage.max) {
                state.throttled = false;
            }
        });
    }

    /// Salesforce answered `REQUEST_LIMIT_EXCEEDED`: close the gate for every call to the org
    /// until a probe shows room.
    pub fn throttle(&self) {
        self.change(|state| state.throttled = true);
    }

    /// Whether a call may be made now.
    pub fn is_open(&self) -> bool {
        let state = self.lock();
        self.open(&state)
    }

    /// Where the budget stands.
    pub fn snapshot(&self) -> BudgetSnapshot {
        let state = self.lock();
        BudgetSnapshot {
            usage: state.usage,
            reserve_calls: state.usage.map(|u| self.reserve.calls_of(u.max)),
            throttled: state.throttled,
            open: self.open(&state),
            waiting: state.waiting,
        }
    }

    /// Returns at once when the gate is open; otherwise waits until it opens. While waiting,
    /// one waiter at a time sleeps the poll interval and then runs `probe` (which asks the org
    /// for its limits, bypassing this gate, and returns the usage, or `None` when the org could
    /// not say); the others wait for what it learns.
    pub async fn wait_for_room<P, F>(&self, probe: P)
    where
        P: Fn() -> F,
        F: Future<Output = Option<ApiUsage>>,
    {
        if self.is_open() {
            return;
        }
        let _waiting = Waiting::enter(self);
        let mut changes = self.changes.subscribe();
        loop {
            changes.borrow_and_update();
            if self.is_open() {
                return;
            }
            let interval = self.lock().next_poll;
            match self.polling.try_lock() {
                Ok(_poller) => {
                    tokio::time::sleep(interval).await;
                    if self.is_open() {
                        return;
                    }
                    self.change(|state| {
                        state.next_poll = (state.next_poll * 2).min(self.poll_max);
                    });
                    if let Some(usage) = probe().await {
                        self.observe_probe(usage);
                    }
                }
                // If the poller goes away (its call was cancelled) without news, the wait
                // times out and this waiter may take over the polling.
                Err(_) => {
                    let _ = tokio::time::timeout(interval, changes.changed()).await;
                }
            }
        }
    }

    fn open(&self, state: &State) -> bool {
        if state.throttled {
            return false;
        }
        state
            .usage
            .is_none_or(|usage| usage.remaining() > self.reserve.calls_of(usage.max))
    }

    fn change(&self, edit: impl FnOnce(&mut State)) {
        {
            let mut state = self.lock();
            let was_open = self.open(&state);
            edit(&mut state);
            let open = self.open(&state);
            if open {
                state.next_poll = self.poll;
            }
            let (used, max) = state
                .usage
                .map_or((None, None), |u| (Some(u.used), Some(u.max)));
            match (was_open, open) {
                (true, false) => tracing::warn!(
                    used, max, reserve = %self.reserve, throttled = state.throttled,
                    "Salesforce API budget: calls now wait (reserve reached or REQUEST_LIMIT_EXCEEDED)"
                ),
                (false, true) => {
                    tracing::info!(used, max, reserve = %self.reserve, "Salesforce API budget: calls resume")
                }
                _ => {}
            }
        }
        self.changes
            .send_modify(|version| *version = version.wrapping_add(1));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Counts a waiter for as long as it waits, including when its call is cancelled.
struct Waiting<'a>(&'a ApiBudget);

impl<'a> Waiting<'a> {
    fn enter(budget: &'a ApiBudget) -> Self {
        budget.lock().waiting += 1;
        Waiting(budget)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.waiting = state.waiting.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests;
