//! The outcome webhooks' admin routes: `GET /v1/outcome-webhooks` (the subscribers and their state),
//! `GET /v1/outcome-webhooks/deliveries`, `POST /v1/outcome-webhooks/{name}/deliveries/{id}/replay` and
//! `POST /v1/outcome-webhooks/{name}/enable`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde_json::json;

use super::failure::store_problem;
use super::page::Page;
use super::query::QueryParams;
use super::{Admin, Operator};
use crate::config::OutcomeWebhooksConfig;
use crate::domain::SubjectKey;
use crate::problem::Problem;
use crate::store::{DeliveryFilter, DeliveryState, OutboxId, SubscriberState};

const STATES: &[&str] = &["pending", "delivered", "failed", "filtered"];

/// Every configured subscriber: where it receives (the URL without its query), its filters,
/// and its state (`active`, `failing` or `disabled`, with why and since when).
#[get("/v1/outcome-webhooks")]
pub async fn list(_operator: Operator, admin: web::Data<Admin>) -> Result<HttpResponse, Problem> {
    let recorded = admin
        .store
        .webhook_subscribers()
        .await
        .map_err(|e| store_problem(e, "reading the webhook subscribers"))?;
    let items: Vec<_> = admin
        .webhooks
        .webhooks
        .iter()
        .map(|subscriber| {
            let status = recorded.iter().find(|s| s.subscriber == subscriber.name);
            let mut url = url::Url::parse(&subscriber.url).ok();
            if let Some(url) = url.as_mut() {
                url.set_query(None);
                let _ = url.set_password(None);
            }
            json!({
                "name": subscriber.name,
                "url": url.map(String::from),
                "types": subscriber.types,
                "sources": subscriber.sources,
                "retry_hours": subscriber.retry_hours,
                "state": status.map_or(SubscriberState::Active, |s| s.state),
                "reason": status.and_then(|s| s.reason.clone()),
                "changed_at": status.map(|s| s.changed_at),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

/// One page of deliveries, oldest first: `?subscriber&state&subject&limit&after`. Without
/// `state`, every delivery but the filtered ones.
#[get("/v1/outcome-webhooks/deliveries")]
pub async fn deliveries(
    _operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(
        &request,
        &["subscriber", "state", "subject", "limit", "after"],
    )?;
    let limit = query.limit(50, 500)?;
    let filter = DeliveryFilter {
        subscriber: query.text("subscriber").map(str::to_owned),
        state: query.choice::<DeliveryState>("state", STATES)?,
        subject: query.parsed("subject", SubjectKey::parse)?,
        after_seq: query.parsed("after", |text| {
            text.parse::<i64>()
                .map_err(|_| "a delivery's seq, as next_after gave it")
        })?,
        limit,
    };
    let items = admin
        .store
        .webhook_deliveries(&filter)
        .await
        .map_err(|e| store_problem(e, "listing webhook deliveries"))?;
    Ok(HttpResponse::Ok().json(Page::new(items, limit, |d| d.seq.to_string())))
}

/// Sends a delivered or failed event to the subscriber again, with the same `webhook-id`,
/// retried for the subscriber's whole window from now.
#[post("/v1/outcome-webhooks/{name}/deliveries/{id}/replay")]
pub async fn replay(
    operator: Operator,
    path: web::Path<(String, String)>,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let (name, id) = path.into_inner();
    let retry_hours = configured(&admin.webhooks, &name)?;
    let outbox_id = OutboxId::parse(&id).map_err(|_| {
        not_found(format!(
            "'{id}' is not an event id (out_ followed by a UUID); GET /v1/outcome-webhooks/deliveries lists them"
        ))
    })?;
    let now = admin.clock.now();
    let until = now + chrono::TimeDelta::hours(retry_hours as i64);
    let replayed = admin
        .store
        .replay_webhook_delivery(&name, &outbox_id, until)
        .await
        .map_err(|e| store_problem(e, "replaying a webhook delivery"))?
        .ok_or_else(|| {
            not_found(format!(
                "{name} has no delivered or failed delivery of {id} (a filtered event is never sent; a pruned one is gone)"
            ))
        })?;
    tracing::info!(subscriber = %name, event_id = %id, actor = %operator.logged(), "operator replayed a webhook delivery");
    Ok(HttpResponse::Ok().json(replayed))
}

/// Sends to a disabled or failing subscriber again: its waiting deliveries go at once.
#[post("/v1/outcome-webhooks/{name}/enable")]
pub async fn enable(
    operator: Operator,
    path: web::Path<String>,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let name = path.into_inner();
    configured(&admin.webhooks, &name)?;
    let changed = admin
        .store
        .set_webhook_subscriber(
            &name,
            SubscriberState::Active,
            Some("enabled by an operator"),
        )
        .await
        .map_err(|e| store_problem(e, "enabling a webhook subscriber"))?;
    tracing::info!(subscriber = %name, changed, actor = %operator.logged(), "operator enabled a webhook subscriber");
    Ok(HttpResponse::Ok().json(json!({ "name": name, "state": "active", "changed": changed })))
}

/// The subscriber's retry window in hours, or 404 naming the configured ones.
fn configured(webhooks: &OutcomeWebhooksConfig, name: &str) -> Result<u64, Problem> {
    webhooks
        .webhooks
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.retry_hours)
        .ok_or_else(|| {
            let names: Vec<&str> = webhooks.webhooks.iter().map(|s| s.name.as_str()).collect();
            not_found(format!(
                "no [[outcomes.webhooks]] subscriber is named '{name}'; configured: {}",
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            ))
        })
}

fn not_found(detail: String) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "unknown_delivery",
        "Not found",
        detail,
    )
}
