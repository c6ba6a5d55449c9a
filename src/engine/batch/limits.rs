//! The sizes Salesforce allows each bulk request, and the ones configured within them.

use crate::salesforce::{MAX_COLLECTION, MAX_QUERIES, MAX_SUBREQUESTS};

/// Longest URI Salesforce takes for a GET (a query's SOQL is in it), percent-encoded.
pub const MAX_URI_BYTES: usize = 16_384;

/// The limits a batch's requests keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Records per sObject Collection request (Salesforce: at most 200).
    pub records: usize,
    /// Subrequests per composite (Salesforce: at most 25).
    pub subrequests: usize,
    /// Queries per composite (Salesforce: at most 5).
    pub queries: usize,
    /// Percent-encoded bytes of a query's URI (Salesforce: at most 16,384).
    pub uri_bytes: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            records: MAX_COLLECTION,
            subrequests: MAX_SUBREQUESTS,
            queries: MAX_QUERIES,
            uri_bytes: MAX_URI_BYTES,
        }
    }
}

impl From<&crate::config::BatchConfig> for BatchLimits {
    /// The configured sizes; the URI limit is Salesforce's own.
    fn from(config: &crate::config::BatchConfig) -> Self {
        BatchLimits {
            records: config.records_per_collection,
            subrequests: config.subrequests_per_composite,
            queries: config.queries_per_composite,
            uri_bytes: MAX_URI_BYTES,
        }
    }
}
