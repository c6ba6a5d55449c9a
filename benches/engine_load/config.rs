//! What each replica is started with: the partner portal's source, signed with one secret, and
//! the quick start's rules; the org as a remote org; and the simulated org's fixture.

use gatehouse::config::Settings;

const SECRET: &str = "whsec_bG9hZC1nZW5lcmF0b3Itc2VjcmV0LWZvci1iZW5jaA==";

/// The partner portal's source and the quick start's rules: a signup provisions a Partner
/// Community User on the partner's Account (Contact, User, role, welcome email), a removal
/// deactivates the user.
const RULES: &str = r#"
[mapping.defaults]
locale = "en_US"
time_zone = "GMT"
email_encoding = "UTF-8"
language = "en_US"

[sources.partner-portal]
event_time = { json_pointer = "/occurred_at" }

[[sources.partner-portal.rules]]
name = "partner signup"
when = "type == 'partner.user.signed_up'"
subject = "partner-portal:{{ data.user.id }}"
occurred_at = "{{ occurred_at }}"

[sources.partner-portal.rules.provision]
account = { key = "{{ data.partner_id }}" }
contact = { first_name = "{{ data.user.first_name }}", last_name = "{{ data.user.last_name }}", email = "{{ data.user.email }}" }
username = "{{ contact.email }}.bench"
profile = "Partner Community User"
role = "user"
welcome_email = "site-setting"

[[sources.partner-portal.rules]]
name = "partner user removed"
when = "type == 'partner.user.removed'"
subject = "partner-portal:{{ data.user.id }}"
occurred_at = "{{ occurred_at }}"
deprovision = { mode = "deactivate", trigger = "removed from the partner portal" }
"#;

/// Replica `n`'s settings: the store, the org as a remote org, its own worker id.
pub fn settings(
    store: &str,
    login_url: &str,
    n: usize,
    concurrency: u32,
) -> anyhow::Result<Settings> {
    let config = format!(
        r#"
[service]
listen = "127.0.0.1:0"
workers = 1
drain_delay_seconds = 0
[store]
{store}
[log]
level = "warn"
mask_key = "bench-mask-key-7d0c2a91"
[salesforce]
org = "remote"
login_url = "{login_url}"
[salesforce.auth]
flow = "client-credentials"
client_id = "gatehouse-dev"
client_secret = "gatehouse-dev-secret"
# The removals phase deprovisions hundreds at once: the mass-deprovision guard would hold them.
[guard]
enabled = false
[engine]
worker_id = "bench-{n}"
concurrency = {concurrency}
[sources.partner-portal.verification]
scheme = "standard-webhooks"
secrets = [{{ secret = "{SECRET}" }}]
{RULES}
"#
    );
    Ok(Settings::from_toml(&config)?)
}

/// The Standard Webhooks signature of a delivery to the partner portal's source.
pub fn sign(id: &str, ts: i64, body: &[u8]) -> String {
    crate::org::sign(SECRET, id, ts, body)
}
