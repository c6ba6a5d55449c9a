//! The personal values of the person a trace is about, so they are masked wherever they turn
//! up in it: inside an error text the org sent back (`Last Name: data value too large: …`), in
//! a field whose name does not say what it holds. Names have no shape a scan could find; the
//! values themselves are the only way to find them in free text.
//!
//! Kept by trace id, because the trace is what a log line (its `trace_id` field) and an
//! exported span (its trace id) both carry, whichever span and thread wrote them, and whenever
//! the batch of spans is exported (after the command has ended). A command remembers its
//! person's values when its run starts; the most recent [`TRACES_KEPT`] traces are kept, which
//! outlasts the spans of every command running at once and the export batches after them.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock};

use parking_lot::Mutex;

use super::fields::Kind;

/// How many traces' values are kept; the oldest are forgotten first.
pub const TRACES_KEPT: usize = 4096;

/// Values shorter than this are not searched for: a two-letter name would mask every word
/// that happens to be spelt the same, and says little about whom a line is about.
const SHORTEST: usize = 3;

/// One trace's values, longest first (so `Ada Lovelace` is found before `Ada`).
pub type Values = Arc<[(Kind, String)]>;

#[derive(Default)]
struct Traces {
    values: HashMap<String, Values>,
    order: VecDeque<String>,
}

static KNOWN: LazyLock<Mutex<Traces>> = LazyLock::new(Mutex::default);

/// Remembers the personal values of the trace `trace_id` (32 lowercase hex digits), replacing
/// what it held: a later run of the same command, or another command of the same event,
/// remembers its own person's.
pub fn remember(trace_id: &str, values: impl IntoIterator<Item = (Kind, String)>) {
    let mut values: Vec<(Kind, String)> = values
        .into_iter()
        .map(|(kind, value)| (kind, value.trim().to_owned()))
        .filter(|(_, value)| value.chars().count() >= SHORTEST)
        .collect();
    if values.is_empty() {
        return;
    }
    values.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.1.cmp(&b.1)));
    values.dedup_by(|a, b| a.1 == b.1);
    let mut known = KNOWN.lock();
    let trace = trace_id.to_ascii_lowercase();
    let merged = match known.values.get(&trace) {
        // Several people under one trace (an event fanned out to several commands): keep all.
        Some(before) => {
            let mut all: Vec<(Kind, String)> = before.iter().cloned().collect();
            all.extend(values);
            all.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.1.cmp(&b.1)));
            all.dedup_by(|a, b| a.1 == b.1);
            all
        }
        None => {
            known.order.push_back(trace.clone());
            values
        }
    };
    known.values.insert(trace, merged.into());
    while known.order.len() > TRACES_KEPT {
        if let Some(oldest) = known.order.pop_front() {
            known.values.remove(&oldest);
        }
    }
}

/// The values remembered for `trace_id`.
pub fn of(trace_id: &str) -> Option<Values> {
    KNOWN
        .lock()
        .values
        .get(&trace_id.to_ascii_lowercase())
        .cloned()
}

/// `text` with every whole-word occurrence of `values` replaced by its masked form. Whole
/// words only, so `Li` the name leaves `Licence` alone; matches are found in the text as it
/// came, so a hash never gets masked again.
pub fn mask_values<'a>(text: &'a str, values: &[(Kind, String)]) -> Cow<'a, str> {
    let mut found: Vec<(usize, usize, Kind, &str)> = Vec::new();
    for (kind, value) in values {
        for (start, _) in text.match_indices(value.as_str()) {
            let end = start + value.len();
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            found.push((start, end, *kind, value));
        }
    }
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    // Longer values come first for one start; an overlapping later match is left out.
    found.sort_by_key(|&(start, end, ..)| (start, std::cmp::Reverse(end)));
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end, kind, value) in found {
        if start < copied {
            continue;
        }
        out.push_str(&text[copied..start]);
        out.push_str(kind.mask(value).as_str());
        copied = end;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}
