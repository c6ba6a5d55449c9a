//! The org's limits resource, `GET …/limits`.

use reqwest::Method;
use serde_json::{Map, Value};

use super::budget::ApiUsage;
use super::call_error::CallError;
use super::client::SalesforceClient;
use super::request::Request;

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

impl SalesforceClient {
    /// The org's limits (`GET …/limits`), one API call. The budget gate reads the same
    /// resource on its own while it waits.
    pub async fn limits(&self) -> Result<OrgLimits, CallError> {
        let answer = self
            .send(Request::new(Method::GET, self.paths().limits()))
            .await?;
        Ok(OrgLimits::from_answer(answer.json()?))
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
