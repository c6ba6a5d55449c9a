//! `gatehouse doctor` and `serve`'s preflight: the default org passes, and each deliberate
//! misconfiguration of the simulated org (a patch of its default fixture) or of the config is
//! found, with its fix.

use std::path::Path;
use std::sync::Arc;

use gatehouse::clock::SystemClock;
use gatehouse::config::Settings;
use gatehouse::doctor::{Check, Checklist, Status};
use sfsim::server::FixtureSource;
use sfsim::{SimConfig, SimHandle, SimServer};

use crate::support::{PARTNER_RULES, portal_source};

mod served;

/// The default fixture's text.
fn default_fixture() -> String {
    std::fs::read_to_string(fixtures_dir().join("default.toml")).expect("default fixture")
}

fn fixtures_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sfsim/fixtures")
}

/// The default fixture with `from` replaced by `to` (which must be in it).
fn patched(from: &str, to: &str) -> String {
    let text = default_fixture();
    assert!(text.contains(from), "the default fixture holds {from:?}");
    text.replace(from, to)
}

/// A simulated org built from `fixture`, running beside the test.
async fn org(fixture: String) -> SimHandle {
    SimServer::start(SimConfig {
        fixture: Some(FixtureSource::Toml {
            text: fixture,
            base_dir: fixtures_dir(),
        }),
        ..SimConfig::default()
    })
    .await
    .expect("the simulated org starts")
}

/// A config reaching `org` as a remote org, with `salesforce` lines added to `[salesforce]`
/// and the partner-portal source with `rules`.
fn settings(org: &SimHandle, salesforce: &str, rules: &str) -> Settings {
    let text = format!(
        "[salesforce]\norg = \"remote\"\nlogin_url = \"{}\"\n{salesforce}\n[salesforce.auth]\nflow = \"client-credentials\"\nclient_id = \"gatehouse-dev\"\nclient_secret = \"gatehouse-dev-secret\"\n[log]\nmask_key = \"doctor-test-mask-key-0c4f\"\n[store]\nkind = \"sqlite\"\npath = \"never-opened.db\"\n{}\n{rules}\n",
        org.login_url,
        portal_source()
    );
    Settings::from_toml(&text).unwrap_or_else(|e| panic!("test config: {e}\n---\n{text}"))
}

/// The site of the default fixture, as `[salesforce] site` names it.
const SITE: &str = "site = \"Gatehouse Partners\"";

/// Runs the doctor against `org` with the partner rules and the site named.
async fn doctor(org: &SimHandle, salesforce: &str, rules: &str) -> Checklist {
    gatehouse::doctor::run(&settings(org, salesforce, rules), Arc::new(SystemClock)).await
}

/// The one check named `name`; panics with the checklist otherwise.
fn check<'a>(list: &'a Checklist, name: &str) -> &'a Check {
    let found: Vec<&Check> = list.checks.iter().filter(|c| c.name == name).collect();
    assert_eq!(found.len(), 1, "one check named {name:?} in\n{list}");
    found[0]
}

/// Asserts `name` failed, its detail says `detail` and its fix says `fix`; and that the list
/// as a whole did not pass.
fn assert_fails(list: &Checklist, name: &str, detail: &str, fix: &str) {
    let found = check(list, name);
    assert_eq!(found.status, Status::Fail, "{name} fails in\n{list}");
    assert!(found.detail.contains(detail), "detail of {name}: {list}");
    let said = found.fix.as_deref().unwrap_or_default();
    assert!(said.contains(fix), "fix of {name} says {fix:?}: {list}");
    assert!(!list.passed());
}

#[tokio::test]
async fn the_default_org_passes_every_check_but_the_manual_ones() {
    let org = org(default_fixture()).await;
    let list = doctor(&org, SITE, PARTNER_RULES).await;
    assert!(list.passed(), "{list}");
    for c in &list.checks {
        match c.name.as_str() {
            // The default org keeps an Account whose owner has no role, on purpose.
            "Account owners hold roles" => assert_eq!(c.status, Status::Warn, "{list}"),
            "email deliverability" | "verified sending domain" => {
                assert_eq!(c.status, Status::Manual, "{list}")
            }
            _ => assert_eq!(c.status, Status::Pass, "{}: {list}", c.name),
        }
    }
    for name in [
        "authentication",
        "API version 68.0",
        "run-as user's permissions",
        "key field Contact.Gatehouse_Key__c",
        "key field Account.Gatehouse_Key__c",
        "profile Partner Community User",
        "site Gatehouse Partners is active",
        "site Gatehouse Partners sends welcome emails",
        "site membership of rule partner-portal: partner signup",
        "licences Partner Community",
    ] {
        assert_eq!(check(&list, name).status, Status::Pass, "{name}: {list}");
    }
}

#[tokio::test]
async fn a_run_as_user_without_the_freeze_set_fails_only_where_a_rule_freezes() {
    let org = org(patched(
        r#"permission_sets = ["Gatehouse_Integration", "Gatehouse_Integration_Freeze"]"#,
        r#"permission_sets = ["Gatehouse_Integration"]"#,
    ))
    .await;
    let deactivating = doctor(&org, SITE, PARTNER_RULES).await;
    assert_eq!(
        check(&deactivating, "run-as user's permissions").status,
        Status::Pass,
        "{deactivating}"
    );
    let freezing = PARTNER_RULES.replace("mode = \"deactivate\"", "mode = \"freeze\"");
    let list = doctor(&org, SITE, &freezing).await;
    assert_fails(
        &list,
        "run-as user's permissions",
        "ManageUsers",
        "Gatehouse_Integration_Freeze",
    );
}

#[tokio::test]
async fn a_key_field_the_user_cannot_see_is_found_with_both_fixes() {
    let org = org(default_fixture()).await;
    let list = doctor(
        &org,
        &format!("{SITE}\ncontact_key_field = \"Missing_Key__c\""),
        PARTNER_RULES,
    )
    .await;
    assert_fails(
        &list,
        "key field Contact.Missing_Key__c",
        "not in the run-as user's describe of Contact",
        "field-level security",
    );
    let fix = check(&list, "key field Contact.Missing_Key__c")
        .fix
        .clone()
        .unwrap_or_default();
    assert!(fix.contains("does not exist"), "{fix}");
}

#[tokio::test]
async fn a_rule_naming_an_unknown_profile_or_permission_set_is_found() {
    let org = org(default_fixture()).await;
    let rules = PARTNER_RULES
        .replace("\"Partner Community User\"", "\"Partner Community Usr\"")
        .replace(
            "role = \"user\"",
            "role = \"user\"\npermission_sets = [\"Gatehouse_Portal_Acess\"]",
        );
    let list = doctor(&org, SITE, &rules).await;
    assert_fails(
        &list,
        "profile Partner Community Usr",
        "no profile is named 'Partner Community Usr'",
        "correct the rule",
    );
    assert_fails(
        &list,
        "permission set Gatehouse_Portal_Acess",
        "no permission set is named",
        "API Name",
    );
}

#[tokio::test]
async fn a_profile_that_is_not_a_member_of_the_site_is_found() {
    let org = org(patched("    \"Partner Community User\",\n", "")).await;
    let list = doctor(&org, SITE, PARTNER_RULES).await;
    assert_fails(
        &list,
        "site membership of rule partner-portal: partner signup",
        "profile 'Partner Community User' is not a member of site 'Gatehouse Partners'",
        "Administration → Members",
    );
}

#[tokio::test]
async fn a_site_that_is_not_live_is_found() {
    let org = org(patched(
        "url_path_prefix = \"partners\"",
        "url_path_prefix = \"partners\"\nstatus = \"UnderConstruction\"",
    ))
    .await;
    let list = doctor(&org, SITE, PARTNER_RULES).await;
    assert_fails(
        &list,
        "site Gatehouse Partners is active",
        "Status is UnderConstruction",
        "Activate",
    );
}

#[tokio::test]
async fn a_site_without_welcome_emails_is_found_when_a_rule_relies_on_it() {
    let org = org(patched(
        "site_sends_welcome_email = true",
        "site_sends_welcome_email = false",
    ))
    .await;
    let list = doctor(&org, SITE, PARTNER_RULES).await;
    assert_fails(
        &list,
        "site Gatehouse Partners sends welcome emails",
        "partner-portal: partner signup",
        "Send welcome email",
    );
    // A rule that sends its own email does not rely on the site's.
    let own_email = PARTNER_RULES.replace("\"site-setting\"", "\"password-reset\"");
    let list = doctor(&org, SITE, &own_email).await;
    assert!(list.passed(), "{list}");
}

#[tokio::test]
async fn no_licences_left_is_found() {
    let org = org(patched(
        "user_type = \"PowerPartner\"\ntotal = 50",
        "user_type = \"PowerPartner\"\ntotal = 0",
    ))
    .await;
    let list = doctor(&org, SITE, PARTNER_RULES).await;
    assert_fails(
        &list,
        "licences Partner Community",
        "0 of 0 left",
        "parks provisions",
    );
}

#[tokio::test]
async fn an_account_owner_without_a_role_is_named() {
    let org = org(default_fixture()).await;
    let list = doctor(&org, SITE, PARTNER_RULES).await;
    let owners = check(&list, "Account owners hold roles");
    assert_eq!(owners.status, Status::Warn, "{list}");
    assert!(
        owners
            .detail
            .contains("1 Account(s) with Gatehouse_Key__c have an owner without a role, e.g. Fabrikam Without Role (owner 005"),
        "{list}"
    );
    // The owner is named by id: the detail is logged at start-up, a person's name is not.
    assert!(!owners.detail.contains("Noel"), "{list}");
    assert!(owners.fix.as_deref().unwrap_or_default().contains("Role"));
}

#[tokio::test]
async fn an_api_version_the_org_does_not_serve_is_found_and_nothing_more_is_tried() {
    let org = org(default_fixture()).await;
    let list = doctor(
        &org,
        &format!("{SITE}\napi_version = \"99.0\""),
        PARTNER_RULES,
    )
    .await;
    assert_fails(
        &list,
        "API version 99.0",
        "not served by this org; it serves 46.0 to 68.0",
        "api_version",
    );
    assert_eq!(
        list.checks.len(),
        2,
        "authentication and the version: {list}"
    );
}

#[tokio::test]
async fn an_unset_site_is_a_warning_and_any_site_counts() {
    let org = org(default_fixture()).await;
    let list = doctor(&org, "", PARTNER_RULES).await;
    assert!(list.passed(), "{list}");
    let site = check(&list, "site");
    assert_eq!(site.status, Status::Warn);
    assert!(
        site.fix
            .as_deref()
            .unwrap_or_default()
            .contains("[salesforce] site")
    );
    assert!(
        check(
            &list,
            "site membership of rule partner-portal: partner signup"
        )
        .detail
        .contains("any site")
    );
}
