//! The shared table (`salesforce/access.toml`): for each object or resource and operation,
//! the user permissions it needs. Object and field permissions are not read from it: sfsim
//! applies them to every CRM object and custom field, as Salesforce does.

use serde::Deserialize;

/// The table as shipped beside the Salesforce metadata.
const TABLE_TOML: &str = include_str!("../../../salesforce/access.toml");

#[derive(Deserialize)]
struct Table {
    row: Vec<Row>,
}

#[derive(Deserialize)]
struct Row {
    #[serde(default)]
    object: Option<String>,
    #[serde(default)]
    resource: Option<String>,
    operation: String,
    #[serde(default)]
    all_of: Vec<String>,
    #[serde(default)]
    any_of: Vec<String>,
}

/// User permissions a call needs: every one of `all_of`, and one of `any_of` when not empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Need {
    pub all_of: Vec<String>,
    pub any_of: Vec<String>,
}

/// The needs by (object or resource, operation), names as the table spells them.
#[derive(Debug, Clone, Default)]
pub struct Needs {
    rows: Vec<(String, String, Need)>,
}

impl Needs {
    /// The shipped table, parsed once: every call is checked against it. A test holds the
    /// file to this shape; an unreadable table would check nothing, never refuse everything.
    pub fn shipped() -> &'static Needs {
        static SHIPPED: std::sync::OnceLock<Needs> = std::sync::OnceLock::new();
        SHIPPED.get_or_init(Needs::parse)
    }

    fn parse() -> Needs {
        let Ok(table) = toml::from_str::<Table>(TABLE_TOML) else {
            return Needs::default();
        };
        let rows = table
            .row
            .into_iter()
            .map(|r| {
                let subject = r.object.or(r.resource).unwrap_or_default();
                let need = Need {
                    all_of: r.all_of,
                    any_of: r.any_of,
                };
                (subject, r.operation, need)
            })
            .collect();
        Needs { rows }
    }

    /// What `operation` on `subject` needs; nothing when the table has no row for it.
    pub fn of(&self, subject: &str, operation: &str) -> Need {
        self.rows
            .iter()
            .find(|(s, o, _)| s.eq_ignore_ascii_case(subject) && o == operation)
            .map(|(_, _, need)| need.clone())
            .unwrap_or_default()
    }

    /// The number of rows, for the test that the file parses.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.rows.len()
    }
}
