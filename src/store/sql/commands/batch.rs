//! A batch's writes in one transaction each: its checkpoints, its renewals, its endings.
//!
//! Each item runs the statements its one-command twin runs (`waiting.rs`, `outcome.rs`,
//! `claim.rs`), inside the batch's one transaction. An item is first judged held under its
//! own token, by the rule one command's write is judged by (`judge_held`, on the batch's
//! commands read a few hundred per statement): one that is not held is answered in its own
//! slot and writes nothing, and the others go on. Once an item is known held, every write of it
//! is fenced again and must land; a failure then is the database's (or a writer the
//! transaction did not exclude), and it rolls the whole batch back.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::super::{Connection, Db, Store, classify, time_text};
use super::batch_rows::{FinishRow, ProgressRow, finish_rows, progress_rows, renew_rows};
use super::claim::renew_in;
use super::enqueue::enqueue_in;
use super::outcome::write_finish;
use super::waiting::{unpark_in, write_park, write_progress, write_retry};
use super::{COMMAND_COLUMNS, FencedRow, judge_held, load_held};
use crate::domain::CommandId;
use crate::store::commands::{
    CommandRecord, EndedMany, Ending, FencingToken, ProgressWrite, is_items_own,
};
use crate::store::error::StoreError;
use crate::store::outbox::OutboxId;
use crate::store::timestamp;

const RECORDING: &str = "recording a batch's progress";
const RENEWING: &str = "renewing a batch's claims";
const ENDING: &str = "ending a batch's commands";
/// Commands read by one statement; far below both databases' limits on parameters.
const PREFETCH_CHUNK: usize = 500;

impl Store {
    /// Each checkpoint as `record_progress` writes it, fenced on its own token, in one
    /// transaction.
    pub(crate) async fn record_progress_many(
        &self,
        items: &[ProgressWrite],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        let now = time_text(now);
        let mut transaction = self.begin_write(RECORDING).await?;
        let mut answers = Vec::with_capacity(items.len());
        let mut prefetched =
            prefetch(&mut transaction, items.iter().map(|item| &item.command_id)).await?;
        // Each command once: its checkpoints go in multi-row statements. A command twice
        // (its first item changes what the second is judged on): one item at a time.
        let once = each_once(items.iter().map(|item| &item.command_id));
        let mut rows = Vec::new();
        for item in items {
            let claim = (&item.command_id, item.fence);
            let held =
                match held(&mut transaction, &mut prefetched, claim, "record progress").await? {
                    Ok(held) => held,
                    Err(refused) => {
                        answers.push(Err(refused));
                        continue;
                    }
                };
            if once {
                rows.push(ProgressRow {
                    held,
                    fence: item.fence,
                    key: item.key.clone(),
                    value: item.value.clone(),
                });
            } else {
                write_progress(
                    &mut transaction,
                    held,
                    item.fence,
                    &item.key,
                    item.value.clone(),
                    &now,
                )
                .await?;
            }
            answers.push(Ok(()));
        }
        progress_rows(&mut transaction, rows, &now).await?;
        transaction
            .commit()
            .await
            .map_err(|source| classify(RECORDING, source))?;
        Ok(answers)
    }

    /// Extends each claim still held under its token to `until`, in one transaction; answers
    /// the commands whose claim was not.
    pub(crate) async fn renew_many(
        &self,
        claims: &[(CommandId, FencingToken)],
        until: DateTime<Utc>,
    ) -> Result<Vec<CommandId>, StoreError> {
        if !timestamp::is_storable(until) {
            return Err(StoreError::InvalidTime("the end of the claim"));
        }
        let until = time_text(until);
        let mut transaction = self.begin_write(RENEWING).await?;
        let lost = if each_once(claims.iter().map(|(id, _)| id)) {
            renew_rows(&mut transaction, claims, &until).await?
        } else {
            let mut lost = Vec::new();
            for (command_id, fence) in claims {
                if renew_in(&mut transaction, command_id, *fence, &until).await? == 0 {
                    lost.push(command_id.clone());
                }
            }
            lost
        };
        transaction
            .commit()
            .await
            .map_err(|source| classify(RENEWING, source))?;
        Ok(lost)
    }

    /// Each ending as `finish`, `retry_later` or `park` writes it, fenced on its own token,
    /// with what the finishes cause, in one transaction.
    pub(crate) async fn end_many(
        &self,
        endings: Vec<Ending>,
        now: DateTime<Utc>,
    ) -> Result<EndedMany, StoreError> {
        let now = timestamp::to_millis(now);
        let now_text = time_text(now);
        let mut transaction = self.begin_write(ENDING).await?;
        let mut answers = Vec::with_capacity(endings.len());
        let mut freed = BTreeSet::new();
        let mut prefetched =
            prefetch(&mut transaction, endings.iter().map(Ending::command_id)).await?;
        let once = each_once(endings.iter().map(Ending::command_id));
        let mut finishes = Vec::new();
        for ending in endings {
            let action = match &ending {
                Ending::Finish(_) => "finish",
                Ending::Retry { .. } => "retry",
                Ending::Park { .. } => "park",
            };
            let claim = (ending.command_id(), ending.fence());
            let held = match held(&mut transaction, &mut prefetched, claim, action).await? {
                Ok(held) => held,
                Err(refused) => {
                    answers.push(Err(refused));
                    continue;
                }
            };
            let ending = match ending {
                Ending::Finish(finish) if once => finish,
                other => {
                    let outbox_id =
                        write_ending(&mut transaction, &held, other, now, &mut freed).await?;
                    answers.push(Ok(outbox_id));
                    continue;
                }
            };
            // A finish's follow-ups first, as `write_ending` writes them; the finish itself
            // joins the batch's multi-row statements.
            let mut finish = *ending;
            if !finish.follow_ups.is_empty() {
                enqueue_in(
                    &mut transaction,
                    std::mem::take(&mut finish.follow_ups),
                    now,
                )
                .await?;
            }
            freed.extend(finish.freed.clone());
            let outbox_id = OutboxId::generate();
            answers.push(Ok(Some(outbox_id.clone())));
            finishes.push(FinishRow {
                held,
                finish,
                outbox_id,
            });
        }
        finish_rows(&mut transaction, &finishes, &now_text).await?;
        // After the endings, so that a command this batch parked on a licence it also freed is
        // queued again with the others waiting for it.
        let mut resumed = 0;
        for licence in &freed {
            resumed += unpark_in(&mut transaction, Some(licence), &now_text).await?;
        }
        transaction
            .commit()
            .await
            .map_err(|source| classify(ENDING, source))?;
        Ok(EndedMany {
            endings: answers,
            resumed,
        })
    }
}

/// Whether no command comes twice.
fn each_once<'a>(ids: impl Iterator<Item = &'a CommandId>) -> bool {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().all(|id| seen.insert(id.as_str()))
}

/// The batch's commands with the tokens of their current claims, read in this transaction a
/// few statements at a time rather than one per item, by command id.
type Prefetched = HashMap<String, (CommandRecord, FencingToken)>;

/// Reads the commands `ids` with their tokens, [`PREFETCH_CHUNK`] per statement.
async fn prefetch<'a>(
    connection: &mut Connection,
    ids: impl Iterator<Item = &'a CommandId>,
) -> Result<Prefetched, StoreError> {
    let ids: Vec<&CommandId> = ids.collect();
    let mut prefetched = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(PREFETCH_CHUNK) {
        let mut query = QueryBuilder::<Db>::new(format!(
            "SELECT {COMMAND_COLUMNS}, claim_token FROM commands WHERE command_id IN ("
        ));
        let mut list = query.separated(", ");
        for id in chunk {
            list.push_bind(id.as_str().to_owned());
        }
        query.push(")");
        let rows: Vec<FencedRow> = query
            .build_query_as()
            .fetch_all(&mut *connection)
            .await
            .map_err(|source| classify("reading a batch's commands", source))?;
        for row in rows {
            let (record, token) = row.into_parts()?;
            prefetched.insert(record.command.id.as_str().to_owned(), (record, token));
        }
    }
    Ok(prefetched)
}

/// The command as read in this transaction, when it is running under `fence`; otherwise, as the
/// inner error, why this item's step is refused. The outer error is the store's own.
///
/// The first item of a command is judged on what [`prefetch`] read; a later item of the same
/// command (its first item changed it since), or of a command not read, reads it again.
async fn held(
    connection: &mut Connection,
    prefetched: &mut Prefetched,
    (command_id, fence): (&CommandId, FencingToken),
    action: &'static str,
) -> Result<Result<CommandRecord, StoreError>, StoreError> {
    let judged = match prefetched.remove(command_id.as_str()) {
        Some((record, token)) => judge_held(record, token, fence, action),
        None => load_held(connection, command_id, fence, action).await,
    };
    match judged {
        Ok(held) => Ok(Ok(held)),
        Err(refused) if is_items_own(&refused) => Ok(Err(refused)),
        Err(failed) => Err(failed),
    }
}

/// Writes one ending of a command read as held: a finish's follow-ups first, then its outcome
/// (adding the licence it freed to `freed`); a retry; or a park. Answers a finish's outbox id.
async fn write_ending(
    connection: &mut Connection,
    held: &CommandRecord,
    ending: Ending,
    now: DateTime<Utc>,
    freed: &mut BTreeSet<String>,
) -> Result<Option<OutboxId>, StoreError> {
    let now_text = time_text(now);
    match ending {
        Ending::Finish(finish) => {
            // The command's own inbox event was marked mapped when the command was enqueued;
            // its follow-ups carry it as their origin, which keeps them to one per (event,
            // item key).
            if !finish.follow_ups.is_empty() {
                enqueue_in(connection, finish.follow_ups, now).await?;
            }
            let outbox_id = write_finish(
                connection,
                held,
                finish.fence,
                (&finish.outcome, &finish.update, &finish.announcement),
                &now_text,
            )
            .await?;
            freed.extend(finish.freed);
            Ok(Some(outbox_id))
        }
        Ending::Retry {
            fence,
            due_at,
            error,
            ..
        } => {
            write_retry(connection, held, fence, due_at, &error, &now_text).await?;
            Ok(None)
        }
        Ending::Park {
            fence,
            reason,
            licence,
            ..
        } => {
            write_park(
                connection,
                held,
                fence,
                &reason,
                licence.as_deref(),
                &now_text,
            )
            .await?;
            Ok(None)
        }
    }
}
