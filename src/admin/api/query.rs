//! Query strings of the admin routes: only the parameters a route knows, each read into its
//! type with a refusal that names the parameter and what it takes.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// The query parameters of one request.
pub struct QueryParams {
    values: HashMap<String, String>,
}

impl QueryParams {
    /// Reads the query string, refusing parameters the route does not take (a misspelt filter
    /// would otherwise silently list everything).
    pub fn read(request: &HttpRequest, allowed: &[&str]) -> Result<QueryParams, Problem> {
        let pairs = web::Query::<Vec<(String, String)>>::from_query(request.query_string())
            .map_err(|e| bad_query(format!("the query string cannot be read: {e}")))?;
        let mut values = HashMap::new();
        for (name, value) in pairs.into_inner() {
            if !allowed.contains(&name.as_str()) {
                return Err(bad_query(format!(
                    "unknown query parameter '{name}'; this endpoint takes {}",
                    list(allowed)
                )));
            }
            if values.insert(name.clone(), value).is_some() {
                return Err(bad_query(format!("'{name}' is given more than once")));
            }
        }
        Ok(QueryParams { values })
    }

    /// A parameter's text; an empty value counts as absent.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// `limit`: 1 to `max`, `default` when absent.
    pub fn limit(&self, default: u32, max: u32) -> Result<u32, Problem> {
        let Some(text) = self.text("limit") else {
            return Ok(default);
        };
        match text.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(bad_query(format!(
                "limit must be a whole number from 1 to {max}; got '{text}'"
            ))),
        }
    }

    /// A parameter naming one of the API's snake_case names (a state, an outcome, a status).
    pub fn choice<T: DeserializeOwned>(
        &self,
        name: &str,
        options: &[&str],
    ) -> Result<Option<T>, Problem> {
        let Some(text) = self.text(name) else {
            return Ok(None);
        };
        serde_json::from_value(serde_json::Value::String(text.to_owned()))
            .map(Some)
            .map_err(|_| bad_query(format!("{name} '{text}' is not one of {}", list(options))))
    }

    /// A parameter read with `parse`, whose error says what the value should look like.
    pub fn parsed<T, E: std::fmt::Display>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, Problem> {
        let Some(text) = self.text(name) else {
            return Ok(None);
        };
        parse(text)
            .map(Some)
            .map_err(|e| bad_query(format!("{name}: {e}")))
    }
}

/// A refused query string.
pub fn bad_query(detail: String) -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "bad_query",
        "Query not understood",
        detail,
    )
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
