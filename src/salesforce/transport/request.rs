//! A request about to be sent and a successful answer, as every operation builds and reads them.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::call_error::CallError;
use crate::salesforce::raw_text::raw_text;

/// A request about to be sent.
pub(crate) struct Request {
    pub method: Method,
    /// Path on the instance, starting with `/services/`; pieces from data already encoded.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    /// Headers beside authorization and content negotiation (`Sforce-Query-Options`).
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
}

impl Request {
    pub fn new(method: Method, path: String) -> Self {
        Request {
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

/// A successful answer (status below 400).
pub(crate) struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as `T`, or [`CallError::Undecodable`] naming what did not fit.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, CallError> {
        serde_json::from_slice(&self.body).map_err(|cause| CallError::Undecodable {
            status: self.status,
            body: raw_text(&self.body),
            cause,
        })
    }

    /// An answer with a status the operation does not expect.
    pub fn unexpected(&self) -> CallError {
        CallError::Unreadable {
            status: self.status,
            detail: format!("unexpected status; body: {}", raw_text(&self.body)),
        }
    }
}
