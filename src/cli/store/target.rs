//! What `--from` and `--to` of `gatehouse store copy` name: the SQLite file to copy, and where
//! the PostgreSQL URL is kept. The URL carries a password, so it is never taken from the command
//! line itself (shell history, the process list): only from an environment variable, a file, or
//! the `[store]` table of a config, the forms the config's own secrets take.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::IntoDeserializer;

use crate::config::{ConfigError, PostgresConfig, SecretError, SecretRef, SslMode, StoreConfig};
use crate::store::PostgresOptions;

/// The forms `--to` takes, as the refusals name them.
const TO_FORMS: &str = "env:VAR (an environment variable holding the URL), file:PATH (a file \
     holding it, e.g. a mounted Secret) or config:FILE (the [store] table of the gatehouse config \
     the PostgreSQL deployment runs with, kind = \"postgres\")";

/// Why `--from` or `--to` cannot be used; none of them repeats a URL.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error(
        "--from takes sqlite:PATH, the file of the SQLite store to copy (the service's [store] \
         path), e.g. --from sqlite:var/gatehouse.db"
    )]
    FromForm,
    #[error(
        "--to does not take the database URL itself: it would carry the password into the shell \
         history and the process list. Keep it in {TO_FORMS}, e.g. --to env:STORE_DATABASE_URL"
    )]
    LiteralUrl,
    #[error("--to takes {TO_FORMS}")]
    ToForm,
    #[error("--to {0}: nothing after the colon")]
    Empty(&'static str),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("{}", .0.join("; "))]
    Settings(Vec<String>),
    #[error("cannot take the PostgreSQL store from --to config:")]
    Config(#[source] ConfigError),
    #[error(
        "--to config:{}: its [store] is kind = \"sqlite\"; name the config the PostgreSQL \
         deployment runs with ([store] kind = \"postgres\")",
        .0.display()
    )]
    ConfigIsSqlite(PathBuf),
    #[error(
        "--sslmode and --ca-file go with --to env: and file:; with --to config: they come from \
         its [store] table (sslmode, ca_file)"
    )]
    FlagsWithConfig,
}

/// Where `--to` says the URL is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Env(String),
    File(PathBuf),
    Config(PathBuf),
}

/// The SQLite file `--from sqlite:PATH` names.
pub fn source_path(from: &str) -> Result<PathBuf, TargetError> {
    match from.strip_prefix("sqlite:") {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => Err(TargetError::FromForm),
    }
}

/// Where `--to` says the URL is; a URL itself, or anything else, is refused without repeating it.
pub fn target(to: &str) -> Result<Target, TargetError> {
    let (form, rest) = to.split_once(':').ok_or(TargetError::ToForm)?;
    let form = match form {
        "env" => "env:",
        "file" => "file:",
        "config" => "config:",
        _ if rest.starts_with("//") => return Err(TargetError::LiteralUrl),
        _ => return Err(TargetError::ToForm),
    };
    if rest.is_empty() {
        return Err(TargetError::Empty(form));
    }
    Ok(match form {
        "env:" => Target::Env(rest.to_owned()),
        "file:" => Target::File(PathBuf::from(rest)),
        _ => Target::Config(PathBuf::from(rest)),
    })
}

/// `--sslmode`, read as the config's `sslmode` is.
pub fn sslmode(text: &str) -> Result<SslMode, String> {
    SslMode::deserialize(text.into_deserializer()).map_err(|_: serde::de::value::Error| {
        format!(
            "{text:?} is not an sslmode; choose disable, prefer, require, verify-ca or verify-full"
        )
    })
}

/// How to reach the database `target` names: its URL read, the settings checked.
pub fn options(
    target: &Target,
    sslmode: Option<SslMode>,
    ca_file: Option<&Path>,
) -> Result<PostgresOptions, TargetError> {
    let (reference, named) = match target {
        Target::Config(path) => {
            if sslmode.is_some() || ca_file.is_some() {
                return Err(TargetError::FlagsWithConfig);
            }
            return from_config(path);
        }
        Target::Env(var) => (SecretRef::Env { env: var.clone() }, format!("env:{var}")),
        Target::File(path) => (
            SecretRef::File { file: path.clone() },
            format!("file:{}", path.display()),
        ),
    };
    // Read once here, so a missing variable or file is told in the command line's words.
    reference.resolve(&format!("--to {named}"))?;
    let mut config = PostgresConfig::new(reference);
    config.sslmode = sslmode.unwrap_or_default();
    config.ca_file = ca_file.map(Path::to_owned);
    let problems: Vec<String> = config
        .problems()
        .into_iter()
        .map(|(key, message)| match key.as_str() {
            "store.url" => format!("--to {named}: the URL {message}"),
            "store.ca_file" => format!("--ca-file {message}"),
            _ => message,
        })
        .collect();
    if !problems.is_empty() {
        return Err(TargetError::Settings(problems));
    }
    Ok(PostgresOptions::from_config(&config)?)
}

/// The `[store]` table of a config file, which must be a PostgreSQL one.
fn from_config(path: &Path) -> Result<PostgresOptions, TargetError> {
    match StoreConfig::load(path).map_err(TargetError::Config)? {
        StoreConfig::Postgres(postgres) => Ok(PostgresOptions::from_config(&postgres)?),
        StoreConfig::Sqlite { .. } => Err(TargetError::ConfigIsSqlite(path.to_owned())),
    }
}
