//! What a rule's templates can read.
//!
//! The body's top-level keys are there by their own names, so `type` and `data.user.id` read as
//! they do in the sender's documentation. Beside them: `event` (the whole body, also when it is
//! not an object), `headers` (lower-cased names), `source` (the source's name) and, in a fan-out,
//! `item`; in a provision's User fields also `contact` (the rendered Contact fields). These names
//! win over body keys of the same name; such a body key is still `event.<name>`.

use std::collections::BTreeMap;

use minijinja::Value;

use super::input::MappingInput;

/// The names the context sets itself, reserved over body keys.
pub(crate) const RESERVED: [&str; 5] = ["event", "headers", "source", "item", "contact"];

/// The context of one event, before any item is bound.
#[derive(Debug, Clone)]
pub(crate) struct EventContext {
    entries: BTreeMap<String, Value>,
}

impl EventContext {
    pub fn new(input: &MappingInput, body: &serde_json::Value) -> EventContext {
        let mut entries = BTreeMap::new();
        if let serde_json::Value::Object(fields) = body {
            for (name, value) in fields {
                if !RESERVED.contains(&name.as_str()) {
                    entries.insert(name.clone(), Value::from_serialize(value));
                }
            }
        }
        entries.insert("event".to_owned(), Value::from_serialize(body));
        let headers: BTreeMap<String, String> = input
            .headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
            .collect();
        entries.insert("headers".to_owned(), Value::from_serialize(&headers));
        entries.insert("source".to_owned(), Value::from(input.source.as_str()));
        EventContext { entries }
    }

    /// The context as a template value.
    pub fn value(&self) -> Value {
        Value::from(self.entries.clone())
    }

    /// The context with one more name bound (`item`, `contact`).
    pub fn with(&self, name: &str, value: Value) -> EventContext {
        let mut entries = self.entries.clone();
        entries.insert(name.to_owned(), value);
        EventContext { entries }
    }
}
