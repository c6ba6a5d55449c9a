//! `gatehouse.v1.Command` in the proto3 JSON mapping, read by hand: prost's messages have no
//! JSON support, and the mapping's rules are few. Field names in their own snake_case or in
//! lowerCamelCase; `null` for "not set"; Timestamps as RFC 3339 strings; enums by their value
//! names (or numbers); `uint64` as a number or a decimal string; a oneof's members as plain
//! fields, at most one of them set. Unknown fields are refused, not skipped: a misspelt
//! `permision_sets` would otherwise admit someone without what the producer asked for.

use chrono::{DateTime, Utc};
use prost_types::Timestamp;
use serde_json::{Map, Value};

use super::error::DecodeError;
use super::proto_enum::ProtoEnum;
use crate::proto::v1;

const COMMAND: &[&str] = &[
    "command_id",
    "subject_key",
    "source_time",
    "effective_at",
    "provision",
    "deprovision",
];
const PROVISION: &[&str] = &[
    "account_key",
    "account_id",
    "contact",
    "user",
    "profile",
    "role",
    "permission_sets",
    "welcome_email",
    "purpose",
    "sponsor",
    "end_at",
];
const CONTACT: &[&str] = &["first_name", "last_name", "email"];
const USER: &[&str] = &[
    "username",
    "alias",
    "nickname",
    "locale",
    "time_zone",
    "email_encoding",
    "language",
    "federation_id",
];
const DEPROVISION: &[&str] = &["mode", "grace_seconds", "trigger"];

/// Reads a JSON-encoded command.
pub(super) fn command(body: &[u8]) -> Result<v1::Command, DecodeError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| DecodeError::json(None, format!("the body is not JSON: {e}")))?;
    let top = Message::read(String::new(), &value, COMMAND)?;
    let provision = top.message("provision", PROVISION)?;
    let deprovision = top.message("deprovision", DEPROVISION)?;
    let intent = match (provision, deprovision) {
        (Some(_), Some(_)) => {
            return Err(DecodeError::json(
                Some("intent".to_owned()),
                "a command carries one intent, provision or deprovision; this one has both",
            ));
        }
        (Some(p), None) => Some(v1::command::Intent::Provision(self::provision(&p)?)),
        (None, Some(d)) => Some(v1::command::Intent::Deprovision(self::deprovision(&d)?)),
        (None, None) => None,
    };
    Ok(v1::Command {
        command_id: top.string("command_id")?,
        subject_key: top.string("subject_key")?,
        source_time: top.timestamp("source_time")?,
        effective_at: top.timestamp("effective_at")?,
        intent,
    })
}

fn provision(p: &Message) -> Result<v1::Provision, DecodeError> {
    let key = p.optional_string("account_key")?;
    let id = p.optional_string("account_id")?;
    let account = match (key, id) {
        (Some(_), Some(_)) => {
            return Err(DecodeError::json(
                Some(p.path("account")),
                "give account_key or account_id, not both",
            ));
        }
        (Some(key), None) => Some(v1::provision::Account::AccountKey(key)),
        (None, Some(id)) => Some(v1::provision::Account::AccountId(id)),
        (None, None) => None,
    };
    let contact = match p.message("contact", CONTACT)? {
        Some(c) => Some(v1::Contact {
            first_name: c.string("first_name")?,
            last_name: c.string("last_name")?,
            email: c.string("email")?,
        }),
        None => None,
    };
    let user = match p.message("user", USER)? {
        Some(u) => Some(v1::User {
            username: u.string("username")?,
            alias: u.string("alias")?,
            nickname: u.string("nickname")?,
            locale: u.string("locale")?,
            time_zone: u.string("time_zone")?,
            email_encoding: u.string("email_encoding")?,
            language: u.string("language")?,
            federation_id: u.string("federation_id")?,
        }),
        None => None,
    };
    Ok(v1::Provision {
        account,
        contact,
        user,
        profile: p.string("profile")?,
        role: p.enumeration::<v1::PortalRoleLevel>("role")?,
        permission_sets: p.strings("permission_sets")?,
        welcome_email: p.enumeration::<v1::WelcomeEmail>("welcome_email")?,
        purpose: p.string("purpose")?,
        sponsor: p.string("sponsor")?,
        end_at: p.timestamp("end_at")?,
    })
}

fn deprovision(d: &Message) -> Result<v1::Deprovision, DecodeError> {
    Ok(v1::Deprovision {
        mode: d.enumeration::<v1::DeprovisionMode>("mode")?,
        grace_seconds: d.uint64("grace_seconds")?,
        trigger: d.string("trigger")?,
    })
}

/// The lowerCamelCase JSON name of a proto field (`source_time` → `sourceTime`).
pub(super) fn camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// What a JSON value is, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One JSON object read as a message: where it sits, and its members.
struct Message<'a> {
    /// Its dotted path in the command (`provision.user`); empty for the command itself.
    at: String,
    members: &'a Map<String, Value>,
}

impl<'a> Message<'a> {
    /// Checks that `value` is an object whose members are all among `fields` (in either
    /// spelling, once each).
    fn read(
        at: String,
        value: &'a Value,
        fields: &'static [&'static str],
    ) -> Result<Message<'a>, DecodeError> {
        let Some(members) = value.as_object() else {
            let field = (!at.is_empty()).then(|| at.clone());
            return Err(DecodeError::json(
                field,
                format!("expected an object, found {}", kind(value)),
            ));
        };
        let message = Message { at, members };
        for key in members.keys() {
            let Some(field) = fields
                .iter()
                .find(|f| **f == key.as_str() || camel(f) == *key)
            else {
                return Err(DecodeError::json(
                    Some(message.path(key)),
                    format!("unknown field; the fields here are {}", fields.join(", ")),
                ));
            };
            let camel = camel(field);
            if camel != *field && members.contains_key(*field) && members.contains_key(&camel) {
                return Err(DecodeError::json(
                    Some(message.path(field)),
                    format!("given twice, as {field} and as {camel}; keep one"),
                ));
            }
        }
        Ok(message)
    }

    /// The dotted path of one of this message's fields.
    fn path(&self, field: &str) -> String {
        if self.at.is_empty() {
            field.to_owned()
        } else {
            format!("{}.{field}", self.at)
        }
    }

    /// A field's value under either spelling; `None` when absent or null (proto3 JSON's "not
    /// set").
    fn get(&self, field: &str) -> Option<&'a Value> {
        self.members
            .get(field)
            .or_else(|| self.members.get(&camel(field)))
            .filter(|v| !v.is_null())
    }

    fn wrong(&self, field: &str, expected: &str, found: &Value) -> DecodeError {
        DecodeError::json(
            Some(self.path(field)),
            format!("expected {expected}, found {}", kind(found)),
        )
    }

    fn optional_string(&self, field: &str) -> Result<Option<String>, DecodeError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(self.wrong(field, "a string", other)),
        }
    }

    /// A `string` field; unset reads as empty, as in protobuf.
    fn string(&self, field: &str) -> Result<String, DecodeError> {
        Ok(self.optional_string(field)?.unwrap_or_default())
    }

    fn strings(&self, field: &str) -> Result<Vec<String>, DecodeError> {
        let Some(value) = self.get(field) else {
            return Ok(Vec::new());
        };
        let Value::Array(items) = value else {
            return Err(self.wrong(field, "an array of strings", value));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(text) => Ok(text.clone()),
                other => Err(DecodeError::json(
                    Some(format!("{}[{i}]", self.path(field))),
                    format!("expected a string, found {}", kind(other)),
                )),
            })
            .collect()
    }

    /// A `google.protobuf.Timestamp`: an RFC 3339 string (any offset; `Z` is usual).
    fn timestamp(&self, field: &str) -> Result<Option<Timestamp>, DecodeError> {
        let Some(value) = self.get(field) else {
            return Ok(None);
        };
        let Value::String(text) = value else {
            return Err(self.wrong(
                field,
                "an RFC 3339 time such as \"2026-03-01T09:30:00Z\"",
                value,
            ));
        };
        let time = DateTime::parse_from_rfc3339(text)
            .map_err(|e| {
                DecodeError::json(
                    Some(self.path(field)),
                    format!(
                        "'{text}' is not an RFC 3339 time such as \"2026-03-01T09:30:00Z\" ({e})"
                    ),
                )
            })?
            .with_timezone(&Utc);
        Ok(Some(Timestamp {
            seconds: time.timestamp(),
            // A leap second (`23:59:60`) reads as its last nanosecond.
            nanos: time.timestamp_subsec_nanos().min(999_999_999) as i32,
        }))
    }

    /// An enum field: the value's name, or its number. Unset is the zero value.
    fn enumeration<E: ProtoEnum>(&self, field: &str) -> Result<i32, DecodeError> {
        match self.get(field) {
            None => Ok(0),
            Some(Value::String(name)) => E::from_name(name).map(Into::into).ok_or_else(|| {
                DecodeError::json(
                    Some(self.path(field)),
                    format!(
                        "'{name}' is not a {} value; use one of {}",
                        E::NAME,
                        E::names().join(", ")
                    ),
                )
            }),
            Some(Value::Number(n)) => {
                n.as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| {
                        DecodeError::json(
                            Some(self.path(field)),
                            format!(
                                "{n} is not a {} value; use one of {}",
                                E::NAME,
                                E::names().join(", ")
                            ),
                        )
                    })
            }
            Some(other) => Err(self.wrong(field, "a value name such as in the .proto", other)),
        }
    }

    /// A `uint64` field: a number, or a decimal string (JSON numbers lose precision past 2^53,
    /// so proto3 JSON writes large ones as strings).
    fn uint64(&self, field: &str) -> Result<u64, DecodeError> {
        let bad = |shown: String| {
            DecodeError::json(
                Some(self.path(field)),
                format!("{shown} is not a whole number of 0 or more"),
            )
        };
        match self.get(field) {
            None => Ok(0),
            Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
                (Some(whole), _) => Ok(whole),
                // `86400.0` or `8.64e4`: whole, and small enough to be exact.
                (None, Some(f)) if f >= 0.0 && f.fract() == 0.0 && f <= 9_007_199_254_740_992.0 => {
                    Ok(f as u64)
                }
                _ => Err(bad(n.to_string())),
            },
            Some(Value::String(text)) => text.parse::<u64>().map_err(|_| bad(format!("'{text}'"))),
            Some(other) => Err(self.wrong(field, "a number or a decimal string", other)),
        }
    }

    /// A message field, read with its own fields.
    fn message(
        &self,
        field: &str,
        fields: &'static [&'static str],
    ) -> Result<Option<Message<'a>>, DecodeError> {
        self.get(field)
            .map(|value| Message::read(self.path(field), value, fields))
            .transpose()
    }
}
