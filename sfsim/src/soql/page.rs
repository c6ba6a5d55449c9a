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
mod tests {
    use super::*;
    use serde_json::json;

    fn numbered(n: usize) -> Vec<Value> {
        (0..n).map(|i| json!({ "n": i })).collect()
    }

    #[test]
    fn records_beyond_the_batch_are_kept_for_later_in_order() {
        let (first, rest) = paginate(numbered(4500), MAX_BATCH_SIZE);
        assert_eq!(first.len(), 2000);
        assert_eq!(rest.len(), 2500);
        assert_eq!(first[1999], json!({ "n": 1999 }));
        assert_eq!(rest[0], json!({ "n": 2000 }));
        let (second, rest) = paginate(rest, MAX_BATCH_SIZE);
        assert_eq!((second.len(), rest.len()), (2000, 500));
    }

    #[test]
    fn a_result_that_fits_leaves_nothing_behind() {
        let (first, rest) = paginate(numbered(3), MAX_BATCH_SIZE);
        assert_eq!(first.len(), 3);
        assert!(rest.is_empty());
        let (first, rest) = paginate(Vec::new(), MAX_BATCH_SIZE);
        assert!(first.is_empty() && rest.is_empty());
        let (first, rest) = paginate(numbered(2), 0);
        assert_eq!((first.len(), rest.len()), (1, 1));
    }

    #[test]
    fn requested_batch_sizes_stay_within_salesforce_bounds() {
        assert_eq!(batch_size(None), 2000);
        assert_eq!(batch_size(Some(50)), 200);
        assert_eq!(batch_size(Some(500)), 500);
        assert_eq!(batch_size(Some(10_000)), 2000);
    }
}
