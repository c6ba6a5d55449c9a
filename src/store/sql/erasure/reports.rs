//! The reports that name several people (roster runs, reconciliations), emptied of one.

use serde_json::Value;
use sqlx::QueryBuilder;

use super::super::row::unreadable;
use super::super::{Connection, Db, classify};
use crate::store::erasure::scrub_report;
use crate::store::error::StoreError;

const SCRUBBING: &str = "removing a subject from reports";

/// The tables whose `report` column is JSON naming people, with their key column.
const REPORTS: [(&str, &str); 2] = [("roster_runs", "run_id"), ("reconcile_reports", "run_id")];

/// Removes the person's entries from every report that mentions one of `needles`; answers how
/// many reports changed.
pub(super) async fn scrub_reports(
    connection: &mut Connection,
    needles: &[String],
) -> Result<u64, StoreError> {
    if needles.is_empty() {
        return Ok(0);
    }
    let mut changed = 0;
    for (table, key) in REPORTS {
        // LIKE finds at least every report holding a needle (`_` and `%` in one match more),
        // and the JSON is then read to decide.
        let mut query =
            QueryBuilder::<Db>::new(format!("SELECT {key}, report FROM {table} WHERE 1 = 0"));
        for needle in needles {
            query
                .push(" OR report LIKE ")
                .push_bind(format!("%{needle}%"));
        }
        let rows: Vec<(String, String)> = query
            .build_query_as()
            .fetch_all(&mut *connection)
            .await
            .map_err(|source| classify(SCRUBBING, source))?;
        for (id, text) in rows {
            let mut report: Value = serde_json::from_str(&text)
                .map_err(|source| unreadable(format!("the report of {table} {id}"), source))?;
            if !scrub_report(&mut report, needles) {
                continue;
            }
            sqlx::query(&format!("UPDATE {table} SET report = $1 WHERE {key} = $2"))
                .bind(report.to_string())
                .bind(&id)
                .execute(&mut *connection)
                .await
                .map_err(|source| classify(SCRUBBING, source))?;
            changed += 1;
        }
    }
    Ok(changed)
}
