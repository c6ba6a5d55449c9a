//! The replay window of senders that sign no timestamp: an event whose own time is older than
//! its source's window when it arrives is a replay unless it is newer than what was last applied
//! for its subject. Refused events stay in the inbox as `unmapped` with the reason, for an
//! operator to replay; a replayed event is not asked again.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::mapping::MappedCommand;
use crate::store::{InboxEvent, Store, StoreError};

/// Why the event is refused, or `None` when every command of it may go ahead.
pub(super) async fn refusal(
    store: &Store,
    event: &InboxEvent,
    mapped: &[MappedCommand],
    window: Duration,
) -> Result<Option<String>, StoreError> {
    if event.replays > 0 {
        return Ok(None);
    }
    let Some(oldest) = chrono::TimeDelta::from_std(window)
        .ok()
        .and_then(|w| event.received_at.checked_sub_signed(w))
    else {
        return Ok(None);
    };
    for command in mapped
        .iter()
        .filter(|c| c.timed_by_source && c.source_time < oldest)
    {
        let applied = store
            .get_subject(&command.subject)
            .await?
            .and_then(|lifecycle| lifecycle.record.last_applied_source_time);
        if applied.is_some_and(|last| command.source_time > last) {
            continue;
        }
        return Ok(Some(reason(event, command, window, applied)));
    }
    Ok(None)
}

fn reason(
    event: &InboxEvent,
    command: &MappedCommand,
    window: Duration,
    applied: Option<DateTime<Utc>>,
) -> String {
    let last = match applied {
        Some(last) => format!(
            "the last change applied to {} happened at {last}",
            command.subject
        ),
        None => format!("nothing has been applied to {} yet", command.subject),
    };
    format!(
        "refused by the replay window: the event happened at {}, more than {} before it was received at {}, and {last}; if it is genuine, replay it (gatehouse inbox replay {})",
        command.source_time,
        period(window),
        event.received_at,
        event.event_id
    )
}

/// A window as it is written in the config: `16h`, `90m`, `1d`.
fn period(window: Duration) -> String {
    let seconds = window.as_secs();
    match seconds {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}
