//! `GET /v1/inbox`, `GET /v1/inbox/{event_id}` and `POST /v1/inbox/{event_id}/replay`: accepted
//! events, above all those kept `unmapped` or `ignored`, and putting them back for mapping once
//! the rules (or the sender) are fixed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use super::failure::store_problem;
use super::page::Page;
use super::query::QueryParams;
use super::{Admin, Operator};
use crate::problem::Problem;
use crate::store::{EventId, InboxEvent, InboxFilter, InboxStatus, KeyOrigin};

const STATUSES: &[&str] = &["accepted", "mapped", "ignored", "unmapped"];

/// An event as operators see it. Listings leave the body out (it is personal data, and large);
/// the single-event view adds it.
#[derive(Debug, Serialize)]
pub struct EventView<'a> {
    pub event_id: &'a EventId,
    pub source: &'a str,
    pub dedupe_key: &'a str,
    pub key_origin: KeyOrigin,
    pub received_at: DateTime<Utc>,
    pub source_time: Option<DateTime<Utc>>,
    pub content_type: &'a str,
    pub body_bytes: usize,
    pub traceparent: Option<&'a str>,
    pub status: InboxStatus,
    /// Why it was ignored or stayed unmapped: the rule's reason, or the missing field.
    pub reason: Option<&'a str>,
    pub attempts: u32,
    pub replays: u32,
    pub replayed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// SHA-256 of the body as received (hex); kept once the body is dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_sha256: Option<&'a str>,
    /// When retention dropped the body (`[retention] inbox_bodies_days`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_dropped_at: Option<DateTime<Utc>>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodyView>,
}

/// The body as text when it is UTF-8 (JSON, XML), else base64.
#[derive(Debug, Serialize)]
pub struct BodyView {
    pub body: String,
    /// `utf-8` or `base64`.
    pub body_encoding: &'static str,
}

impl<'a> EventView<'a> {
    fn of(event: &'a InboxEvent, with_body: bool) -> EventView<'a> {
        let with_body = with_body && event.body_dropped_at.is_none();
        let body = with_body.then(|| match std::str::from_utf8(&event.body) {
            Ok(text) => BodyView {
                body: text.to_owned(),
                body_encoding: "utf-8",
            },
            Err(_) => BodyView {
                body: STANDARD.encode(&event.body),
                body_encoding: "base64",
            },
        });
        EventView {
            event_id: &event.event_id,
            source: &event.source,
            dedupe_key: &event.dedupe_key,
            key_origin: event.key_origin,
            received_at: event.received_at,
            source_time: event.source_time,
            content_type: &event.content_type,
            body_bytes: event.body.len(),
            traceparent: event.traceparent.as_deref(),
            status: event.status,
            reason: event.reason.as_deref(),
            attempts: event.attempts,
            replays: event.replays,
            replayed_at: event.replayed_at,
            updated_at: event.updated_at,
            body_sha256: event.body_sha256.as_deref(),
            body_dropped_at: event.body_dropped_at,
            body,
        }
    }
}

/// One page of events, oldest first, bodies left out: `?status&source&limit&after`.
#[get("/v1/inbox")]
pub async fn list(
    _operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["status", "source", "limit", "after"])?;
    let filter = InboxFilter {
        status: query.choice::<InboxStatus>("status", STATUSES)?,
        source: query.text("source").map(str::to_owned),
        limit: query.limit(100, InboxFilter::MAX_LIMIT)?,
        after: query.parsed("after", EventId::parse)?,
    };
    let events = admin
        .store
        .list(&filter)
        .await
        .map_err(|e| store_problem(e, "listing inbox events"))?;
    let views: Vec<EventView<'_>> = events.iter().map(|e| EventView::of(e, false)).collect();
    let page = Page::new(views, filter.limit, |v| v.event_id.to_string());
    Ok(HttpResponse::Ok().json(page))
}

/// One event with its body, exactly as received.
#[get("/v1/inbox/{event_id}")]
pub async fn show(
    _operator: Operator,
    path: web::Path<String>,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let text = path.into_inner();
    let id = event_id(&text)?;
    let event = admin
        .store
        .get(&id)
        .await
        .map_err(|e| store_problem(e, "reading the inbox event"))?
        .ok_or_else(|| unknown_event(&text))?;
    Ok(HttpResponse::Ok().json(EventView::of(&event, true)))
}

/// Puts an `unmapped` or `ignored` event back to `accepted` and wakes the intake, which maps it
/// with the rules as they are now. 202: the mapping happens next, and the event's status says
/// how it went.
#[post("/v1/inbox/{event_id}/replay")]
pub async fn replay(
    operator: Operator,
    path: web::Path<String>,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let text = path.into_inner();
    let id = event_id(&text)?;
    admin
        .store
        .requeue(&id)
        .await
        .map_err(|e| store_problem(e, "putting the event back for mapping"))?;
    admin.intake.notify_one();
    tracing::info!(
        event_id = id.as_str(),
        actor = %operator.logged(),
        "operator put an event back for mapping"
    );
    Ok(HttpResponse::Accepted().json(json!({
        "event_id": id,
        "status": InboxStatus::Accepted,
    })))
}

fn event_id(text: &str) -> Result<EventId, Problem> {
    EventId::parse(text).map_err(|_| unknown_event(text))
}

fn unknown_event(text: &str) -> Problem {
    let detail = if EventId::parse(text).is_ok() {
        format!("inbox event {text} does not exist")
    } else {
        format!("'{text}' is not an event id (evt_ followed by a UUID); GET /v1/inbox lists them")
    };
    Problem::new(StatusCode::NOT_FOUND, "unknown_event", "Not found", detail)
}

#[cfg(test)]
mod tests;
