//! The store failing inside the executor: the command is retried, not dead-lettered, and the
//! log tells the failure as the store's (`STORE_UNAVAILABLE`) in the database's own words — not
//! as an org that could not be reached.
//!
//! The failure is real: a trigger in the service's database (the SQLite file, or the
//! PostgreSQL database) refuses the write of a command's progress, the checkpoint a new user's
//! creation records before its call.

use chrono::TimeDelta;
use gatehouse::domain::OutcomeKind;
use gatehouse::store::CommandState;
use serde_json::json;
use sqlx::{Connection, PgConnection, SqliteConnection};

use super::{Scenario, ada, assert_kind};
use crate::on_both_stores;
use crate::support::log::Log;

/// What the database answers when the trigger refuses the write.
const STORE_SAYS: &str = "progress refused by the store_failure test";

on_both_stores! {
async fn a_store_failure_during_apply_is_retried_and_logged_as_store_unavailable_with_its_cause() {
    let log = Log::default();
    let _capture = tracing::subscriber::set_default(log.subscriber());
    let s = Scenario::start().await;
    let refusal = refuse_progress_writes(&s).await;
    let ada = ada();

    s.send("partner-portal", &ada.signed_up(s.now(), json!({})))
        .await;
    s.settle().await;

    let command = s.commands(&ada.subject()).await.pop().expect("a command");
    assert_eq!(command.state, CommandState::Retrying, "{command:#?}");
    assert_eq!(command.attempts, 1);
    let kept = command
        .last_error
        .expect("the retrying command keeps its error");
    assert_eq!(kept.code, "STORE_UNAVAILABLE", "{kept:#?}");
    assert!(kept.message.contains(STORE_SAYS), "{kept:#?}");
    let text = log.text();
    let line = text
        .lines()
        .find(|l| l.contains("transient failure: will retry"))
        .unwrap_or_else(|| panic!("no retry in the log:\n{text}"));
    assert!(line.contains("code=\"STORE_UNAVAILABLE\""), "{line}");
    assert!(
        line.contains(STORE_SAYS),
        "the cause is in the line: {line}"
    );
    assert!(!text.contains("UNREACHABLE"), "{text}");
    assert!(!text.contains("dead-lettered"), "{text}");

    // Once the store takes the write again, the retry converges.
    refusal.lift().await;
    s.advance(TimeDelta::hours(1));
    s.settle().await;
    let outcome = s.last_outcome(&ada.subject()).await;
    assert_kind(&outcome, OutcomeKind::Succeeded);
    s.one_contact_one_user(&ada.subject()).await;
}
}

/// The connection holding the refusal, to lift it.
enum Refusal {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Refusal {
    async fn lift(self) {
        match self {
            Refusal::Sqlite(mut c) => {
                sqlx::query("DROP TRIGGER refuse_progress")
                    .execute(&mut c)
                    .await
                    .expect("drop the trigger");
            }
            Refusal::Postgres(mut c) => {
                sqlx::query("DROP TRIGGER refuse_progress ON commands")
                    .execute(&mut c)
                    .await
                    .expect("drop the trigger");
            }
        }
    }
}

/// Makes the service's database refuse any change to a command's progress; answers the
/// connection, to lift the refusal later.
async fn refuse_progress_writes(s: &Scenario) -> Refusal {
    if let Some(url) = s.app.database_url() {
        let mut pg = PgConnection::connect(&url)
            .await
            .expect("open the service's database");
        for statement in [
            format!(
                "CREATE FUNCTION refuse_progress() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION '{STORE_SAYS}'; END $$"
            ),
            "CREATE TRIGGER refuse_progress BEFORE UPDATE OF progress ON commands \
             FOR EACH ROW EXECUTE FUNCTION refuse_progress()"
                .to_owned(),
        ] {
            sqlx::query(&statement)
                .execute(&mut pg)
                .await
                .expect("create the trigger");
        }
        return Refusal::Postgres(pg);
    }
    let path = s.app.store_dir().path().join("test.db");
    let mut sqlite = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open the service's store");
    sqlx::query(&format!(
        "CREATE TRIGGER refuse_progress BEFORE UPDATE OF progress ON commands \
         BEGIN SELECT RAISE(ABORT, '{STORE_SAYS}'); END"
    ))
    .execute(&mut sqlite)
    .await
    .expect("create the trigger");
    Refusal::Sqlite(sqlite)
}
