//! Query cursors: results larger than a batch are answered a batch at a time (2,000 records,
//! or the smaller `batchSize` the query asked for), the rest kept behind a locator
//! (`/query/01g…-2000`) the client follows. Later pages keep the first page's batch size.

use std::collections::VecDeque;

use serde_json::Value;

use crate::error::ApiError;
use crate::ids::{self, IdGenerator};

/// How many cursors stay open; older ones expire, as Salesforce expires idle locators.
const OPEN_LIMIT: usize = 50;

/// One page of a query result.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryPage {
    /// Records of the whole result.
    pub total_size: usize,
    pub records: Vec<Value>,
    /// `{locator}-{offset}` of the next page, when there is one.
    pub next: Option<String>,
}

/// Open cursors.
#[derive(Debug, Clone, Default)]
pub struct QueryCursors {
    ids: IdGenerator,
    open: VecDeque<Cursor>,
}

/// An open result: its locator, every record, and how many records a page holds.
#[derive(Debug, Clone)]
struct Cursor {
    locator: String,
    records: Vec<Value>,
    batch: usize,
}

impl QueryCursors {
    /// The first page of a result, `batch` records long (at least 1); the rest is kept behind
    /// a new locator.
    pub fn first_page(&mut self, records: Vec<Value>, batch: usize) -> QueryPage {
        let batch = batch.max(1);
        let total_size = records.len();
        if total_size <= batch {
            return QueryPage {
                total_size,
                records,
                next: None,
            };
        }
        let locator = self.ids.next(ids::QUERY_LOCATOR);
        let first = records[..batch].to_vec();
        self.open.push_back(Cursor {
            locator: locator.clone(),
            records,
            batch,
        });
        while self.open.len() > OPEN_LIMIT {
            self.open.pop_front();
        }
        QueryPage {
            total_size,
            records: first,
            next: Some(format!("{locator}-{batch}")),
        }
    }

    /// The page at `{locator}-{offset}`; an unknown or expired locator is
    /// `INVALID_QUERY_LOCATOR`.
    pub fn page(&mut self, locator_and_offset: &str) -> Result<QueryPage, ApiError> {
        let invalid = || ApiError::bad_request("INVALID_QUERY_LOCATOR", "invalid query locator");
        let (locator, offset) = locator_and_offset
            .rsplit_once('-')
            .and_then(|(l, o)| o.parse::<usize>().ok().map(|o| (l, o)))
            .ok_or_else(invalid)?;
        let Cursor { records, batch, .. } = self
            .open
            .iter()
            .find(|c| c.locator == locator)
            .ok_or_else(invalid)?;
        if offset >= records.len() {
            return Err(invalid());
        }
        let end = (offset + batch).min(records.len());
        Ok(QueryPage {
            total_size: records.len(),
            records: records[offset..end].to_vec(),
            next: (end < records.len()).then(|| format!("{locator}-{end}")),
        })
    }
}

#[cfg(test)]
mod tests;
