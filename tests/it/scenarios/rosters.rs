//! Rosters: a source's full list of its current people catches the leaver event it never sent,
//! spares a person it lists again, refuses a truncated export, and admits a person it carries
//! the fields of.

use chrono::TimeDelta;
use gatehouse::domain::OutcomeKind;
use gatehouse::store::SubjectState;
use serde_json::{Value, json};

use super::{Partner, Scenario, Setup, assert_kind, scenario_app};
use crate::on_both_stores;

pub const TOKEN: &str = "roster-admin-token-5d2c8b1e9f";

/// The portal's roster: a grace of an hour, at most half of its people removed at once, and a
/// rule that provisions a person from the roster's fields.
pub const ROSTER: &str = r#"
[sources.partner-portal.roster]
grace = "1h"
max_removal_share = 0.5

[[sources.partner-portal.rules]]
name = "partner on the roster"
when = "type == 'gatehouse.roster.person'"
subject = "{{ subject }}"
occurred_at = "{{ occurred_at }}"

[sources.partner-portal.rules.provision]
account = { key = "{{ data.partner_id }}" }
contact = { first_name = "{{ data.first_name }}", last_name = "{{ data.last_name }}", email = "{{ data.email }}" }
username = "{{ contact.email }}.acme"
profile = "Partner Community User"
purpose = "on the partner roster"
"#;

async fn start() -> Scenario {
    let setup = Setup::default();
    let app = scenario_app(&setup)
        .config(ROSTER)
        .admin_token(TOKEN)
        .spawn()
        .await;
    Scenario::on(app, setup, Default::default())
}

pub fn partner(n: u32) -> Partner {
    Partner::new(
        &format!("u-{n}"),
        "P-100",
        "Pat",
        &format!("Partner{n}"),
        &format!("pat.partner{n}@partner.example"),
    )
}

/// Three partners signed up by event.
pub async fn three_signed_up(s: &Scenario) -> Vec<Partner> {
    let people: Vec<Partner> = (1..=3).map(partner).collect();
    for person in &people {
        s.sign_up(person).await;
    }
    people
}

/// Uploads a roster; answers the status and the JSON answer.
async fn upload(s: &Scenario, body: String, media_type: &str, dry_run: bool) -> (u16, Value) {
    let response = s
        .app
        .client
        .put(format!(
            "{}/v1/sources/partner-portal/roster?dry_run={dry_run}",
            s.app.base
        ))
        .bearer_auth(TOKEN)
        .header("content-type", media_type)
        .body(body)
        .send()
        .await
        .expect("the admin API answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

fn csv(people: &[&Partner]) -> String {
    let mut text = "subject\n".to_owned();
    for person in people {
        text.push_str(&person.subject());
        text.push('\n');
    }
    text
}

fn json_roster(people: &[&Partner]) -> String {
    let keys: Vec<String> = people.iter().map(|p| p.subject()).collect();
    json!({ "people": keys }).to_string()
}

fn leaving(report: &Value) -> Vec<String> {
    report["leaving"]
        .as_array()
        .expect("leaving")
        .iter()
        .map(|l| l["subject"].as_str().expect("subject").to_owned())
        .collect()
}

pub async fn user_is_active(s: &Scenario, person: &Partner) -> bool {
    let (_, user) = s.one_contact_one_user(&person.subject()).await;
    user["IsActive"] == true
}

on_both_stores! {
    async fn a_leaver_whose_event_never_came_is_deprovisioned_by_the_roster_after_the_grace() {
        let s = start().await;
        let people = three_signed_up(&s).await;
        let (ada, rest) = (&people[0], [&people[1], &people[2]]);

        let (status, report) = upload(&s, csv(&rest), "text/csv", false).await;
        assert_eq!(status, 200, "{report:#}");
        assert_eq!(report["verdict"], "applied");
        assert_eq!(leaving(&report), [ada.subject()]);
        assert_eq!(report["leaving"][0]["due"], false, "the grace has not ended");
        s.settle().await;
        assert!(user_is_active(&s, ada).await, "nothing happens within the grace");

        s.advance(TimeDelta::minutes(61));
        let (status, report) = upload(&s, csv(&rest), "text/csv", false).await;
        assert_eq!(status, 200, "{report:#}");
        assert!(report["leaving"][0]["command_id"].is_string(), "{report:#}");
        s.settle().await;

        assert_kind(&s.last_outcome(&ada.subject()).await, OutcomeKind::Succeeded);
        assert!(!user_is_active(&s, ada).await, "the org has Ada deactivated");
        let record = s.subject(&ada.subject()).await;
        assert_eq!(record.state, SubjectState::Deactivated);
        assert!(
            record
                .deactivation_trigger
                .as_deref()
                .is_some_and(|t| t.starts_with("absent from the partner-portal roster since")),
            "{record:#?}"
        );
        let last = s.commands(&ada.subject()).await.pop().expect("a command");
        assert_eq!(last.command.origin.source, "partner-portal");
        assert_eq!(last.command.origin.actor.as_deref(), Some("roster"));
        for other in rest {
            assert!(user_is_active(&s, other).await);
        }
    }
}

on_both_stores! {
    async fn a_person_the_roster_lists_again_within_the_grace_is_not_removed() {
        let s = start().await;
        let people = three_signed_up(&s).await;
        let all: Vec<&Partner> = people.iter().collect();
        let (status, _) = upload(&s, json_roster(&all[1..]), "application/json", false).await;
        assert_eq!(status, 200);

        s.advance(TimeDelta::minutes(30));
        let (status, report) = upload(&s, json_roster(&all), "application/json", false).await;
        assert_eq!(status, 200, "{report:#}");
        assert_eq!(report["reappeared"], json!([people[0].subject()]));
        assert!(leaving(&report).is_empty());

        s.advance(TimeDelta::hours(2));
        let (_, report) = upload(&s, json_roster(&all), "application/json", false).await;
        assert!(leaving(&report).is_empty(), "{report:#}");
        s.settle().await;
        assert!(user_is_active(&s, &people[0]).await);
        assert_eq!(s.subject(&people[0].subject()).await.state, SubjectState::Provisioned);
    }
}

on_both_stores! {
    async fn a_truncated_roster_is_refused_with_its_share_and_changes_nothing() {
        let s = start().await;
        let people = three_signed_up(&s).await;
        let before = s.app.store.roster_absences("partner-portal").await.expect("reads");
        assert!(before.is_empty());

        let (status, problem) = upload(&s, csv(&[&people[0]]), "text/csv", false).await;
        assert_eq!(status, 422, "{problem:#}");
        assert_eq!(problem["reason"], "roster_refused");
        let detail = problem["detail"].as_str().expect("detail");
        assert!(detail.contains("66.7 %") && detail.contains("50.0 %"), "{detail}");
        assert_eq!(problem["max_removal_share"], 0.5);
        assert_eq!(problem["report"]["verdict"], "refused");

        s.advance(TimeDelta::hours(2));
        s.settle().await;
        let after = s.app.store.roster_absences("partner-portal").await.expect("reads");
        assert!(after.is_empty(), "a refused roster records no absence: {after:?}");
        for person in &people {
            assert!(user_is_active(&s, person).await);
        }
        let run_id = problem["run_id"].as_str().expect("run id");
        let kept = s.app.store.roster_run(run_id).await.expect("reads").expect("kept");
        assert_eq!(kept.verdict, "refused");
    }
}

on_both_stores! {
    async fn a_roster_carrying_the_fields_provisions_a_person_without_access() {
        let s = start().await;
        let people = three_signed_up(&s).await;
        let newcomer = partner(4);
        let mut body = "subject,partner_id,first_name,last_name,email\n".to_owned();
        for person in &people {
            body.push_str(&format!("{},,,,\n", person.subject()));
        }
        body.push_str(&format!(
            "{},P-100,Pat,Partner4,pat.partner4@partner.example\n",
            newcomer.subject()
        ));

        let (status, dry) = upload(&s, body.clone(), "text/csv", true).await;
        assert_eq!(status, 200, "{dry:#}");
        assert_eq!(dry["verdict"], "dry_run");
        assert_eq!(dry["without_access"][0]["action"], "would_provision", "{dry:#}");
        s.settle().await;
        assert!(s.keyed_contacts(&newcomer.subject()).await.is_empty(), "a dry run writes nothing");

        let (status, report) = upload(&s, body, "text/csv", false).await;
        assert_eq!(status, 200, "{report:#}");
        assert_eq!(report["without_access"][0]["action"], "provisioned", "{report:#}");
        s.settle().await;
        assert!(user_is_active(&s, &newcomer).await);
        let record = s.subject(&newcomer.subject()).await;
        assert_eq!(record.state, SubjectState::Provisioned);
        assert_eq!(record.access_source.as_deref(), Some("partner-portal"));
    }
}

on_both_stores! {
    async fn a_bad_roster_is_refused_naming_its_line_or_field() {
        let s = start().await;
        let (status, problem) = upload(&s, "subject,email\nk-1\n".to_owned(), "text/csv", false).await;
        assert_eq!(status, 400, "{problem:#}");
        assert_eq!(problem["reason"], "bad_roster");
        assert!(problem["detail"].as_str().is_some_and(|d| d.contains("line 2")), "{problem:#}");

        let body = json!({"people": [{"fields": {}}]}).to_string();
        let (status, problem) = upload(&s, body, "application/json", false).await;
        assert_eq!(status, 400);
        assert!(
            problem["detail"].as_str().is_some_and(|d| d.contains("people[0].subject")),
            "{problem:#}"
        );
    }
}
