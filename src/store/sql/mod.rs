//! The statements both stores share, written once and compiled for each driver.
//!
//! SQLite and PostgreSQL run the same schema and the same SQL: parameters are written `$1`,
//! `$2`… (which SQLite accepts too), conflicts are `ON CONFLICT … DO NOTHING`, paging is keyset
//! `>` on an id, and times are fixed-width text compared byte by byte. So the statements, the
//! rows they read and the [`Backend`](crate::store::backend::Backend) table are written here
//! once, and each backend module (`store/sqlite`, `store/postgres`) includes this folder as its
//! child module `sql` and names, beside it, what differs between the databases:
//!
//! - `Db`, `Connection` and `Store`: the driver's database and connection types, and the store;
//! - `Store::begin_write` (an engine operation), `Store::begin_batch` (an inbox batch),
//!   `Store::begin_snapshot` (a read that must agree with itself), `Store::readers` and
//!   `Store::writer`: how each database keeps writers apart;
//! - `classify` and `time_text`: how its errors are sorted and its times written;
//! - `VERDICT_STATUS` and `OUTBOX_ORDER`: the two places where the SQL itself differs (a planner
//!   hint, and the relay's order).
//!
//! Sharing a source file rather than making the statements generic over `sqlx::Database`
//! keeps them plain: sqlx's traits would otherwise put a dozen bounds on every function.

mod audit;
mod backend;
mod commands;
mod comparisons;
mod erasure;
pub(super) mod inbox;
mod outbox;
mod reconcile;
mod retention;
mod rosters;
mod row;
mod subjects;
mod turns;
mod webhooks;

use super::{Connection, Db, OUTBOX_ORDER, Store, VERDICT_STATUS, classify, time_text};
