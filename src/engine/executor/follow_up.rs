//! Commands an outcome causes: the deactivation that follows a freeze after its grace period.

use chrono::{DateTime, Utc};

use crate::domain::{Command, CommandId, Deprovision, DeprovisionMode, Intent};
use crate::store::NewCommand;

/// `freeze-then-deactivate`: once frozen, the deactivation waits out the grace period as a
/// command of its own, which a newer event for the person supersedes. `None` for any other
/// intent.
pub(super) fn after_grace(command: &Command, now: DateTime<Utc>) -> Option<NewCommand> {
    let Intent::Deprovision(Deprovision {
        mode: DeprovisionMode::FreezeThenDeactivate { grace },
        trigger,
    }) = &command.intent
    else {
        return None;
    };
    let due = now + chrono::Duration::from_std(*grace).unwrap_or(chrono::Duration::days(1));
    Some(NewCommand {
        id: CommandId::generate(),
        subject: command.subject.clone(),
        intent: Intent::Deprovision(Deprovision {
            mode: DeprovisionMode::Deactivate,
            trigger: format!("{trigger} (after the grace period)"),
        }),
        origin: command.origin.clone(),
        item_key: Some(format!("{}:then-deactivate", command.id)),
        due_at: Some(due),
    })
}
