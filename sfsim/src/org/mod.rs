//! The org: its records and the rules Salesforce enforces on them.
//!
//! PLACEHOLDER (edge branch): the org's real implementation is being written on its own
//! branch and replaces this whole file. What is here exists only so the token endpoint,
//! traffic and control code compile and can be tested against the names the real org
//! provides: `default_org`, `org_id`, `dump`, `from_fixture_toml`, `connected_apps`, `emails`,
//! `settings`/`settings_mut` (`OrgSettings`), `set_now`, and `DataSource` for User records.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::auth::ConnectedApp;
use crate::record::Record;
use crate::schema::{ObjectDef, Schema};
use crate::soql::DataSource;

/// PLACEHOLDER quirk switches; the real `OrgSettings` replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrgSettings {
    pub enforce_mixed_dml: bool,
    pub site_sends_welcome_email: bool,
}

impl Default for OrgSettings {
    fn default() -> Self {
        OrgSettings {
            enforce_mixed_dml: false,
            site_sends_welcome_email: true,
        }
    }
}

/// The simulated org's data and settings.
pub struct Org {
    pub schema: Schema,
    users: Vec<Record>,
    connected_apps: Vec<ConnectedApp>,
    settings: OrgSettings,
    emails: Vec<Value>,
    now: Option<DateTime<Utc>>,
}

/// PLACEHOLDER fixture reading: the connected apps and users of the real fixture format
/// (`[[connected_apps]]`, `[[users]]` with `username` and `active`); everything else in the
/// text is ignored here.
#[derive(Deserialize)]
struct PlaceholderFixture {
    #[serde(default)]
    connected_apps: Vec<ConnectedApp>,
    #[serde(default)]
    users: Vec<PlaceholderUser>,
}

#[derive(Deserialize)]
struct PlaceholderUser {
    username: String,
    #[serde(default = "active")]
    active: bool,
}

fn active() -> bool {
    true
}

impl Org {
    /// The built-in default org (see the fixture docs).
    pub fn default_org() -> Org {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let text = r#"
            [[users]]
            username = "integration@gatehouse.sfsim"

            [[connected_apps]]
            name = "Gatehouse Dev"
            client_id = "gatehouse-dev"
            client_secret = "gatehouse-dev-secret"
            certificate_pem = "keys/gatehouse-dev.crt"
            run_as = "integration@gatehouse.sfsim"
        "#;
        Org::from_fixture_toml(text, &base).unwrap_or_else(|_| Org::empty())
    }

    fn empty() -> Org {
        Org {
            schema: Schema::default(),
            users: Vec::new(),
            connected_apps: Vec::new(),
            settings: OrgSettings::default(),
            emails: Vec::new(),
            now: None,
        }
    }

    /// An org from fixture text; certificate paths resolve against `base_dir`.
    pub fn from_fixture_toml(text: &str, base_dir: &Path) -> Result<Org, String> {
        let fixture: PlaceholderFixture = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut org = Org::empty();
        for mut app in fixture.connected_apps {
            if let Some(given) = app
                .certificate_pem
                .clone()
                .filter(|c| !c.trim_start().starts_with("-----BEGIN"))
            {
                let pem = std::fs::read_to_string(base_dir.join(&given))
                    .map_err(|e| format!("{given}: {e}"))?;
                app.certificate_pem = Some(pem);
            }
            org.connected_apps.push(app);
        }
        for (n, user) in fixture.users.into_iter().enumerate() {
            let id = format!("005{:012}AAA", n + 1);
            let mut fields = serde_json::Map::new();
            fields.insert("Id".into(), json!(id));
            fields.insert("Username".into(), json!(user.username));
            fields.insert("IsActive".into(), json!(user.active));
            org.users.push(Record {
                object: "User".into(),
                id,
                fields,
            });
        }
        Ok(org)
    }

    /// The org's 18-character id (`00D…`), as it appears in token ids and `/id/{orgId}/{userId}`.
    pub fn org_id(&self) -> &str {
        "00D000000000001AAA"
    }

    /// Connected apps that may ask for tokens.
    pub fn connected_apps(&self) -> &[ConnectedApp] {
        &self.connected_apps
    }

    /// Emails the org has sent, oldest first.
    pub fn emails(&self) -> &[Value] {
        &self.emails
    }

    /// The quirk switches.
    pub fn settings(&self) -> &OrgSettings {
        &self.settings
    }

    /// The quirk switches, to change them.
    pub fn settings_mut(&mut self) -> &mut OrgSettings {
        &mut self.settings
    }

    /// Pins the org's clock at `at`; `None` returns it to the system clock.
    pub fn set_now(&mut self, at: Option<DateTime<Utc>>) {
        self.now = at;
    }

    /// The whole state as JSON, for `/__sim/state`.
    pub fn dump(&self) -> Value {
        json!({
            "orgId": self.org_id(),
            "users": self.users.iter().map(|u| &u.fields).collect::<Vec<_>>(),
            "now": self.now,
        })
    }
}

impl DataSource for Org {
    fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.schema.object(name)
    }

    fn records(&self, object: &str) -> Box<dyn Iterator<Item = &Record> + '_> {
        if object.eq_ignore_ascii_case("User") {
            Box::new(self.users.iter())
        } else {
            Box::new(std::iter::empty())
        }
    }

    fn record(&self, id: &str) -> Option<&Record> {
        self.users.iter().find(|u| u.id == id)
    }
}
