//! Salesforce's login hosts, and what each one means for the two server-to-server flows.
//!
//! The JWT bearer flow takes as its audience `https://login.salesforce.com`,
//! `https://test.salesforce.com` or an Experience Cloud site URL, never a My Domain URL
//! (Salesforce Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"), while the
//! client credentials flow is served only by the org's My Domain.

use super::SalesforceAuth;

/// The production login host, and the JWT audience of every production org.
pub const PRODUCTION_LOGIN: &str = "https://login.salesforce.com";

/// The sandbox login host, and the JWT audience of every sandbox.
pub const SANDBOX_LOGIN: &str = "https://test.salesforce.com";

/// What kind of host a login URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginHost {
    /// `login.salesforce.com`.
    Production,
    /// `test.salesforce.com`.
    Sandbox,
    /// A production My Domain, `*.my.salesforce.com`.
    MyDomain,
    /// A sandbox's My Domain, `*.sandbox.my.salesforce.com`.
    SandboxMyDomain,
    /// Anything else: a host Salesforce does not name (a simulated org on loopback, a proxy).
    Other,
}

impl LoginHost {
    /// The kind of host `login_url` names; an unparsable URL is `Other` (validation reports it).
    pub fn of(login_url: &str) -> LoginHost {
        let Some(host) = url::Url::parse(login_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        else {
            return LoginHost::Other;
        };
        match host.as_str() {
            "login.salesforce.com" => LoginHost::Production,
            "test.salesforce.com" => LoginHost::Sandbox,
            h if h.ends_with(".sandbox.my.salesforce.com") => LoginHost::SandboxMyDomain,
            h if h.ends_with(".my.salesforce.com") => LoginHost::MyDomain,
            _ => LoginHost::Other,
        }
    }

    /// The JWT audience Salesforce accepts for an org reached through this host: the sandbox
    /// login host for sandboxes, the production one for everything else.
    pub fn default_jwt_audience(self) -> &'static str {
        match self {
            LoginHost::Sandbox | LoginHost::SandboxMyDomain => SANDBOX_LOGIN,
            LoginHost::Production | LoginHost::MyDomain | LoginHost::Other => PRODUCTION_LOGIN,
        }
    }

    /// Whether this is one of the two shared login hosts, which do not serve the client
    /// credentials flow.
    fn is_shared_login(self) -> bool {
        matches!(self, LoginHost::Production | LoginHost::Sandbox)
    }
}

/// The JWT audience when `[salesforce.auth] audience` is unset, derived from `login_url`.
pub fn default_jwt_audience(login_url: &str) -> &'static str {
    LoginHost::of(login_url).default_jwt_audience()
}

/// Problems with how a real org is authenticated against, as (key, what to fix).
pub fn auth_problems(login_url: &str, auth: &SalesforceAuth) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    match auth {
        SalesforceAuth::JwtBearer {
            audience: Some(audience),
            ..
        } => {
            if !url::Url::parse(audience).is_ok_and(|u| u.scheme() == "https" && u.host().is_some())
            {
                problems.push((
                    "salesforce.auth.audience",
                    format!("'{audience}' is not an https URL; use e.g. {PRODUCTION_LOGIN}"),
                ));
            } else if matches!(
                LoginHost::of(audience),
                LoginHost::MyDomain | LoginHost::SandboxMyDomain
            ) {
                problems.push((
                    "salesforce.auth.audience",
                    format!(
                        "'{audience}' is a My Domain URL, which Salesforce refuses as a JWT audience (audience is invalid); leave audience unset, or use {PRODUCTION_LOGIN} (production) or {SANDBOX_LOGIN} (sandbox)"
                    ),
                ));
            }
        }
        SalesforceAuth::ClientCredentials { .. } if LoginHost::of(login_url).is_shared_login() => {
            problems.push((
                "salesforce.login_url",
                format!(
                    "'{login_url}' does not serve the client credentials flow; use the org's My Domain URL (e.g. https://acme.my.salesforce.com, Setup → My Domain)"
                ),
            ));
        }
        _ => {}
    }
    problems
}

#[cfg(test)]
mod tests;
