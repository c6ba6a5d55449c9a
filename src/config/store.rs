//! Where accepted events and everything derived from them are kept.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// `[store]`: the durable store. SQLite (embedded, one replica) is the default.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "lowercase")]
pub enum StoreConfig {
    /// A SQLite file in WAL mode: no other service needed.
    Sqlite {
        /// Path of the database file; its folder is created when missing.
        #[serde(default = "default_sqlite_path")]
        path: PathBuf,
        /// How many accepted events at most share one disk sync (group commit).
        #[serde(default = "default_max_batch")]
        max_batch: usize,
    },
}

fn default_sqlite_path() -> PathBuf {
    PathBuf::from("var/gatehouse.db")
}

fn default_max_batch() -> usize {
    256
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig::Sqlite {
            path: default_sqlite_path(),
            max_batch: default_max_batch(),
        }
    }
}
