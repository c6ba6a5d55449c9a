//! The licence report as CSV: one table of licence types, a blank line, then one of people.
//! Fields are quoted where they hold a comma, a quote or a line break (RFC 4180).

use std::fmt::Write;

use chrono::{DateTime, SecondsFormat, Utc};

use super::plan::LicenceReport;

/// The report as CSV text.
pub fn to_csv(report: &LicenceReport) -> String {
    let mut out = String::from("licence,kind,total,used,managed,others,inactive\r\n");
    for l in &report.licences {
        let _ = write!(
            out,
            "{},{},{},{},{},{},{}\r\n",
            field(&l.licence),
            l.kind.as_str(),
            l.total,
            l.used,
            l.managed,
            l.others,
            l.inactive
        );
    }
    out.push_str(
        "\r\nsubject,state,licence,purpose,sponsor,account,last_login,ends_at,inactive\r\n",
    );
    for p in &report.people {
        let state = serde_json::to_value(p.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let cells = [
            field(&p.subject),
            state,
            opt(p.licence.as_deref()),
            opt(p.purpose.as_deref()),
            opt(p.sponsor.as_deref()),
            opt(p.account.as_deref()),
            time(p.last_login),
            time(p.ends_at),
            p.inactive.to_string(),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn opt(value: Option<&str>) -> String {
    value.map(field).unwrap_or_default()
}

fn time(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
