//! Personal data in log lines and exported spans: never the value, always a short keyed hash.
//!
//! The hash is HMAC-SHA256 under a per-deployment key (`[log] mask_key`, required with a real
//! org), cut to 12 hex digits (48 bits: collisions are negligible among the people one
//! deployment serves). Keyed rather than plain, because emails are guessable: with a plain hash
//! anyone reading the log could confirm "was ada@example.com provisioned?" by hashing the
//! guess. The same value always gives the same hash within a deployment, so lines about one
//! person stay correlatable; an operator holding the key can compute a person's hash to search
//! for it (docs/operations.md shows how).
//!
//! Four layers, the same for log lines and exported spans (`otlp::masking`):
//! - code that logs a personal value passes it through [`email`] or [`name`];
//! - a field whose name says it holds a person's email or name (`email`, `last_name`,
//!   `nickname`, `username`, …) is masked whole, whatever its value looks like ([`field`]);
//! - the values of the person a trace is about, remembered when their command runs, are masked
//!   wherever they turn up under that trace ([`known`]), as names in an org's error text do;
//! - anything shaped like an email address is replaced by its hash ([`mask_emails`]) — a net
//!   for values that arrive inside error texts.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::OnceLock;

mod fields;
pub mod known;

pub use fields::{Kind, field, kind_of};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key used when none is configured, which config validation allows only for the simulated
/// org: lines are still masked and correlatable, but a guessed value can be confirmed by anyone
/// who knows this constant.
const BUILT_IN_KEY: &[u8] = b"gatehouse log mask v1";

static KEY: OnceLock<Vec<u8>> = OnceLock::new();

/// Sets the deployment's key; the first call wins (the process logs under one key).
pub fn set_key(key: &[u8]) {
    let _ = KEY.set(key.to_vec());
}

fn key() -> &'static [u8] {
    KEY.get().map_or(BUILT_IN_KEY, Vec::as_slice)
}

/// A personal value as log lines show it: `kind:` and 12 hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Masked(String);

impl std::fmt::Display for Masked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Masked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Masked {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, masked. Case and surrounding spaces do not change the hash, as they do
/// not change the mailbox.
pub fn email(value: &str) -> Masked {
    Masked(format!("email:{}", digest(&value.trim().to_lowercase())))
}

/// A person's name (first, last, nickname), masked.
pub fn name(value: &str) -> Masked {
    Masked(format!("name:{}", digest(value.trim())))
}

/// A subject key, masked: what an erasure's tombstone keeps in place of the key, so a later
/// event for the same key finds it while the key itself is gone.
pub fn subject(value: &str) -> Masked {
    Masked(format!("subject:{}", digest(value.trim())))
}

fn digest(value: &str) -> String {
    // HMAC takes keys of any length; the error arm cannot happen and still masks.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key()) else {
        return "unavailable".to_owned();
    };
    mac.update(value.as_bytes());
    let bytes = mac.finalize().into_bytes();
    hex::encode(&bytes[..6])
}

/// A text written under the trace `trace_id` as logs and traces show it: the values
/// remembered for that trace masked ([`known`]), then anything email-shaped.
pub fn text<'a>(text: &'a str, trace_id: Option<&str>) -> Cow<'a, str> {
    let Some(values) = trace_id.and_then(known::of) else {
        return mask_emails(text);
    };
    match known::mask_values(text, &values) {
        Cow::Borrowed(same) => mask_emails(same),
        Cow::Owned(masked) => Cow::Owned(mask_emails(&masked).into_owned()),
    }
}

/// The trace id a log line names: the value of its `trace_id` field, in the JSON form
/// (`"trace_id":"…"`) or the text form (`trace_id=…`).
fn trace_of_line(line: &str) -> Option<&str> {
    let at = line.find("trace_id")? + "trace_id".len();
    let rest = line[at..].trim_start_matches(['"', ':', '=']);
    let id = rest.get(..32)?;
    id.bytes().all(|b| b.is_ascii_hexdigit()).then_some(id)
}

/// Replaces every email-shaped run of text with its masked form.
pub fn mask_emails(text: &str) -> Cow<'_, str> {
    if !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(offset) = text[at..].find('@') {
        let sign = at + offset;
        let start = (0..sign)
            .rev()
            .take_while(|&i| is_local(bytes[i]))
            .last()
            .unwrap_or(sign);
        let end = (sign + 1..bytes.len())
            .take_while(|&i| is_domain(bytes[i]))
            .last()
            .map_or(sign + 1, |i| i + 1);
        // Trailing dots end sentences, not domains.
        let end = (sign + 1..end)
            .rev()
            .find(|&i| bytes[i] != b'.')
            .map_or(sign + 1, |i| i + 1);
        let domain = &text[sign + 1..end];
        if start < sign && domain.contains('.') && start >= copied {
            out.push_str(&text[copied..start]);
            out.push_str(email(&text[start..end]).as_str());
            copied = end;
            at = end;
        } else {
            at = sign + 1;
        }
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

/// `MakeWriter` for the log: hands out a [`MaskingWriter`] per line.
#[derive(Clone, Copy, Default)]
pub struct MaskingStderr;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for MaskingStderr {
    type Writer = MaskingWriter;

    fn make_writer(&'a self) -> Self::Writer {
        MaskingWriter { line: Vec::new() }
    }
}

/// Collects one formatted line and writes it to stderr, masked ([`text`], under the trace the
/// line names), when dropped. The formatter writes each event through a fresh writer, so a
/// line is never split.
pub struct MaskingWriter {
    line: Vec<u8>,
}

impl Write for MaskingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.line.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.line.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.line);
        let masked = self::text(&text, trace_of_line(&text));
        let result = io::stderr().lock().write_all(masked.as_bytes());
        self.line.clear();
        result
    }
}

impl Drop for MaskingWriter {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests;
