//! A burst that mixes every case the batch meets, settled each on its own.

use super::{Bench, Person, applied, partner_licences, told};
use crate::domain::username::username_candidates;
use crate::domain::{LicenceEffect, WelcomeEmail};
use crate::store::tests::backing::on_both_stores;

/// Three new partners (permission set, welcome by password reset), one whose username is
/// taken, the existing user Robin with a new last name, Sam's Contact without a user, six
/// Customer Community users for five free licences, and one whose time zone the org refuses.
fn burst() -> Vec<crate::store::NewCommand> {
    let mut commands = Vec::new();
    for n in 1..=3 {
        let key = format!("pp:new-{n}");
        let email = format!("new{n}@northwind.example");
        commands.push(
            Person {
                key: &key,
                email: &email,
                username: &format!("{email}.portal"),
                sets: &["Partner_Deal_Registration"],
                ..Person::default()
            }
            .command(),
        );
    }
    commands.push(
        Person {
            key: "pp:taken",
            email: "taken@northwind.example",
            username: "taken.elsewhere@example.com",
            ..Person::default()
        }
        .command(),
    );
    commands.push(
        Person {
            key: "K-201",
            account: "C-200",
            profile: "Customer Community Plus User",
            email: "robin.existing@contoso.example",
            last_name: "Renamed",
            username: "robin.existing@contoso.example.sfsim",
            sets: &["Gatehouse_Portal_Access"],
            welcome: WelcomeEmail::SiteSetting,
            ..Person::default()
        }
        .command(),
    );
    commands.push(
        Person {
            key: "K-101",
            email: "sam.nouser@northwind.example",
            last_name: "Nouser",
            username: "sam.nouser@northwind.example.portal",
            welcome: WelcomeEmail::SiteSetting,
            ..Person::default()
        }
        .command(),
    );
    for n in 1..=6 {
        let key = format!("pp:customer-{n}");
        let email = format!("customer{n}@contoso.example");
        commands.push(
            Person {
                key: &key,
                account: "C-200",
                profile: "Customer Community User",
                email: &email,
                username: &format!("{email}.portal"),
                welcome: WelcomeEmail::SiteSetting,
                ..Person::default()
            }
            .command(),
        );
    }
    commands.push(
        Person {
            key: "pp:refused",
            email: "refused@northwind.example",
            username: "refused@northwind.example.portal",
            time_zone: "Mars/Olympus_Mons",
            ..Person::default()
        }
        .command(),
    );
    commands
}

on_both_stores! {
    async fn a_mixed_burst_settles_each_person_on_their_own() {
        let bench = Bench::start().await;
        let members = bench.claim(burst()).await;
        assert_eq!(members.len(), 13);
        let before = bench.api_calls().await;

        let settled = bench.converge(&members).await;

        let calls = bench.api_calls().await - before;
        let by_key: Vec<(String, String)> = members
            .iter()
            .zip(&settled)
            .map(|(m, s)| (m.claimed.command.subject.as_str().to_owned(), told(s)))
            .collect();
        let of = |key: &str| -> &str {
            &by_key.iter().find(|(k, _)| k == key).expect(key).1
        };
        for n in 1..=3 {
            assert_eq!(
                of(&format!("pp:new-{n}")),
                "changed contact.created user.created permission_set.assigned:Partner_Deal_Registration user.verified welcome_email.sent",
                "{by_key:#?}"
            );
        }
        assert_eq!(
            of("pp:taken"),
            "changed contact.created user.created user.verified welcome_email.sent"
        );
        assert_eq!(of("K-201"), "changed contact.updated user.updated");
        assert_eq!(
            of("K-101"),
            "changed contact.updated user.created user.verified welcome_email.by_site"
        );
        let customers: Vec<&str> = (1..=6).map(|n| of(&format!("pp:customer-{n}"))).collect();
        let done = customers.iter().filter(|t| t.starts_with("changed contact.created user.created user.verified")).count();
        let full = customers.iter().filter(|t| **t == "failed LICENSE_LIMIT_EXCEEDED").count();
        assert_eq!((done, full), (5, 1), "{customers:#?}");
        assert!(of("pp:refused").starts_with("failed "), "{by_key:#?}");
        // The org's refusal of that one record is for good: a dead letter, not a retry.
        let refused = members
            .iter()
            .position(|m| m.claimed.command.subject.as_str() == "pp:refused")
            .expect("refused");
        match &settled[refused] {
            crate::engine::batch::Settled::Failed(e) => {
                assert_eq!(e.disposition(), crate::salesforce::Disposition::Permanent, "{}", e.code());
            }
            other => panic!("{}", told(other)),
        }

        // The org holds one Contact and at most one User per person, under the usernames told;
        // the customer for whom no licence was left by the read's counts has nothing written.
        for m in &members {
            let key = m.claimed.command.subject.as_str();
            let contacts = bench.records_where("Contact", "Gatehouse_Key__c", key).await;
            if of(key) == "failed LICENSE_LIMIT_EXCEEDED" {
                assert!(contacts.is_empty(), "{key}: parked before any write");
                continue;
            }
            assert_eq!(contacts.len(), 1, "{key}: one Contact");
            let users = bench.records_where("User", "ContactId", contacts[0]["Id"].as_str().unwrap_or("")).await;
            assert!(users.len() <= 1, "{key}: {} users", users.len());
        }
        let taken = applied(&settled[3]);
        let second = username_candidates("taken.elsewhere@example.com", 2).remove(1);
        assert_eq!(taken.username.as_deref(), Some(second.as_str()));
        let user = taken.ids.user_id.clone().expect("a user");
        let record = bench.records_where("User", "Username", &second).await;
        assert_eq!(record.len(), 1);
        assert_eq!(
            taken.licence_effect,
            LicenceEffect::Consumed { licence: "Partner Community".into() }
        );
        for (m, s) in members.iter().zip(&settled).take(4) {
            let id = applied(s).ids.user_id.clone().expect("user");
            assert_eq!(bench.emails_to("password_reset", &id).await, 1, "{}", m.claimed.command.subject.as_str());
        }
        assert_eq!(bench.emails_to("password_reset", &user).await, 1);
        let robin = bench.records_where("Contact", "Gatehouse_Key__c", "K-201").await;
        assert_eq!(robin[0]["LastName"], "Renamed");
        assert_eq!(applied(&settled[4]).licence_effect, LicenceEffect::Unchanged);

        // One read; the new Contacts' upsert; Robin's and Sam's Contact updates; Robin's user
        // update; the Customer Community users; the partners (their own collection); the taken
        // username's second try; the permission sets' lookup, their assignment; the read-back;
        // the four password resets in one composite.
        assert_eq!(calls, 11, "calls spent: {calls}; {by_key:#?}");
    }
}

on_both_stores! {
    async fn partner_users_refused_for_the_lock_go_again_in_halves() {
        let bench = Bench::start().await;
        let commands: Vec<_> = (1..=4)
            .map(|n| {
                let key = format!("pp:locked-{n}");
                let email = format!("locked{n}@northwind.example");
                Person {
                    key: &key,
                    email: &email,
                    username: &format!("{email}.portal"),
                    welcome: WelcomeEmail::SiteSetting,
                    ..Person::default()
                }
                .command()
            })
            .collect();
        let members = bench.claim(commands).await;
        // The org's group-membership lock is held elsewhere for the first collection of users.
        bench
            .script(serde_json::json!({
                "method": "POST", "path": "/composite/sobjects",
                "errorCode": "UNABLE_TO_LOCK_ROW", "status": 400,
                "message": "unable to obtain exclusive access to this record"
            }))
            .await;
        let before = bench.api_calls().await;

        let settled = bench.converge(&members).await;

        for s in &settled {
            assert_eq!(
                told(s),
                "changed contact.created user.created user.verified welcome_email.by_site"
            );
        }
        for m in &members {
            let key = m.claimed.command.subject.as_str();
            let contacts = bench.records_where("Contact", "Gatehouse_Key__c", key).await;
            let contact = contacts[0]["Id"].as_str().unwrap_or_default();
            assert_eq!(bench.records_where("User", "ContactId", contact).await.len(), 1);
        }
        // The read, the Contacts, the refused collection, its two halves, the read-back.
        assert_eq!(bench.api_calls().await - before, 6);
    }
}

on_both_stores! {
    async fn two_hundred_new_partners_take_six_calls_then_five() {
        let bench = Bench::start_with(Some(partner_licences(500))).await;
        let burst = |from: usize| -> Vec<crate::store::NewCommand> {
            (from..from + 200)
                .map(|n| {
                    let key = format!("pp:bulk-{n:03}");
                    let email = format!("bulk{n:03}@northwind.example");
                    Person {
                        key: &key,
                        email: &email,
                        username: &format!("{email}.portal"),
                        sets: &["Partner_Deal_Registration"],
                        welcome: WelcomeEmail::SiteSetting,
                        ..Person::default()
                    }
                    .command()
                })
                .collect()
        };
        let expected = "changed contact.created user.created permission_set.assigned:Partner_Deal_Registration user.verified welcome_email.by_site";
        // The first burst also reads the profile: six queries, two composites. The next one
        // knows it: one.
        for (from, calls) in [(0, 6), (200, 5)] {
            let members = bench.claim(burst(from)).await;
            assert_eq!(members.len(), 200);
            let before = bench.api_calls().await;

            let settled = bench.converge(&members).await;

            assert!(settled.iter().all(|s| told(s) == expected), "{}", told(&settled[0]));
            // The read, the Contacts, the Users, the sets' assignment, the read-back.
            assert_eq!(bench.api_calls().await - before, calls);
        }
        let linked = bench.records("User").await;
        assert_eq!(linked.iter().filter(|u| u["ContactId"].is_string()).count(), 401);
    }
}

on_both_stores! {
    async fn a_lone_provision_is_left_to_a_run_of_its_own() {
        let bench = Bench::start().await;
        let lone = Person {
            key: "pp:lone",
            email: "lone@northwind.example",
            username: "lone@northwind.example.portal",
            ..Person::default()
        };
        let members = bench.claim(vec![lone.command()]).await;
        let before = bench.api_calls().await;

        let settled = bench.converge(&members).await;

        assert_eq!(told(&settled[0]), "alone");
        assert_eq!(bench.api_calls().await - before, 0);
    }
}
