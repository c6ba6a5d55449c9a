//! Bursts of deprovisions: a contract's end fanned out to hundreds of people, a suspension that
//! freezes them, a burst mixing people Gatehouse knows and people it does not. Each is claimed
//! in one go and run as a batch: one read composite for the group, then sObject Collections.
//! Each test asserts the org's final state, every person's outcome and the calls spent.

mod crash;

use crate::on_both_stores;
use chrono::{DateTime, TimeDelta, Utc};
use gatehouse::domain::{LicenceEffect, Outcome, OutcomeKind};
use gatehouse::store::{CommandRecord, CommandState, SubjectState};
use serde_json::{Value, json};

use super::{Partner, Scenario, Setup, assert_kind, freed, kept, rfc3339};
use crate::support::settle::summary;

/// The default org, with room for `people` more partner users and `people` of them already in
/// it (`b-0`, `b-1`, … on Contacts keyed `partner-portal:b-N` of the partner Account P-100),
/// each active unless listed in `inactive`.
pub fn org_with_people(people: usize, inactive: &[usize]) -> String {
    let default = include_str!("../../../sfsim/fixtures/default.toml");
    let mut fixture = default
        // The org reads the fixture's relative paths against its own folder, not this one's.
        .replace(
            "\"keys/",
            concat!("\"", env!("CARGO_MANIFEST_DIR"), "/sfsim/fixtures/keys/"),
        )
        .replace(
        "definition_key = \"PID_Partner_Community\"\nuser_type = \"PowerPartner\"\ntotal = 50",
        &format!(
            "definition_key = \"PID_Partner_Community\"\nuser_type = \"PowerPartner\"\ntotal = {}",
            people + 50
        ),
    );
    assert_ne!(
        fixture, default,
        "the Partner Community licence is in the default org"
    );
    for n in 0..people {
        let active = !inactive.contains(&n);
        fixture.push_str(&format!(
            r#"
[[contacts]]
first_name = "Burst"
last_name = "Person {n}"
email = "b{n}@partner.example"
account = "P-100"
key = "partner-portal:b-{n}"

[[users]]
username = "b{n}@partner.example.acme"
first_name = "Burst"
last_name = "Person {n}"
email = "b{n}@partner.example"
alias = "b{n}"
nickname = "burst.{n}"
profile = "Partner Community User"
contact = "partner-portal:b-{n}"
active = {active}
"#
        ));
    }
    fixture
}

/// The ids of people `b-N` as the contract system lists them.
pub fn people(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|n| format!("b-{n}")).collect()
}

/// A scenario whose org holds `count` people (see [`org_with_people`]), taking fan-out events
/// of that size, with `engine` lines added to `[engine]`.
pub async fn start_with_people(count: usize, inactive: &[usize], engine: &'static str) -> Scenario {
    start_on(&org_with_people(count, inactive), engine).await
}

/// A scenario on the org `fixture` describes, taking large fan-out events, which the
/// mass-deprovision guard lets through (its own scenarios are in `guard`).
async fn start_on(fixture: &str, engine: &'static str) -> Scenario {
    let s = Scenario::start_with(Setup {
        service: "max_body_bytes = 1048576",
        engine,
        guard: "enabled = false",
        ..Setup::default()
    })
    .await;
    s.org.load_fixture(fixture).await;
    // The fixture revoked the service's token: one lone deprovision of someone unknown renews
    // it, so the calls counted below are the burst's alone.
    s.send_and_settle(
        "customers",
        &json!({"type": "customer.closed", "occurred_at": rfc3339(s.now()),
                "data": {"account": "C-200", "customer": {"number": 990, "first_name": "W",
                "last_name": "Arm", "email": "warm@example.com"}}}),
    )
    .await;
    s
}

/// A contract event of `kind` for `people`, as the contract system sends it at `at`.
pub fn contract(kind: &str, at: DateTime<Utc>, people: &[String]) -> Value {
    json!({
        "type": kind, "contract_id": "C-77", "occurred_at": rfc3339(at),
        // Ended yesterday: the deactivations are due at once.
        "ended_at": (at - TimeDelta::days(1)).date_naive().to_string(),
        "people": people,
    })
}

/// The last command of each person, in the order given.
pub async fn last_commands(s: &Scenario, ids: &[String]) -> Vec<CommandRecord> {
    let mut last = Vec::new();
    for id in ids {
        let commands = s.commands(&format!("partner-portal:{id}")).await;
        last.push(commands.last().cloned().expect("a command for each person"));
    }
    last
}

fn outcome(command: &CommandRecord) -> &Outcome {
    command
        .outcome
        .as_ref()
        .unwrap_or_else(|| panic!("ended: {:#?}", summary(std::slice::from_ref(command))))
}

/// The user of person `b-N`.
async fn user_of(s: &Scenario, n: usize) -> Value {
    let (_, user) = s
        .one_contact_one_user(&format!("partner-portal:b-{n}"))
        .await;
    user
}

/// The distinct batches the commands ran in, with their calls.
fn batches(commands: &[CommandRecord]) -> Vec<(String, u32, u32)> {
    let mut seen: Vec<(String, u32, u32)> = Vec::new();
    for command in commands {
        let batch = outcome(command)
            .batch
            .clone()
            .unwrap_or_else(|| panic!("a batch record: {:#?}", outcome(command)));
        if !seen.iter().any(|(id, ..)| *id == batch.id) {
            seen.push((batch.id, batch.size, batch.api_calls));
        }
    }
    seen
}

on_both_stores! {
    async fn a_contract_end_fanned_out_to_450_people_deactivates_them_all_in_a_handful_of_calls() {
        let s = start_with_people(450, &[], "").await;
        let used = s.org.licence("Partner Community").await.used;
        let collections = s.org.calls_to("PATCH /composite/sobjects").await;
        let everyone = people(0..450);

        let spent = s
            .send_and_settle("contracts", &contract("contract.ended", s.now(), &everyone))
            .await;

        let commands = last_commands(&s, &everyone).await;
        for command in &commands {
            let outcome = outcome(command);
            assert_kind(outcome, OutcomeKind::Succeeded);
            assert_eq!(outcome.steps, ["user.deactivated"]);
            assert_eq!(outcome.licence_effect, freed("Partner Community"));
            assert_eq!(outcome.api_calls, 0, "the calls were the batch's: {outcome:#?}");
        }
        let batches = batches(&commands);
        let sizes: u32 = batches.iter().map(|(_, size, _)| size).sum();
        assert_eq!(sizes, 450, "{batches:?}");
        let batch_calls: u32 = batches.iter().map(|(.., calls)| calls).sum();
        assert_eq!(spent, u64::from(batch_calls), "every call is a batch's: {batches:?}");
        assert!(spent <= 6, "a read composite or two and three collections: {spent}");
        assert_eq!(
            s.org.calls_to("PATCH /composite/sobjects").await - collections,
            3,
            "450 users in collections of 200"
        );
        for n in [0, 199, 200, 449] {
            assert_eq!(user_of(&s, n).await["IsActive"], false, "b-{n}");
        }
        assert_eq!(s.org.licence("Partner Community").await.used, used - 450);
        let record = s.subject("partner-portal:b-17").await;
        assert_eq!(record.state, SubjectState::Deactivated);
        assert_eq!(record.deactivation_trigger.as_deref(), Some("contract C-77 ended"));
    }
}

on_both_stores! {
    async fn a_suspension_burst_freezes_every_login_and_keeps_the_licences() {
        let s = start_with_people(30, &[], "").await;
        let used = s.org.licence("Partner Community").await.used;
        let everyone = people(0..30);

        let spent = s
            .send_and_settle("contracts", &contract("contract.suspended", s.now(), &everyone))
            .await;

        let commands = last_commands(&s, &everyone).await;
        for command in &commands {
            let outcome = outcome(command);
            assert_kind(outcome, OutcomeKind::Succeeded);
            assert_eq!(outcome.steps, ["user.frozen"]);
            assert_eq!(outcome.licence_effect, kept("Partner Community"));
        }
        assert_eq!(spent, 2, "one read (users and logins), one collection of logins");
        for n in 0..30 {
            let user = user_of(&s, n).await;
            assert_eq!(user["IsActive"], true);
            let login = s.login_of(user["Id"].as_str().unwrap()).await;
            assert_eq!(login["IsFrozen"], true, "b-{n}");
        }
        assert_eq!(s.org.licence("Partner Community").await.used, used);
        assert_eq!(
            s.subject("partner-portal:b-3").await.state,
            SubjectState::Frozen
        );
    }
}

/// A partner the portal signs up at `at`, so Gatehouse knows their user.
fn known(n: usize) -> Partner {
    Partner::new(
        &format!("k-{n}"),
        "P-100",
        "Known",
        &format!("Person {n}"),
        &format!("k{n}@partner.example"),
    )
}

on_both_stores! {
    async fn a_burst_mixing_known_unknown_inactive_refused_and_stale_people_settles_each_alone() {
        // People 0..8 in the org, 7 of them inactive; Gatehouse knows k-0 and k-1 from signups
        // before the contract's end, and k-2 from a signup after it (its end is then stale).
        let s = start_with_people(8, &[7], "").await;
        let contract_time = s.now() - TimeDelta::minutes(30);
        for n in 0..3 {
            let at = if n < 2 { contract_time - TimeDelta::hours(1) } else { s.now() };
            s.send_and_settle("partner-portal", &known(n).signed_up(at, json!({})))
                .await;
        }
        let refused_user = user_of(&s, 6).await["Id"].as_str().unwrap().to_owned();
        s.org.refuse_updates_of(&refused_user).await;
        let used = s.org.licence("Partner Community").await.used;
        let mut everyone = people(0..8);
        everyone.extend(["k-0", "k-1", "k-2", "nobody"].map(str::to_owned));

        let spent = s
            .send_and_settle("contracts", &contract("contract.ended", contract_time, &everyone))
            .await;

        let commands = last_commands(&s, &everyone).await;
        let by_person = |id: &str| {
            let at = everyone.iter().position(|p| p == id).unwrap();
            outcome(&commands[at]).clone()
        };
        for id in ["b-0", "b-5", "k-0", "k-1"] {
            let outcome = by_person(id);
            assert_kind(&outcome, OutcomeKind::Succeeded);
            assert_eq!(outcome.steps, ["user.deactivated"], "{id}");
            assert_eq!(outcome.licence_effect, freed("Partner Community"), "{id}");
            assert!(outcome.batch.is_some(), "{id}: {outcome:#?}");
        }
        let inactive = by_person("b-7");
        assert_kind(&inactive, OutcomeKind::NoChange);
        assert_eq!(inactive.steps, ["the user is already inactive"]);
        let refused = by_person("b-6");
        assert_kind(&refused, OutcomeKind::DeadLettered);
        assert_eq!(
            refused.refusal.as_ref().map(|r| r.code.as_str()),
            Some("FIELD_CUSTOM_VALIDATION_EXCEPTION")
        );
        assert_eq!(user_of(&s, 6).await["IsActive"], true, "the refused user stays");
        assert_kind(&by_person("k-2"), OutcomeKind::SkippedStale);
        let nobody = by_person("nobody");
        assert_kind(&nobody, OutcomeKind::NoChange);
        assert_eq!(nobody.licence_effect, LicenceEffect::Unchanged);
        // One read composite (users by id and by key), one collection of users.
        assert_eq!(spent, 2, "{:#?}", summary(&commands));
        for n in 0..6 {
            assert_eq!(user_of(&s, n).await["IsActive"], false, "b-{n}");
        }
        let k2 = s.one_contact_one_user("partner-portal:k-2").await.1;
        assert_eq!(k2["IsActive"], true, "a stale end changes nothing");
        assert_eq!(s.org.licence("Partner Community").await.used, used - 8);
        assert_eq!(
            s.subject("partner-portal:k-1").await.state,
            SubjectState::Deactivated
        );
    }
}

on_both_stores! {
    async fn with_batching_switched_off_each_person_runs_alone_as_before() {
        let s = start_with_people(12, &[], "[engine.batch]\nenabled = false").await;
        let everyone = people(0..12);

        let spent = s
            .send_and_settle("contracts", &contract("contract.ended", s.now(), &everyone))
            .await;

        let commands = last_commands(&s, &everyone).await;
        let mut own_calls = 0;
        for command in &commands {
            let outcome = outcome(command);
            assert_kind(outcome, OutcomeKind::Succeeded);
            assert_eq!(outcome.batch, None, "ran alone: {outcome:#?}");
            assert_eq!(outcome.api_calls, 2, "a read, then the write");
            own_calls += u64::from(outcome.api_calls);
        }
        assert_eq!(spent, own_calls);
        for n in 0..12 {
            assert_eq!(user_of(&s, n).await["IsActive"], false, "b-{n}");
        }
    }
}

on_both_stores! {
    async fn a_burst_that_frees_licences_resumes_the_provision_parked_for_one() {
        // Ten people hold every Partner Community licence; Ada's signup waits for one.
        let fixture = org_with_people(10, &[]).replace("total = 60", "total = 10");
        let s = start_on(&fixture, "").await;
        let ada = known(99);
        s.send_and_settle("partner-portal", &ada.signed_up(s.now(), json!({})))
            .await;
        let parked = s.commands(&ada.subject()).await.pop().unwrap();
        assert_eq!(parked.state, CommandState::Parked, "{parked:#?}");

        s.advance(TimeDelta::minutes(1));
        s.send_and_settle("contracts", &contract("contract.ended", s.now(), &people(0..10)))
            .await;

        let commands = last_commands(&s, &people(0..10)).await;
        assert!(commands.iter().all(|c| outcome(c).batch.is_some()), "{:#?}", summary(&commands));
        let signup = s.last_outcome(&ada.subject()).await;
        assert_kind(&signup, OutcomeKind::Succeeded);
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], true);
        assert_eq!(s.org.licence("Partner Community").await.used, 1);
    }
}
