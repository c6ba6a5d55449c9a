//! `[admin]`: who may use the operators' endpoints, and where they listen.
//!
//! Operators are named: a `[[admin.operators]]` entry per token (the token's name is the actor
//! the records keep), and people signed in at the company's identity provider through
//! `[admin.oidc]`. The single `[admin] token` of the quick start is one operator named `admin`
//! with role `admin`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::SecretRef;
use crate::domain::Role;

/// The actor name the single `[admin] token` acts as.
pub const SHARED_TOKEN_ACTOR: &str = "admin";

/// Actor names Gatehouse itself records for its own runs; no operator may take one.
pub const RESERVED_ACTORS: [&str; 4] = ["reconcile", "roster", "reclaim", "operator"];

/// Longest operator name.
pub const MAX_NAME_LEN: usize = 64;

/// `[admin]`: the operators' HTTP endpoints.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminConfig {
    /// One shared bearer token, the operator `admin` with role `admin` (the quick start's).
    #[serde(default)]
    pub token: Option<SecretRef>,
    /// Serves the admin endpoints on this address of their own; the public listener
    /// (`[service] listen`) then does not serve them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    /// Named operators, each with a token of their own and a role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operators: Vec<OperatorConfig>,
    /// People signed in at the identity provider, by its bearer tokens (JWTs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oidc: Option<OidcConfig>,
}

/// `[[admin.operators]]`: one named operator.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorConfig {
    /// The actor the records keep for what this operator does (letters, digits, `-`, `_`, `.`).
    pub name: String,
    /// The operator's bearer token (inline, `{ env = … }` or `{ file = … }`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<SecretRef>,
    /// Or only the token's SHA-256, in hex, so the config holds nothing that opens the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_sha256: Option<String>,
    pub role: Role,
}

/// Which claim of an identity provider's token names the operator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorClaim {
    #[default]
    Email,
    PreferredUsername,
    Sub,
}

impl ActorClaim {
    /// The claim's name in the token.
    pub fn name(self) -> &'static str {
        match self {
            ActorClaim::Email => "email",
            ActorClaim::PreferredUsername => "preferred_username",
            ActorClaim::Sub => "sub",
        }
    }
}

/// `[admin.oidc]`: bearer tokens (JWTs) of the company's identity provider.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The provider's issuer, exactly as its tokens' `iss` says it (https).
    pub issuer: String,
    /// What the tokens' `aud` must hold: the client id Gatehouse is registered under.
    pub audience: String,
    /// The provider's signing keys (a JWKS document) read from this file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_file: Option<PathBuf>,
    /// Or fetched from this URL (https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_url: Option<String>,
    /// The claim that names the operator: `email`, `preferred_username` or `sub`.
    #[serde(default)]
    pub actor_claim: ActorClaim,
    /// A claim that holds the role's name (or a list of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_claim: Option<String>,
    /// The claim that lists the person's groups, read through `groups`.
    #[serde(default = "default_groups_claim")]
    pub groups_claim: String,
    /// Roles by group: `{ "gatehouse-admins" = "admin" }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, Role>,
    /// How often the keys are read again; an unknown key id reads them sooner.
    #[serde(default = "default_refresh_seconds")]
    pub refresh_seconds: u64,
    /// Clock skew allowed on `exp` and `nbf`.
    #[serde(default = "default_leeway_seconds")]
    pub leeway_seconds: u64,
}

fn default_groups_claim() -> String {
    "groups".to_owned()
}

fn default_refresh_seconds() -> u64 {
    3600
}

fn default_leeway_seconds() -> u64 {
    60
}

impl AdminConfig {
    /// Whether any way in is configured; without one every admin route is off.
    pub fn is_on(&self) -> bool {
        self.token.is_some() || !self.operators.is_empty() || self.oidc.is_some()
    }

    /// What is wrong, by key.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(token) = &self.token {
            check_token(token, "admin.token", &mut problems);
        }
        let mut names: Vec<&str> = Vec::new();
        if self.token.is_some() {
            names.push(SHARED_TOKEN_ACTOR);
        }
        for (index, operator) in self.operators.iter().enumerate() {
            let key = format!("admin.operators[{index}]");
            check_operator(operator, &key, &mut problems);
            if names.contains(&operator.name.as_str()) {
                problems.push((
                    format!("{key}.name"),
                    format!(
                        "'{}' is taken (by another operator, or by the shared [admin] token's \
                         operator 'admin'); give each operator a name of their own",
                        operator.name
                    ),
                ));
            }
            names.push(&operator.name);
        }
        if let Some(oidc) = &self.oidc {
            problems.extend(oidc.problems());
        }
        problems
    }
}

fn check_operator(operator: &OperatorConfig, key: &str, problems: &mut Vec<(String, String)>) {
    let name = &operator.name;
    let fits = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !fits {
        problems.push((
            format!("{key}.name"),
            format!(
                "'{name}' is not a usable name: 1 to {MAX_NAME_LEN} letters, digits, '-', '_' or \
                 '.' (it is written to the records and logs, so no email address)"
            ),
        ));
    } else if RESERVED_ACTORS.contains(&name.as_str()) {
        problems.push((
            format!("{key}.name"),
            format!("'{name}' is the actor Gatehouse records for its own runs; choose another"),
        ));
    }
    match (&operator.token, &operator.token_sha256) {
        (Some(token), None) => check_token(token, &format!("{key}.token"), problems),
        (None, Some(digest)) => {
            if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
                problems.push((
                    format!("{key}.token_sha256"),
                    "is not a SHA-256 in hex (64 characters); make it with \
                     printf %s \"$TOKEN\" | sha256sum"
                        .to_owned(),
                ));
            }
        }
        _ => problems.push((
            key.to_owned(),
            "give exactly one of token or token_sha256".to_owned(),
        )),
    }
}

/// A token that resolves and is long enough to resist guessing.
fn check_token(token: &SecretRef, key: &str, problems: &mut Vec<(String, String)>) {
    match token.resolve(key) {
        Ok(t) if secrecy::ExposeSecret::expose_secret(&t).len() < 16 => problems.push((
            key.to_owned(),
            "shorter than 16 characters; use a long random value (e.g. openssl rand -hex 32)"
                .to_owned(),
        )),
        Ok(_) => {}
        Err(e) => problems.push((String::new(), crate::report::chain(&e).to_string())),
    }
}

impl OidcConfig {
    /// What is wrong, by key.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let mut add = |key: &str, message: String| {
            problems.push((format!("admin.oidc.{key}"), message));
        };
        if let Err(why) = https_or_loopback(&self.issuer) {
            add("issuer", why);
        }
        if self.audience.trim().is_empty() {
            add(
                "audience",
                "is empty; set the client id Gatehouse is registered under at the provider".into(),
            );
        }
        match (&self.jwks_file, &self.jwks_url) {
            (Some(file), None) if !file.is_file() => add(
                "jwks_file",
                format!("{} is not a readable file", file.display()),
            ),
            (None, Some(url)) => {
                if let Err(why) = https_or_loopback(url) {
                    add("jwks_url", why);
                }
            }
            (Some(_), None) => {}
            _ => add(
                "jwks_url",
                "give exactly one of jwks_url or jwks_file (the provider's signing keys)".into(),
            ),
        }
        if self.role_claim.is_none() && self.groups.is_empty() {
            add(
                "groups",
                "no role can be read: set role_claim, or map groups to roles \
                 (groups = { \"gatehouse-admins\" = \"admin\" })"
                    .into(),
            );
        }
        if !(60..=86_400).contains(&self.refresh_seconds) {
            add(
                "refresh_seconds",
                format!(
                    "{} is out of range; choose 60 to 86400",
                    self.refresh_seconds
                ),
            );
        }
        if self.leeway_seconds > 300 {
            add(
                "leeway_seconds",
                format!(
                    "{} is more than 300; a token's expiry would mean little",
                    self.leeway_seconds
                ),
            );
        }
        problems
    }
}

/// An https URL, or http to a loopback address (a provider on the same machine, in tests).
fn https_or_loopback(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text).map_err(|e| format!("'{text}' is not a URL: {e}"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(host)) => host == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(format!(
            "'{text}' must be https (http only to a loopback address)"
        )),
    }
}

#[cfg(test)]
mod tests;
