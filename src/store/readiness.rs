//! Whether the store can take traffic: a reader answers and the writer commits.
//!
//! `/readyz` shows its answer to anyone who can reach the port, so the reasons are a fixed
//! vocabulary ([`Blocker`]) rather than the database's own message, which may name a file, a
//! host or a user; the full cause stays in [`NotReady`]'s source chain for the log.

use std::fmt;

use super::error::{StoreError, StoreErrorKind};

/// Which half of the store failed its check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// A reader could not run a query: nothing can be looked up.
    Reads,
    /// The writer could not commit the heartbeat: no event can be accepted.
    Writes,
}

impl Check {
    /// How `/readyz` names the store's state: `unreachable` or `unwritable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Reads => "unreachable",
            Check::Writes => "unwritable",
        }
    }
}

/// Why the store cannot take traffic, in words safe to show to anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocker {
    /// The store was closed (shutdown) or its writer stopped.
    Closed,
    /// The check did not finish within the readiness timeout: the database hangs, or another
    /// writer holds the lock for longer than the timeout.
    TimedOut,
    /// Another connection holds the database's write lock past the database's own wait.
    Locked,
    /// The database refuses writes: a file or file system mounted read-only, or a file the
    /// process may read but not write (SQLite then opens it read-only without complaint).
    ReadOnly,
    /// The disk (or the database's quota) is full.
    DiskFull,
    /// The database cannot be reached or answered with a condition worth waiting out.
    Unavailable,
    /// The database refused the check for a reason that will not pass by itself.
    Failed,
}

impl Blocker {
    /// The stable code `/readyz` answers, e.g. `read_only`.
    pub fn as_str(self) -> &'static str {
        match self {
            Blocker::Closed => "closed",
            Blocker::TimedOut => "timed_out",
            Blocker::Locked => "locked",
            Blocker::ReadOnly => "read_only",
            Blocker::DiskFull => "disk_full",
            Blocker::Unavailable => "unavailable",
            Blocker::Failed => "failed",
        }
    }

    /// One sentence for an operator reading `/readyz`; never the database's own message.
    pub fn detail(self) -> &'static str {
        match self {
            Blocker::Closed => "the store is closed",
            Blocker::TimedOut => "the check did not finish within the readiness timeout",
            Blocker::Locked => "another connection holds the database's write lock",
            Blocker::ReadOnly => "the database refuses writes: it is read-only",
            Blocker::DiskFull => "the disk holding the database is full",
            Blocker::Unavailable => "the database cannot be reached",
            Blocker::Failed => "the database refused the check; the log has the cause",
        }
    }

    /// The blocker an error of any backend shows when nothing more specific is known: the
    /// store's own sorting into "try later" and "broken".
    pub(crate) fn of(error: &StoreError) -> Blocker {
        match error {
            StoreError::Closed => Blocker::Closed,
            StoreError::Unavailable {
                source: sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed,
                ..
            } => Blocker::Closed,
            StoreError::BatchFailed(cause) => Blocker::of(cause),
            _ if error.kind() == StoreErrorKind::Unavailable => Blocker::Unavailable,
            _ => Blocker::Failed,
        }
    }
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.detail())
    }
}

/// The store cannot take traffic now; `/readyz` answers 503 with [`Check`] and [`Blocker`].
#[derive(Debug, thiserror::Error)]
#[error("the store is {}: {blocker}", check.as_str())]
pub struct NotReady {
    /// Which half failed.
    pub check: Check,
    /// Why, in the fixed vocabulary.
    pub blocker: Blocker,
    /// The database's error; none when the check timed out.
    #[source]
    pub source: Option<StoreError>,
}

impl NotReady {
    /// The check failed with `source`, sorted as the store sorts every error.
    pub(crate) fn from_error(check: Check, source: StoreError) -> NotReady {
        NotReady {
            check,
            blocker: Blocker::of(&source),
            source: Some(source),
        }
    }
}

/// The write check's refusal as a backend sorts it: its own error codes name the blocker.
#[derive(Debug)]
pub(crate) struct WriteRefused {
    pub(crate) blocker: Blocker,
    pub(crate) source: StoreError,
}

impl From<WriteRefused> for NotReady {
    fn from(refused: WriteRefused) -> NotReady {
        NotReady {
            check: Check::Writes,
            blocker: refused.blocker,
            source: Some(refused.source),
        }
    }
}
