//! `POST /v1/retention/run`: a retention pass now, as `[retention]` says, on top of the
//! scheduled ones; `?dry_run=true` counts what would go and changes nothing. The answer holds
//! counts per kind of record, never a record.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde_json::{Map, Value, json};

use super::failure::store_problem;
use super::query::{QueryParams, bad_query};
use super::{Admin, Operator};
use crate::problem::Problem;
use crate::telemetry::events::RetentionSwept;

/// Runs (or counts) a pass and answers the rows per kind.
#[post("/v1/retention/run")]
pub async fn run(
    operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["dry_run"])?;
    let dry_run = match query.text("dry_run") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => return Err(bad_query(format!("dry_run '{other}' is not true or false"))),
    };
    let results = admin.store.retention_pass(&admin.retention, dry_run).await;
    let mut rows = Map::new();
    let mut removed = Vec::new();
    let mut failure = None;
    for (kind, result) in results {
        match result {
            Ok(count) => {
                rows.insert(kind.as_str().to_owned(), json!(count));
                if count > 0 {
                    removed.push((kind.as_str(), count));
                }
            }
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    if !dry_run {
        RetentionSwept { rows: &removed }.emit(&admin.metrics);
    }
    tracing::info!(actor = %operator.logged(), dry_run, "operator ran retention");
    if let Some(e) = failure {
        return Err(store_problem(e, "running retention"));
    }
    Ok(HttpResponse::Ok().json(json!({"dry_run": dry_run, "rows": Value::Object(rows)})))
}
