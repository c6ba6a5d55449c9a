//! Waiting for the engine: until the inbox is mapped and no command is due or running, or until
//! a condition on the commands holds. Polls the store; never sleeps a fixed time to "let it run".

use std::time::Duration;

use chrono::{DateTime, Utc};
use gatehouse::domain::{OutcomeKind, SubjectKey};
use gatehouse::store::{CommandFilter, CommandRecord, CommandState, InboxStatus, Store};

/// How often the store is asked.
const POLL: Duration = Duration::from_millis(20);
/// How long a wait may take before the test fails with what it saw. Generous: the machine is
/// shared, and this bounds a hang, it does not time the engine.
const PATIENCE: Duration = Duration::from_secs(90);

/// Every command, in creation order.
pub async fn all_commands(store: &Store) -> Vec<CommandRecord> {
    store
        .list_commands(&CommandFilter {
            limit: CommandFilter::MAX_LIMIT,
            ..CommandFilter::default()
        })
        .await
        .expect("list commands")
}

/// The subject's commands, in creation order.
pub async fn commands_of(store: &Store, subject: &str) -> Vec<CommandRecord> {
    store
        .list_commands(&CommandFilter {
            subject: Some(SubjectKey::parse(subject).expect("subject key")),
            limit: CommandFilter::MAX_LIMIT,
            ..CommandFilter::default()
        })
        .await
        .expect("list commands")
}

/// Whether the engine has nothing to do at `now`: no accepted event waits for the intake, and
/// no command is queued, running, or retrying/scheduled with its time come.
pub async fn is_settled(store: &Store, now: DateTime<Utc>) -> bool {
    let inbox = store.count_by_status().await.expect("inbox counts");
    if inbox.get(&InboxStatus::Accepted).copied().unwrap_or(0) > 0 {
        return false;
    }
    !all_commands(store).await.iter().any(|c| match c.state {
        CommandState::Queued | CommandState::Running => true,
        CommandState::Retrying | CommandState::Scheduled => c.due_at <= now,
        CommandState::Parked | CommandState::Held | CommandState::Done => false,
    })
}

/// Waits until the engine has nothing to do at `now` (see [`is_settled`]); returns every
/// command.
pub async fn settled(store: &Store, now: DateTime<Utc>) -> Vec<CommandRecord> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if is_settled(store, now).await {
            return all_commands(store).await;
        }
        if tokio::time::Instant::now() > deadline {
            panic!(
                "the engine did not settle; commands: {:#?}",
                summary(&all_commands(store).await)
            );
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Waits until `done` holds for the commands; returns them.
pub async fn wait_for(
    store: &Store,
    what: &str,
    done: impl Fn(&[CommandRecord]) -> bool,
) -> Vec<CommandRecord> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let commands = all_commands(store).await;
        if done(&commands) {
            return commands;
        }
        if tokio::time::Instant::now() > deadline {
            panic!(
                "waited in vain for {what}; commands: {:#?}",
                summary(&commands)
            );
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The outcome kind of a command, if it ended.
pub fn kind_of(command: &CommandRecord) -> Option<OutcomeKind> {
    command.outcome.as_ref().map(|o| o.kind)
}

/// One line per command, for failure messages.
pub fn summary(commands: &[CommandRecord]) -> Vec<String> {
    commands
        .iter()
        .map(|c| {
            format!(
                "{} {} {} attempts={} due={} outcome={:?} error={:?} parked={:?}",
                c.command.subject,
                c.command.intent.kind(),
                c.state.as_str(),
                c.attempts,
                c.due_at,
                c.outcome.as_ref().map(|o| (
                    o.kind.as_str(),
                    o.api_calls,
                    o.steps.clone(),
                    o.refusal.clone()
                )),
                c.last_error,
                c.parked_reason,
            )
        })
        .collect()
}
