//! The config text the tests share: the partner portal's source and the quick start's rules for
//! it. One copy, used by every test that starts the service.

/// The Standard Webhooks secret every test config's `partner-portal` source uses.
pub const PORTAL_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// The quick start's partner-portal rules: a signup provisions a Partner Community User on the
/// partner's Account, a removal deactivates. Goes with [`portal_source`].
pub const PARTNER_RULES: &str = r#"
[mapping.defaults]
locale = "en_US"
time_zone = "GMT"
email_encoding = "UTF-8"
language = "en_US"

[[sources.partner-portal.rules]]
name = "partner signup"
when = "type == 'partner.user.signed_up'"
subject = "partner-portal:{{ data.user.id }}"
occurred_at = "{{ occurred_at }}"

[sources.partner-portal.rules.provision]
account = { key = "{{ data.partner_id }}" }
contact = { first_name = "{{ data.user.first_name }}", last_name = "{{ data.user.last_name }}", email = "{{ data.user.email }}" }
username = "{{ contact.email }}.acme"
profile = "Partner Community User"
role = "user"
welcome_email = "site-setting"
purpose = "partner portal user of partner {{ data.partner_id }}"

[[sources.partner-portal.rules]]
name = "partner user removed"
when = "type == 'partner.user.removed'"
subject = "partner-portal:{{ data.user.id }}"
occurred_at = "{{ occurred_at }}"
deprovision = { mode = "deactivate", trigger = "removed from the partner portal" }
"#;

/// The `partner-portal` source: Standard Webhooks signed with [`PORTAL_SECRET`], its event
/// time at `/occurred_at`. No rules: add [`PARTNER_RULES`] for those.
pub fn portal_source() -> String {
    format!(
        r#"
[sources.partner-portal]
event_time = {{ json_pointer = "/occurred_at" }}
[sources.partner-portal.verification]
scheme = "standard-webhooks"
secrets = [{{ secret = "{PORTAL_SECRET}" }}]
"#
    )
}

/// A whole config on the simulated org with [`portal_source`] and `extra`, for tests that read
/// settings without starting the service.
pub fn config(extra: &str) -> String {
    crate::support::TestApp::builder().config(extra).toml()
}
