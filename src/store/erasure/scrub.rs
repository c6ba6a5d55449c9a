//! Taking one person out of a report that names several (roster runs, reconciliations): every
//! list entry that mentions them goes whole, and a lone text that mentions them is replaced.

use serde_json::Value;

/// What a text that named the person reads afterwards.
const ERASED: &str = "[erased]";

/// Needles shorter than this are not looked for: they would match everyone.
const SHORTEST_NEEDLE: usize = 3;

/// Removes from `report` every array entry in which a text contains one of `needles` (the
/// person's key, ids, username, emails), and replaces any other text that contains one.
/// Answers whether anything changed.
pub(crate) fn scrub_report(report: &mut Value, needles: &[String]) -> bool {
    let needles: Vec<&str> = needles
        .iter()
        .map(String::as_str)
        .filter(|needle| needle.len() >= SHORTEST_NEEDLE)
        .collect();
    if needles.is_empty() {
        return false;
    }
    scrub(report, &needles)
}

fn scrub(value: &mut Value, needles: &[&str]) -> bool {
    match value {
        Value::Array(entries) => {
            let before = entries.len();
            entries.retain(|entry| !mentions(entry, needles));
            entries.len() != before
        }
        Value::Object(fields) => {
            let mut changed = false;
            for field in fields.values_mut() {
                changed |= scrub(field, needles);
            }
            changed
        }
        Value::String(text) if contains_any(text, needles) => {
            *value = Value::String(ERASED.to_owned());
            true
        }
        _ => false,
    }
}

fn mentions(value: &Value, needles: &[&str]) -> bool {
    match value {
        Value::String(text) => contains_any(text, needles),
        Value::Array(entries) => entries.iter().any(|entry| mentions(entry, needles)),
        Value::Object(fields) => fields
            .iter()
            .any(|(name, field)| contains_any(name, needles) || mentions(field, needles)),
        _ => false,
    }
}

fn contains_any(text: &str, needles: &[&str]) -> bool {
    needles.iter().any(|needle| text.contains(needle))
}

#[cfg(test)]
mod tests;
