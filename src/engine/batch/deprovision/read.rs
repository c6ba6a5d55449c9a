//! Reading a group's users (and logins) with `IN` queries, a few to a composite.
//!
//! Each query is a GET whose SOQL travels in the URI. Salesforce takes at most 16,384 bytes of
//! URI and headers together in a REST call, and answers a longer URI `414 URI Too Long`; a
//! query answers at most 2,000 rows, fewer when the rows are wide ("Maximum number of rows
//! returned by SOQL queries over the REST API", Salesforce Help, article 000386264,
//! <https://help.salesforce.com/s/articleView?id=000386264&type=1>). So an `IN` list that would
//! not fit is split across queries, and keeps to [`MOST_VALUES`] values so that its answer fits
//! one page: a composite never follows `nextRecordsUrl`. A page cut short anyway (`done: false`)
//! leaves the values it did not answer unread, and their members run alone.

use std::collections::{HashMap, HashSet};

use crate::engine::batch::BatchLimits;
use crate::salesforce::soql::quote;
use crate::salesforce::{CallError, CompositeRequest, Record, SalesforceClient};

/// Most values in one `IN` list: a whole answer fits a query's first page.
pub(super) const MOST_VALUES: usize = 500;

/// Bytes of the URI before the query itself (`/services/data/v68.0/query?q=`), with room for a
/// longer version.
const URI_PREFIX: usize = 40;

/// What a query reads, and which field its `IN` list filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum What {
    /// Users by id (the lifecycle record holds it).
    UsersById,
    /// Users by their Contact's key.
    UsersByKey,
    /// Logins by user id.
    LoginsById,
    /// Logins by their user's Contact's key.
    LoginsByKey,
}

impl What {
    /// The query, with `{}` where the quoted values go.
    fn soql(self, key_field: &str) -> String {
        match self {
            What::UsersById => {
                "SELECT Id, IsActive, IsPortalEnabled, ContactId FROM User WHERE Id IN ({})".into()
            }
            What::UsersByKey => format!(
                "SELECT Id, IsActive, IsPortalEnabled, ContactId, Contact.{key_field}, Profile.UserLicense.Name FROM User WHERE Contact.{key_field} IN ({{}})"
            ),
            What::LoginsById => {
                "SELECT Id, UserId, IsFrozen FROM UserLogin WHERE UserId IN ({})".into()
            }
            What::LoginsByKey => format!(
                "SELECT Id, UserId, IsFrozen FROM UserLogin WHERE User.Contact.{key_field} IN ({{}})"
            ),
        }
    }
}

/// One query to send.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Query {
    pub what: What,
    pub soql: String,
    pub values: Vec<String>,
}

/// Bytes a text takes percent-encoded, counting every character but the unreserved ones as
/// encoded: never less than what is sent.
fn encoded_len(text: &str) -> usize {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => 1,
            _ => 3,
        })
        .sum()
}

/// The queries reading `values`, each within `uri_bytes` and [`MOST_VALUES`]. A value that
/// does not fit even alone is answered in `unfit`.
pub(super) fn split(
    what: What,
    values: &[String],
    key_field: &str,
    uri_bytes: usize,
) -> (Vec<Query>, Vec<String>) {
    let template = what.soql(key_field);
    let base = URI_PREFIX + encoded_len(&template.replace("{}", ""));
    let separator = encoded_len(", ");
    let mut queries = Vec::new();
    let mut unfit = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut length = base;
    let flush = |current: &mut Vec<String>, queries: &mut Vec<Query>| {
        if current.is_empty() {
            return;
        }
        let list: Vec<String> = current.iter().map(|v| quote(v)).collect();
        queries.push(Query {
            what,
            soql: template.replace("{}", &list.join(", ")),
            values: std::mem::take(current),
        });
    };
    for value in values {
        let cost = encoded_len(&quote(value));
        if base + cost > uri_bytes {
            unfit.push(value.clone());
            continue;
        }
        let extra = if current.is_empty() {
            cost
        } else {
            cost + separator
        };
        if length + extra > uri_bytes || current.len() == MOST_VALUES {
            flush(&mut current, &mut queries);
            length = base;
            current.push(value.clone());
            length += cost;
        } else {
            current.push(value.clone());
            length += extra;
        }
    }
    flush(&mut current, &mut queries);
    (queries, unfit)
}

/// What the read found, by what it was asked.
#[derive(Debug, Default)]
pub(super) struct Seen {
    /// Rows by (what, value asked): a user by id, users by key, logins by user id or key.
    pub rows: HashMap<(What, String), Vec<Record>>,
    /// Values whose query failed, was cut short, or never fitted: their members run alone.
    pub unread: HashSet<(What, String)>,
    /// The call that failed, with the values it would have read.
    pub failed: Vec<(CallError, Vec<(What, String)>)>,
}

impl Seen {
    /// The rows answered for `value`; `None` when it was not read.
    pub fn get(&self, what: What, value: &str) -> Option<&[Record]> {
        let key = (what, normal(what, value));
        if self.unread.contains(&key) || self.failed.iter().any(|(_, v)| v.contains(&key)) {
            return None;
        }
        Some(self.rows.get(&key).map(Vec::as_slice).unwrap_or(&[]))
    }

    /// The call error that kept `value` unread, if a whole call failed.
    pub fn failure(&self, what: What, value: &str) -> Option<&CallError> {
        let key = (what, normal(what, value));
        self.failed
            .iter()
            .find(|(_, v)| v.contains(&key))
            .map(|(e, _)| e)
    }
}

/// The field of a row that names the value it was asked by.
fn asked_by(what: What, row: &Record, key_field: &str) -> Option<String> {
    match what {
        What::UsersById => row.id().map(id15),
        What::UsersByKey => row
            .parent("Contact")
            .and_then(|c| c.text(key_field).map(str::to_owned)),
        What::LoginsById => row.text("UserId").map(id15),
        // Filed by user id (see `filed_as`): the login carries no key.
        What::LoginsByKey => row.text("UserId").map(id15),
    }
}

/// The first 15 characters of an id: Salesforce's 15- and 18-character forms name one record.
pub(super) fn id15(id: &str) -> String {
    id.get(..15).unwrap_or(id).to_owned()
}

/// Sends the queries, `limits.queries` to a composite, one composite after another.
pub(super) async fn read(
    client: &SalesforceClient,
    queries: Vec<Query>,
    key_field: &str,
    limits: &BatchLimits,
) -> Seen {
    let mut seen = Seen::default();
    let per_call = limits.queries.min(limits.subrequests).max(1);
    for chunk in queries.chunks(per_call) {
        let mut request = CompositeRequest::new(false);
        for (n, query) in chunk.iter().enumerate() {
            request.query(&format!("q{n}"), &query.soql);
        }
        let response = match client.composite(&request).await {
            Ok(response) => response,
            Err(e) => {
                let asked = chunk
                    .iter()
                    .flat_map(|q| q.values.iter().map(|v| (q.what, normal(q.what, v))))
                    .collect();
                seen.failed.push((e, asked));
                continue;
            }
        };
        for (n, query) in chunk.iter().enumerate() {
            let answer = response.get(&format!("q{n}"));
            let rows = answer.map(|a| a.records());
            let complete = answer.is_some_and(|a| a.body.get("done") != Some(&false.into()));
            let Some(Ok(rows)) = rows else {
                for value in &query.values {
                    seen.unread.insert((query.what, normal(query.what, value)));
                }
                continue;
            };
            // Logins asked for by key are filed by their user's id, as those asked for by id.
            let filed_as = match query.what {
                What::LoginsByKey => What::LoginsById,
                other => other,
            };
            let mut answered = HashSet::new();
            for row in rows {
                if let Some(value) = asked_by(query.what, &row, key_field) {
                    answered.insert(value.clone());
                    seen.rows.entry((filed_as, value)).or_default().push(row);
                }
            }
            if !complete {
                for value in &query.values {
                    let value = normal(query.what, value);
                    if !answered.contains(&value) {
                        seen.unread.insert((query.what, value));
                    }
                }
            }
        }
    }
    seen
}

/// A value as rows are filed under it: ids by their first 15 characters.
pub(super) fn normal(what: What, value: &str) -> String {
    match what {
        What::UsersById | What::LoginsById => id15(value),
        What::UsersByKey | What::LoginsByKey => value.to_owned(),
    }
}
