//! The people the sources speak of, and the events they send about them.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

/// A partner user as the portal describes them.
#[derive(Debug, Clone)]
pub struct Partner {
    pub id: String,
    pub partner: String,
    pub first: String,
    pub last: String,
    pub email: String,
}

impl Partner {
    pub fn new(id: &str, partner: &str, first: &str, last: &str, email: &str) -> Partner {
        Partner {
            id: id.to_owned(),
            partner: partner.to_owned(),
            first: first.to_owned(),
            last: last.to_owned(),
            email: email.to_owned(),
        }
    }

    pub fn subject(&self) -> String {
        format!("partner-portal:{}", self.id)
    }

    fn user(&self) -> Value {
        json!({"id": self.id, "first_name": self.first, "last_name": self.last, "email": self.email})
    }

    /// `partner.user.signed_up` at `at`, with `extra` merged into `data`.
    pub fn signed_up(&self, at: DateTime<Utc>, extra: Value) -> Value {
        self.event("partner.user.signed_up", at, extra)
    }

    /// An event of `kind` about this person at `at`.
    pub fn event(&self, kind: &str, at: DateTime<Utc>, extra: Value) -> Value {
        let mut data = json!({"partner_id": self.partner, "user": self.user()});
        if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
            data.extend(extra);
        }
        json!({"type": kind, "occurred_at": rfc3339(at), "data": data})
    }
}

/// Ada, a partner user of Northwind (`P-100`).
pub fn ada() -> Partner {
    Partner::new(
        "u-1",
        "P-100",
        "Ada",
        "Lovelace",
        "ada.lovelace@partner.example",
    )
}

/// A customer as the CRM describes them.
#[derive(Debug, Clone)]
pub struct Customer {
    pub number: u32,
    pub account: &'static str,
    pub first: String,
    pub last: String,
    pub email: String,
}

impl Customer {
    /// Customer `n` of Contoso (`C-200`).
    pub fn numbered(n: u32) -> Customer {
        Customer {
            number: n,
            account: "C-200",
            first: "Cust".to_owned(),
            last: format!("Omer{n}"),
            email: format!("customer{n}@contoso.example"),
        }
    }

    pub fn subject(&self) -> String {
        format!("K-{}", self.number)
    }

    /// An event of `kind` about this customer at `at`, with `extra` merged into `data`.
    pub fn event(&self, kind: &str, at: DateTime<Utc>, extra: Value) -> Value {
        let mut data = json!({
            "account": self.account,
            "customer": {"number": self.number, "first_name": self.first, "last_name": self.last, "email": self.email},
        });
        if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
            data.extend(extra);
        }
        json!({"type": kind, "occurred_at": rfc3339(at), "data": data})
    }
}

pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}
