//! The org's limits resource, `GET …/limits`.

use serde_json::{Map, Value};

use super::budget::ApiUsage;

/// One limit: how many allowed, how many left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u64,
    pub remaining: u64,
}

/// The org's limits as `GET …/limits` reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgLimits {
    /// `DailyApiRequests`: the allowance the budget gate guards.
    pub daily_api_requests: Option<Limit>,
    /// Every limit as sent, by name.
    pub all: Map<String, Value>,
}

impl OrgLimits {
    /// Reads the answer; limits of an unexpected shape are left out of the typed part.
    pub fn from_answer(all: Map<String, Value>) -> Self {
        let daily_api_requests = all.get("DailyApiRequests").and_then(limit_of);
        OrgLimits {
            daily_api_requests,
            all,
        }
    }

    /// A limit by name, e.g. `DailyBulkApiBatches`.
    pub fn get(&self, name: &str) -> Option<Limit> {
        self.all.get(name).and_then(limit_of)
    }

    /// The daily allowance as usage.
    pub fn api_usage(&self) -> Option<ApiUsage> {
        self.daily_api_requests.map(|l| ApiUsage {
            used: l.max.saturating_sub(l.remaining),
            max: l.max,
        })
    }
}

fn limit_of(value: &Value) -> Option<Limit> {
    Some(Limit {
        max: value.get("Max")?.as_u64()?,
        remaining: value.get("Remaining")?.as_u64()?,
    })
}

#[cfg(test)]
mod tests;
