//! The whole state as JSON, for `/__sim/state` and for tests that compare before and after.

use std::fmt;

use serde_json::{Map, Value, json};

use super::{Org, format_datetime};

impl Org {
    /// Everything the org holds: records by type (creation order), licence use, sent emails,
    /// settings, pending email changes and the site. Connected apps appear without secrets.
    pub fn dump(&self) -> Value {
        let mut records = Map::new();
        for (object, list) in self.store.by_type() {
            let list: Vec<Value> = list
                .into_iter()
                .map(|r| Value::Object(r.fields.clone()))
                .collect();
            records.insert(object.to_owned(), Value::Array(list));
        }
        let apps: Vec<Value> = self
            .connected_apps
            .iter()
            .map(|a| json!({"name": a.name, "client_id": a.client_id, "run_as": a.run_as}))
            .collect();
        json!({
            "org_id": self.org_id,
            "now": format_datetime(self.now()),
            "settings": self.settings,
            "records": records,
            "licences": self.licences(),
            "emails": self.outbox.sent(),
            "pending_email_changes": self.pending_emails,
            "site": self.sites.first(),
            "sites": self.sites,
            "connected_apps": apps,
        })
    }
}

/// Counts only: records hold personal data and connected apps hold secrets, neither of which
/// belongs in a log.
impl fmt::Debug for Org {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts: Vec<(String, usize)> = self
            .store
            .by_type()
            .map(|(object, list)| (object.to_owned(), list.len()))
            .collect();
        f.debug_struct("Org")
            .field("org_id", &self.org_id)
            .field("records", &counts)
            .field("emails", &self.outbox.sent().len())
            .finish_non_exhaustive()
    }
}
