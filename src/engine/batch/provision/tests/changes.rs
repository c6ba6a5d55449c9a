//! Existing people in a batch: a Contact adopted by email, a deactivated user made active
//! again — each as a single run would write it, in the batch's collections.

use serde_json::{Map, json};

use super::{Bench, Person, applied, told};
use crate::config::salesforce::DEFAULT_KEY_FIELD;
use crate::domain::{LicenceEffect, OutcomeKind, PortalRoleLevel, WelcomeEmail};
use crate::engine::executor::RunEnd;
use crate::engine::plan::ProvisionPolicy;
use crate::salesforce::{NewRecord, RecordChange};
use crate::store::tests::backing::on_both_stores;

fn fields(value: serde_json::Value) -> Map<String, serde_json::Value> {
    value.as_object().cloned().unwrap_or_default()
}

on_both_stores! {
    async fn a_contact_is_adopted_in_its_account_and_a_user_reactivated() {
        let mut bench = Bench::start().await;
        bench.provisioning.policy = ProvisionPolicy {
            adopt_by_email: true,
            contact_key_field: DEFAULT_KEY_FIELD.into(),
        };
        let client = bench.org.client();
        // Two Contacts with one email and no key: one in the person's Account, one elsewhere.
        let account = |key: &str| {
            let key = key.to_owned();
            async move {
                let soql = format!("SELECT Id FROM Account WHERE {DEFAULT_KEY_FIELD} = '{key}'");
                let found = client.query(&soql).await.expect("account");
                found.records[0].id().expect("id").to_owned()
            }
        };
        let (p100, c200) = (account("P-100").await, account("C-200").await);
        let contact = |account: &str| NewRecord {
            sobject: "Contact".into(),
            fields: fields(json!({"LastName": "Adoptee", "FirstName": "Test", "Email": "adopt@northwind.example", "AccountId": account})),
        };
        let made = client
            .collections_create(false, &[contact(&c200), contact(&p100)])
            .await
            .expect("contacts");
        let (elsewhere, adoptable) = (made[0].id.clone().unwrap(), made[1].id.clone().unwrap());
        // Robin's user, deactivated by hand.
        let robin = bench.records_where("User", "Username", "robin.existing@contoso.example.sfsim").await;
        let robin_id = robin[0]["Id"].as_str().unwrap().to_owned();
        client
            .collections_update(false, &[RecordChange {
                sobject: "User".into(),
                id: robin_id.clone(),
                fields: fields(json!({"IsActive": false})),
            }])
            .await
            .expect("deactivated");

        let adopt = Person {
            key: "pp:adopt",
            email: "adopt@northwind.example",
            last_name: "Adoptee",
            username: "adopt@northwind.example.portal",
            welcome: WelcomeEmail::SiteSetting,
            ..Person::default()
        };
        let robin = Person {
            key: "K-201",
            account: "C-200",
            profile: "Customer Community Plus User",
            email: "robin.existing@contoso.example",
            last_name: "Existing",
            username: "robin.existing@contoso.example.sfsim",
            welcome: WelcomeEmail::SiteSetting,
            ..Person::default()
        };
        // A second person with the same email: one at a time, they would find the Contact
        // keyed by the first and make their own; so they are left to run alone.
        let second = Person {
            key: "pp:adopt-2",
            username: "adopt2@northwind.example.portal",
            ..adopt
        };
        let members = bench
            .claim(vec![adopt.command(), robin.command(), second.command()])
            .await;
        let settled = bench.converge(&members).await;

        let told: Vec<String> = settled.iter().map(told).collect();
        assert_eq!(
            told[0],
            "changed contact.adopted user.created user.verified welcome_email.by_site"
        );
        assert_eq!(told[1], "changed contact.updated user.reactivated");
        assert_eq!(told[2], "alone");
        let keyed = bench.records_where("Contact", DEFAULT_KEY_FIELD, "pp:adopt").await;
        assert_eq!(keyed.len(), 1);
        assert!(crate::engine::plan::same_id(keyed[0]["Id"].as_str().unwrap(), &adoptable));
        let by_id = |records: Vec<serde_json::Value>, id: &str| {
            records
                .into_iter()
                .find(|r| r["Id"].as_str().is_some_and(|r| crate::engine::plan::same_id(r, id)))
                .expect("the record")
        };
        let other = by_id(bench.records("Contact").await, &elsewhere);
        assert!(other[DEFAULT_KEY_FIELD].is_null(), "{other}");
        let user = by_id(bench.records("User").await, &robin_id);
        assert_eq!(user["IsActive"], true);
        assert_eq!(
            applied(&settled[1]).licence_effect,
            LicenceEffect::Consumed { licence: "Customer Community Plus".into() }
        );
    }
}

on_both_stores! {
    async fn new_partners_take_the_level_their_rule_names() {
        let bench = Bench::start().await;
        let commands: Vec<_> = [("pp:manager", PortalRoleLevel::Manager), ("pp:worker", PortalRoleLevel::User)]
            .iter()
            .map(|(key, level)| {
                let email = format!("{}@northwind.example", &key[3..]);
                Person {
                    key,
                    email: &email,
                    username: &format!("{email}.portal"),
                    welcome: WelcomeEmail::SiteSetting,
                    role: Some(*level),
                    ..Person::default()
                }
                .command()
            })
            .collect();
        let members = bench.claim(commands).await;

        let settled = bench.converge(&members).await;

        assert_eq!(
            told(&settled[0]),
            "changed contact.created user.created user.role_set:manager user.verified welcome_email.by_site"
        );
        assert_eq!(
            told(&settled[1]),
            "changed contact.created user.created user.verified welcome_email.by_site"
        );
        let roles = bench.records("UserRole").await;
        let users = bench.records("User").await;
        let same = crate::engine::plan::same_id;
        let portal_role = |user_id: &str| -> Option<String> {
            let user = users
                .iter()
                .find(|u| u["Id"].as_str().is_some_and(|id| same(id, user_id)))?;
            let role = user["UserRoleId"].as_str()?;
            let role = roles
                .iter()
                .find(|r| r["Id"].as_str().is_some_and(|id| same(id, role)))?;
            role["PortalRole"].as_str().map(str::to_owned)
        };
        let manager = applied(&settled[0]).ids.user_id.clone().expect("user");
        let worker = applied(&settled[1]).ids.user_id.clone().expect("user");
        assert_eq!(portal_role(&manager).as_deref(), Some("Manager"));
        assert_eq!(portal_role(&worker).as_deref(), Some("Worker"));
    }
}

on_both_stores! {
    async fn a_freeze_gatehouse_made_is_lifted_in_a_login_collection() {
        let bench = Bench::start().await;
        let ten_minutes_ago = chrono::Utc::now() - chrono::TimeDelta::minutes(10);
        let freeze = crate::store::tests::samples::deprovision("K-201", ten_minutes_ago);
        let members = bench.claim(vec![freeze]).await;
        for m in members {
            let end = bench.executor().run(m.claimed, &m.hold).await.expect("run");
            assert_eq!(end, RunEnd::Finished(OutcomeKind::Succeeded));
        }
        let frozen = |logins: Vec<serde_json::Value>| {
            logins.iter().filter(|l| l["IsFrozen"] == true).count()
        };
        assert_eq!(frozen(bench.records("UserLogin").await), 1);
        let robin = Person {
            key: "K-201",
            account: "C-200",
            profile: "Customer Community Plus User",
            email: "robin.existing@contoso.example",
            last_name: "Existing",
            username: "robin.existing@contoso.example.sfsim",
            welcome: WelcomeEmail::SiteSetting,
            ..Person::default()
        };
        let newcomer = Person {
            key: "pp:newcomer",
            email: "newcomer@northwind.example",
            username: "newcomer@northwind.example.portal",
            welcome: WelcomeEmail::SiteSetting,
            ..Person::default()
        };
        let members = bench.claim(vec![robin.command(), newcomer.command()]).await;
        assert_eq!(members[0].claimed.subject.state, crate::store::SubjectState::Frozen);
        let before = bench.api_calls().await;

        let settled = bench.converge(&members).await;

        assert_eq!(told(&settled[0]), "changed contact.updated user.updated user.unfrozen");
        assert_eq!(frozen(bench.records("UserLogin").await), 0);
        assert_eq!(
            told(&settled[1]),
            "changed contact.created user.created user.verified welcome_email.by_site"
        );
        // The read (the login with it) and the licence counts (none at hand yet, and the
        // newcomer takes a licence: a request of their own), the new Contact, Robin's Contact,
        // his user, his login, the new user, its read-back.
        assert_eq!(bench.api_calls().await - before, 8);
    }
}
