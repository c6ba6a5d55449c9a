//! A native topic's allow-list applied to an admitted command: a producer that may only speak
//! for its own people, Accounts, profiles and roles is held to them.

use crate::config::NativeAllowList;
use crate::domain::{AccountRef, Intent, PortalRoleLevel, SubjectKey, Violation};

/// Refuses what falls outside `allow`, naming the field and the list it is missing from; the
/// value itself is named only where it is configuration (a profile), never personal data.
pub fn check_allowed(
    allow: &NativeAllowList,
    topic: &str,
    subject: &SubjectKey,
    intent: &Intent,
) -> Result<(), Violation> {
    let outside = |field: &str, list: &str| {
        Violation::new(
            field,
            format!(
                "not among [kafka.topics.{topic}.allow] {list}; add it there if this producer may ask for it"
            ),
        )
    };
    if let Some(prefixes) = &allow.subject_prefixes
        && !prefixes
            .iter()
            .any(|p| subject.as_str().starts_with(p.as_str()))
    {
        return Err(outside("subject", "subject_prefixes"));
    }
    let Intent::Provision(p) = intent else {
        return Ok(());
    };
    let account = match &p.account {
        AccountRef::Key(text) | AccountRef::Id(text) => text,
    };
    if !listed(&allow.accounts, account) {
        return Err(outside("provision.account", "accounts"));
    }
    if !listed(&allow.profiles, &p.profile) {
        return Err(outside(
            "provision.profile",
            &format!("profiles ('{}')", p.profile),
        ));
    }
    if let Some(set) = p
        .permission_sets
        .iter()
        .find(|set| !listed(&allow.permission_sets, set))
    {
        return Err(outside(
            "provision.permission_sets",
            &format!("permission_sets ('{set}')"),
        ));
    }
    if let (Some(highest), Some(role)) = (allow.highest_role, p.role)
        && rank(role) > rank(highest)
    {
        return Err(Violation::new(
            "provision.role",
            format!(
                "{} is above [kafka.topics.{topic}.allow] highest_role ({})",
                role.name(),
                highest.name()
            ),
        ));
    }
    Ok(())
}

/// Whether `value` is allowed by a list that, when absent, allows anything.
fn listed(list: &Option<Vec<String>>, value: &str) -> bool {
    list.as_ref()
        .is_none_or(|list| list.iter().any(|entry| entry == value))
}

/// Roles from the lowest: a user below a manager below an executive.
fn rank(level: PortalRoleLevel) -> u8 {
    match level {
        PortalRoleLevel::User => 0,
        PortalRoleLevel::Manager => 1,
        PortalRoleLevel::Executive => 2,
    }
}
