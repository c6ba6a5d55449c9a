//! The Experience Cloud site and its membership: a user becomes a member (a `NetworkMember`
//! record) when its profile, or a permission set it is given, is one of the site's.

use serde::Serialize;
use serde_json::{Map, json};

use super::Org;
use super::emails::EmailKind;

/// The site and who may belong to it.
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
    /// Shows the welcome-email setting on the site's `Network` record, where an API client
    /// reads it (`OptionsSendWelcomeEmail`), after the settings changed.
    pub(crate) fn sync_site_options(&mut self) {
        let sends = self.settings.site_sends_welcome_email;
        let Some(network_id) = self.site.as_ref().map(|s| s.network_id.clone()) else {
            return;
        };
        if let Some(network) = self.store.get_mut(&network_id) {
            network
                .fields
                .insert("OptionsSendWelcomeEmail".into(), json!(sends));
        }
    }
}

/// Makes the user a member if its profile is a member profile.
pub(crate) fn join_by_profile(org: &mut Org, user_id: &str) {
    let Some(site) = &org.site else { return };
    let profile = org.text_of(user_id, "ProfileId");
    if profile.is_some_and(|p| site.member_profiles.contains(&p)) {
        join(org, user_id);
    }
}

/// Makes the user a member if the permission set is a member permission set.
pub(crate) fn join_by_permission_set(org: &mut Org, user_id: &str, permission_set_id: &str) {
    let Some(site) = &org.site else { return };
    if site
        .member_permission_sets
        .iter()
        .any(|p| p == permission_set_id)
    {
        join(org, user_id);
    }
}

/// Adds the membership once; a new active member gets the site's welcome email when the site
/// sends one.
fn join(org: &mut Org, user_id: &str) {
    let Some(network_id) = org.site.as_ref().map(|s| s.network_id.clone()) else {
        return;
    };
    let already = org
        .store
        .of_type("NetworkMember")
        .any(|m| m.text("MemberId") == Some(user_id) && m.text("NetworkId") == Some(&network_id));
    if already {
        return;
    }
    let mut values = Map::new();
    values.insert("NetworkId".into(), json!(network_id));
    values.insert("MemberId".into(), json!(user_id));
    values.insert("DefaultGroupNotificationFrequency".into(), json!("N"));
    org.insert_system("NetworkMember", values);

    let active = org.store.get(user_id).is_some_and(|u| u.flag("IsActive"));
    if active
        && org.settings.site_sends_welcome_email
        && let Some(to) = org.text_of(user_id, "Email")
    {
        let now = org.now();
        org.outbox.send(EmailKind::Welcome, &to, user_id, now);
    }
}
