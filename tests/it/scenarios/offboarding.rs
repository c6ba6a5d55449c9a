//! Showing people out: deactivate, freeze, people Gatehouse never provisioned, and people the
//! org has never heard of, with what each does to the licence count.

use crate::on_both_stores;
use chrono::TimeDelta;
use gatehouse::domain::{LicenceEffect, OutcomeKind};
use gatehouse::store::{CommandState, SubjectState};
use serde_json::json;

use super::{Customer, Scenario, assert_kind, freed, kept};

on_both_stores! {
    async fn removing_a_known_partner_user_deactivates_them_in_one_call_and_frees_the_licence() {
        let (s, ada) = Scenario::with_ada().await;
        let licence = s.org.licence("Partner Community").await;

        let spent = s.an_hour_later(&ada, "partner.user.removed").await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert_eq!(
            outcome.api_calls, 1,
            "the user id is known from the lifecycle record: {outcome:#?}"
        );
        assert_eq!(spent, 1);
        assert_eq!(outcome.licence_effect, freed("Partner Community"));
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], false);
        assert_eq!(user["IsPortalEnabled"], true, "deactivated, not disabled");
        assert_eq!(
            s.org.licence("Partner Community").await.used,
            licence.used - 1
        );
        let record = s.subject(&ada.subject()).await;
        assert_eq!(record.state, SubjectState::Deactivated);
        assert_eq!(
            record.deactivation_trigger.as_deref(),
            Some("removed by partner P-100")
        );
    }
}

on_both_stores! {
    async fn closing_a_customer_gatehouse_never_provisioned_reads_then_deactivates_in_two_calls() {
        let s = Scenario::start().await;
        // Robin already has a Customer Community Plus user on Contact K-201 in the default org.
        let robin = Customer {
            number: 201,
            account: "C-200",
            first: "Robin".into(),
            last: "Existing".into(),
            email: "robin.existing@contoso.example".into(),
        };
        let licence = s.org.licence("Customer Community Plus").await;

        let spent = s
            .send_and_settle(
                "customers",
                &robin.event("customer.closed", s.now(), json!({})),
            )
            .await;

        let outcome = s.last_outcome(&robin.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(outcome.api_calls <= 2, "{outcome:#?}");
        assert_eq!(spent, u64::from(outcome.api_calls));
        let (_, user) = s.one_contact_one_user("K-201").await;
        assert_eq!(user["IsActive"], false);
        assert_eq!(
            s.org.licence("Customer Community Plus").await.used,
            licence.used - 1
        );
        assert_eq!(outcome.licence_effect, freed("Customer Community Plus"));
    }
}

on_both_stores! {
    async fn deprovisioning_someone_the_org_does_not_know_changes_nothing() {
        let s = Scenario::start().await;
        let stranger = Customer::numbered(999);
        let users_before = s.org.records("User").await.len();
        let contacts_before = s.org.records("Contact").await.len();

        let spent = s
            .send_and_settle(
                "customers",
                &stranger.event("customer.closed", s.now(), json!({})),
            )
            .await;

        let outcome = s.last_outcome(&stranger.subject()).await;
        assert_kind(&outcome, OutcomeKind::NoChange);
        assert_eq!(outcome.api_calls, 1, "one read finds nobody: {outcome:#?}");
        assert_eq!(spent, 1);
        assert_eq!(outcome.licence_effect, LicenceEffect::Unchanged);
        assert_eq!(s.org.records("User").await.len(), users_before);
        assert_eq!(s.org.records("Contact").await.len(), contacts_before);
    }
}

on_both_stores! {
    async fn freezing_keeps_the_licence_and_deactivating_afterwards_frees_it() {
        let (s, ada) = Scenario::with_ada().await;
        let provisioned = s.org.licence("Partner Community").await;

        let spent = s.an_hour_later(&ada, "partner.user.suspended").await;
        let frozen = s.last_outcome(&ada.subject()).await;
        assert_kind(&frozen, OutcomeKind::Succeeded);
        assert_eq!(frozen.api_calls, 1, "{frozen:#?}");
        assert_eq!(spent, 1);
        assert_eq!(frozen.licence_effect, kept("Partner Community"));
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        let user_id = user["Id"].as_str().unwrap().to_owned();
        assert_eq!(user["IsActive"], true);
        assert_eq!(s.login_of(&user_id).await["IsFrozen"], true);
        assert_eq!(
            s.org.licence("Partner Community").await,
            provisioned,
            "a frozen user still holds the licence"
        );
        assert_eq!(s.subject(&ada.subject()).await.state, SubjectState::Frozen);

        s.an_hour_later(&ada, "partner.user.removed").await;
        let removed = s.last_outcome(&ada.subject()).await;
        assert_kind(&removed, OutcomeKind::Succeeded);
        assert_eq!(removed.licence_effect, freed("Partner Community"));
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], false);
        assert_eq!(
            s.org.licence("Partner Community").await.used,
            provisioned.used - 1
        );
    }
}

on_both_stores! {
    async fn offboarding_freezes_now_and_deactivates_after_the_grace_period() {
        let (s, ada) = Scenario::with_ada().await;
        let provisioned = s.org.licence("Partner Community").await;

        s.an_hour_later(&ada, "partner.user.offboarded").await;
        // The follow-up is queued before the freeze's outcome is written: once the freeze has
        // ended, it is there.
        let commands = s.commands(&ada.subject()).await;
        let frozen = commands
            .iter()
            .filter(|c| c.command.intent.kind() == "deprovision")
            .find_map(|c| c.outcome.clone())
            .unwrap();
        assert_kind(&frozen, OutcomeKind::Succeeded);
        let follow_up = commands.iter().find(|c| c.outcome.is_none()).unwrap();
        assert_eq!(follow_up.due_at, s.now() + TimeDelta::days(7));
        assert_eq!(frozen.licence_effect, kept("Partner Community"));
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], true);
        assert_eq!(
            s.login_of(user["Id"].as_str().unwrap()).await["IsFrozen"],
            true
        );
        assert_eq!(s.org.licence("Partner Community").await, provisioned);

        s.app.clock.set(follow_up.due_at);
        s.settle().await;
        let deactivated = s.last_outcome(&ada.subject()).await;
        assert_kind(&deactivated, OutcomeKind::Succeeded);
        assert_eq!(deactivated.api_calls, 1);
        assert_eq!(deactivated.licence_effect, freed("Partner Community"));
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], false);
        assert_eq!(
            s.org.licence("Partner Community").await.used,
            provisioned.used - 1
        );
        assert_eq!(
            s.subject(&ada.subject()).await.state,
            SubjectState::Deactivated
        );
    }
}

on_both_stores! {
    async fn a_signup_during_the_grace_period_supersedes_the_deactivation_and_unfreezes() {
        let (s, ada) = Scenario::with_ada().await;
        s.an_hour_later(&ada, "partner.user.offboarded").await;
        assert_eq!(
            s.commands(&ada.subject()).await.pop().unwrap().state,
            CommandState::Scheduled,
            "the deactivation waits out the grace period"
        );

        s.advance(TimeDelta::days(1));
        let spent = s.sign_up(&ada).await;

        let commands = s.commands(&ada.subject()).await;
        let follow_up = &commands[commands.len() - 2];
        assert_eq!(
            crate::support::settle::kind_of(follow_up),
            Some(OutcomeKind::Superseded)
        );
        let back = s.last_outcome(&ada.subject()).await;
        assert_kind(&back, OutcomeKind::Succeeded);
        assert!(back.steps.iter().any(|s| s == "user.unfrozen"), "{back:#?}");
        assert_eq!(spent, 2, "a read and the unfreeze");
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], true);
        assert_eq!(
            s.login_of(user["Id"].as_str().unwrap()).await["IsFrozen"],
            false
        );
        // The grace period passes: nothing else happens.
        s.advance(TimeDelta::days(7));
        s.settle().await;
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], true);
    }
}

on_both_stores! {
    async fn a_deactivated_user_signed_up_again_is_reactivated_and_takes_a_licence_again() {
        let (s, ada) = Scenario::with_ada().await;
        s.an_hour_later(&ada, "partner.user.removed").await;
        let out = s.org.licence("Partner Community").await;

        let spent = s.an_hour_later(&ada, "partner.user.signed_up").await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(
            outcome.steps.iter().any(|s| s == "user.reactivated"),
            "{outcome:#?}"
        );
        assert_eq!(spent, 2);
        assert_eq!(
            outcome.licence_effect,
            LicenceEffect::Consumed {
                licence: "Partner Community".into()
            }
        );
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], true);
        assert_eq!(s.org.licence("Partner Community").await.used, out.used + 1);
        assert_eq!(
            s.org
                .emails_about("welcome", user["Id"].as_str().unwrap())
                .await,
            1,
            "no second welcome email for a returning user"
        );
        assert_eq!(
            s.subject(&ada.subject()).await.state,
            SubjectState::Provisioned
        );
    }
}
