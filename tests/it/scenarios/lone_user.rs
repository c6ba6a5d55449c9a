//! Lone new users, one event at a time: one call each when the person is new to Gatehouse and
//! adoption by email is off (the Contact, the User, the permission set and the read-back in one
//! composite), two with adoption on (the read, then that composite); and each way the one-call
//! write is refused and the run carries on through the read.

use crate::on_both_stores;
use gatehouse::domain::{LicenceEffect, OutcomeKind};
use gatehouse::store::CommandState;
use serde_json::{Value, json};

use super::signup::{account_id, profile_id};
use super::{Customer, Partner, Scenario, Setup, assert_kind};

/// Adoption of Contacts by email switched off, so a new person may be written without a read.
pub const ADOPTION_OFF: &str = "adopt_contacts_by_email = false";

/// How many lone new users the cost tests sign up.
const PEOPLE: u32 = 20;

/// Partner `n` of Northwind (`P-100`).
fn partner(n: u32) -> Partner {
    Partner::new(
        &format!("lone-{n}"),
        "P-100",
        "Lone",
        &format!("Partner{n}"),
        &format!("lone.partner{n}@partner.example"),
    )
}

async fn start(adoption_off: bool) -> Scenario {
    Scenario::start_with(Setup {
        engine: if adoption_off { ADOPTION_OFF } else { "" },
        ..Setup::default()
    })
    .await
}

/// Signs `PEOPLE` partners up one after another; answers the calls of each, from the org's
/// count, after checking each converged: one Contact, one active User, the permission set,
/// a licence taken, one welcome email.
async fn sign_up_one_at_a_time(s: &Scenario) -> Vec<u64> {
    let licence_before = s.org.licence("Partner Community").await.used;
    let mut spent = Vec::new();
    for n in 1..=PEOPLE {
        let person = partner(n);
        let calls = s.sign_up(&person).await;
        let outcome = s.last_outcome(&person.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert_eq!(calls, u64::from(outcome.api_calls), "{outcome:#?}");
        for step in [
            "contact.created",
            "user.created",
            "permission_set.assigned:Gatehouse_Portal_Access",
            "user.verified",
            "welcome_email.by_site",
        ] {
            assert!(
                outcome.steps.iter().any(|s| s == step),
                "{step}: {outcome:#?}"
            );
        }
        assert_eq!(
            outcome.licence_effect,
            LicenceEffect::Consumed {
                licence: "Partner Community".into()
            }
        );
        let (contact, user) = s.one_contact_one_user(&person.subject()).await;
        assert_eq!(user["IsActive"], true);
        let user_id = user["Id"].as_str().unwrap();
        assert_eq!(s.org.assignments_beyond_profile(user_id).await.len(), 1);
        assert_eq!(s.org.emails_about("welcome", user_id).await, 1);
        let account = contact["AccountId"].as_str().unwrap();
        assert!(crate::support::sim_org::same_id(
            account,
            &account_id(s, "P-100").await
        ));
        assert_eq!(
            outcome.salesforce.account_id.as_deref().map(|a| &a[..15]),
            Some(&account[..15]),
            "the outcome names the Account"
        );
        let record = s.subject(&person.subject()).await;
        assert_eq!(record.username.as_deref(), user["Username"].as_str());
        spent.push(calls);
    }
    let used = s.org.licence("Partner Community").await.used;
    assert_eq!(used, licence_before + i64::from(PEOPLE));
    spent
}

on_both_stores! {
    async fn lone_new_users_cost_at_most_1_2_calls_each_with_adoption_off() {
        let s = start(true).await;
        let spent = sign_up_one_at_a_time(&s).await;
        let total: u64 = spent.iter().sum();
        assert!(
            total * 10 <= u64::from(PEOPLE) * 12,
            "{total} calls for {PEOPLE} people: {spent:?}"
        );
        // The first reads (nothing is known of the org yet); every later one is one call.
        assert_eq!(spent[0], 2, "{spent:?}");
        assert!(spent[1..].iter().all(|&c| c == 1), "{spent:?}");
    }
}

on_both_stores! {
    async fn lone_new_users_cost_at_most_2_calls_each_with_adoption_on() {
        let s = start(false).await;
        let spent = sign_up_one_at_a_time(&s).await;
        assert!(spent.iter().all(|&c| c <= 2), "{spent:?}");
    }
}

/// A first signup, so the profile and the licence counts are known and the next new person is
/// written without a read.
async fn warmed_up() -> Scenario {
    let s = start(true).await;
    s.sign_up(&partner(99)).await;
    s
}

/// Creates, as an administrator would by hand, a Contact keyed for `person` with a partner user
/// on it; answers the user's id.
async fn contact_with_a_user_made_by_hand(s: &Scenario, person: &Partner) -> String {
    let contact = s
        .org
        .create(
            "Contact",
            json!({
                "LastName": person.last, "FirstName": person.first, "Email": person.email,
                "AccountId": account_id(s, "P-100").await,
                "Gatehouse_Key__c": person.subject(),
            }),
        )
        .await;
    s.org
        .create(
            "User",
            json!({
                "Username": format!("{}.byhand", person.email), "LastName": person.last,
                "FirstName": person.first,
                "Email": person.email, "Alias": "byhand", "CommunityNickname": "byhand",
                "TimeZoneSidKey": "GMT", "LocaleSidKey": "en_US", "EmailEncodingKey": "UTF-8",
                "LanguageLocaleKey": "en_US", "ContactId": contact,
                "ProfileId": profile_id(s, "Partner Community User").await,
            }),
        )
        .await
}

fn text(record: &Value, field: &str) -> String {
    record[field].as_str().unwrap_or_default().to_owned()
}

on_both_stores! {
    async fn a_contact_that_already_has_a_user_costs_the_read_and_keeps_that_user() {
        let s = warmed_up().await;
        let grace = partner(1);
        let by_hand = contact_with_a_user_made_by_hand(&s, &grace).await;
        let emails = s.org.emails_about("welcome", &by_hand).await;

        let calls = s.sign_up(&grace).await;

        let outcome = s.last_outcome(&grace.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert_eq!(calls, 3, "the refused write, the read, the permission set");
        assert!(!outcome.steps.iter().any(|s| s == "user.created"), "{outcome:#?}");
        assert!(
            outcome.steps.iter().any(|s| s == "permission_set.assigned:Gatehouse_Portal_Access"),
            "{outcome:#?}"
        );
        assert_eq!(outcome.licence_effect, LicenceEffect::Unchanged);
        let (_, user) = s.one_contact_one_user(&grace.subject()).await;
        assert!(crate::support::sim_org::same_id(&text(&user, "Id"), &by_hand));
        assert_eq!(s.org.emails_about("welcome", &by_hand).await, emails, "no welcome sent");
        let record = s.subject(&grace.subject()).await;
        assert_eq!(record.username, Some(format!("{}.byhand", grace.email)));
    }
}

on_both_stores! {
    async fn a_taken_username_costs_one_more_call_and_takes_the_next_candidate() {
        let s = warmed_up().await;
        let grace = partner(2);
        let taken = format!("{}.acme", grace.email);
        // Someone else holds the username the rule makes for her.
        let other = Partner::new("other", "P-100", "Other", "Person", "other@partner.example");
        let other_contact = s
            .org
            .create(
                "Contact",
                json!({"LastName": "Person", "Email": other.email,
                       "AccountId": account_id(&s, "P-100").await}),
            )
            .await;
        s.org
            .create(
                "User",
                json!({
                    "Username": taken, "LastName": "Person", "Email": other.email,
                    "Alias": "other", "CommunityNickname": "other", "TimeZoneSidKey": "GMT",
                    "LocaleSidKey": "en_US", "EmailEncodingKey": "UTF-8",
                    "LanguageLocaleKey": "en_US", "ContactId": other_contact,
                    "ProfileId": profile_id(&s, "Partner Community User").await,
                }),
            )
            .await;

        let calls = s.sign_up(&grace).await;

        let outcome = s.last_outcome(&grace.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert_eq!(calls, 2, "one call, and one more for the next candidate: {outcome:#?}");
        let (_, user) = s.one_contact_one_user(&grace.subject()).await;
        assert_eq!(text(&user, "Username"), "lone.partner22@partner.example.acme");
        assert_eq!(s.org.assignments_beyond_profile(&text(&user, "Id")).await.len(), 1);
        assert_eq!(s.org.emails_about("welcome", &text(&user, "Id")).await, 1);
    }
}

on_both_stores! {
    async fn an_account_whose_owner_has_no_role_is_refused_after_the_read() {
        let s = warmed_up().await;
        let grace = Partner::new("lone-n", "N-300", "Nora", "Norole", "nora@fabrikam.example");

        let calls = s.sign_up(&grace).await;

        let outcome = s.last_outcome(&grace.subject()).await;
        assert_kind(&outcome, OutcomeKind::DeadLettered);
        assert_eq!(outcome.refusal.as_ref().map(|r| r.code.as_str()), Some("ACCOUNT_NOT_ELIGIBLE"));
        assert_eq!(calls, 2, "the refused write, then the read that explains it");
        assert_eq!(outcome.licence_effect, LicenceEffect::Unchanged);
        // The write left the Contact (keyed, so a later event finds it); no User was made.
        let contacts = s.keyed_contacts(&grace.subject()).await;
        assert_eq!(contacts.len(), 1, "{contacts:#?}");
        assert!(s.users_of(&text(&contacts[0], "Id")).await.is_empty());
    }
}

/// Takes `n` Customer Community licences by hand, outside Gatehouse.
async fn take_customer_licences_by_hand(s: &Scenario, n: u32) {
    for i in 1..=n {
        let contact = s
            .org
            .create(
                "Contact",
                json!({"LastName": format!("Hand{i}"), "Email": format!("hand{i}@contoso.example"),
                       "AccountId": account_id(s, "C-200").await}),
            )
            .await;
        s.org
            .create(
                "User",
                json!({
                    "Username": format!("hand{i}@contoso.example.byhand"),
                    "LastName": format!("Hand{i}"), "Email": format!("hand{i}@contoso.example"),
                    "Alias": format!("hand{i}"), "CommunityNickname": format!("hand{i}"),
                    "TimeZoneSidKey": "GMT", "LocaleSidKey": "en_US", "EmailEncodingKey": "UTF-8",
                    "LanguageLocaleKey": "en_US", "ContactId": contact,
                    "ProfileId": profile_id(s, "Customer Community User").await,
                }),
            )
            .await;
    }
}

async fn customer_signs_up(s: &Scenario, n: u32) -> u64 {
    let customer = Customer::numbered(n);
    s.send_and_settle(
        "customers",
        &customer.event("customer.signed_up", s.now(), json!({})),
    )
    .await
}

on_both_stores! {
    async fn a_licence_type_full_since_it_was_counted_parks_and_corrects_the_count() {
        let s = start(true).await;
        // The first customer reads, and counts 4 Customer Community licences free.
        customer_signs_up(&s, 1).await;
        // An administrator takes the other four by hand.
        take_customer_licences_by_hand(&s, 4).await;
        let pool = s.org.licence("Customer Community").await;
        assert_eq!(pool.used, pool.total);

        // The count still shows room: the one-call write is refused, and the read that
        // follows brings the counts, which show none free: parked before any other write.
        let calls = customer_signs_up(&s, 2).await;
        assert_eq!(calls, 2, "the refused write, the read");
        let parked = s.commands(&Customer::numbered(2).subject()).await.pop().unwrap();
        assert_eq!(parked.state, CommandState::Parked, "{parked:#?}");
        assert_eq!(parked.parked_licence.as_deref(), Some("Customer Community"));
        let contacts = s.keyed_contacts(&Customer::numbered(2).subject()).await;
        assert_eq!(contacts.len(), 1, "{contacts:#?}");
        assert!(s.users_of(&text(&contacts[0], "Id")).await.is_empty());

        // The count was corrected: the next customer reads first, and parks on the read
        // without writing anything.
        let calls = customer_signs_up(&s, 3).await;
        assert_eq!(calls, 1, "the read alone");
        let parked = s.commands(&Customer::numbered(3).subject()).await.pop().unwrap();
        assert_eq!(parked.state, CommandState::Parked, "{parked:#?}");
        assert!(s.keyed_contacts(&Customer::numbered(3).subject()).await.is_empty());
    }
}

on_both_stores! {
    async fn a_welcome_by_password_reset_is_one_more_call_and_one_email() {
        let s = Scenario::start_with(Setup {
            engine: ADOPTION_OFF,
            welcome: "password-reset",
            ..Setup::default()
        })
        .await;
        s.org.settings(json!({"site_sends_welcome_email": false})).await;
        s.sign_up(&partner(1)).await;
        let grace = partner(2);

        let calls = s.sign_up(&grace).await;

        let outcome = s.last_outcome(&grace.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert_eq!(calls, 2, "the one-call write, then the reset: {outcome:#?}");
        assert!(outcome.steps.iter().any(|s| s == "welcome_email.sent"), "{outcome:#?}");
        let (_, user) = s.one_contact_one_user(&grace.subject()).await;
        assert_eq!(s.org.emails_about("password_reset", &text(&user, "Id")).await, 1);
    }
}
