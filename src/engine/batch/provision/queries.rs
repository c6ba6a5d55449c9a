//! Queries sent together: as many to a composite as Salesforce allows (five), each answered
//! with all its rows.

use crate::engine::batch::BatchLimits;
use crate::salesforce::{CallError, CompositeRequest, Record, SalesforceClient};

/// Runs `queries` in composites of at most `limits.queries` and returns each one's rows, in
/// order. A query whose answer is paged (more rows than one batch) is read again on its own,
/// following its pages: a composite answers a query's first batch only.
pub(super) async fn run(
    client: &SalesforceClient,
    limits: &BatchLimits,
    queries: &[String],
) -> Result<Vec<Vec<Record>>, CallError> {
    let mut rows = Vec::with_capacity(queries.len());
    let per_request = limits.queries.min(limits.subrequests).max(1);
    for chunk in queries.chunks(per_request) {
        let mut request = CompositeRequest::new(false);
        for (n, soql) in chunk.iter().enumerate() {
            request.query(&format!("q{n}"), soql);
        }
        let response = client.composite(&request).await?;
        for (n, soql) in chunk.iter().enumerate() {
            let Some(answer) = response.get(&format!("q{n}")) else {
                rows.push(Vec::new());
                continue;
            };
            let mut records = answer.records().map_err(CallError::Refused)?;
            if answer.body.get("done").and_then(serde_json::Value::as_bool) == Some(false) {
                records = client.query(soql).await?.records;
            }
            rows.push(records);
        }
    }
    Ok(rows)
}
