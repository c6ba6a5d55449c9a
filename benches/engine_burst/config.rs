//! What the measured Gatehouse runs with: the partner portal's source signed with one secret,
//! rules for a lone signup, a partner onboarded (a fan-out of new people) and a contract end
//! (a fan-out of ids); the org as a remote org; and the simulated org's fixture.

const SECRET: &str = "whsec_YnVyc3QtYmVuY2htYXJrLXNlY3JldC1mb3ItZ2F0ZWhvdXNl";

/// Username suffix of every person the run admits.
pub const USERNAME_SUFFIX: &str = ".burst";

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
username = "{{ contact.email }}.burst"
profile = "Partner Community User"
role = "user"
welcome_email = "site-setting"

[[sources.partner-portal.rules]]
name = "partner onboarded"
when = "type == 'partner.onboarded'"
for_each = "people"
item_id = "{{ batch }}:{{ item.id }}"
subject = "partner-portal:{{ item.id }}"
occurred_at = "{{ occurred_at }}"

[sources.partner-portal.rules.provision]
account = { key = "{{ partner_id }}" }
contact = { first_name = "{{ item.first_name }}", last_name = "{{ item.last_name }}", email = "{{ item.email }}" }
username = "{{ contact.email }}.burst"
profile = "Partner Community User"
role = "user"
welcome_email = "site-setting"

[[sources.partner-portal.rules]]
name = "contract ended"
when = "type == 'contract.ended'"
for_each = "people"
item_id = "{{ contract_id }}:{{ item }}"
subject = "partner-portal:{{ item }}"
occurred_at = "{{ occurred_at }}"
deprovision = { mode = "deactivate", trigger = "contract {{ contract_id }} ended" }
"#;

/// The config of one measured Gatehouse: the SQLite store at `db`, listening on `port`, the
/// org at `login_url`, and `overlay` (TOML tables) appended last.
pub fn gatehouse_config(db: &str, port: u16, login_url: &str, overlay: &str) -> String {
    format!(
        r#"
[service]
listen = "127.0.0.1:{port}"
drain_delay_seconds = 0
max_body_bytes = 16777216
[store]
kind = "sqlite"
path = "{db}"
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
# The bursts deprovision thousands at once: the mass-deprovision guard would hold them.
[guard]
enabled = false
[engine]
worker_id = "burst"
concurrency = 8
[sources.partner-portal.verification]
scheme = "standard-webhooks"
secrets = [{{ secret = "{SECRET}" }}]
{RULES}
{overlay}
"#
    )
}

/// The Standard Webhooks signature of a delivery to the partner portal's source.
pub fn sign(id: &str, ts: i64, body: &[u8]) -> String {
    crate::org::sign(SECRET, id, ts, body)
}
