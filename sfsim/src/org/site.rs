//! Experience Cloud sites and their membership: a user becomes a member of a site (a
//! `NetworkMember` record) when its profile, or a permission set it is given, is one of the
//! site's. An org may have several sites; each has its own members.

use serde::Serialize;
use serde_json::{Map, json};

use super::Org;
use super::emails::EmailKind;

/// A site and who may belong to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    /// The `Network` record's id.
    pub network_id: String,
    /// Profiles whose users are members.
    pub member_profiles: Vec<String>,
    /// Permission sets whose assignees are members.
    pub member_permission_sets: Vec<String>,
}

impl Org {
    /// Shows the welcome-email setting on every site's `Network` record, where an API client
    /// reads it (`OptionsSendWelcomeEmail`), after the settings changed.
    pub(crate) fn sync_site_options(&mut self) {
        let sends = self.settings.site_sends_welcome_email;
        let networks: Vec<String> = self.sites.iter().map(|s| s.network_id.clone()).collect();
        for network_id in networks {
            if let Some(mut network) = self.store.get_mut(&network_id) {
                network
                    .fields
                    .insert("OptionsSendWelcomeEmail".into(), json!(sends));
            }
        }
    }
}

/// Makes the user a member of every site its profile is a member profile of.
pub(crate) fn join_by_profile(org: &mut Org, user_id: &str) {
    let Some(profile) = org.text_of(user_id, "ProfileId") else {
        return;
    };
    let networks: Vec<String> = org
        .sites
        .iter()
        .filter(|site| site.member_profiles.contains(&profile))
        .map(|site| site.network_id.clone())
        .collect();
    for network_id in networks {
        join(org, user_id, &network_id);
    }
}

/// Makes the user a member of every site the permission set is a member permission set of.
pub(crate) fn join_by_permission_set(org: &mut Org, user_id: &str, permission_set_id: &str) {
    let networks: Vec<String> = org
        .sites
        .iter()
        .filter(|site| {
            site.member_permission_sets
                .iter()
                .any(|p| p == permission_set_id)
        })
        .map(|site| site.network_id.clone())
        .collect();
    for network_id in networks {
        join(org, user_id, &network_id);
    }
}

/// Adds the membership once; a new active member gets the site's welcome email when the site
/// is active (`Status` `Live`) and sends one, and the org's deliverability lets it out.
fn join(org: &mut Org, user_id: &str, network_id: &str) {
    let already = org
        .store
        .find("NetworkMember", "MemberId", &json!(user_id))
        .any(|m| m.text("NetworkId") == Some(network_id));
    if already {
        return;
    }
    let mut values = Map::new();
    values.insert("NetworkId".into(), json!(network_id));
    values.insert("MemberId".into(), json!(user_id));
    values.insert("DefaultGroupNotificationFrequency".into(), json!("N"));
    org.insert_system("NetworkMember", values);

    let active = org.store.get(user_id).is_some_and(|u| u.flag("IsActive"));
    let live = org.text_of(network_id, "Status").as_deref() == Some("Live");
    if active
        && live
        && org.settings.site_sends_welcome_email
        && let Some(to) = org.text_of(user_id, "Email")
    {
        org.send_email(EmailKind::Welcome, &to, user_id);
    }
}
