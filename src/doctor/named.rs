//! The profiles and permission sets the rules name: that each exists, and that each rule's
//! profile or one of its permission sets makes its users members of the site.

use std::collections::BTreeSet;

use super::checklist::Check;
use super::needs::{Needs, RuleNeeds};
use super::org_view::{OrgView, Seen};
use crate::report;
use crate::salesforce::Record;

/// Where site members are added in Setup.
const MEMBERS_PAGE: &str =
    "Setup → Digital Experiences → All Sites → Workspaces → Administration → Members";

/// One check per profile and per permission set named in a rule, and a manual check per name
/// a rule makes from the event.
pub(super) fn existence(needs: &Needs, view: &OrgView) -> Vec<Check> {
    let mut checks = Vec::new();
    for profile in needs.profiles() {
        checks.push(exists(
            "profile",
            profile,
            &view.profiles,
            "correct the rule to a profile's exact Name (Setup → Profiles), or create the profile with the licence the rule needs",
        ));
    }
    for set in needs.permission_sets() {
        checks.push(exists(
            "permission set",
            set,
            &view.permission_sets,
            "correct the rule to the permission set's API Name (not its label), or create or deploy the permission set",
        ));
    }
    for (rule, template) in needs.made_from_events() {
        checks.push(Check::manual(
            format!("names made by rule {rule}"),
            format!("'{template}' comes from the event, so no check before it can resolve it"),
            "make sure every name it can produce is a profile or permission set of the org; `gatehouse mapping test` shows what a sample event makes",
        ));
    }
    checks
}

fn exists(kind: &str, name: &str, seen: &Seen<Vec<Record>>, fix: &str) -> Check {
    let check = format!("{kind} {name}");
    match seen {
        Err(e) => Check::fail(
            check,
            format!("the {kind}s could not be read: {}", report::chain(e)),
            "give the run-as user View Setup and Configuration (the Gatehouse_Integration permission set has it)",
        ),
        Ok(rows) if by_name(rows, name).is_some() => Check::pass(check, "exists"),
        Ok(_) => Check::fail(check, format!("no {kind} is named '{name}'"), fix),
    }
}

/// The record named `name` exactly.
pub(super) fn by_name<'a>(rows: &'a [Record], name: &str) -> Option<&'a Record> {
    rows.iter().find(|r| r.text("Name") == Some(name))
}

/// The site whose members count: the named one, else any.
pub(super) enum SiteChoice<'a> {
    Named(&'a str),
    Any,
}

/// One check per provision rule whose profile is written out: its users must become members
/// of the site, through the profile or one of the rule's permission sets (`NetworkMemberGroup`).
pub(super) fn membership(needs: &Needs, view: &OrgView, site: &SiteChoice<'_>) -> Vec<Check> {
    let members = match site_members(view, site) {
        Ok(members) => members,
        Err(check) => return vec![check],
    };
    needs
        .rules
        .iter()
        .filter_map(|rule| rule_membership(rule, view, &members, site))
        .collect()
}

/// The ids (15 characters) of the profiles and permission sets that are members of the site.
fn site_members(view: &OrgView, site: &SiteChoice<'_>) -> Result<BTreeSet<String>, Check> {
    let name = "site membership";
    let unreadable = |what: &str, e: &crate::salesforce::SalesforceError| {
        Check::fail(
            name,
            format!("{what} could not be read: {}", report::chain(e)),
            "give the run-as user View Setup and Configuration (the Gatehouse_Integration permission set has it)",
        )
    };
    let networks = view
        .networks
        .as_ref()
        .map_err(|e| unreadable("the sites (Network)", e))?;
    let groups = view
        .member_groups
        .as_ref()
        .map_err(|e| unreadable("the site members (NetworkMemberGroup)", e))?;
    let chosen: Vec<&str> = match site {
        SiteChoice::Named(site) => match by_name(networks, site) {
            Some(network) => network.id().into_iter().collect(),
            // The site check names the missing site and its fix.
            None => {
                return Err(Check::fail(
                    name,
                    format!("no site is named '{site}'"),
                    "see the site check",
                ));
            }
        },
        SiteChoice::Any => networks.iter().filter_map(Record::id).collect(),
    };
    let chosen: BTreeSet<String> = chosen.into_iter().map(short_id).collect();
    Ok(groups
        .iter()
        .filter(|g| {
            g.text("NetworkId")
                .is_some_and(|n| chosen.contains(&short_id(n)))
        })
        .filter_map(|g| g.text("ParentId").map(short_id))
        .collect())
}

fn rule_membership(
    rule: &RuleNeeds,
    view: &OrgView,
    members: &BTreeSet<String>,
    site: &SiteChoice<'_>,
) -> Option<Check> {
    let profile = rule.profile.as_ref()?.written()?;
    let profiles = view.profiles.as_ref().ok()?;
    // An unknown profile fails its own check; membership cannot be told without its id.
    let profile_id = by_name(profiles, profile)?.id()?;
    let sets: Vec<&str> = rule
        .permission_sets
        .iter()
        .filter_map(|s| s.written())
        .collect();
    let set_rows = view
        .permission_sets
        .as_ref()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let set_ids = sets.iter().filter_map(|s| by_name(set_rows, s)?.id());
    let name = format!("site membership of rule {}", rule.rule);
    let site_name = match site {
        SiteChoice::Named(site) => format!("site '{site}'"),
        SiteChoice::Any => "any site".to_owned(),
    };
    let mut ids = std::iter::once(profile_id).chain(set_ids);
    if ids.any(|id| members.contains(&short_id(id))) {
        return Some(Check::pass(name, format!("its users join {site_name}")));
    }
    let detail = if sets.is_empty() {
        format!("profile '{profile}' is not a member of {site_name}")
    } else {
        format!(
            "neither profile '{profile}' nor permission sets {} is a member of {site_name}",
            sets.join(", ")
        )
    };
    Some(Check::fail(
        name,
        format!("{detail}: its users could not log in to the site"),
        format!(
            "add the profile or one of the rule's permission sets to the site's members ({MEMBERS_PAGE})"
        ),
    ))
}

/// Salesforce ids compare on their first 15 characters (the 18-character form adds a
/// case-safe checksum).
fn short_id(id: &str) -> String {
    id.chars().take(15).collect()
}
