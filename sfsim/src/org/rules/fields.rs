//! What every write must pass before any object's own rules: known fields, writable fields,
//! values of the field's type, lengths, email shapes, restricted picklists, lookups to
//! existing records of the right type, required fields.

use serde_json::{Map, Value};

use super::super::Org;
use super::super::refusals::{
    cannot_deserialize, integrity, invalid_cross_reference, malformed_id, no_such_column,
    not_writable, refuse, required_missing, wrong_id_type,
};
use super::Change;
use crate::error::ApiError;
use crate::ids;
use crate::schema::{FieldDef, FieldType, ObjectDef};

/// Whether the values are for a new record or a change to an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Create,
    Update,
}

/// Checks a request body against the object's fields and converts it to stored values (schema
/// spelling, 18-character ids, `""` read as null as Salesforce reads it). `attributes` is
/// ignored; the record's `Id` is the caller's business (see [`super::super::write`]).
pub(crate) fn validate(
    org: &Org,
    def: &ObjectDef,
    body: &Map<String, Value>,
    mode: Mode,
) -> Result<Change, ApiError> {
    let body = &parents::resolve(org, def, body)?;
    let given: Vec<(&FieldDef, &Value)> = body
        .iter()
        .filter(|(key, _)| key.as_str() != "attributes")
        .map(|(key, value)| {
            def.field(key)
                .map(|field| (field, value))
                .ok_or_else(|| no_such_column(key, &def.name))
        })
        .collect::<Result<_, _>>()?;

    if mode == Mode::Create && given.iter().any(|(f, _)| f.name == "Id") {
        return Err(refuse(
            "INVALID_FIELD",
            "cannot specify Id in an insert call",
            &["Id"],
        ));
    }
    let refused: Vec<&str> = given
        .iter()
        .filter(|(f, _)| match mode {
            Mode::Create => !f.createable,
            Mode::Update => !f.updateable,
        })
        .map(|(f, _)| f.name.as_str())
        .collect();
    if !refused.is_empty() {
        return Err(not_writable(&refused));
    }

    let mut change = Change::new();
    for (field, raw) in given {
        let value = convert(org, def, field, raw)?;
        if value.is_null() && !field.nillable && mode == Mode::Update {
            return Err(required_missing(&[&field.name]));
        }
        change.insert(field.name.clone(), value);
    }

    if mode == Mode::Create {
        let missing: Vec<&str> = def
            .fields
            .iter()
            .filter(|f| f.required_on_create)
            .filter(|f| change.get(&f.name).is_none_or(Value::is_null))
            .map(|f| f.name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(required_missing(&missing));
        }
    }
    Ok(change)
}

/// One value converted to the field's stored form.
fn convert(org: &Org, def: &ObjectDef, field: &FieldDef, raw: &Value) -> Result<Value, ApiError> {
    let kind = match field.field_type {
        FieldType::Boolean => "boolean",
        FieldType::Int => "int",
        FieldType::Double => "double",
        FieldType::Date => "date",
        FieldType::Datetime => "datetime",
        _ => "string",
    };
    match raw {
        Value::Object(_) => return Err(cannot_deserialize(kind, "START_OBJECT", "{")),
        Value::Array(_) => return Err(cannot_deserialize(kind, "START_ARRAY", "[")),
        _ => {}
    }
    match field.field_type {
        // A checkbox is never null: Salesforce stores null as false.
        FieldType::Boolean => match raw {
            Value::Null => Ok(Value::Bool(false)),
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            other => Err(cannot_deserialize(kind, token(other), &plain(other))),
        },
        FieldType::Int | FieldType::Double => match raw {
            Value::Null | Value::Number(_) => Ok(raw.clone()),
            Value::String(s) if s.is_empty() => Ok(Value::Null),
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(n) => Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)),
                Err(_) => Err(cannot_deserialize(kind, "VALUE_STRING", s)),
            },
            other => Err(cannot_deserialize(kind, token(other), &plain(other))),
        },
        FieldType::Id | FieldType::Reference => match text(raw) {
            None => Ok(Value::Null),
            Some(s) => check_reference(org, field, &s).map(Value::String),
        },
        _ => match text(raw) {
            None => Ok(Value::Null),
            Some(s) => check_text(def, field, s).map(Value::String),
        },
    }
}

/// JSON text of a scalar; `None` for null and the empty string, which Salesforce stores as null.
fn text(raw: &Value) -> Option<String> {
    match raw {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(plain(other)),
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn token(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "VALUE_STRING",
        Value::Number(n) if n.is_f64() => "VALUE_NUMBER_FLOAT",
        Value::Number(_) => "VALUE_NUMBER_INT",
        Value::Bool(true) => "VALUE_TRUE",
        Value::Bool(false) => "VALUE_FALSE",
        _ => "VALUE_NULL",
    }
}

/// Text checks: length, email shape, restricted picklist, and the User's username rule.
fn check_text(def: &ObjectDef, field: &FieldDef, value: String) -> Result<String, ApiError> {
    let name = field.name.as_str();
    if let Some(max) = field.length
        && value.chars().count() > max as usize
    {
        return Err(refuse(
            "STRING_TOO_LONG",
            format!(
                "{}: data value too large: {value} (max length={max})",
                field.label
            ),
            &[name],
        ));
    }
    if field.field_type == FieldType::Email && !looks_like_email(&value) {
        return Err(refuse(
            "INVALID_EMAIL_ADDRESS",
            format!("{}: invalid email address: {value}", field.label),
            &[name],
        ));
    }
    if field.field_type == FieldType::Picklist
        && !field.picklist_values.is_empty()
        && !field.picklist_values.iter().any(|v| v == &value)
    {
        return Err(refuse(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            format!(
                "{}: bad value for restricted picklist field: {value}",
                field.label
            ),
            &[name],
        ));
    }
    if def.name == "User" && name == "Username" {
        // Salesforce keeps usernames in lower case and insists they look like an email.
        if !looks_like_email(&value) {
            return Err(integrity(
                "Username must be in the form of an email address (for example, john@acme.com)",
                &["Username"],
            ));
        }
        return Ok(value.to_lowercase());
    }
    Ok(value)
}

/// The lookup names an existing record of a type the field may point at.
fn check_reference(org: &Org, field: &FieldDef, value: &str) -> Result<String, ApiError> {
    let name = field.name.as_str();
    let Some(id18) = ids::to18(value) else {
        return Err(malformed_id(&field.label, value, name));
    };
    let prefix = ids::key_prefix(&id18).unwrap_or_default();
    let right_type = field.reference_to.iter().any(|target| {
        org.schema
            .object(target)
            .is_some_and(|o| o.key_prefix == prefix)
    });
    if !right_type {
        return Err(wrong_id_type(&field.label, value, name));
    }
    if org.store.get(&id18).is_none() {
        return Err(invalid_cross_reference());
    }
    Ok(id18)
}

/// An address Salesforce accepts: one `@`, a local part of the usual characters without
/// leading, trailing or doubled dots, and a domain of at least two dot-separated labels.
pub(crate) fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2);
    local_ok && domain_ok
}

mod parents;

#[cfg(test)]
mod tests;
