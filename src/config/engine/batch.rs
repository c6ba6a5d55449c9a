//! `[engine.batch]`: how many due commands one claim takes, and how the requests that carry a
//! burst are sized within Salesforce's own limits.

use serde::{Deserialize, Serialize};

/// Salesforce's most records in one sObject Collections request.
const MOST_RECORDS: usize = 200;
/// Salesforce's most subrequests in one composite request.
const MOST_SUBREQUESTS: usize = 25;
/// Salesforce's most query subrequests in one composite request.
const MOST_QUERIES: usize = 5;

/// `[engine.batch]`: running the commands that are due together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BatchConfig {
    /// Whether due commands of one kind share requests; off, every command runs alone.
    pub enabled: bool,
    /// Most due commands one claim takes when batching (one per person).
    pub max_commands: u32,
    /// A group smaller than this runs one command at a time.
    pub min_size: u32,
    /// Records per sObject Collections request (Salesforce: at most 200).
    pub records_per_collection: usize,
    /// Subrequests per composite request (Salesforce: at most 25).
    pub subrequests_per_composite: usize,
    /// Query subrequests per composite request (Salesforce: at most 5).
    pub queries_per_composite: usize,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            enabled: true,
            max_commands: 2000,
            min_size: 2,
            records_per_collection: MOST_RECORDS,
            subrequests_per_composite: MOST_SUBREQUESTS,
            queries_per_composite: MOST_QUERIES,
        }
    }
}

impl BatchConfig {
    /// What is out of range, as (key, what to do) pairs.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let mut check = |key: &str, value: usize, most: usize, why: &str| {
            if !(1..=most).contains(&value) {
                problems.push((
                    format!("engine.batch.{key}"),
                    format!("{value} is out of range; choose between 1 and {most} ({why})"),
                ));
            }
        };
        check(
            "max_commands",
            self.max_commands as usize,
            100_000,
            "due commands one claim takes",
        );
        check(
            "min_size",
            self.min_size as usize,
            MOST_RECORDS,
            "a smaller group runs one command at a time",
        );
        check(
            "records_per_collection",
            self.records_per_collection,
            MOST_RECORDS,
            "Salesforce takes at most 200 records in one sObject Collections request",
        );
        check(
            "subrequests_per_composite",
            self.subrequests_per_composite,
            MOST_SUBREQUESTS,
            "Salesforce takes at most 25 subrequests in one composite request",
        );
        check(
            "queries_per_composite",
            self.queries_per_composite,
            MOST_QUERIES,
            "Salesforce runs at most 5 queries in one composite request",
        );
        problems
    }
}

#[cfg(test)]
mod tests;
