//! What a rule's templates can read.
//!
//! The body's top-level keys are there by their own names, so `type` and `data.user.id` read as
//! they do in the sender's documentation. Beside them: `event` (the whole body, also when it is
//! not an object), `headers` (lower-cased names), `source` (the source's name) and, in a fan-out,
//! `item`; in a provision's User fields also `contact` (the rendered Contact fields). These names
//! win over body keys of the same name; such a body key is still `event.<name>`.

use std::collections::BTreeMap;

use minijinja::Value;
use minijinja::value::ValueKind;

use super::input::MappingInput;

/// The names the context sets itself, reserved over body keys.
pub(crate) const RESERVED: [&str; 5] = ["event", "headers", "source", "item", "contact"];

/// The context of one event, before any item is bound.
///
/// Template values share their maps and lists, so the body is converted once: its top-level
/// keys are views into `event`, and the context's own value is built once, not per template.
#[derive(Debug, Clone)]
pub(crate) struct EventContext {
    entries: BTreeMap<String, Value>,
    value: Value,
}

impl EventContext {
    /// The context of `body`, the event's JSON as a template value.
    pub fn new(input: &MappingInput, body: Value) -> EventContext {
        let mut entries = BTreeMap::new();
        if body.kind() == ValueKind::Map {
            for name in body.try_iter().into_iter().flatten() {
                let Some(key) = name.as_str() else { continue };
                if RESERVED.contains(&key) {
                    continue;
                }
                if let Ok(value) = body.get_item(&name) {
                    entries.insert(key.to_owned(), value);
                }
            }
        }
        let headers: BTreeMap<String, String> = input
            .headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
            .collect();
        entries.insert("event".to_owned(), body);
        entries.insert("headers".to_owned(), Value::from_serialize(&headers));
        entries.insert("source".to_owned(), Value::from(input.source.as_str()));
        EventContext::from_entries(entries)
    }

    fn from_entries(entries: BTreeMap<String, Value>) -> EventContext {
        let value = Value::from(entries.clone());
        EventContext { entries, value }
    }

    /// The context as a template value.
    pub fn value(&self) -> Value {
        self.value.clone()
    }

    /// The context with one more name bound (`item`, `contact`).
    pub fn with(&self, name: &str, value: Value) -> EventContext {
        let mut entries = self.entries.clone();
        entries.insert(name.to_owned(), value);
        EventContext::from_entries(entries)
    }
}
