//! One mode on one store: the commands enqueued, then taken through claim → two checkpoints →
//! finish, timed.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{TimeDelta, Utc};
use secrecy::SecretString;
use serde_json::json;

use gatehouse::clock::SystemClock;
use gatehouse::domain::{
    AccountRef, CommandId, ContactFields, Intent, LicenceEffect, Origin, Outcome, OutcomeKind,
    Provision, SalesforceIds, SubjectKey, UserFields, WelcomeEmail,
};
use gatehouse::store::{
    ClaimedCommand, Ending, Finish, NewCommand, OutboxEvent, PostgresOptions, ProgressWrite,
    SqliteOptions, Store, SubjectUpdate,
};

use crate::cpu::process_cpu_seconds;
use crate::scratch::Scratch;

/// The store a mode runs on.
pub enum Target {
    /// A SQLite file in a temporary directory, with the service's settings (WAL, synchronous
    /// FULL: every commit waits for the disk).
    Sqlite,
    /// A database of its own on this PostgreSQL server.
    Postgres(String),
}

impl Target {
    pub fn name(&self) -> &'static str {
        match self {
            Target::Sqlite => "SQLite",
            Target::Postgres(_) => "PostgreSQL",
        }
    }
}

/// How the commands' steps are written.
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    /// A claim of `claim` commands, then each command's checkpoints and finish on their own.
    OneAtATime { claim: u32 },
    /// A claim of `size`, then one call per step for the whole batch.
    Batch { size: u32 },
}

impl Mode {
    pub fn name(&self) -> String {
        match self {
            Mode::OneAtATime { claim } => format!("one at a time (claims of {claim})"),
            Mode::Batch { size } => format!("batch of {size}"),
        }
    }
}

/// What one mode measured.
pub struct Measured {
    pub commands: usize,
    pub elapsed: Duration,
    /// Store calls that wrote (each one transaction).
    pub transactions: u64,
    /// Time spent in the claims.
    pub claiming: Duration,
    pub cpu_seconds: f64,
}

impl Measured {
    pub fn per_second(&self) -> f64 {
        self.commands as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }
}

const WORKER: &str = "bench-worker";
const CHECKPOINTS: [&str; 2] = ["user_creating", "welcome_email"];

/// Runs `mode` on a fresh store of `target` with `commands` due commands.
pub async fn measure(target: &Target, mode: Mode, commands: usize) -> anyhow::Result<Measured> {
    let dir = tempfile::tempdir()?;
    let (store, scratch) = open(target, dir.path()).await?;
    for chunk in (0..commands).collect::<Vec<_>>().chunks(500) {
        let new = chunk
            .iter()
            .map(|n| provision(*n))
            .collect::<anyhow::Result<_>>()?;
        store.enqueue(None, new).await.context("enqueueing")?;
    }
    let cpu = process_cpu_seconds();
    let started = Instant::now();
    let mut measured = Measured {
        commands: 0,
        elapsed: Duration::ZERO,
        transactions: 0,
        claiming: Duration::ZERO,
        cpu_seconds: 0.0,
    };
    let limit = match mode {
        Mode::OneAtATime { claim } => claim,
        Mode::Batch { size } => size,
    };
    loop {
        let claim_started = Instant::now();
        let claimed = store
            .claim_due(Utc::now(), limit, WORKER, TimeDelta::minutes(5))
            .await
            .context("claiming")?;
        measured.claiming += claim_started.elapsed();
        measured.transactions += 1;
        if claimed.is_empty() {
            break;
        }
        measured.commands += claimed.len();
        measured.transactions += match mode {
            Mode::OneAtATime { .. } => one_at_a_time(&store, &claimed).await?,
            Mode::Batch { .. } => batch(&store, &claimed).await?,
        };
    }
    measured.elapsed = started.elapsed();
    measured.cpu_seconds = process_cpu_seconds() - cpu;
    anyhow::ensure!(
        measured.commands == commands,
        "{} of {commands} commands went through",
        measured.commands
    );
    store.close().await;
    if let Some(scratch) = scratch {
        scratch.drop_database().await;
    }
    Ok(measured)
}

async fn open(target: &Target, dir: &Path) -> anyhow::Result<(Store, Option<Scratch>)> {
    Ok(match target {
        Target::Sqlite => (
            Store::open_sqlite(&dir.join("store.db"), SqliteOptions::default()).await?,
            None,
        ),
        Target::Postgres(server) => {
            let scratch = Scratch::create(server).await?;
            let options = PostgresOptions::new(SecretString::from(scratch.url.clone()));
            let store = Store::open_postgres_with_clock(options, Arc::new(SystemClock)).await?;
            (store, Some(scratch))
        }
    })
}

/// Each command's checkpoints and finish, each its own call; answers the calls made.
async fn one_at_a_time(store: &Store, claimed: &[ClaimedCommand]) -> anyhow::Result<u64> {
    for claimed in claimed {
        for key in CHECKPOINTS {
            store
                .record_progress(&claimed.command.id, claimed.fence, key, json!(true))
                .await?;
        }
        let (outcome, announcement) = outcome(claimed);
        store
            .finish(
                &claimed.command.id,
                claimed.fence,
                outcome,
                SubjectUpdate::default(),
                announcement,
            )
            .await?;
    }
    Ok(3 * claimed.len() as u64)
}

/// The batch's checkpoints and endings, one call per step; answers the calls made.
async fn batch(store: &Store, claimed: &[ClaimedCommand]) -> anyhow::Result<u64> {
    for key in CHECKPOINTS {
        let items: Vec<ProgressWrite> = claimed
            .iter()
            .map(|claimed| ProgressWrite {
                command_id: claimed.command.id.clone(),
                fence: claimed.fence,
                key: key.to_owned(),
                value: json!(true),
            })
            .collect();
        for answer in store.record_progress_many(&items).await? {
            answer?;
        }
    }
    let endings = claimed
        .iter()
        .map(|claimed| {
            let (outcome, announcement) = outcome(claimed);
            Ending::Finish(Box::new(Finish {
                command_id: claimed.command.id.clone(),
                fence: claimed.fence,
                outcome,
                update: SubjectUpdate::default(),
                announcement,
                freed: None,
                follow_ups: Vec::new(),
            }))
        })
        .collect();
    for answer in store.end_many(endings).await?.endings {
        answer?;
    }
    Ok(3)
}

/// A new user's outcome and its announcement.
fn outcome(claimed: &ClaimedCommand) -> (Outcome, OutboxEvent) {
    let outcome = Outcome {
        kind: OutcomeKind::Succeeded,
        salesforce: SalesforceIds {
            account_id: Some("001000000000001AAA".into()),
            contact_id: Some("003000000000001AAA".into()),
            user_id: Some("005000000000001AAA".into()),
        },
        licence_effect: LicenceEffect::Consumed {
            licence: "Partner Community".into(),
        },
        steps: vec!["contact.created".into(), "user.created".into()],
        api_calls: 1,
        refusal: None,
        finished_at: Utc::now(),
        batch: None,
    };
    let announcement = OutboxEvent::announcing(&claimed.command, &outcome);
    (outcome, announcement)
}

/// The `n`th person's signup, due now.
fn provision(n: usize) -> anyhow::Result<NewCommand> {
    let now = Utc::now();
    Ok(NewCommand {
        id: CommandId::generate(),
        subject: SubjectKey::parse(&format!("partner-portal:person-{n}"))?,
        intent: Intent::Provision(Box::new(Provision {
            account: AccountRef::Key("P-100".into()),
            contact: ContactFields {
                first_name: Some("Ada".into()),
                last_name: format!("Person {n}"),
                email: format!("person{n}@partner.example"),
                extra: Default::default(),
            },
            user: UserFields {
                username: format!("person{n}@partner.example.portal"),
                alias: "aperson".into(),
                nickname: format!("person.{n}"),
                locale: "en_GB".into(),
                time_zone: "Europe/London".into(),
                email_encoding: "UTF-8".into(),
                language: "en_US".into(),
                federation_id: None,
            },
            profile: "Partner Community User".into(),
            role: None,
            permission_sets: vec![],
            welcome_email: WelcomeEmail::SiteSetting,
            purpose: None,
            sponsor: None,
            end_at: None,
        })),
        origin: Origin {
            source: "partner-portal".into(),
            event_id: None,
            source_time: now,
            received_at: now,
            actor: None,
            traceparent: None,
            started_by: None,
        },
        item_key: None,
        due_at: None,
    })
}
