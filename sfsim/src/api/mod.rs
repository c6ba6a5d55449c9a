//! The REST data API under `/services/data/vXX.X/`: sObjects, describe, query, composite,
//! sObject Collections (writes and retrieve) and the User password resource.
//!
//! Every request becomes a [`Call`] and is answered by one router ([`dispatch`]) holding the
//! org's lock, so a composite subrequest is answered by exactly the code that answers the same
//! request over HTTP. Authentication, limits and faults are applied around these handlers, not
//! in them.

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use serde_json::Value;

use crate::auth::Session;
use crate::error::ApiError;
use crate::state::Sim;
use crate::traffic::DeferredLatency;

mod body;
mod collection_retrieve;
mod collections;
mod composite;
mod describe;
mod dispatch;
mod group_lock;
mod guard;
mod password;
mod query;
mod sobjects;
pub mod uri;
pub mod version;

pub use version::versions;

/// Registers the versioned data routes (mounted under `/services/data/v{version}`). Only the
/// resources below are taken, so other routes (`/limits`) can live in the same scope.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(["", "/"]).route(web::get().to(version::resources)));
    // Static prefix scopes rather than `/{resource}/{rest:.*}` routes: the handler reads the
    // path itself, and a prefix is matched without running a regular expression per request.
    for resource in ["sobjects", "query", "queryAll", "composite"] {
        cfg.service(web::scope(&format!("/{resource}")).default_service(web::to(handle)));
    }
}

/// Request headers a data handler reads (lower-case): the query batch size.
const ANSWER_HEADERS: [&str; 1] = ["sforce-query-options"];

/// One request to the data API, from HTTP or from a composite subrequest.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub method: Method,
    /// `"68.0"`.
    pub version: String,
    /// Path segments after the version, percent-decoded, without a trailing empty one.
    pub segments: Vec<String>,
    /// Decoded query parameters.
    pub query: Vec<(String, String)>,
    /// The request headers that change an answer ([`ANSWER_HEADERS`]), names lower-case.
    /// Only those: `Authorization` and the rest stay out, so a call never carries a token.
    pub headers: Vec<(String, String)>,
    pub body: CallBody,
    /// The id of the user whose session made the call: every permission is checked against
    /// that user's. `None` for calls the simulator makes itself (fixtures, control endpoints).
    pub caller: Option<String>,
}

/// A request body: raw bytes from HTTP, or JSON already parsed (composite subrequests).
#[derive(Debug, Clone)]
pub(crate) enum CallBody {
    Raw(web::Bytes),
    Json(Value),
}

impl Call {
    /// Builds a call from a URL path and query (`/services/data/v68.0/sobjects/Account?x=y`).
    /// The path must be under `/services/data/`; the version must be one the org answers.
    pub fn from_url(method: Method, url: &str, body: CallBody) -> Result<Call, ApiError> {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let rest = path
            .strip_prefix("/services/data/")
            .ok_or_else(|| ApiError::not_found("The requested resource does not exist"))?;
        let mut parts = rest.split('/');
        let version = version::parse(parts.next().unwrap_or_default())?;
        let mut segments: Vec<String> = parts.map(body::decode_segment).collect();
        if segments.last().is_some_and(String::is_empty) {
            segments.pop();
        }
        Ok(Call {
            method,
            version,
            segments,
            query: body::query_pairs(query),
            headers: Vec::new(),
            body,
            caller: None,
        })
    }

    /// The same call carrying those of `headers` that change an answer (names in any case).
    pub fn with_headers<'a>(
        mut self,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Call {
        self.headers = headers
            .into_iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value))
            .filter(|(name, _)| ANSWER_HEADERS.contains(&name.as_str()))
            .map(|(name, value)| (name, value.to_owned()))
            .collect();
        self
    }

    /// A header's value (names are case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter's value.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`JSON_PARSER_ERROR` when empty or malformed).
    pub fn json(&self) -> Result<Value, ApiError> {
        match &self.body {
            CallBody::Raw(bytes) => body::parse_value(bytes),
            CallBody::Json(value) => Ok(value.clone()),
        }
    }

    /// The body as a record (a JSON object).
    pub fn record_body(&self) -> Result<serde_json::Map<String, Value>, ApiError> {
        body::as_object(self.json()?, "SObject")
    }

    /// Whether the method reads (GET, or HEAD which answers as GET without a body).
    pub fn is_read(&self) -> bool {
        self.method == Method::GET || self.method == Method::HEAD
    }
}

/// An answer: status, headers and an optional JSON body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    /// 204 No Content.
    pub fn no_content() -> Reply {
        Reply {
            status: StatusCode::NO_CONTENT,
            headers: Vec::new(),
            body: None,
        }
    }

    /// An error in Salesforce's shape.
    pub fn error(error: &ApiError) -> Reply {
        Reply::json(
            error.status,
            serde_json::to_value(&error.errors).unwrap_or(Value::Null),
        )
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: String) -> Reply {
        self.headers.push((name.to_owned(), value));
        self
    }

    fn into_response(self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        for (name, value) in &self.headers {
            response.insert_header((name.as_str(), value.as_str()));
        }
        match self.body {
            Some(body) => response.json(body),
            None => response.finish(),
        }
    }
}

/// Every data route: build the call, answer it under the org's lock. A collection create's
/// latency was left to this handler (`traffic::DeferredLatency`): it is taken here, after the
/// group-membership lock when the create needs it, and never under the org's lock.
async fn handle(req: HttpRequest, bytes: web::Bytes, sim: web::Data<Sim>) -> HttpResponse {
    let url = match req.uri().query() {
        Some(q) => format!("{}?{q}", req.path()),
        None => req.path().to_owned(),
    };
    let latency = req
        .extensions()
        .get::<DeferredLatency>()
        .map(|d| d.0)
        .unwrap_or_default();
    let call = match Call::from_url(req.method().clone(), &url, CallBody::Raw(bytes)) {
        Ok(call) => {
            let headers = req
                .headers()
                .iter()
                .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
            let mut call = call.with_headers(headers);
            call.caller = req.extensions().get::<Session>().map(|s| s.user_id.clone());
            call
        }
        Err(error) => return Reply::error(&error).into_response(),
    };
    let role_based = group_lock::creates_role_based_users(&sim.org.lock(), &call);
    let hold = if role_based {
        match sim.traffic.group_lock.try_hold() {
            Some(hold) => Some(hold),
            None => {
                sleep(latency).await;
                return group_lock::refused(&call).into_response();
            }
        }
    } else {
        None
    };
    sleep(latency).await;
    let reply = dispatch::dispatch(&mut sim.org.lock(), &call);
    drop(hold);
    reply.into_response()
}

async fn sleep(latency: std::time::Duration) {
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

#[cfg(test)]
mod tests;
