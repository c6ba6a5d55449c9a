//! How the engine runs commands.

use serde::{Deserialize, Serialize};

mod batch;

pub use self::batch::BatchConfig;

/// `[engine]`: concurrency, retries, the Contact adoption policy and batching.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineConfig {
    /// Commands run at once (each for a different person; one person's commands never overlap).
    pub concurrency: u32,
    /// Attempts of a command failing transiently before it is dead-lettered.
    pub max_attempts: u32,
    /// First retry delay; each further attempt doubles it, up to `retry_max_seconds`.
    pub retry_base_seconds: u64,
    pub retry_max_seconds: u64,
    /// Adopt a Contact with the same email in the same Account when none carries the
    /// subject's key (never one in another Account).
    pub adopt_contacts_by_email: bool,
    /// Name this process claims commands under; a restarted process takes back what it held.
    pub worker_id: String,
    /// How long a claimed command belongs to its worker before another may take it over.
    pub lease_seconds: u64,
    /// While commands are parked for want of a licence, how often to ask the org (one API
    /// call) whether a licence was freed outside Gatehouse; 0 turns it off.
    pub licence_check_seconds: u64,
    /// `[engine.batch]`: due commands of one kind sharing requests.
    pub batch: BatchConfig,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            concurrency: 8,
            max_attempts: 12,
            retry_base_seconds: 2,
            retry_max_seconds: 600,
            adopt_contacts_by_email: true,
            worker_id: "gatehouse".to_owned(),
            lease_seconds: 300,
            licence_check_seconds: 300,
            batch: BatchConfig::default(),
        }
    }
}
