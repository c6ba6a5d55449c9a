//! What keeps a captured delivery from being stored and acted on again: an event id the
//! signature covers, and for senders that sign no timestamp, a replay window.
//!
//! ```toml
//! [sources.hibob]
//! event_time = { json_pointer = "/triggeredAt" }
//! replay_window = "6h"      # default 24h; Greenhouse 16h; "w d h m s" units
//! ```

use std::time::Duration;

use super::{Locator, SourceConfig};
use crate::domain::time::parse_grace;

/// The widest replay window a config may ask for.
pub const MAX_REPLAY_WINDOW: Duration = Duration::from_secs(30 * 86_400);

impl SourceConfig {
    /// How old (by the time its body gives) an event may be when it arrives and still be
    /// acted on without an operator's replay: `replay_window` as written, else the scheme's
    /// default; `None` when the scheme's signed timestamp already bounds replays, or the
    /// window cannot be read (validation reports that).
    pub fn replay_window(&self) -> Option<Duration> {
        match &self.replay_window {
            Some(text) => parse_grace(text),
            None => self.verification.as_ref()?.default_replay_window(),
        }
    }

    /// The problems of `event_id`, `event_time` and `replay_window`, as `(key, message)`;
    /// `name` is the source's name.
    pub fn replay_problems(&self, name: &str) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let key = format!("sources.{name}");
        if let Some(text) = &self.replay_window {
            match parse_grace(text) {
                Some(window) if window <= MAX_REPLAY_WINDOW => {}
                Some(_) => problems.push((
                    format!("{key}.replay_window"),
                    format!("'{text}' is longer than {} days; a window that wide lets old deliveries be acted on again", MAX_REPLAY_WINDOW.as_secs() / 86_400),
                )),
                None => problems.push((
                    format!("{key}.replay_window"),
                    format!("'{text}' is not a period above zero such as \"6h\", \"1d\" or \"90m\""),
                )),
            }
        }
        let Some(verification) = &self.verification else {
            // Fed by Kafka only: the broker's authentication says who may publish.
            return problems;
        };
        let signed = verification.signed_headers();
        let scheme = verification.scheme_name();
        let unsigned = |locator: &Option<Locator>| match locator {
            Some(Locator::Header { header }) if !signed.contains(&header.to_ascii_lowercase()) => {
                Some(header.clone())
            }
            _ => None,
        };
        if let Some(header) = unsigned(&self.event_id) {
            problems.push((
                format!("{key}.event_id"),
                format!(
                    "source '{name}' takes its event id from the {header} header, which its {scheme} signature does not cover, so a captured delivery could be stored again under a new id; take the id from the signed body (event_id = {{ json_pointer = \"/id\" }}) or leave event_id out to recognise redeliveries by a SHA-256 of the body"
                ),
            ));
        }
        if self.replay_window().is_some()
            && let Some(header) = unsigned(&self.event_time)
        {
            problems.push((
                format!("{key}.event_time"),
                format!(
                    "source '{name}' has a replay window but takes its event time from the {header} header, which its {scheme} signature does not cover, so a replayed delivery could claim any time; take the time from the signed body (event_time = {{ json_pointer = \"/occurred_at\" }})"
                ),
            ));
        }
        problems
    }
}
