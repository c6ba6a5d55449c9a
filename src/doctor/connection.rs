//! Reaching the org: the token, the API version, and the run-as user's permissions.

use super::checklist::Check;
use crate::report;
use crate::salesforce::access::{KeyFieldNames, Uses, check_run_as_user};
use crate::salesforce::{ApiVersion, CallError, OrgIdentity, SalesforceClient};

/// The token was issued: which flow, which login host, which user of which org.
pub(super) fn authenticated(flow: &str, login_url: &str, identity: &OrgIdentity) -> Check {
    let unknown = "unknown";
    Check::pass(
        "authentication",
        format!(
            "{flow} at {login_url}: a token for user {} of org {}",
            identity.user_id.as_deref().unwrap_or(unknown),
            identity.org_id.as_deref().unwrap_or(unknown)
        ),
    )
}

/// No token: the refusal already says what to check.
pub(super) fn not_authenticated(
    flow: &str,
    login_url: &str,
    error: &(dyn std::error::Error + 'static),
) -> Check {
    Check::fail(
        "authentication",
        format!("{flow} at {login_url}: {}", report::chain(error)),
        "fix what the refusal names in [salesforce.auth] or the app's settings (docs/salesforce-setup.md); no other check can run without a token",
    )
}

/// The configured version is among those the org serves: a version the org does not serve
/// answers every data call with 404 `NOT_FOUND`.
pub(super) fn api_version(configured: &str, served: &Result<Vec<ApiVersion>, CallError>) -> Check {
    let name = format!("API version {configured}");
    let served = match served {
        Ok(served) => served,
        Err(e) => {
            return Check::fail(
                name,
                format!("GET /services/data/ failed: {}", report::chain(e)),
                "check that login_url reaches the org's instance",
            );
        }
    };
    let newest = served.last().map_or("none", |v| v.version.as_str());
    match served.iter().find(|v| v.version == configured) {
        Some(found) => Check::pass(
            name,
            format!("served ({}); the newest served is {newest}", found.label),
        ),
        None => Check::fail(
            name,
            format!(
                "not served by this org; it serves {} to {newest}",
                served.first().map_or("none", |v| v.version.as_str())
            ),
            format!("set [salesforce] api_version to a version the org serves, e.g. \"{newest}\""),
        ),
    }
}

/// The run-as user's permissions against what the calls Gatehouse will make need
/// (`salesforce/access.toml`, limited to what the config uses: freezing, permission sets, a
/// password-reset welcome), each missing one named with the shipped set that grants it.
pub(super) async fn run_as_user_permissions(
    client: &SalesforceClient,
    identity: &OrgIdentity,
    uses: Uses,
    keys: &KeyFieldNames,
) -> Check {
    let name = "run-as user's permissions";
    let Some(user_id) = identity.user_id.as_deref() else {
        return Check::fail(
            name,
            "the token's identity names no user, so its permissions cannot be read",
            "check that the token comes from the External Client App's run-as user",
        );
    };
    match check_run_as_user(client, user_id, uses, keys).await {
        Ok(findings) if findings.is_empty() => Check::pass(
            name,
            format!("user {user_id} holds everything the configured rules need"),
        ),
        Ok(findings) => {
            let missing: Vec<String> = findings
                .iter()
                .map(|f| format!("{} (for {})", f.missing, f.needed_for))
                .collect();
            let mut fixes: Vec<&str> = findings.iter().map(|f| f.fix.as_str()).collect();
            fixes.dedup();
            Check::fail(
                name,
                format!("user {user_id} lacks {}", missing.join("; ")),
                fixes.join("; "),
            )
        }
        Err(e) => Check::fail(
            name,
            format!(
                "the user's permission sets could not be read: {}",
                report::chain(&e)
            ),
            "assign the Gatehouse_Integration permission set (it grants View Setup and Configuration, which reading permission sets needs)",
        ),
    }
}
