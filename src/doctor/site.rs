//! The site: that it exists, is active and sends the welcome email rules count on, and the
//! email settings no API shows.

use super::checklist::Check;
use super::named::by_name;
use super::needs::Needs;
use super::org_view::OrgView;
use crate::report;
use crate::salesforce::Record;

/// Where a site is activated and its emails set.
const ADMINISTRATION: &str =
    "Setup → Digital Experiences → All Sites → Workspaces → Administration";

/// The site named by `[salesforce] site`: it exists, is `Live`, and sends welcome emails when
/// a rule relies on that. Unset: a warning to set it.
pub(super) fn site(needs: &Needs, view: &OrgView, site: Option<&str>) -> Vec<Check> {
    let networks = match &view.networks {
        Ok(networks) => networks,
        Err(e) => {
            return vec![Check::fail(
                "site",
                format!(
                    "the sites (Network) could not be read: {}",
                    report::chain(e)
                ),
                "give the run-as user View Setup and Configuration (the Gatehouse_Integration permission set has it)",
            )];
        }
    };
    let names: Vec<&str> = networks.iter().filter_map(|n| n.text("Name")).collect();
    let Some(site) = site else {
        return vec![Check::warn(
            "site",
            format!(
                "[salesforce] site is not set: membership of any site is accepted, and the site's status and welcome email are not checked (sites: {})",
                listed(&names)
            ),
            "set [salesforce] site to the Name of the site new users join",
        )];
    };
    let Some(network) = by_name(networks, site) else {
        return vec![Check::fail(
            format!("site {site}"),
            format!("no site is named '{site}' (sites: {})", listed(&names)),
            "set [salesforce] site to the site's exact Name",
        )];
    };
    let mut checks = vec![status(site, network)];
    checks.extend(welcome(site, network, &needs.site_welcome_rules()));
    checks
}

/// `Status` = `Live`: users of a site under construction or down for maintenance cannot log
/// in, and it sends no welcome email.
fn status(site: &str, network: &Record) -> Check {
    let name = format!("site {site} is active");
    match network.text("Status") {
        Some("Live") => Check::pass(name, "Status is Live"),
        other => Check::fail(
            name,
            format!("Status is {}", other.unwrap_or("unknown")),
            format!("activate the site ({ADMINISTRATION} → Settings → Activate)"),
        ),
    }
}

/// `OptionsSendWelcomeEmail`, when a rule leaves the welcome email to the site.
fn welcome(site: &str, network: &Record, rules: &[&str]) -> Option<Check> {
    if rules.is_empty() {
        return None;
    }
    let name = format!("site {site} sends welcome emails");
    Some(match network.flag("OptionsSendWelcomeEmail") {
        Some(true) => Check::pass(name, format!("on, as rules {} expect", rules.join(", "))),
        _ => Check::fail(
            name,
            format!(
                "off, but rules {} set welcome_email = \"site-setting\": their users would get no email",
                rules.join(", ")
            ),
            format!(
                "turn on Send welcome email ({ADMINISTRATION} → Emails), or set those rules' welcome_email to \"password-reset\""
            ),
        ),
    })
}

/// What no API exposes: an admin looks.
pub(super) fn manual() -> Vec<Check> {
    vec![
        Check::manual(
            "email deliverability",
            "no API shows the org's email access level",
            "Setup → Deliverability: the access level must not be \"No access\" (\"System email only\" still sends new-user and password-reset emails)",
        ),
        Check::manual(
            "verified sending domain",
            "no API shows whether the site's sender address and its domain are verified",
            format!(
                "verify the sender address ({ADMINISTRATION} → Emails) and the domain's SPF and DKIM (Setup → DKIM Keys): mail from unverified domains may be dropped"
            ),
        ),
    ]
}

fn listed(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}
