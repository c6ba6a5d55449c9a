//! The request log's middleware, around every API request (never `/__sim/`).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use futures::StreamExt;
use serde_json::Value;

use super::drop::Dropped;
use super::log::{LoggedRequest, bounded, redacted_query};
use super::{data_path, endpoint_name};
use crate::state::Sim;

/// Logs and counts each request once its answer is known. Reads the response body of error
/// answers (small) to log their `errorCode`, and both bodies of data calls when body logging
/// is on. Token requests never have their bodies kept: they carry secrets.
pub async fn observe<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let sim = match req.app_data::<web::Data<Sim>>() {
        Some(sim) if !req.path().starts_with("/__sim") => sim.clone(),
        _ => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    let time = sim.clock.now();
    let raw_path = req.path().to_owned();
    let method = req.method().to_string();
    let path = match req.query_string() {
        "" => bounded(req.path()),
        query => bounded(&format!("{}?{}", req.path(), redacted_query(query))),
    };
    let keep_bodies = data_path(req.path()).is_some() && sim.traffic.log.keeps_bodies();
    let request_body = if keep_bodies {
        buffer_request(&mut req, sim.traffic.max_body_bytes()).await
    } else {
        None
    };
    let mut entry = LoggedRequest {
        seq: 0,
        time,
        endpoint: String::new(),
        method,
        path,
        status: None,
        error_code: None,
        dropped: false,
        request_body,
        response_body: None,
    };
    let res = match next.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(error) => {
            // Routing is over, but the request went with the error; count it as unknown.
            let response = error.error_response();
            entry.endpoint = endpoint_name(&entry.method, &raw_path, None);
            entry.status = Some(response.status().as_u16());
            let bytes = actix_web::body::to_bytes(response.into_body())
                .await
                .unwrap_or_default();
            entry.error_code = error_code(&String::from_utf8_lossy(&bytes));
            sim.traffic.log.record(entry);
            return Err(error);
        }
    };
    // Data calls are named from their path alone; asking the router for the matched pattern
    // walks every route again (regular expressions included), so it is done only for the rest.
    let pattern = match data_path(&raw_path) {
        Some(_) => None,
        None => res.request().match_pattern(),
    };
    entry.endpoint = endpoint_name(&entry.method, &raw_path, pattern.as_deref());
    if res.request().extensions().get::<Dropped>().is_some() {
        entry.dropped = true;
        sim.traffic.log.record(entry);
        return Ok(res);
    }
    entry.status = Some(res.status().as_u16());
    if !(res.status().as_u16() >= 300 || keep_bodies) {
        sim.traffic.log.record(entry);
        return Ok(res);
    }
    let (http_req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    entry.error_code = error_code(&text);
    if keep_bodies {
        entry.response_body = Some(bounded(&text));
    }
    sim.traffic.log.record(entry);
    Ok(ServiceResponse::new(
        http_req,
        head.set_body(BoxBody::new(bytes)),
    ))
}

/// Reads the request body so it can be logged, and puts it back for the handler. Only bodies
/// with a declared length within the limit are read; others are left to stream.
async fn buffer_request(req: &mut ServiceRequest, limit: usize) -> Option<String> {
    let length: usize = req
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    if length > limit {
        return None;
    }
    let mut payload = req.take_payload();
    let mut body = Vec::with_capacity(length);
    let mut failed = false;
    while let Some(chunk) = payload.next().await {
        match chunk {
            Ok(chunk) => body.extend_from_slice(&chunk),
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    let text = bounded(&String::from_utf8_lossy(&body));
    req.set_payload(Payload::from(body));
    (!failed).then_some(text)
}

/// The first `errorCode` of a Salesforce error array, or the `error` of an OAuth refusal.
fn error_code(body: &str) -> Option<String> {
    match serde_json::from_str::<Value>(body).ok()? {
        Value::Array(errors) => errors
            .first()?
            .get("errorCode")?
            .as_str()
            .map(str::to_owned),
        Value::Object(refusal) => refusal.get("error")?.as_str().map(str::to_owned),
        _ => None,
    }
}
