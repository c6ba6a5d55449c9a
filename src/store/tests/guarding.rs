//! The mass-deprovision guard as the store applies it inside the enqueue: counts shared in the
//! database, a window that slides, duplicates and manual commands left out, held commands
//! released by operators, and a scope that clears once it holds nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::backing::{Scratch, on_both_stores};
use super::samples::deprovision;
use crate::clock::{Clock, ManualClock};
use crate::domain::guard::{Limit, Policy};
use crate::domain::{CommandId, OutcomeKind};
use crate::store::{CommandFilter, CommandState, HeldSelection, NewCommand, Store};

/// At most three deprovisions within ten minutes.
fn three() -> Policy {
    Policy {
        window: TimeDelta::minutes(10),
        share_floor: 10,
        overall: Limit {
            count: Some(3),
            percent: None,
        },
        per_source: Limit::default(),
        sources: BTreeMap::new(),
    }
}

fn start() -> ManualClock {
    ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap())
}

/// A deprovision of `subject` received now.
fn leaving(subject: &str, now: DateTime<Utc>) -> NewCommand {
    let mut command = deprovision(subject, now);
    command.origin.received_at = now;
    command
}

async fn state(store: &Store, id: &CommandId) -> CommandState {
    store.get_command(id).await.unwrap().unwrap().state
}

async fn enqueue_one(store: &Store, command: NewCommand) -> CommandState {
    store.enqueue(None, vec![command]).await.unwrap()[0].state
}

on_both_stores! {
    async fn the_window_slides_and_held_commands_wait_for_an_operator() {
        let dir = Scratch::new().await;
        let clock = start();
        let store = dir.open_with_clock(clock.shared()).await;
        store.set_guard(Some(three()));

        for n in 0..3 {
            assert_eq!(enqueue_one(&store, leaving(&format!("hr:{n}"), clock.now())).await, CommandState::Queued);
        }
        let fourth = leaving("hr:3", clock.now());
        let fourth_id = fourth.id.clone();
        let fourth_subject = fourth.subject.clone();
        assert_eq!(enqueue_one(&store, fourth).await, CommandState::Held);
        let mut manual = leaving("hr:4", clock.now());
        manual.origin.source = "operator".into();
        assert_eq!(enqueue_one(&store, manual).await, CommandState::Queued, "never an operator's");

        // Ten minutes on, the first three left the window, but the scope stays tripped.
        clock.advance(TimeDelta::minutes(11));
        assert_eq!(enqueue_one(&store, leaving("hr:5", clock.now())).await, CommandState::Held);
        let scopes = store.guard_scopes().await.unwrap();
        assert_eq!((scopes[0].scope.as_str(), scopes[0].trips, scopes[0].held), ("*", 1, 2));

        let released = store
            .approve_held(&HeldSelection::Subject(fourth_subject), "alice")
            .await
            .unwrap();
        assert_eq!(released.commands, std::slice::from_ref(&fourth_id));
        assert!(released.cleared.is_empty(), "hr:5 is still held");
        assert_eq!(state(&store, &fourth_id).await, CommandState::Queued);
        let rejected = store
            .reject_held(&HeldSelection::All, "alice", Some("a test".into()))
            .await
            .unwrap();
        assert_eq!(rejected.cleared, ["*"]);
        let ended = store.get_command(&rejected.commands[0]).await.unwrap().unwrap();
        assert_eq!(ended.outcome.map(|o| o.kind), Some(OutcomeKind::Rejected));

        // Cleared, with a fresh window: three more run, approved ones do not count.
        for n in 6..9 {
            assert_eq!(enqueue_one(&store, leaving(&format!("hr:{n}"), clock.now())).await, CommandState::Queued);
        }
        assert_eq!(enqueue_one(&store, leaving("hr:9", clock.now())).await, CommandState::Held);
        let held = CommandFilter {
            state: Some(CommandState::Held),
            ..CommandFilter::default()
        };
        let listed = store.list_commands(&held).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].held_reason.as_deref().unwrap().contains("4 deprovisions within 10 min"));
        assert_eq!(store.guard_scopes().await.unwrap()[0].trips, 2);
    }
}

on_both_stores! {
    async fn a_mapping_run_again_counts_its_deprovisions_once_and_no_guard_holds_nothing() {
        let dir = Scratch::new().await;
        let clock = start();
        let store = dir.open_with_clock(clock.shared()).await;
        let mut first = leaving("hr:1", clock.now());
        first.origin.event_id = Some("evt_again".into());
        first.item_key = Some("1".into());
        store.set_guard(Some(three()));
        for _ in 0..5 {
            let again = NewCommand { id: CommandId::generate(), ..first.clone() };
            assert_eq!(enqueue_one(&store, again).await, CommandState::Queued);
        }
        for n in 2..4 {
            assert_eq!(enqueue_one(&store, leaving(&format!("hr:{n}"), clock.now())).await, CommandState::Queued);
        }
        store.set_guard(None);
        for n in 4..10 {
            assert_eq!(enqueue_one(&store, leaving(&format!("hr:{n}"), clock.now())).await, CommandState::Queued);
        }
        assert!(store.guard_scopes().await.unwrap().is_empty());
    }
}

on_both_stores! {
    async fn nobody_approves_what_a_run_they_started_holds() {
        let dir = Scratch::new().await;
        let clock = start();
        let store = dir.open_with_clock(clock.shared()).await;
        store.set_guard(Some(three()));
        let from_alices_run = |n: usize| {
            let mut command = leaving(&format!("hr:{n}"), clock.now());
            command.origin.started_by = Some("alice".into());
            command
        };
        let commands: Vec<NewCommand> = (0..5).map(from_alices_run).collect();
        let held = store.enqueue(None, commands).await.unwrap();
        assert!(held.iter().all(|e| e.state == CommandState::Held), "{held:?}");

        let refused = store.approve_held(&HeldSelection::All, "alice").await.unwrap_err();
        assert!(
            matches!(&refused, crate::store::StoreError::OwnRun { actor, count: 5 } if actor == "alice"),
            "{refused}"
        );
        assert_eq!(state(&store, &held[0].command_id).await, CommandState::Held, "nothing approved");

        let approved = store.approve_held(&HeldSelection::All, "bob").await.unwrap();
        assert_eq!(approved.commands.len(), 5);
        assert_eq!(state(&store, &held[4].command_id).await, CommandState::Queued);
    }
}
