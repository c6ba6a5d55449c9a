//! Which fields of the JSON Gatehouse keeps about a person are personal data, and scrubbing
//! them: what retention does to the intents, outcomes and history details it keeps past their
//! time (docs/privacy.md).
//!
//! The fields are found by name wherever they sit, so an intent (`contact.email`,
//! `user.username`, …), an outcome (`refusal.message`, which may quote a value Salesforce
//! refused) and a history detail (`trigger`, `error.message`) are scrubbed by one rule. Ids,
//! states, outcome kinds, licence effects, steps and call counts are not personal and stay. A
//! scrubbed string becomes [`SCRUBBED`], so the JSON keeps its shape and still reads back as
//! the type it was written from.

use serde_json::Value;

/// What a personal value is replaced with.
pub const SCRUBBED: &str = "(scrubbed)";

/// Fields whose value names or reaches the person, or is free text that may: the Contact's
/// and User's names and addresses, the single sign-on id, why access was given or ended and by
/// whose word, and the text of an error (Salesforce quotes the value it refused).
const PERSONAL: &[&str] = &[
    "first_name",
    "last_name",
    "email",
    "pending_email",
    "username",
    "alias",
    "nickname",
    "federation_id",
    "purpose",
    "sponsor",
    "trigger",
    "message",
];

/// A map whose every value is personal: further Contact fields by API name (`Phone`,
/// `MailingStreet`, custom fields). Its keys, which name fields, stay.
const PERSONAL_MAP: &str = "extra";

/// Replaces every personal value in `value` with [`SCRUBBED`]; answers whether anything
/// changed. Scrubbing twice changes nothing the second time.
pub fn scrub(value: &mut Value) -> bool {
    match value {
        Value::Object(fields) => {
            let mut changed = false;
            for (name, field) in fields.iter_mut() {
                changed |= if PERSONAL.contains(&name.as_str()) {
                    replace(field)
                } else if name == PERSONAL_MAP && field.is_object() {
                    field
                        .as_object_mut()
                        .into_iter()
                        .flat_map(|map| map.values_mut())
                        .fold(false, |changed, value| replace(value) | changed)
                } else {
                    scrub(field)
                };
            }
            changed
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, item| scrub(item) | changed),
        _ => false,
    }
}

/// Scrubs JSON text as [`scrub`] does; answers the new text, or `None` when nothing changed
/// (or it is not JSON, which holds no field to find).
pub fn scrub_text(text: &str) -> Option<String> {
    let mut value: Value = serde_json::from_str(text).ok()?;
    scrub(&mut value).then(|| value.to_string())
}

/// Replaces a personal value, whatever its form, with [`SCRUBBED`]; an absent one (`null`)
/// stays absent.
fn replace(value: &mut Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(text) if text == SCRUBBED => false,
        _ => {
            *value = Value::String(SCRUBBED.to_owned());
            true
        }
    }
}

#[cfg(test)]
mod tests;
