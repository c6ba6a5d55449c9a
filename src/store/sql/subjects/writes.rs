//! How commands and outcomes change a subject's record.

use super::super::Connection;

use super::super::{classify, time_text};
use crate::domain::{AccountRef, Command, Intent, SalesforceIds, SubjectKey};
use crate::store::error::StoreError;
use crate::store::subjects::{SubjectState, SubjectUpdate};

/// Creates the subject's record in state `unknown` unless it exists; `now` is stored text. A
/// person erased before starts from their tombstone's last applied source time, so an event
/// older than the last one applied to them is still stale.
pub(in super::super) async fn ensure_subject(
    connection: &mut Connection,
    subject: &SubjectKey,
    source: &str,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO subjects (subject_key, source, state, created_at, updated_at, \
         last_applied_source_time) VALUES ($1, $2, $3, $4, $5, \
         (SELECT last_applied_source_time FROM subject_tombstones WHERE key_hash = $6)) \
         ON CONFLICT (subject_key) DO NOTHING",
    )
    .bind(subject.as_str())
    .bind(source)
    .bind(SubjectState::Unknown.as_str())
    .bind(now)
    .bind(now)
    .bind(crate::store::erasure::key_hash(subject))
    .execute(&mut *connection)
    .await
    .map_err(|source| classify("creating a subject", source))?;
    Ok(())
}

/// Writes what an outcome found in the org; fields it did not find are left as they were.
pub(in super::super) async fn record_findings(
    connection: &mut Connection,
    subject: &SubjectKey,
    ids: &SalesforceIds,
    update: &SubjectUpdate,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE subjects SET account_id = COALESCE($1, account_id), \
         contact_id = COALESCE($2, contact_id), user_id = COALESCE($3, user_id), \
         username = COALESCE($4, username), nickname = COALESCE($5, nickname), \
         licence = COALESCE($6, licence), state = COALESCE($7, state), \
         welcome_email = COALESCE($8, welcome_email), \
         pending_email = COALESCE($9, pending_email), updated_at = $10 \
         WHERE subject_key = $11",
    )
    .bind(ids.account_id.as_deref())
    .bind(ids.contact_id.as_deref())
    .bind(ids.user_id.as_deref())
    .bind(update.username.as_deref())
    .bind(update.nickname.as_deref())
    .bind(update.licence.as_deref())
    .bind(update.state.map(SubjectState::as_str))
    .bind(update.welcome_email.map(|email| email.as_str()))
    .bind(update.pending_email.as_deref())
    .bind(now)
    .bind(subject.as_str())
    .execute(&mut *connection)
    .await
    .map_err(|source| classify("recording an outcome on its subject", source))?;
    Ok(())
}

/// Records that the command's intent now holds: its source time becomes the subject's last
/// applied one (never moving backwards), and its reasons become the subject's.
pub(in super::super) async fn apply_intent(
    connection: &mut Connection,
    command: &Command,
    now: &str,
) -> Result<(), StoreError> {
    let fail = |source| classify("recording an applied intent on its subject", source);
    let source_time = time_text(command.origin.source_time);
    sqlx::query(
        "UPDATE subjects SET last_applied_source_time = CASE \
         WHEN last_applied_source_time IS NULL OR last_applied_source_time < $1 THEN $2 \
         ELSE last_applied_source_time END, updated_at = $3 WHERE subject_key = $4",
    )
    .bind(&source_time)
    .bind(&source_time)
    .bind(now)
    .bind(command.subject.as_str())
    .execute(&mut *connection)
    .await
    .map_err(fail)?;
    // A provision is the whole desired state, so its reasons replace the old ones, absent ones
    // included; it also ends any earlier deprovision's trigger, and its source becomes the one
    // whose roster answers for the person.
    let statement = match &command.intent {
        Intent::Provision(provision) => sqlx::query(
            "UPDATE subjects SET purpose = $1, sponsor = $2, account_ref = $3, end_at = $4, \
             access_source = $5, deactivation_trigger = NULL WHERE subject_key = $6",
        )
        .bind(provision.purpose.as_deref())
        .bind(provision.sponsor.as_deref())
        .bind(account_ref_text(&provision.account))
        .bind(provision.end_at.map(time_text))
        .bind(command.origin.source.as_str()),
        Intent::Deprovision(deprovision) => {
            sqlx::query("UPDATE subjects SET deactivation_trigger = $1 WHERE subject_key = $2")
                .bind(deprovision.trigger.as_str())
        }
    };
    statement
        .bind(command.subject.as_str())
        .execute(&mut *connection)
        .await
        .map_err(fail)?;
    Ok(())
}

/// The Account as the record shows it: which kind of reference, and its value.
pub(in super::super) fn account_ref_text(account: &AccountRef) -> String {
    match account {
        AccountRef::Key(key) => format!("key:{key}"),
        AccountRef::Id(id) => format!("id:{id}"),
    }
}
