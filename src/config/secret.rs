//! Secrets as the config names them: inline, from an environment variable, or from a file.
//!
//! A [`SecretRef`] says where a secret lives; [`SecretRef::resolve`] reads it into a
//! [`SecretString`], which never prints its value. Printing a `SecretRef` shows where the secret
//! comes from, never what it is.

use std::fmt;
use std::path::PathBuf;

use secrecy::SecretString;
use serde::{Deserialize, Serialize, Serializer};

/// Where a secret comes from. In TOML: `"inline-value"`, `{ value = "…" }`, `{ env = "NAME" }`
/// or `{ file = "/run/secrets/name" }`.
#[derive(Clone, Deserialize)]
#[serde(untagged)]
pub enum SecretRef {
    /// Written in the config itself: fine for demos, not for production.
    Inline(SecretString),
    /// Written in the config itself, as a table.
    Value { value: SecretString },
    /// Read from this environment variable when the config loads.
    Env { env: String },
    /// Read from this file when the config loads (trailing newline trimmed), e.g. a Kubernetes
    /// Secret mounted as a volume.
    File { file: PathBuf },
}

/// Why a secret could not be read; names the config key so the operator knows what to fix.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "{key}: environment variable {var} is not set; export it or point {key} at another source"
    )]
    EnvMissing { key: String, var: String },
    #[error("{key}: cannot read secret file {path}: {source}")]
    FileUnreadable {
        key: String,
        path: String,
        source: std::io::Error,
    },
    #[error("{key}: the secret is empty")]
    Empty { key: String },
}

impl SecretRef {
    /// Reads the secret. `key` is the config path of this secret, used in errors.
    pub fn resolve(&self, key: &str) -> Result<SecretString, SecretError> {
        use secrecy::ExposeSecret;
        let value: String = match self {
            SecretRef::Inline(s) | SecretRef::Value { value: s } => s.expose_secret().to_owned(),
            SecretRef::Env { env } => std::env::var(env).map_err(|_| SecretError::EnvMissing {
                key: key.to_owned(),
                var: env.clone(),
            })?,
            SecretRef::File { file } => std::fs::read_to_string(file)
                .map_err(|source| SecretError::FileUnreadable {
                    key: key.to_owned(),
                    path: file.display().to_string(),
                    source,
                })?
                .trim_end_matches(['\n', '\r'])
                .to_owned(),
        };
        if value.is_empty() {
            return Err(SecretError::Empty {
                key: key.to_owned(),
            });
        }
        Ok(SecretString::from(value))
    }
}

impl fmt::Debug for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretRef::Inline(_) | SecretRef::Value { .. } => f.write_str("<inline secret>"),
            SecretRef::Env { env } => write!(f, "<from env {env}>"),
            SecretRef::File { file } => write!(f, "<from file {}>", file.display()),
        }
    }
}

/// Serialises as its redacted description, so an effective config can be printed safely.
impl Serialize for SecretRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{self:?}"))
    }
}

#[cfg(test)]
mod tests;
