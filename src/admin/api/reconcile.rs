//! `POST /v1/reconcile` (a reconciliation with the org now: a dry run unless `?apply=true`),
//! `GET /v1/reconcile` (the last run's report) and `POST /v1/reconcile/adopt` (an external
//! user created outside Gatehouse linked to a new lifecycle record).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use super::failure::store_problem;
use super::{Admin, Operator};
use crate::problem::Problem;
use crate::reconcile::org::{AdoptError, Reconciler};

#[derive(Deserialize)]
pub struct RunQuery {
    #[serde(default)]
    apply: bool,
    /// Records per query batch asked of Salesforce (200 to 2,000).
    batch_size: Option<u16>,
}

/// Runs a reconciliation and answers its report.
#[post("/v1/reconcile")]
pub async fn run(
    operator: Operator,
    query: web::Query<RunQuery>,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let reconciler = reconciler(&admin)?;
    tracing::info!(
        actor = %operator.logged(),
        apply = query.apply,
        "operator started a reconciliation"
    );
    let report = reconciler
        .run(query.apply, query.batch_size, None, Some(&operator.actor))
        .await
        .map_err(|e| {
            tracing::warn!(error = %crate::report::chain(&e), "a reconciliation failed");
            Problem::new(
                StatusCode::BAD_GATEWAY,
                "reconcile_failed",
                "Reconciliation failed",
                format!("{}; nothing was enqueued", crate::report::chain(&e)),
            )
        })?;
    if query.apply {
        admin.worker.notify_one();
    }
    Ok(HttpResponse::Ok().json(report))
}

/// The last run's report.
#[get("/v1/reconcile")]
pub async fn last(_operator: Operator, admin: web::Data<Admin>) -> Result<HttpResponse, Problem> {
    let report = admin
        .store
        .last_reconcile_report()
        .await
        .map_err(|e| store_problem(e, "reading the last reconciliation report"))?;
    match report {
        Some(report) => Ok(HttpResponse::Ok().json(report)),
        None => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "no_reconcile_report",
            "No reconciliation yet",
            "no reconciliation has run; POST /v1/reconcile runs one",
        )),
    }
}

/// The body of `POST /v1/reconcile/adopt`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdoptBody {
    /// The external user's id, as a reconciliation's `unmanaged` finding names it.
    user_id: String,
    /// The key to file them under; the Contact's key (`adoptable_as`) when absent.
    #[serde(default)]
    subject: Option<String>,
}

/// Adopts an external user created outside Gatehouse: a lifecycle record for them, in the
/// state the org shows, with the operator and the time in its history.
#[post("/v1/reconcile/adopt")]
pub async fn adopt(
    operator: Operator,
    body: web::Bytes,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let reconciler = reconciler(&admin)?;
    let body: AdoptBody = serde_json::from_slice(&body).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad_adoption",
            "Unreadable adoption",
            format!(
                "the body must be JSON like {{\"user_id\": \"005…\", \"subject\": \"partner-portal:u-1\"}} \
                 (subject optional): {e}"
            ),
        )
    })?;
    let adopted = reconciler
        .adopt(&body.user_id, body.subject.as_deref(), &operator.actor)
        .await
        .map_err(adopt_problem)?;
    Ok(HttpResponse::Created().json(adopted))
}

fn reconciler(admin: &Admin) -> Result<&Reconciler, Problem> {
    admin.reconciler.as_deref().ok_or_else(|| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "reconcile_unavailable",
            "Reconciliation unavailable",
            "this server was started without a connection to the org",
        )
    })
}

fn adopt_problem(error: AdoptError) -> Problem {
    let detail = crate::report::chain(&error).to_string();
    match error {
        AdoptError::NoSuchUser(_) => Problem::new(
            StatusCode::NOT_FOUND,
            "unknown_org_user",
            "Not found",
            format!("{detail}; GET /v1/reconcile lists the unmanaged users"),
        ),
        AdoptError::NotExternal(_) | AdoptError::NoKey(_) | AdoptError::BadKey { .. } => {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_adoptable",
                "Cannot adopt",
                detail,
            )
        }
        AdoptError::Store(e) if e.kind() == crate::store::StoreErrorKind::Refused => Problem::new(
            StatusCode::CONFLICT,
            "not_adoptable",
            "Cannot adopt",
            e.to_string(),
        ),
        AdoptError::Store(e) => store_problem(e, "recording the adoption"),
        AdoptError::Org(_) => {
            tracing::warn!(error = %detail, "an adoption could not read the org");
            Problem::new(
                StatusCode::BAD_GATEWAY,
                "org_unavailable",
                "The org did not answer",
                format!("{detail}; nothing was written"),
            )
        }
    }
}
