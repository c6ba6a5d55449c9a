//! Account owners of keyed Accounts hold roles: Salesforce makes an Account's portal roles
//! under its owner's role, so without one no partner or Customer Community Plus user can be
//! created there.

use super::checklist::Check;
use super::org_view::{Seen, UnroledOwners};
use crate::report;

/// A warning, not a failure: only the users of those Accounts are refused.
pub(super) fn owners(account_key: &str, seen: &Seen<UnroledOwners>) -> Check {
    let name = "Account owners hold roles";
    let owners = match seen {
        Ok(owners) => owners,
        Err(e) => {
            return Check::warn(
                name,
                format!("the keyed Accounts could not be read: {}", report::chain(e)),
                "give the run-as user read access to Account and User",
            );
        }
    };
    if owners.count == 0 {
        return Check::pass(
            name,
            format!("every Account with {account_key} has an owner with a role"),
        );
    }
    let examples: Vec<String> = owners
        .first
        .iter()
        // The owner by id, not by name: the check's detail is logged at start-up, and a
        // name is personal data an id is not.
        .map(|a| {
            format!(
                "{} (owner {})",
                a.text("Name").unwrap_or("unnamed"),
                a.text("OwnerId").unwrap_or("unknown")
            )
        })
        .collect();
    Check::warn(
        name,
        format!(
            "{} Account(s) with {account_key} have an owner without a role, e.g. {}",
            owners.count,
            examples.join("; ")
        ),
        "give each owner a role (Setup → Users → the user → Role), or move the Account to an owner with one; partner and Customer Community Plus users of these Accounts are refused until then",
    )
}
