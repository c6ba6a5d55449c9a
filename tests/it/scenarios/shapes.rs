//! Orgs shaped unlike the default one, as real orgs are: customer-only (no `Account.IsPartner`),
//! one portal role per Account, "minimize the number of roles", a site that is not active or
//! sends no welcome email, and a second site beside the configured one.

use crate::on_both_stores;
use gatehouse::domain::{Outcome, OutcomeKind};
use gatehouse::store::WelcomeEmailState;
use serde_json::{Value, json};
use sfsim::{SimConfig, SimHandle, SimServer};

use super::{Customer, Org, Partner, Scenario, Setup, ada, assert_kind};

/// The `[salesforce]` lines of an in-process org built from `sfsim/fixtures/<fixture>` whose
/// configured site is `site`.
macro_rules! shaped {
    ($fixture:literal, $site:literal) => {
        concat!(
            "fixture = \"",
            env!("CARGO_MANIFEST_DIR"),
            "/sfsim/fixtures/",
            $fixture,
            "\"\nsite = \"",
            $site,
            "\""
        )
    };
}

/// The service on an in-process org built from a shipped fixture.
async fn on_fixture(salesforce: &'static str) -> Scenario {
    Scenario::start_with(Setup {
        salesforce,
        ..Setup::default()
    })
    .await
}

/// The code and message of the subject's last outcome, which must be dead-lettered by commands
/// that each ran once: refused for good, not retried.
async fn refused_once(s: &Scenario, subject: &str) -> (String, String) {
    let outcome = s.last_outcome(subject).await;
    assert_kind(&outcome, OutcomeKind::DeadLettered);
    for command in s.commands(subject).await {
        assert_eq!(command.attempts, 1, "{command:#?}");
    }
    let refusal = outcome.refusal.expect("a refusal");
    (refusal.code, refusal.message)
}

/// The service on the default org with `settings` patched, and Ada signed up at the `user`
/// level; returns the `PortalRole` of the role she holds.
async fn ada_at_the_user_level(settings: Value) -> (Scenario, String) {
    let s = Scenario::start().await;
    s.org.settings(settings).await;
    let ada = ada();
    s.send_and_settle(
        "partner-portal",
        &ada.signed_up(s.now(), json!({"role": "user"})),
    )
    .await;
    assert_kind(
        &s.last_outcome(&ada.subject()).await,
        OutcomeKind::Succeeded,
    );
    let (_, user) = s.one_contact_one_user(&ada.subject()).await;
    let held = portal_role_of(&s, &user).await;
    (s, held)
}

/// The `PortalRole` of the role the user holds.
async fn portal_role_of(s: &Scenario, user: &Value) -> String {
    let role = user["UserRoleId"].as_str().expect("the user holds a role");
    let role = s.org.record("UserRole", role).await.expect("the role");
    role["PortalRole"].as_str().unwrap_or_default().to_owned()
}

on_both_stores! {
    async fn a_customer_only_org_provisions_customer_community_and_plus_users() {
        let s = on_fixture(shaped!("customer-only.toml", "Gatehouse Customers")).await;
        let plain = Customer::numbered(901);
        let plus = Customer::numbered(902);

        s.send_and_settle(
            "customers",
            &plain.event("customer.signed_up", s.now(), json!({})),
        )
        .await;
        s.send_and_settle(
            "customers",
            &plus.event(
                "customer.signed_up",
                s.now(),
                json!({"profile": "Customer Community Plus User", "role": "manager"}),
            ),
        )
        .await;

        for customer in [&plain, &plus] {
            assert_kind(
                &s.last_outcome(&customer.subject()).await,
                OutcomeKind::Succeeded,
            );
            s.one_contact_one_user(&customer.subject()).await;
        }
        assert_eq!(s.org.licence("Customer Community").await.used, 1);
        assert_eq!(s.org.licence("Customer Community Plus").await.used, 1);
    }
}

on_both_stores! {
    async fn a_partner_rule_in_a_customer_only_org_is_refused_saying_the_org_has_no_partner_licence() {
        let s = on_fixture(shaped!("customer-only.toml", "Gatehouse Customers")).await;
        let customer_side = Partner::new("u-9", "C-200", "Pat", "Ner", "pat@contoso.example");

        s.send_and_settle(
            "partner-portal",
            &customer_side.signed_up(s.now(), json!({})),
        )
        .await;

        let (code, message) = refused_once(&s, &customer_side.subject()).await;
        assert_eq!(code, "PROFILE_NOT_FOUND");
        assert!(message.contains("no partner licence"), "{message}");
    }
}

on_both_stores! {
    async fn a_one_role_account_gives_partner_users_the_user_level_and_refuses_manager_for_good() {
        let (s, held) = ada_at_the_user_level(json!({"partner_roles": 1})).await;
        assert_eq!(held, "Worker");
        let grace = Partner::new("u-2", "P-100", "Grace", "Hopper", "grace@partner.example");

        let used = s.org.licence("Partner Community").await.used;
        s.send_and_settle(
            "partner-portal",
            &grace.signed_up(s.now(), json!({"role": "manager"})),
        )
        .await;
        let (code, message) = refused_once(&s, &grace.subject()).await;
        assert_eq!(code, "PORTAL_ROLE_NOT_FOUND");
        assert!(message.contains("Northwind Partners"), "{message}");
        assert!(message.contains("'manager'"), "{message}");
        // The read showed the level missing: refused before anything was created.
        assert_eq!(s.org.licence("Partner Community").await.used, used);
        assert!(s.keyed_contacts(&grace.subject()).await.is_empty());
    }
}

#[tokio::test]
async fn under_minimized_roles_the_first_user_holds_the_shared_role_and_a_higher_level_is_refused()
{
    let (s, held) = ada_at_the_user_level(json!({"minimize_roles": true})).await;
    assert_eq!(held, "PersonAccount");
    let ada = ada();

    // The shared role stands for the lowest level: nothing to change.
    s.advance(chrono::TimeDelta::minutes(5));
    s.send_and_settle(
        "partner-portal",
        &ada.signed_up(s.now(), json!({"role": "user"})),
    )
    .await;
    assert_kind(&s.last_outcome(&ada.subject()).await, OutcomeKind::NoChange);

    // The Account has no roles of its own until its second user: no manager level to move to.
    s.advance(chrono::TimeDelta::minutes(5));
    s.send_and_settle(
        "partner-portal",
        &ada.signed_up(s.now(), json!({"role": "manager"})),
    )
    .await;
    let (code, message) = refused_once(&s, &ada.subject()).await;
    assert_eq!(code, "PORTAL_ROLE_NOT_FOUND");
    assert!(message.contains("'manager'"), "{message}");
}

/// Ada signs up with the site's welcome email; returns her outcome and welcome emails sent.
async fn site_welcome(s: &Scenario) -> (Outcome, usize) {
    let ada = ada();
    s.sign_up(&ada).await;
    let outcome = s.last_outcome(&ada.subject()).await;
    assert_kind(&outcome, OutcomeKind::Succeeded);
    let (_, user) = s.one_contact_one_user(&ada.subject()).await;
    let sent = s
        .org
        .emails_about("welcome", user["Id"].as_str().expect("id"))
        .await;
    (outcome, sent)
}

on_both_stores! {
    async fn a_site_that_is_not_active_sends_no_welcome_email_and_the_outcome_says_so() {
        let s = on_fixture(shaped!("site-not-active.toml", "Gatehouse Partners")).await;

        let (outcome, sent) = site_welcome(&s).await;

        assert_eq!(sent, 0);
        assert!(
            outcome
                .steps
                .iter()
                .any(|step| step == "welcome_email.not_sent:site_not_active"),
            "{outcome:#?}"
        );
        assert!(
            !outcome
                .steps
                .iter()
                .any(|step| step == "welcome_email.by_site")
        );
        let subject = s.subject(&ada().subject()).await;
        assert_eq!(
            subject.welcome_email,
            Some(WelcomeEmailState::SiteNotActive)
        );
    }
}

/// An org of its own whose site's "Send welcome email" is off before the service starts.
async fn org_without_site_welcome() -> SimHandle {
    let org = SimServer::start(SimConfig::default())
        .await
        .expect("the org starts");
    crate::support::sim_org::SimOrg::at(&org.login_url)
        .settings(json!({"site_sends_welcome_email": false}))
        .await;
    org
}

on_both_stores! {
    async fn a_site_that_sends_no_welcome_email_is_not_credited_with_one() {
        let org = org_without_site_welcome().await;
        let s = Scenario::start_with(Setup {
            org: Org::Remote(org.login_url.clone()),
            ..Setup::default()
        })
        .await;

        let (outcome, sent) = site_welcome(&s).await;

        assert_eq!(sent, 0);
        assert!(
            outcome
                .steps
                .iter()
                .any(|step| step == "welcome_email.not_sent:site_sends_no_welcome_email"),
            "{outcome:#?}"
        );
        let subject = s.subject(&ada().subject()).await;
        assert_eq!(
            subject.welcome_email,
            Some(WelcomeEmailState::SiteSendsNone)
        );
    }
}

on_both_stores! {
    async fn a_user_who_joins_only_another_site_fails_verification_naming_the_configured_site() {
        let s = on_fixture(shaped!("two-sites.toml", "Gatehouse Partners")).await;
        let ada = ada();

        s.send_and_settle(
            "partner-portal",
            &ada.signed_up(s.now(), json!({"profile": "Supplier Community User"})),
        )
        .await;

        let (code, message) = refused_once(&s, &ada.subject()).await;
        assert_eq!(code, "VERIFICATION_FAILED");
        assert!(
            message.contains("member of site 'Gatehouse Partners'=false"),
            "{message}"
        );
        // The user is a member of the other site: any site would have passed.
        let members = s.org.records("NetworkMember").await;
        assert_eq!(members.len(), 1, "{members:#?}");
    }
}

on_both_stores! {
    async fn a_first_user_at_a_level_the_org_does_not_make_is_refused_for_good_after_creation() {
        let s = Scenario::start().await;
        s.org.settings(json!({"partner_roles": 1})).await;
        let ada = ada();

        s.send_and_settle(
            "partner-portal",
            &ada.signed_up(s.now(), json!({"role": "executive"})),
        )
        .await;

        // No roles to read before the first user: the level is found missing when it is set.
        let (code, message) = refused_once(&s, &ada.subject()).await;
        assert_eq!(code, "PORTAL_ROLE_NOT_FOUND");
        assert!(message.contains("'executive'"), "{message}");
    }
}

on_both_stores! {
    async fn a_configured_site_the_org_does_not_have_refuses_provisions_naming_it() {
        let s = on_fixture(r#"site = "Gatehouse Partner Portal""#).await;
        let ada = ada();

        s.sign_up(&ada).await;

        let (code, message) = refused_once(&s, &ada.subject()).await;
        assert_eq!(code, "SITE_NOT_FOUND");
        assert!(message.contains("'Gatehouse Partner Portal'"), "{message}");
        assert!(s.keyed_contacts(&ada.subject()).await.is_empty());
    }
}
