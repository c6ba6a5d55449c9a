//! Deprovision rules: modes, triggers and effective dates.

use std::time::Duration;

use serde_json::json;

use super::*;
use crate::domain::{Deprovision, DeprovisionMode, Intent};

fn removed() -> serde_json::Value {
    json!({
        "type": "partner.user.removed",
        "occurred_at": "2026-03-01T08:00:00Z",
        "data": { "partner_id": "P-100", "user": { "id": "u-7" }, "ends_on": "2026-03-29" }
    })
}

fn rule(deprovision: &str) -> String {
    format!(
        r#"
[mapping]
time_zone = "Europe/Berlin"

[[sources.s.rules]]
name = "removed"
subject = "partner-portal:{{{{ data.user.id }}}}"
deprovision = {{ {deprovision} }}
"#
    )
}

fn deprovision(decision: MappingDecision) -> (MappedCommand, Deprovision) {
    let mut commands = commands(decision);
    assert_eq!(commands.len(), 1);
    let command = commands.remove(0);
    match command.intent.clone() {
        Intent::Deprovision(d) => (command, d),
        other => panic!("expected a deprovision, got {other:?}"),
    }
}

#[test]
fn deactivate_is_the_default_mode_and_the_rule_name_the_default_trigger() {
    let (command, d) = deprovision(map(&rule(""), removed()));
    assert_eq!(d.mode, DeprovisionMode::Deactivate);
    assert_eq!(d.trigger, "removed");
    assert_eq!(command.subject.as_str(), "partner-portal:u-7");
    assert_eq!(command.effective_at, None);
    // No occurred_at in the rule and no source time: the receipt time orders it.
    assert_eq!(command.source_time, received());
}

#[test]
fn each_mode_written_in_the_rule_is_kept() {
    let cases = [
        ("mode = \"freeze\"", DeprovisionMode::Freeze),
        ("mode = \"deactivate\"", DeprovisionMode::Deactivate),
        ("mode = \"disable\"", DeprovisionMode::Disable),
        (
            "mode = \"freeze-then-deactivate\", grace = \"7d\"",
            DeprovisionMode::FreezeThenDeactivate {
                grace: Duration::from_secs(7 * 86_400),
            },
        ),
    ];
    for (text, mode) in cases {
        let (_, d) = deprovision(map(&rule(text), removed()));
        assert_eq!(d.mode, mode, "{text}");
    }
}

#[test]
fn disable_can_only_be_written_out_never_rendered_from_the_event() {
    let problems = problems(&rule("mode = \"{{ data.mode }}\""));
    assert!(
        problems.iter().any(
            |p| p.key == "sources.s.rules[0] ('removed').deprovision.mode"
                && p.message.contains("never a template")
        ),
        "{problems:#?}"
    );
    assert_eq!(problems.len(), 1, "{problems:#?}");
    // And no default anywhere makes it disable.
    let (_, d) = deprovision(map(&rule("trigger = \"disable\""), removed()));
    assert_eq!(d.mode, DeprovisionMode::Deactivate);
    assert_eq!(d.trigger, "disable");
}

#[test]
fn a_trigger_template_and_the_source_timestamp_are_rendered() {
    let text = "trigger = \"removed from partner {{ data.partner_id }}\"";
    let extra = rule(text).replace(
        "deprovision =",
        "occurred_at = \"{{ occurred_at }}\"\ndeprovision =",
    );
    let (command, d) = deprovision(map(&extra, removed()));
    assert_eq!(d.trigger, "removed from partner P-100");
    assert_eq!(command.source_time, utc("2026-03-01T08:00:00Z"));
}

#[test]
fn a_date_alone_takes_effect_at_the_end_of_that_day_in_the_configured_zone() {
    // 29 March 2026: Berlin moves from +01:00 to +02:00 that night, so the day ends at 22:00Z.
    let (command, _) = deprovision(map(&rule("effective = \"{{ data.ends_on }}\""), removed()));
    assert_eq!(command.effective_at, Some(utc("2026-03-29T22:00:00Z")));
    // The day before the change ends at 23:00Z.
    let mut body = removed();
    body["data"]["ends_on"] = json!("2026-03-28");
    let (command, _) = deprovision(map(&rule("effective = \"{{ data.ends_on }}\""), body));
    assert_eq!(command.effective_at, Some(utc("2026-03-28T23:00:00Z")));
    // A full timestamp is taken as it is.
    let mut body = removed();
    body["data"]["ends_on"] = json!("2026-03-29T12:00:00+02:00");
    let (command, _) = deprovision(map(&rule("effective = \"{{ data.ends_on }}\""), body));
    assert_eq!(command.effective_at, Some(utc("2026-03-29T10:00:00Z")));
}

#[test]
fn an_empty_effective_date_means_now_and_a_bad_one_is_reported() {
    let text = "effective = \"{{ data.not_there | default('') }}\"";
    let (command, _) = deprovision(map(&rule(text), removed()));
    assert_eq!(command.effective_at, None);
    let mut body = removed();
    body["data"]["ends_on"] = json!("end of March");
    let reason = unmapped(map(&rule("effective = \"{{ data.ends_on }}\""), body));
    assert!(
        reason.contains("deprovision.effective") && reason.contains("'end of March'"),
        "{reason}"
    );
}

#[test]
fn grace_belongs_to_freeze_then_deactivate_only() {
    let cases = [
        ("mode = \"freeze-then-deactivate\"", "needs a grace period"),
        (
            "mode = \"freeze-then-deactivate\", grace = \"a week\"",
            "not a grace period",
        ),
        (
            "mode = \"freeze\", grace = \"7d\"",
            "only freeze-then-deactivate",
        ),
        ("mode = \"unlink\"", "not a deprovision mode"),
        (
            "mode = \"freeze-then-deactivate\", grace = \"53w\"",
            "at most 366 days",
        ),
    ];
    for (text, says) in cases {
        let problems = problems(&rule(text));
        assert!(
            problems.iter().any(|p| p
                .key
                .starts_with("sources.s.rules[0] ('removed').deprovision.")
                && p.message.contains(says)),
            "{text}: {problems:#?}"
        );
    }
}
