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
    /// Batches read: the API calls the query cost.
    pub batches: u64,
}

/// How a long query is read: the batch size asked for (`Sforce-Query-Options: batchSize=`,
/// 200 to 2,000; Salesforce treats it as a hint and may answer other sizes) and who hears of
/// each batch as it arrives.
#[derive(Default)]
pub struct Paging<'a> {
    pub batch_size: Option<u16>,
    /// Called after each batch with the records read so far and the result's total.
    pub on_batch: Option<&'a (dyn Fn(usize, u64) + Send + Sync)>,
}

impl SalesforceClient {
    /// Runs `soql` and reads every batch: one API call per batch. Put values in with
    /// [`super::soql::quote`], never by hand.
    pub async fn query(&self, soql: &str) -> Result<QueryResult, CallError> {
        self.query_paged(soql, &Paging::default()).await
    }

    /// Runs `soql` as [`SalesforceClient::query`] does, asking for batches of
    /// `paging.batch_size` and telling `paging.on_batch` of each.
    pub async fn query_paged(
        &self,
        soql: &str,
        paging: &Paging<'_>,
    ) -> Result<QueryResult, CallError> {
        let options = paging
            .batch_size
            .map(|size| format!("batchSize={}", size.clamp(200, 2000)));
        let with_options = |request: Request| match &options {
            Some(value) => request.header("Sforce-Query-Options", value.clone()),
            None => request,
        };
        let first =
            || with_options(Request::new(Method::GET, self.paths().query()).query("q", soql));
        let mut batch = self.read_batch(first).await?;
        let mut result = QueryResult {
            total_size: batch.total_size,
            records: std::mem::take(&mut batch.records),
            batches: 1,
        };
        let tell = |result: &QueryResult| {
            if let Some(on_batch) = paging.on_batch {
                on_batch(result.records.len(), result.total_size);
            }
        };
        tell(&result);
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
            batch = self
                .read_batch(|| with_options(Request::new(Method::GET, next.clone())))
                .await?;
            result.records.append(&mut batch.records);
            result.batches += 1;
            tell(&result);
        }
        Ok(result)
    }

    /// Reads one batch. A query is a read, so when the connection closed before any answer
    /// came — a pooled connection the server closed as idle just as the request went out, as
    /// happens after a long pause between calls — it is asked once more, on a new connection.
    async fn read_batch(&self, request: impl Fn() -> Request) -> Result<Batch, CallError> {
        match self.send(request()).await {
            Err(CallError::Unreachable {
                timed_out: false,
                cause,
            }) => {
                tracing::info!(
                    error = %crate::report::chain(&*cause),
                    "a query batch's connection closed before the answer; asking once more"
                );
                self.send(request()).await?.json()
            }
            answer => answer?.json(),
        }
    }
}
