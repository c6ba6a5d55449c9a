//! A stand-in for `crate::soql::{parse, execute_at}` while the SOQL module is being written:
//! the same signatures over a deliberately small subset (`SELECT a, Rel.b FROM T [WHERE x = v
//! [AND …]] [LIMIT n]`). When the SOQL module lands, `query.rs` switches its `use` to
//! `crate::soql` and this file goes.

use actix_web::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::ids;
use crate::org::record_url;
use crate::record::Record;
use crate::soql::DataSource;

/// A parsed query.
#[derive(Debug, Clone)]
pub struct Query {
    object: String,
    fields: Vec<String>,
    conditions: Vec<(String, Value)>,
    limit: Option<usize>,
}

/// What a query found.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub total_size: usize,
    pub records: Vec<Value>,
}

fn malformed(message: &str) -> ApiError {
    ApiError::bad_request("MALFORMED_QUERY", message.to_owned())
}

/// Splits SOQL into words, commas and quoted strings (quotes kept).
fn tokens(text: &str) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == ',' || c == '=' {
            out.push(c.to_string());
            chars.next();
        } else if c == '\'' {
            chars.next();
            let mut s = String::from("'");
            loop {
                match chars.next() {
                    Some('\\') => s.extend(chars.next()),
                    Some('\'') => break,
                    Some(other) => s.push(other),
                    None => return Err(malformed("unterminated string literal")),
                }
            }
            out.push(s);
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == ',' || c == '=' || c == '\'' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            out.push(word);
        }
    }
    Ok(out)
}

/// Parses the subset.
pub fn parse(text: &str) -> Result<Query, ApiError> {
    let tokens = tokens(text)?;
    let mut it = tokens.iter().peekable();
    if !it.next().is_some_and(|t| t.eq_ignore_ascii_case("SELECT")) {
        return Err(malformed("unexpected token: expected SELECT"));
    }
    let mut fields = Vec::new();
    loop {
        let field = it
            .next()
            .ok_or_else(|| malformed("unexpected end of query"))?;
        fields.push(field.clone());
        match it.next() {
            Some(t) if t == "," => continue,
            Some(t) if t.eq_ignore_ascii_case("FROM") => break,
            _ => return Err(malformed("unexpected token: expected FROM")),
        }
    }
    let object = it
        .next()
        .ok_or_else(|| malformed("unexpected end of query"))?
        .clone();
    let mut conditions = Vec::new();
    let mut limit = None;
    while let Some(word) = it.next() {
        if word.eq_ignore_ascii_case("WHERE") || word.eq_ignore_ascii_case("AND") {
            let field = it
                .next()
                .ok_or_else(|| malformed("unexpected end of query"))?;
            if it.next().map(String::as_str) != Some("=") {
                return Err(malformed("unexpected token: expected ="));
            }
            let literal = it
                .next()
                .ok_or_else(|| malformed("unexpected end of query"))?;
            conditions.push((field.clone(), literal_value(literal)?));
        } else if word.eq_ignore_ascii_case("LIMIT") {
            let n = it.next().and_then(|n| n.parse().ok());
            limit = Some(n.ok_or_else(|| malformed("LIMIT needs a number"))?);
        } else {
            return Err(malformed(&format!("unexpected token: {word}")));
        }
    }
    Ok(Query {
        object,
        fields,
        conditions,
        limit,
    })
}

fn literal_value(token: &str) -> Result<Value, ApiError> {
    if let Some(s) = token.strip_prefix('\'') {
        return Ok(Value::String(s.to_owned()));
    }
    match token.to_ascii_lowercase().as_str() {
        "true" => Ok(json!(true)),
        "false" => Ok(json!(false)),
        "null" => Ok(Value::Null),
        _ => token
            .parse::<f64>()
            .map(|n| json!(n))
            .map_err(|_| malformed(&format!("unexpected token: {token}"))),
    }
}

/// Runs a parsed query over the org's records (the subset has no date literals, so `now` is
/// not read).
pub fn execute_at(
    query: &Query,
    source: &dyn DataSource,
    api_version: &str,
    _now: chrono::DateTime<chrono::Utc>,
) -> Result<QueryResult, ApiError> {
    let def = source.object(&query.object).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_TYPE",
            format!(
                "sObject type '{}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
                query.object
            ),
        )
    })?;
    let invalid = |name: &str| {
        ApiError::bad_request(
            "INVALID_FIELD",
            format!(
                "No such column '{name}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
                def.name
            ),
        )
    };
    for name in query
        .fields
        .iter()
        .chain(query.conditions.iter().map(|(f, _)| f))
    {
        let known = match name.split_once('.') {
            Some((rel, field)) => def
                .relationship(rel)
                .and_then(|r| r.reference_to.first())
                .and_then(|t| source.object(t))
                .is_some_and(|parent| parent.field(field).is_some()),
            None => def.field(name).is_some(),
        };
        if !known {
            return Err(invalid(name));
        }
    }
    let mut records: Vec<Value> = source
        .records(&def.name)
        .filter(|r| {
            query
                .conditions
                .iter()
                .all(|(f, v)| matches(source, r, f, v))
        })
        .map(|r| project(source, r, &query.fields, api_version))
        .collect();
    if let Some(limit) = query.limit {
        records.truncate(limit);
    }
    Ok(QueryResult {
        total_size: records.len(),
        records,
    })
}

fn value_of(source: &dyn DataSource, record: &Record, name: &str) -> Value {
    match name.split_once('.') {
        Some((_, field)) => parent(source, record, name)
            .and_then(|p| p.get(field).cloned())
            .unwrap_or(Value::Null),
        None => record.get(name).cloned().unwrap_or(Value::Null),
    }
}

fn parent<'a>(source: &'a dyn DataSource, record: &Record, path: &str) -> Option<&'a Record> {
    let (rel, _) = path.split_once('.')?;
    let def = source.object(&record.object)?;
    let reference = def.relationship(rel)?;
    let id = record.get(&reference.name)?.as_str()?;
    source.record(id)
}

fn matches(source: &dyn DataSource, record: &Record, field: &str, wanted: &Value) -> bool {
    let actual = value_of(source, record, field);
    match (&actual, wanted) {
        (Value::String(a), Value::String(b)) => {
            let ids_equal = ids::to18(a).is_some() && ids::to18(a) == ids::to18(b);
            ids_equal || a.eq_ignore_ascii_case(b)
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => &actual == wanted,
    }
}

fn project(source: &dyn DataSource, record: &Record, fields: &[String], version: &str) -> Value {
    let mut out = Map::new();
    out.insert(
        "attributes".into(),
        json!({"type": record.object, "url": record_url(version, &record.object, &record.id)}),
    );
    let def = source.object(&record.object);
    for name in fields {
        match name.split_once('.') {
            Some((rel, field)) => {
                let rel_name = def
                    .and_then(|d| d.relationship(rel))
                    .and_then(|r| r.relationship_name.clone())
                    .unwrap_or_else(|| rel.to_owned());
                let entry = out.entry(rel_name).or_insert(Value::Null);
                if let Some(p) = parent(source, record, name) {
                    if entry.is_null() {
                        *entry = json!({"attributes": {"type": p.object, "url": record_url(version, &p.object, &p.id)}});
                    }
                    let canonical = source
                        .object(&p.object)
                        .and_then(|d| d.field(field))
                        .map(|f| f.name.clone())
                        .unwrap_or_else(|| field.to_owned());
                    if let Some(map) = entry.as_object_mut() {
                        map.insert(canonical, p.get(field).cloned().unwrap_or(Value::Null));
                    }
                }
            }
            None => {
                let canonical = def
                    .and_then(|d| d.field(name))
                    .map(|f| f.name.clone())
                    .unwrap_or_else(|| name.clone());
                out.insert(canonical, record.get(name).cloned().unwrap_or(Value::Null));
            }
        }
    }
    Value::Object(out)
}
