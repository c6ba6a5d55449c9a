//! The permission sets a rule names: every one is assigned before a new user is checked (one
//! of them may be what admits the user to the site), a set the org lacks is refused at once by
//! name, and a refusal after the user was created records the licence it took.

use crate::on_both_stores;
use gatehouse::domain::{LicenceEffect, OutcomeKind};
use serde_json::json;

use super::{Scenario, Setup, ada, assert_kind};

const DEFAULT_ORG: &str = include_str!("../../../sfsim/fixtures/default.toml");

/// The default org with four more permission sets, whose site admits partner users only
/// through `Gatehouse_Portal_Access`: the Partner Community profiles are not its members.
fn org_admitting_partners_by_set() -> String {
    let extra: String = (1..=4)
        .map(|n| {
            format!("[[permission_sets]]\nname = \"Partner_Extra_{n}\"\nlabel = \"Partner Extra {n}\"\n\n")
        })
        .collect();
    let org = DEFAULT_ORG
        .replace("    \"Partner Community User\",\n", "")
        .replace("    \"Acme Partner Community User\",\n", "")
        .replace("[site]\n", &format!("{extra}[site]\n"))
        // The org reads the fixture's relative paths against its own folder, not this one's.
        .replace(
            "\"keys/",
            concat!("\"", env!("CARGO_MANIFEST_DIR"), "/sfsim/fixtures/keys/"),
        );
    assert_ne!(
        org, DEFAULT_ORG,
        "the default org's site lists the partner profiles"
    );
    org
}

/// More sets than one request carries; only the last admits the user to the site.
const MANY_SETS: &str = r#""Partner_Extra_1", "Partner_Extra_2", "Partner_Extra_3", "Partner_Extra_4", "Gatehouse_Portal_Access""#;

on_both_stores! {
    async fn a_new_user_is_checked_after_every_permission_set_even_the_last() {
        let s = Scenario::start_with(Setup {
            permission_sets: MANY_SETS,
            ..Setup::default()
        })
        .await;
        s.org.load_fixture(&org_admitting_partners_by_set()).await;
        let ada = ada();

        s.sign_up(&ada).await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        let verified = outcome.steps.iter().position(|s| s == "user.verified");
        let last_set = outcome
            .steps
            .iter()
            .position(|s| s == "permission_set.assigned:Gatehouse_Portal_Access");
        assert!(
            matches!((last_set, verified), (Some(a), Some(v)) if a < v),
            "{outcome:#?}"
        );
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        let member = s
            .org
            .records_where("NetworkMember", "MemberId", user["Id"].as_str().unwrap())
            .await;
        assert_eq!(member.len(), 1, "{member:#?}");
    }
}

on_both_stores! {
    async fn a_failed_verification_records_the_licence_the_new_user_took() {
        let s = Scenario::start_with(Setup {
            permission_sets: r#""Partner_Extra_1""#,
            ..Setup::default()
        })
        .await;
        s.org.load_fixture(&org_admitting_partners_by_set()).await;
        let before = s.org.licence("Partner Community").await;
        let ada = ada();

        s.sign_up(&ada).await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::DeadLettered);
        let refusal = outcome.refusal.clone().expect("a refusal");
        assert_eq!(refusal.code, "VERIFICATION_FAILED");
        assert!(
            refusal
                .message
                .contains("member of site 'Gatehouse Partners'=false")
                && refusal
                    .message
                    .contains("holds a Partner Community licence"),
            "{refusal:#?}"
        );
        assert_eq!(
            outcome.licence_effect,
            LicenceEffect::Consumed {
                licence: "Partner Community".into()
            }
        );
        assert_eq!(
            s.org.licence("Partner Community").await.used,
            before.used + 1
        );
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        let record = s.subject(&ada.subject()).await;
        assert_eq!(record.user_id.as_deref(), user["Id"].as_str());
        assert_eq!(record.licence.as_deref(), Some("Partner Community"));
    }
}

on_both_stores! {
    async fn a_permission_set_the_org_lacks_is_refused_at_once_by_name() {
        let s = Scenario::start().await;
        let ada = ada();

        s.send_and_settle(
            "partner-portal",
            &ada.signed_up(s.now(), json!({"extra_set": "Partner_Typo_Set"})),
        )
        .await;

        let commands = s.commands(&ada.subject()).await;
        let command = commands.last().expect("the signup's command");
        assert_eq!(command.attempts, 1, "no retries: {command:#?}");
        let outcome = command.outcome.clone().unwrap_or_else(|| {
            panic!("refused at once, not left to retry: {command:#?}");
        });
        assert_kind(&outcome, OutcomeKind::DeadLettered);
        let refusal = outcome.refusal.clone().expect("a refusal");
        assert_eq!(refusal.code, "PERMISSION_SET_NOT_FOUND", "{refusal:#?}");
        assert!(
            refusal.message.contains("'Partner_Typo_Set'"),
            "{refusal:#?}"
        );
        assert_eq!(
            outcome.licence_effect,
            LicenceEffect::Consumed {
                licence: "Partner Community".into()
            },
            "the user was created before its sets were assigned"
        );
    }
}
