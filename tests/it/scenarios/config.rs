//! The scenarios' config: three sources with their rules, and what a scenario may vary.

use crate::support::{Org, TestApp, TestAppBuilder, portal_source};

/// The customer CRM's Standard Webhooks secret.
pub const CUSTOMER_SECRET: &str = "whsec_7sfXlE4lU7UJz/2TPJizP0xlkJodFR6e";
/// The contract system's Standard Webhooks secret.
pub const CONTRACT_SECRET: &str = "whsec_SEODalL8p6FQVJ9gy6NT5neQuQl5u1lt";

/// The default org's site, which the scenarios name so the welcome email is checked against it.
pub const DEFAULT_SITE: &str = r#"site = "Gatehouse Partners""#;

/// What a scenario's config varies.
#[derive(Debug, Clone)]
pub struct Setup {
    pub org: Org,
    /// `welcome_email` of the partner signup and reseller onboarding rules.
    pub welcome: &'static str,
    /// Extra lines for the `[service]` table.
    pub service: &'static str,
    /// The items of the partner signup rule's `permission_sets` array, as TOML.
    pub permission_sets: &'static str,
    /// Extra lines for the `[salesforce]` table: the site new users join, a fixture.
    pub salesforce: &'static str,
    /// Extra lines for the `[engine]` table, e.g. a short `lease_seconds`.
    pub engine: &'static str,
    /// Extra lines for the `[salesforce.api]` table, e.g. `max_concurrent_calls`.
    pub salesforce_api: &'static str,
    /// Lines for the `[guard]` table (the mass-deprovision guard); empty keeps its defaults.
    pub guard: &'static str,
}

/// The partner signup rule's permission sets: the portal's set, and one more an event may name.
const PORTAL_SETS: &str = r#""Gatehouse_Portal_Access", "{{ data.extra_set | default('') }}""#;

impl Default for Setup {
    fn default() -> Self {
        Setup {
            org: Org::Simulated,
            welcome: "site-setting",
            service: "",
            permission_sets: PORTAL_SETS,
            salesforce: DEFAULT_SITE,
            engine: "",
            salesforce_api: "",
            guard: "",
        }
    }
}

/// The service on the setup's org with the scenarios' rules ([`scenario_rules`]) and extra
/// `[service]` lines; the clock, store and Kafka are the caller's to add.
pub fn scenario_app(setup: &Setup) -> TestAppBuilder {
    TestApp::builder()
        .org(setup.org.clone())
        .salesforce(setup.salesforce)
        .rules(&scenario_rules(setup))
        .service(setup.service)
}

/// The rules: a partner portal, a customer CRM and a contract system, with retries fast enough
/// for tests; the partner signup sends the setup's welcome email and permission sets.
fn scenario_rules(setup: &Setup) -> String {
    format!(
        "{FAST_POLLS}{}\n{FAST_RETRIES}{}\n[guard]\n{}\n{MAPPING_DEFAULTS}{}{}{}",
        setup.salesforce_api,
        setup.engine,
        setup.guard,
        partner_portal(setup.welcome, setup.permission_sets),
        customers(),
        contracts(setup.welcome)
    )
}

/// Allowance polls fast enough for tests, before the setup's `[salesforce.api]` lines.
const FAST_POLLS: &str = r#"
# When the daily allowance is spent, ask the org again after a second, not a minute.
[salesforce.api]
limits_poll_seconds = 1
limits_poll_max_seconds = 2
"#;

/// Retries fast enough for tests, before the setup's `[engine]` lines.
const FAST_RETRIES: &str = r#"
[engine]
retry_base_seconds = 1
retry_max_seconds = 8
max_attempts = 8
concurrency = 4
"#;

/// The mapping's defaults, after the `[engine]` table's extra lines.
const MAPPING_DEFAULTS: &str = r#"
[mapping]
time_zone = "UTC"

[mapping.defaults]
locale = "en_US"
time_zone = "GMT"
email_encoding = "UTF-8"
language = "en_US"

"#;

/// The partner portal: signup, removal, suspension, offboarding with a grace period, ban.
fn partner_portal(welcome: &str, permission_sets: &str) -> String {
    let portal = portal_source();
    format!(
        r#"
{portal}

[[sources.partner-portal.rules]]
name = "partner signup"
when = "type == 'partner.user.signed_up' or type == 'partner.user.renewed'"
subject = "partner-portal:{{{{ data.user.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"

[sources.partner-portal.rules.provision]
account = {{ key = "{{{{ data.partner_id }}}}" }}
contact = {{ first_name = "{{{{ data.user.first_name }}}}", last_name = "{{{{ data.user.last_name }}}}", email = "{{{{ data.user.email }}}}" }}
username = "{{{{ contact.email }}}}.acme"
profile = "{{{{ data.profile | default('Partner Community User') }}}}"
role = "{{{{ data.role | default('') }}}}"
permission_sets = [{permission_sets}]
welcome_email = "{welcome}"
end_date = "{{{{ data.contract_end | default('') }}}}"
purpose = "partner portal user of partner {{{{ data.partner_id }}}}"

[[sources.partner-portal.rules]]
name = "partner user removed"
when = "type == 'partner.user.removed'"
subject = "partner-portal:{{{{ data.user.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "deactivate", trigger = "removed by partner {{{{ data.partner_id }}}}" }}

[[sources.partner-portal.rules]]
name = "partner user suspended"
when = "type == 'partner.user.suspended'"
subject = "partner-portal:{{{{ data.user.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "freeze", trigger = "suspended by partner {{{{ data.partner_id }}}}" }}

[[sources.partner-portal.rules]]
name = "partner user offboarded"
when = "type == 'partner.user.offboarded'"
subject = "partner-portal:{{{{ data.user.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "freeze-then-deactivate", grace = "7d", trigger = "offboarded by partner {{{{ data.partner_id }}}}" }}

[[sources.partner-portal.rules]]
name = "partner user banned"
when = "type == 'partner.user.banned'"
subject = "partner-portal:{{{{ data.user.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "disable", trigger = "banned by partner {{{{ data.partner_id }}}}" }}

"#
    )
}

/// The customer CRM: signup, closure.
fn customers() -> String {
    format!(
        r#"
[sources.customers]
event_time = {{ json_pointer = "/occurred_at" }}
[sources.customers.verification]
scheme = "standard-webhooks"
secrets = [{{ secret = "{CUSTOMER_SECRET}" }}]

[[sources.customers.rules]]
name = "customer signup"
when = "type == 'customer.signed_up'"
subject = "K-{{{{ data.customer.number }}}}"
occurred_at = "{{{{ occurred_at }}}}"

[sources.customers.rules.provision]
account = {{ key = "{{{{ data.account }}}}" }}
contact = {{ first_name = "{{{{ data.customer.first_name }}}}", last_name = "{{{{ data.customer.last_name }}}}", email = "{{{{ data.customer.email }}}}" }}
username = "{{{{ contact.email }}}}.cust"
profile = "{{{{ data.profile | default('Customer Community User') }}}}"
role = "{{{{ data.role | default('') }}}}"
welcome_email = "none"

[[sources.customers.rules]]
name = "customer closed"
when = "type == 'customer.closed'"
subject = "K-{{{{ data.customer.number }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "deactivate", trigger = "customer account closed" }}

"#
    )
}

/// The contract system: a contract's end deactivates each of its people; its suspension
/// freezes them; its termination disables them; a reseller's onboarding admits its members with
/// the `welcome` email.
fn contracts(welcome: &str) -> String {
    format!(
        r#"
[sources.contracts]
event_time = {{ json_pointer = "/occurred_at" }}
[sources.contracts.verification]
scheme = "standard-webhooks"
secrets = [{{ secret = "{CONTRACT_SECRET}" }}]

[[sources.contracts.rules]]
name = "contract ended"
when = "type == 'contract.ended'"
for_each = "people"
item_id = "{{{{ contract_id }}}}:{{{{ item }}}}"
subject = "partner-portal:{{{{ item }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "deactivate", trigger = "contract {{{{ contract_id }}}} ended", effective = "{{{{ ended_at }}}}" }}

[[sources.contracts.rules]]
name = "reseller onboarded"
when = "type == 'reseller.onboarded'"
for_each = "members"
item_id = "{{{{ contract_id }}}}:{{{{ item.id }}}}"
subject = "partner-portal:{{{{ item.id }}}}"
occurred_at = "{{{{ occurred_at }}}}"

[sources.contracts.rules.provision]
account = {{ key = "{{{{ partner_id }}}}" }}
contact = {{ first_name = "{{{{ item.first_name }}}}", last_name = "{{{{ item.last_name }}}}", email = "{{{{ item.email }}}}" }}
username = "{{{{ contact.email }}}}.acme"
profile = "Partner Community User"
role = "{{{{ item.role | default('') }}}}"
welcome_email = "{welcome}"

[[sources.contracts.rules]]
name = "contract suspended"
when = "type == 'contract.suspended'"
for_each = "people"
item_id = "{{{{ contract_id }}}}:{{{{ item }}}}"
subject = "partner-portal:{{{{ item }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "freeze", trigger = "contract {{{{ contract_id }}}} suspended" }}

[[sources.contracts.rules]]
name = "contract terminated"
when = "type == 'contract.terminated'"
for_each = "people"
item_id = "{{{{ contract_id }}}}:{{{{ item }}}}"
subject = "partner-portal:{{{{ item }}}}"
occurred_at = "{{{{ occurred_at }}}}"
deprovision = {{ mode = "disable", trigger = "contract {{{{ contract_id }}}} terminated" }}
"#
    )
}
