//! The mass-deprovision guard inside the enqueue's transaction: read the window's counts and
//! the trips, let the domain decide (`domain::guard`), then write the commands (held or not),
//! count the admitted deprovisions, and record each trip with its announcement.
//!
//! Everything is read and written in the enqueue's own transaction, which the engine's write
//! lock keeps apart from every other engine write (SQLite's single writer, PostgreSQL's
//! advisory lock), so two replicas enqueueing at once cannot both slip under a threshold.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::super::outbox::insert_outbox;
use super::super::{Connection, classify, time_text};
use super::enqueue::{enqueue_placed, find_event_item};
use crate::domain::guard::{Candidate, Census, Decision, Policy, Scope, Tally, Trip, decide};
use crate::domain::{DeprovisionMode, Intent};
use crate::store::commands::{CommandState, Enqueued, NewCommand};
use crate::store::error::StoreError;
use crate::store::outbox::{OutboxEvent, Tripped};
use crate::store::subjects::SubjectState;

const GUARDING: &str = "applying the mass-deprovision guard";

/// The origin source of manual commands, which the guard never holds.
pub(crate) const OPERATOR_SOURCE: &str = "operator";

/// Why the guard holds a new command, and the source it counts for.
#[derive(Debug, Clone)]
pub(super) struct HeldBy {
    pub(super) reason: String,
    pub(super) source: String,
}

/// Enqueues the commands under the guard; answers them and the trips the call caused.
pub(super) async fn guarded(
    connection: &mut Connection,
    policy: &Policy,
    commands: Vec<NewCommand>,
    now: DateTime<Utc>,
) -> Result<(Vec<Enqueued>, Vec<Trip>), StoreError> {
    let guarded = candidates(connection, policy, &commands, now).await?;
    if guarded.is_empty() {
        let placed = commands
            .into_iter()
            .map(|command| (command, None))
            .collect();
        return Ok((enqueue_placed(connection, placed, now).await?, Vec::new()));
    }
    let people = commands
        .iter()
        .map(|command| command.subject.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    let sources: BTreeSet<String> = guarded.iter().map(|(_, c)| c.source.clone()).collect();
    let census = census(connection, policy, &sources, now).await?;
    let list: Vec<Candidate> = guarded.iter().map(|(_, c)| c.clone()).collect();
    let decision = decide(policy, &census, &list, people);
    let mut holds: Vec<Option<HeldBy>> = vec![None; commands.len()];
    for ((index, candidate), verdict) in guarded.iter().zip(&decision.verdicts) {
        holds[*index] = verdict.as_ref().map(|hold| HeldBy {
            reason: hold.reason(policy.window),
            source: candidate.source.clone(),
        });
    }
    let event_id = commands.iter().find_map(|c| c.origin.event_id.clone());
    let placed = commands.into_iter().zip(holds).collect();
    let answers = enqueue_placed(connection, placed, now).await?;
    count_admitted(connection, &guarded, &decision, &answers, now).await?;
    let first_held = guarded
        .iter()
        .zip(&decision.verdicts)
        .find(|(_, verdict)| verdict.is_some())
        .map(|((index, _), _)| *index);
    if let Some(index) = first_held {
        let held = decision.verdicts.iter().filter(|v| v.is_some()).count();
        let subject = subject_of(connection, &answers[index]).await?;
        let tripped = Tripped {
            window: policy.window,
            held,
            event_id: event_id.as_deref(),
            command_id: &answers[index].command_id,
            subject: &subject,
        };
        for trip in &decision.trips {
            record_trip(connection, trip, &tripped, now).await?;
        }
    }
    Ok((answers, decision.trips))
}

/// The guarded deprovisions of the call, by index: not an operator's, due within the window,
/// and not enqueued before (a mapping run again).
async fn candidates(
    connection: &mut Connection,
    policy: &Policy,
    commands: &[NewCommand],
    now: DateTime<Utc>,
) -> Result<Vec<(usize, Candidate)>, StoreError> {
    let horizon = now + policy.window;
    let mut guarded = Vec::new();
    for (index, command) in commands.iter().enumerate() {
        let Intent::Deprovision(deprovision) = &command.intent else {
            continue;
        };
        let due = command
            .due_at
            .unwrap_or_else(|| command.origin.received_at.min(now));
        if command.origin.source == OPERATOR_SOURCE || due > horizon {
            continue;
        }
        if let Some(event_id) = &command.origin.event_id
            && find_event_item(connection, event_id, command.item_key.as_deref())
                .await?
                .is_some()
        {
            continue;
        }
        guarded.push((
            index,
            Candidate {
                source: command.origin.source.clone(),
                disable: deprovision.mode == DeprovisionMode::Disable,
            },
        ));
    }
    Ok(guarded)
}

/// The overall scope's and `sources`' counts and trips, clearing on the way each tripped scope
/// that holds nothing any more (newer events superseded what it held).
async fn census(
    connection: &mut Connection,
    policy: &Policy,
    sources: &BTreeSet<String>,
    now: DateTime<Utc>,
) -> Result<Census, StoreError> {
    let fail = |source| classify(GUARDING, source);
    let window_start = time_text(now - policy.window);
    sqlx::query("DELETE FROM guard_deprovisions WHERE counted_at <= $1")
        .bind(&window_start)
        .execute(&mut *connection)
        .await
        .map_err(fail)?;
    let trips: Vec<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT scope, tripped_at, cleared_at FROM guard_trips")
            .fetch_all(&mut *connection)
            .await
            .map_err(fail)?;
    let trips: BTreeMap<String, (Option<String>, Option<String>)> = trips
        .into_iter()
        .map(|(scope, tripped, cleared)| (scope, (tripped, cleared)))
        .collect();
    let overall = tally(connection, &trips, Scope::Overall, &window_start, now).await?;
    let mut by_source = BTreeMap::new();
    for source in sources {
        let scope = Scope::Source(source.clone());
        let source_tally = tally(connection, &trips, scope, &window_start, now).await?;
        by_source.insert(source.clone(), source_tally);
    }
    Ok(Census {
        overall,
        sources: by_source,
    })
}

/// One scope's tally: its trip (cleared if it holds nothing any more), the deprovisions
/// counted since the window's start or its last clearing, and the people managed.
async fn tally(
    connection: &mut Connection,
    trips: &BTreeMap<String, (Option<String>, Option<String>)>,
    scope: Scope,
    window_start: &str,
    now: DateTime<Utc>,
) -> Result<Tally, StoreError> {
    let (tripped, cleared) = trips.get(scope.key()).cloned().unwrap_or_default();
    let mut tripped = tripped.is_some();
    let mut cleared = cleared.filter(|cleared| cleared.as_str() > window_start);
    if tripped && clear_if_empty(connection, &scope, now).await? {
        tripped = false;
        cleared = Some(time_text(now));
    }
    let source = match &scope {
        Scope::Overall => None,
        Scope::Source(source) => Some(source.as_str()),
    };
    let since = Since {
        window_start,
        cleared: cleared.as_deref(),
    };
    let (recent, managed) = counts(connection, source, &since).await?;
    Ok(Tally {
        recent,
        managed,
        tripped,
    })
}

/// Where a scope's window starts: after its start, and not before the scope last cleared
/// (deprovisions admitted at the very moment it cleared count).
struct Since<'a> {
    window_start: &'a str,
    cleared: Option<&'a str>,
}

/// Deprovisions counted within the window and people managed, of one source or of all.
async fn counts(
    connection: &mut Connection,
    source: Option<&str>,
    since: &Since<'_>,
) -> Result<(u64, u64), StoreError> {
    let cleared = since.cleared.unwrap_or(since.window_start);
    let fail = |source| classify(GUARDING, source);
    let provisioned = SubjectState::Provisioned.as_str();
    let (recent, managed): (i64, i64) = match source {
        None => {
            let recent = sqlx::query_scalar(
                "SELECT COUNT(*) FROM guard_deprovisions WHERE counted_at > $1 \
                 AND counted_at >= $2",
            )
            .bind(since.window_start)
            .bind(cleared)
            .fetch_one(&mut *connection)
            .await
            .map_err(fail)?;
            let managed = sqlx::query_scalar("SELECT COUNT(*) FROM subjects WHERE state = $1")
                .bind(provisioned)
                .fetch_one(&mut *connection)
                .await
                .map_err(fail)?;
            (recent, managed)
        }
        Some(source) => {
            let recent = sqlx::query_scalar(
                "SELECT COUNT(*) FROM guard_deprovisions WHERE source = $1 AND counted_at > $2 \
                 AND counted_at >= $3",
            )
            .bind(source)
            .bind(since.window_start)
            .bind(cleared)
            .fetch_one(&mut *connection)
            .await
            .map_err(fail)?;
            let managed = sqlx::query_scalar(
                "SELECT COUNT(*) FROM subjects WHERE state = $1 AND source = $2",
            )
            .bind(provisioned)
            .bind(source)
            .fetch_one(&mut *connection)
            .await
            .map_err(fail)?;
            (recent, managed)
        }
    };
    Ok((
        u64::try_from(recent).unwrap_or(0),
        u64::try_from(managed).unwrap_or(0),
    ))
}

/// Clears `scope`'s trip when no command it holds is still held; answers whether it did. The
/// window then counts only deprovisions admitted after now.
pub(super) async fn clear_if_empty(
    connection: &mut Connection,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let fail = |source| classify(GUARDING, source);
    let held = CommandState::Held.as_str();
    let remaining: i64 = match scope {
        Scope::Overall => sqlx::query_scalar("SELECT COUNT(*) FROM commands WHERE state = $1")
            .bind(held)
            .fetch_one(&mut *connection)
            .await
            .map_err(fail)?,
        Scope::Source(source) => sqlx::query_scalar(
            "SELECT COUNT(*) FROM commands WHERE state = $1 AND held_source = $2",
        )
        .bind(held)
        .bind(source)
        .fetch_one(&mut *connection)
        .await
        .map_err(fail)?,
    };
    if remaining > 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE guard_trips SET tripped_at = NULL, cleared_at = $1 \
         WHERE scope = $2 AND tripped_at IS NOT NULL",
    )
    .bind(time_text(now))
    .bind(scope.key())
    .execute(&mut *connection)
    .await
    .map_err(fail)?;
    Ok(true)
}

/// Counts, in the window, the deprovisions admitted that wait to run (not those superseded on
/// arrival).
async fn count_admitted(
    connection: &mut Connection,
    guarded: &[(usize, Candidate)],
    decision: &Decision,
    answers: &[Enqueued],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now = time_text(now);
    for ((index, candidate), verdict) in guarded.iter().zip(&decision.verdicts) {
        let answer = &answers[*index];
        let waits = matches!(answer.state, CommandState::Queued | CommandState::Scheduled);
        if verdict.is_some() || answer.duplicate || !waits {
            continue;
        }
        sqlx::query(
            "INSERT INTO guard_deprovisions (command_id, source, counted_at) VALUES ($1, $2, $3) \
             ON CONFLICT (command_id) DO NOTHING",
        )
        .bind(answer.command_id.as_str())
        .bind(&candidate.source)
        .bind(&now)
        .execute(&mut *connection)
        .await
        .map_err(|source| classify(GUARDING, source))?;
    }
    Ok(())
}

/// Marks the scope tripped (counting the trip) and announces it.
async fn record_trip(
    connection: &mut Connection,
    trip: &Trip,
    tripped: &Tripped<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now_text = time_text(now);
    let reason = trip.describe(tripped.window);
    sqlx::query(
        "INSERT INTO guard_trips (scope, tripped_at, cleared_at, trips, reason) \
         VALUES ($1, $2, NULL, 1, $3) ON CONFLICT (scope) DO UPDATE \
         SET tripped_at = $2, trips = guard_trips.trips + 1, reason = $3",
    )
    .bind(trip.scope.key())
    .bind(&now_text)
    .bind(&reason)
    .execute(&mut *connection)
    .await
    .map_err(|source| classify(GUARDING, source))?;
    let announcement = OutboxEvent::guard_tripped(trip, tripped, now);
    insert_outbox(
        connection,
        tripped.subject,
        tripped.command_id,
        &announcement,
        &now_text,
    )
    .await?;
    Ok(())
}

/// The subject of an enqueued command, read back in this transaction.
async fn subject_of(
    connection: &mut Connection,
    answer: &Enqueued,
) -> Result<crate::domain::SubjectKey, StoreError> {
    let key: String = sqlx::query_scalar("SELECT subject_key FROM commands WHERE command_id = $1")
        .bind(answer.command_id.as_str())
        .fetch_one(&mut *connection)
        .await
        .map_err(|source| classify(GUARDING, source))?;
    crate::domain::SubjectKey::parse(&key).map_err(|source| {
        super::super::row::unreadable(format!("command {}", answer.command_id), source)
    })
}
