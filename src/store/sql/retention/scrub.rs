//! The scrubs: a batch of rows read and rewritten in one transaction. What to keep of each row
//! is decided here in Rust (the body's digest, `domain::personal`'s fields), since SQLite and
//! PostgreSQL share no JSON functions; the rewrite is one `UPDATE … FROM (VALUES …)` per
//! [`ROWS_PER_UPDATE`] rows, as the inbox's verdicts are written.

use sqlx::QueryBuilder;

use super::super::{Db, Store, classify};
use super::{HISTORY, INBOX_BODIES, finished_commands};
use crate::domain::personal::scrub_text;
use crate::store::error::StoreError;
use crate::store::inbox::body_digest;

/// Rows per UPDATE: four parameters each, well under SQLite's 32766 in one statement.
const ROWS_PER_UPDATE: usize = 1000;

const DROPPING: &str = "dropping inbox bodies past their retention";
const SCRUBBING_COMMANDS: &str = "scrubbing finished commands past their retention";
const SCRUBBING_HISTORY: &str = "scrubbing history entries past their retention";

/// A finished command's columns as scrubbed: `None` where nothing personal was found, and the
/// column is left as it is.
struct ScrubbedCommand {
    command_id: String,
    intent: Option<String>,
    outcome: Option<String>,
    last_error: Option<String>,
}

impl Store {
    /// Drops the bodies of at most `limit` events, keeping each body's digest (computed now for
    /// events stored before digests were kept).
    pub(super) async fn drop_bodies(
        &self,
        older_than: &str,
        limit: u32,
        now: &str,
    ) -> Result<u64, StoreError> {
        let fail = |source| classify(DROPPING, source);
        let mut transaction = self.begin_batch().await.map_err(fail)?;
        let rows: Vec<(String, Option<Vec<u8>>)> = sqlx::query_as(&format!(
            "SELECT event_id, CASE WHEN body_sha256 IS NULL THEN body END \
             {INBOX_BODIES} ORDER BY updated_at LIMIT $2"
        ))
        .bind(older_than)
        .bind(i64::from(limit))
        .fetch_all(&mut *transaction)
        .await
        .map_err(fail)?;
        let dropped: Vec<(String, Option<String>)> = rows
            .into_iter()
            .map(|(event_id, body)| (event_id, body.map(|body| body_digest(&body))))
            .collect();
        let mut changed = 0;
        for chunk in dropped.chunks(ROWS_PER_UPDATE) {
            let mut query = QueryBuilder::<Db>::new("WITH dropped (event_id, body_sha256) AS (");
            query.push_values(chunk, |mut row, (event_id, digest)| {
                row.push_bind(event_id.as_str())
                    .push_bind(digest.as_deref());
            });
            query
                .push(") UPDATE inbox_events SET body = ")
                .push_bind(Vec::<u8>::new())
                .push(
                    ", body_sha256 = COALESCE(inbox_events.body_sha256, dropped.body_sha256), \
                     body_dropped_at = ",
                )
                .push_bind(now)
                .push(
                    " FROM dropped WHERE inbox_events.event_id = dropped.event_id \
                     AND inbox_events.body_dropped_at IS NULL",
                );
            changed += query
                .build()
                .execute(&mut *transaction)
                .await
                .map_err(fail)?
                .rows_affected();
        }
        transaction.commit().await.map_err(fail)?;
        Ok(changed)
    }

    /// Scrubs the intents, outcomes and last errors of at most `limit` finished commands.
    pub(super) async fn scrub_commands(
        &self,
        older_than: &str,
        limit: u32,
        now: &str,
    ) -> Result<u64, StoreError> {
        let fail = |source| classify(SCRUBBING_COMMANDS, source);
        let mut transaction = self.begin_batch().await.map_err(fail)?;
        let rows: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(&format!(
            "SELECT c.command_id, c.intent, c.outcome, c.last_error {} \
             ORDER BY c.updated_at LIMIT $2",
            finished_commands()
        ))
        .bind(older_than)
        .bind(i64::from(limit))
        .fetch_all(&mut *transaction)
        .await
        .map_err(fail)?;
        let scrubbed: Vec<ScrubbedCommand> = rows
            .into_iter()
            .map(
                |(command_id, intent, outcome, last_error)| ScrubbedCommand {
                    intent: scrub_text(&intent),
                    outcome: outcome.as_deref().and_then(scrub_text),
                    last_error: last_error.as_deref().and_then(scrub_text),
                    command_id,
                },
            )
            .collect();
        let mut changed = 0;
        for chunk in scrubbed.chunks(ROWS_PER_UPDATE) {
            let mut query = QueryBuilder::<Db>::new(
                "WITH scrubbed (command_id, intent, outcome, last_error) AS (",
            );
            query.push_values(chunk, |mut row, command| {
                row.push_bind(command.command_id.as_str())
                    .push_bind(command.intent.as_deref())
                    .push_bind(command.outcome.as_deref())
                    .push_bind(command.last_error.as_deref());
            });
            query
                .push(
                    ") UPDATE commands SET intent = COALESCE(scrubbed.intent, commands.intent), \
                     outcome = COALESCE(scrubbed.outcome, commands.outcome), \
                     last_error = COALESCE(scrubbed.last_error, commands.last_error), \
                     scrubbed_at = ",
                )
                .push_bind(now)
                .push(
                    " FROM scrubbed WHERE commands.command_id = scrubbed.command_id \
                     AND commands.scrubbed_at IS NULL",
                );
            changed += query
                .build()
                .execute(&mut *transaction)
                .await
                .map_err(fail)?
                .rows_affected();
        }
        transaction.commit().await.map_err(fail)?;
        Ok(changed)
    }

    /// Scrubs the details of at most `limit` history entries.
    pub(super) async fn scrub_history(
        &self,
        older_than: &str,
        limit: u32,
        now: &str,
    ) -> Result<u64, StoreError> {
        let fail = |source| classify(SCRUBBING_HISTORY, source);
        let mut transaction = self.begin_batch().await.map_err(fail)?;
        let rows: Vec<(i64, String)> =
            sqlx::query_as(&format!("SELECT id, detail {HISTORY} ORDER BY at LIMIT $2"))
                .bind(older_than)
                .bind(i64::from(limit))
                .fetch_all(&mut *transaction)
                .await
                .map_err(fail)?;
        let scrubbed: Vec<(i64, Option<String>)> = rows
            .into_iter()
            .map(|(id, detail)| (id, scrub_text(&detail)))
            .collect();
        let mut changed = 0;
        for chunk in scrubbed.chunks(ROWS_PER_UPDATE) {
            let mut query = QueryBuilder::<Db>::new("WITH scrubbed (id, detail) AS (");
            query.push_values(chunk, |mut row, (id, detail)| {
                row.push_bind(*id).push_bind(detail.as_deref());
            });
            query
                .push(
                    ") UPDATE subject_history SET \
                     detail = COALESCE(scrubbed.detail, subject_history.detail), scrubbed_at = ",
                )
                .push_bind(now)
                .push(
                    " FROM scrubbed WHERE subject_history.id = scrubbed.id \
                     AND subject_history.scrubbed_at IS NULL",
                );
            changed += query
                .build()
                .execute(&mut *transaction)
                .await
                .map_err(fail)?
                .rows_affected();
        }
        transaction.commit().await.map_err(fail)?;
        Ok(changed)
    }
}
