//! Reaching the org: the token, the API version, and the run-as user's permissions.

use super::checklist::Check;
use crate::report;
use crate::salesforce::{ApiVersion, CallError, OrgIdentity};

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

/// The run-as user's permissions against the permission sets Gatehouse ships. The comparison
/// itself belongs to `salesforce::access` (the table of what each call needs); until it is
/// called from here, this check says plainly that it did not run, and never passes.
pub(super) fn run_as_user_permissions() -> Check {
    Check::manual(
        "run-as user's permissions",
        "not compared by this build with the shipped permission sets",
        "check that the run-as user holds the Gatehouse_Integration permission set (and Gatehouse_Integration_Freeze when a rule freezes), as salesforce/README.md describes",
    )
}
