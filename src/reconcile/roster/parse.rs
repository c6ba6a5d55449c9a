//! A roster as a source sends it: CSV with a header row, or JSON. Each person is a subject key,
//! optionally with the fields the source's rules need to provision them.
//!
//! CSV: a `subject` column and any others; a column's non-empty cells become the person's
//! fields, a dotted name (`user.email`) a nested one. JSON: `{"people": [...]}` (or the bare
//! array), each entry a subject key or `{"subject": "...", "fields": {...}}`. A person listed
//! twice, a missing or unusable key, or a malformed line is refused with where it is.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::domain::SubjectKey;

/// The people a roster lists, in its order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Roster {
    pub people: Vec<RosterPerson>,
}

/// One person of a roster.
#[derive(Clone, PartialEq)]
pub struct RosterPerson {
    pub subject: SubjectKey,
    /// What the roster says of them beyond the key; `None` when it says nothing more.
    pub fields: Option<Map<String, Value>>,
}

// Fields carry names and emails: Debug names only which fields there are.
impl std::fmt::Debug for RosterPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RosterPerson")
            .field("subject", &self.subject)
            .field(
                "fields",
                &self.fields.as_ref().map(|f| f.keys().collect::<Vec<_>>()),
            )
            .finish()
    }
}

/// The roster's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterFormat {
    Csv,
    Json,
}

impl RosterFormat {
    /// The format a `Content-Type` names (`text/csv`, `application/json` or `+json`).
    pub fn from_content_type(content_type: &str) -> Option<RosterFormat> {
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if media == "text/csv" {
            Some(RosterFormat::Csv)
        } else if media == "application/json" || media.ends_with("+json") {
            Some(RosterFormat::Json)
        } else {
            None
        }
    }

    /// The format of a file, by its name: `.csv` is CSV, anything else JSON.
    pub fn from_path(path: &std::path::Path) -> RosterFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("csv") => RosterFormat::Csv,
            _ => RosterFormat::Json,
        }
    }
}

/// Why a roster cannot be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct RosterParseError {
    /// Where: `line 4`, `line 4, column subject`, `people[2].subject`.
    pub at: String,
    pub message: String,
}

fn refused(at: impl Into<String>, message: impl Into<String>) -> RosterParseError {
    RosterParseError {
        at: at.into(),
        message: message.into(),
    }
}

/// Reads `body` in `format`.
pub fn parse(body: &[u8], format: RosterFormat) -> Result<Roster, RosterParseError> {
    match format {
        RosterFormat::Csv => parse_csv(body),
        RosterFormat::Json => parse_json(body),
    }
}

/// The people so far, refusing a second listing of one subject.
#[derive(Default)]
struct People {
    people: Vec<RosterPerson>,
    seen: HashMap<String, String>,
}

impl People {
    fn add(&mut self, person: RosterPerson, at: String) -> Result<(), RosterParseError> {
        if let Some(first) = self.seen.get(person.subject.as_str()) {
            return Err(refused(
                at,
                format!("{} is listed twice (first at {first})", person.subject),
            ));
        }
        self.seen.insert(person.subject.as_str().to_owned(), at);
        self.people.push(person);
        Ok(())
    }
}

fn subject(text: &str, at: &str) -> Result<SubjectKey, RosterParseError> {
    if text.trim().is_empty() {
        return Err(refused(at, "the subject key is empty"));
    }
    SubjectKey::parse(text.trim())
        .map_err(|e| refused(at, format!("'{text}' cannot be a subject key: {e}")))
}

fn parse_csv(body: &[u8]) -> Result<Roster, RosterParseError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| csv_error(&e, 1))?
        .iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let Some(key_column) = headers.iter().position(|h| h == "subject") else {
        return Err(refused(
            "line 1",
            format!(
                "the header row has no 'subject' column (it has: {}); the first line names the columns, e.g. subject,email",
                headers.join(", ")
            ),
        ));
    };
    if let Some(empty) = headers.iter().position(String::is_empty) {
        return Err(refused(
            format!("line 1, column {}", empty + 1),
            "a column has no name",
        ));
    }
    let mut people = People::default();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e, 0))?;
        let line = record.position().map(csv::Position::line).unwrap_or(0);
        let key = record.get(key_column).unwrap_or("");
        let subject = subject(key, &format!("line {line}, column subject"))?;
        let mut fields = Map::new();
        for (name, value) in headers.iter().zip(record.iter()) {
            if name == "subject" || value.is_empty() {
                continue;
            }
            insert_dotted(&mut fields, name, value)
                .map_err(|message| refused(format!("line {line}, column {name}"), message))?;
        }
        let fields = (!fields.is_empty()).then_some(fields);
        people.add(RosterPerson { subject, fields }, format!("line {line}"))?;
    }
    Ok(Roster {
        people: people.people,
    })
}

/// A CSV error as where and what; `fallback` is the line when the reader names none.
fn csv_error(error: &csv::Error, fallback: u64) -> RosterParseError {
    let line = error.position().map_or(fallback, csv::Position::line);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the line has {len} field(s), the header row {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the line is not UTF-8 text".to_owned(),
        _ => error.to_string(),
    };
    refused(format!("line {line}"), message)
}

/// Puts `value` at the dotted `name` (`user.email` → `{"user": {"email": …}}`).
fn insert_dotted(fields: &mut Map<String, Value>, name: &str, value: &str) -> Result<(), String> {
    let mut parts = name.split('.').peekable();
    let mut here = fields;
    while let Some(part) = parts.next() {
        if part.is_empty() {
            return Err(format!("'{name}' has an empty part between dots"));
        }
        if parts.peek().is_none() {
            here.insert(part.to_owned(), Value::String(value.to_owned()));
            return Ok(());
        }
        let next = here
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        here = next
            .as_object_mut()
            .ok_or_else(|| format!("'{part}' is both a value and a group of columns"))?;
    }
    Ok(())
}

fn parse_json(body: &[u8]) -> Result<Roster, RosterParseError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        refused(
            format!("line {}, column {}", e.line(), e.column()),
            format!("not valid JSON: {e}"),
        )
    })?;
    let (entries, path) = match &value {
        Value::Array(entries) => (entries, ""),
        Value::Object(object) => match object.get("people") {
            Some(Value::Array(entries)) => (entries, "people"),
            _ => {
                return Err(refused(
                    "people",
                    "a JSON roster is {\"people\": [...]}, each entry a subject key or {\"subject\": \"...\", \"fields\": {...}}",
                ));
            }
        },
        _ => {
            return Err(refused(
                "the body",
                "a JSON roster is an object or an array",
            ));
        }
    };
    let mut people = People::default();
    for (index, entry) in entries.iter().enumerate() {
        let at = format!("{path}[{index}]");
        let person = match entry {
            Value::String(key) => RosterPerson {
                subject: subject(key, &at)?,
                fields: None,
            },
            Value::Object(object) => person_object(object, &at)?,
            _ => {
                return Err(refused(
                    at,
                    "an entry is a subject key or {\"subject\": \"...\", \"fields\": {...}}",
                ));
            }
        };
        people.add(person, at)?;
    }
    Ok(Roster {
        people: people.people,
    })
}

fn person_object(object: &Map<String, Value>, at: &str) -> Result<RosterPerson, RosterParseError> {
    let key = match object.get("subject") {
        Some(Value::String(key)) => key,
        Some(_) => return Err(refused(format!("{at}.subject"), "is not a string")),
        None => return Err(refused(format!("{at}.subject"), "is missing")),
    };
    let subject = subject(key, &format!("{at}.subject"))?;
    if let Some(other) = object
        .keys()
        .find(|k| !matches!(k.as_str(), "subject" | "fields"))
    {
        return Err(refused(
            format!("{at}.{other}"),
            "is not a field of an entry; put what the rules need under \"fields\"",
        ));
    }
    let fields = match object.get("fields") {
        None | Some(Value::Null) => None,
        Some(Value::Object(fields)) => (!fields.is_empty()).then(|| fields.clone()),
        Some(_) => return Err(refused(format!("{at}.fields"), "is not an object")),
    };
    Ok(RosterPerson { subject, fields })
}

#[cfg(test)]
mod tests;
