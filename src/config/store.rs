//! Where accepted events and everything derived from them are kept.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use super::load::{ENV_PREFIX, problem_of};
use super::{ConfigError, Problem, SecretRef};

/// `[store]`: the durable store. SQLite (embedded, one replica) is the default; PostgreSQL lets
/// several replicas share one database.
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
    /// A PostgreSQL database, shared by every replica.
    Postgres(PostgresConfig),
}

/// `[store] kind = "postgres"`: where the database is and how to reach it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostgresConfig {
    /// `postgres://user:password@host:port/database`: a secret, as it carries the password
    /// (inline, `{ env = "…" }` or `{ file = "…" }`).
    pub url: SecretRef,
    /// Connections this replica keeps to the database at most.
    #[serde(default = "default_pool_size")]
    pub pool_size: u32,
    /// The longest a statement may run before the server cancels it (PostgreSQL's
    /// `statement_timeout`); the store then reports itself unavailable.
    #[serde(default = "default_statement_timeout_seconds")]
    pub statement_timeout_seconds: u64,
    /// Whether and how the connection is encrypted, as libpq's `sslmode` means it.
    #[serde(default)]
    pub sslmode: SslMode,
    /// PEM file of the certificate authorities the server's certificate must chain to
    /// (`verify-ca`, `verify-full`); the Mozilla root set built into the binary when absent.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// How many accepted events at most share one commit (group commit).
    #[serde(default = "default_max_batch")]
    pub max_batch: usize,
}

/// libpq's `sslmode` values (https://www.postgresql.org/docs/current/libpq-ssl.html).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    /// Never encrypt.
    Disable,
    /// Encrypt when the server offers it, without checking its certificate.
    #[default]
    Prefer,
    /// Always encrypt, without checking the certificate.
    Require,
    /// Always encrypt, and check the certificate chains to a trusted authority.
    VerifyCa,
    /// As `verify-ca`, and check the certificate names the host connected to.
    VerifyFull,
}

fn default_sqlite_path() -> PathBuf {
    PathBuf::from("var/gatehouse.db")
}

fn default_max_batch() -> usize {
    256
}

fn default_pool_size() -> u32 {
    10
}

fn default_statement_timeout_seconds() -> u64 {
    30
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig::Sqlite {
            path: default_sqlite_path(),
            max_batch: default_max_batch(),
        }
    }
}

impl StoreConfig {
    /// The `[store]` table of the config file at `path`, with its `GATEHOUSE_STORE__…`
    /// overrides, checked on its own: for the tools that reach the store without running the
    /// service (`gatehouse store copy`), so the rest of the file need not be complete, nor its
    /// other secrets at hand. A file without a `[store]` table names the default SQLite store.
    pub fn load(path: &Path) -> Result<StoreConfig, ConfigError> {
        let failed = |problems| ConfigError {
            file: Some(path.to_owned()),
            problems,
        };
        if !path.is_file() {
            return Err(failed(vec![Problem {
                key: String::new(),
                message: format!(
                    "cannot read {}: no such file; name the config file of the service that \
                     runs on the store",
                    path.display()
                ),
            }]));
        }
        let store_only = |key: &figment::value::UncasedStr| {
            key.as_str().to_ascii_uppercase().starts_with("STORE__")
        };
        let store: StoreConfig = Figment::from(Serialized::default("store.kind", "sqlite"))
            .merge(Toml::file_exact(path))
            .merge(Env::prefixed(ENV_PREFIX).filter(store_only).split("__"))
            .extract_inner("store")
            .map_err(|e| failed(e.into_iter().map(problem_of).collect()))?;
        let problems: Vec<Problem> = match &store {
            StoreConfig::Sqlite { .. } => Vec::new(),
            StoreConfig::Postgres(postgres) => postgres
                .problems()
                .into_iter()
                .map(|(key, message)| Problem { key, message })
                .collect(),
        };
        if problems.is_empty() {
            Ok(store)
        } else {
            Err(failed(problems))
        }
    }

    /// How many accepted events at most share one commit, whichever the database.
    pub fn max_batch(&self) -> usize {
        match self {
            StoreConfig::Sqlite { max_batch, .. } => *max_batch,
            StoreConfig::Postgres(postgres) => postgres.max_batch,
        }
    }
}

impl PostgresConfig {
    /// The table with this URL and every other setting at its default, as a config naming only
    /// `kind` and `url` reads.
    pub fn new(url: SecretRef) -> Self {
        PostgresConfig {
            url,
            pool_size: default_pool_size(),
            statement_timeout_seconds: default_statement_timeout_seconds(),
            sslmode: SslMode::default(),
            ca_file: None,
            max_batch: default_max_batch(),
        }
    }

    /// What is wrong with the table, as (key, message) pairs: a URL that does not resolve or
    /// is not a PostgreSQL URL, sizes out of range, a CA file that is missing or that the
    /// chosen `sslmode` would never read.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let mut add = |key: &str, message: String| problems.push((key.to_owned(), message));
        match self.url.resolve("store.url") {
            Err(e) => add("", crate::report::chain(&e).to_string()),
            Ok(url) => {
                if let Some(problem) = url_problem(secrecy::ExposeSecret::expose_secret(&url)) {
                    add("store.url", problem);
                }
            }
        }
        if !(1..=1000).contains(&self.pool_size) {
            add(
                "store.pool_size",
                format!(
                    "{} is out of range; choose between 1 and 1000",
                    self.pool_size
                ),
            );
        }
        if !(1..=3600).contains(&self.statement_timeout_seconds) {
            add(
                "store.statement_timeout_seconds",
                format!(
                    "{} is out of range; choose between 1 and 3600",
                    self.statement_timeout_seconds
                ),
            );
        }
        if !(1..=10_000).contains(&self.max_batch) {
            add(
                "store.max_batch",
                format!(
                    "{} is out of range; choose between 1 and 10000",
                    self.max_batch
                ),
            );
        }
        if let Some(ca_file) = &self.ca_file {
            if matches!(
                self.sslmode,
                SslMode::Disable | SslMode::Prefer | SslMode::Require
            ) {
                add(
                    "store.ca_file",
                    format!(
                        "is read only with sslmode \"verify-ca\" or \"verify-full\"; sslmode is \
                         {:?}, so the server's certificate would not be checked",
                        self.sslmode
                    ),
                );
            } else if !ca_file.is_file() {
                add(
                    "store.ca_file",
                    format!("{} does not exist or is not a file", ca_file.display()),
                );
            }
        }
        problems
    }
}

/// Why `url` is not a PostgreSQL URL, without repeating it (it may hold a password).
fn url_problem(url: &str) -> Option<String> {
    match url::Url::parse(url) {
        Err(e) => Some(format!("is not a URL ({e})")),
        Ok(parsed) if !matches!(parsed.scheme(), "postgres" | "postgresql") => Some(format!(
            "has scheme {:?}; a PostgreSQL URL starts with postgres:// or postgresql://",
            parsed.scheme()
        )),
        Ok(parsed) if parsed.host_str().is_none_or(str::is_empty) => {
            Some("names no host; write postgres://user:password@host:port/database".to_owned())
        }
        Ok(_) => None,
    }
}

#[cfg(test)]
mod tests;
