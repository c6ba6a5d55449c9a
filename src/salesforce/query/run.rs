//! SOQL queries, following `nextRecordsUrl` until the result is complete.

use reqwest::Method;
use serde::Deserialize;

use super::record::Record;
use crate::salesforce::transport::{CallError, Request, SalesforceClient};

/// One batch of a query result (at most 2,000 records).
#[derive(Deserialize)]
struct Batch {
    #[serde(rename = "totalSize", default)]
    total_size: u64,
    done: bool,
    #[serde(rename = "nextRecordsUrl", default)]
    next_records_url: Option<String>,
    #[serde(default)]
    records: Vec<Record>,
}

/// A whole query result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryResult {
    /// What Salesforce counted: the number of rows, or the count of a `SELECT COUNT()`.
    pub total_size: u64,
    pub records: Vec<Record>,
}

impl SalesforceClient {
    /// Runs `soql` and reads every batch: one API call per batch. Put values in with
    /// [`super::soql::quote`], never by hand.
    pub async fn query(&self, soql: &str) -> Result<QueryResult, CallError> {
        let first = Request::new(Method::GET, self.paths().query()).query("q", soql);
        let mut batch: Batch = self.send(first).await?.json()?;
        let mut result = QueryResult {
            total_size: batch.total_size,
            records: std::mem::take(&mut batch.records),
        };
        while !batch.done {
            let Some(next) = batch.next_records_url.take() else {
                return Err(CallError::Unreadable {
                    status: 200,
                    detail: "a query batch says it is not done but gives no nextRecordsUrl".into(),
                });
            };
            // The cursor path comes from Salesforce; it is sent as is, but only to the same
            // instance: a path that is not the data API's would carry the token elsewhere.
            if !next.starts_with("/services/data/") || next.contains("..") {
                return Err(CallError::Unreadable {
                    status: 200,
                    detail: "nextRecordsUrl is not a data API path".into(),
                });
            }
            batch = self.send(Request::new(Method::GET, next)).await?.json()?;
            result.records.append(&mut batch.records);
        }
        Ok(result)
    }
}
