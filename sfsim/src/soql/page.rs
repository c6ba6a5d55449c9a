//! Cutting a query's records into the batches the REST API answers with.
//!
//! Salesforce returns at most 2,000 records per response and a `nextRecordsUrl` for the rest;
//! `Sforce-Query-Options: batchSize=n` asks for smaller batches (200 at least). The API layer
//! keeps the rest behind a locator; these functions only decide the cut.

use serde_json::Value;

/// The most records one response carries.
pub const MAX_BATCH_SIZE: usize = 2000;

/// The fewest records a requested batch size may ask for.
pub const MIN_BATCH_SIZE: usize = 200;

/// The batch size to use for a request: the one asked for, kept within Salesforce's bounds,
/// or the maximum when none was asked for.
pub fn batch_size(requested: Option<usize>) -> usize {
    requested.map_or(MAX_BATCH_SIZE, |n| n.clamp(MIN_BATCH_SIZE, MAX_BATCH_SIZE))
}

/// Splits records into the batch answered now and the rest, kept for `nextRecordsUrl`. The
/// rest is empty when everything fits, which is when the response says `"done": true`.
/// A batch size of 0 is read as 1, so every call makes progress.
pub fn paginate(mut records: Vec<Value>, batch_size: usize) -> (Vec<Value>, Vec<Value>) {
    let rest = records.split_off(batch_size.max(1).min(records.len()));
    (records, rest)
}

#[cfg(test)]
mod tests;
