//! The quick-start config's rules map the demo's own sample deliveries as the demo tells them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::cli::demo::samples;
use crate::config::Settings;
use crate::domain::{AccountRef, DeprovisionMode, Intent};
use crate::mapping::{MappedCommand, MappingDecision, MappingInput, MappingRules};

fn story_commands() -> BTreeMap<&'static str, Vec<MappedCommand>> {
    let settings = Settings::from_toml(include_str!("../../../examples/quickstart.toml")).unwrap();
    let rules = MappingRules::build(&settings).unwrap();
    let now: DateTime<Utc> = "2026-11-27T10:00:00Z".parse().unwrap();
    samples::story(&now.to_rfc3339())
        .into_iter()
        .map(|sample| {
            let input = MappingInput {
                source: sample.source.to_owned(),
                content_type: "application/json".to_owned(),
                body: sample.body,
                headers: BTreeMap::new(),
                source_time: None,
                received_at: now,
                event_id: None,
                dedupe_key: "demo".to_owned(),
                traceparent: None,
            };
            match rules.map(&input) {
                MappingDecision::Commands(commands) => (sample.source, commands),
                other => panic!("{}: {other:?}", sample.source),
            }
        })
        .collect()
}

#[test]
fn the_quickstart_rules_map_every_demo_sample_to_the_story_s_commands() {
    let commands = story_commands();

    let signup = &commands["partner-portal"];
    assert_eq!(signup.len(), 1);
    assert_eq!(signup[0].subject.as_str(), "partner-portal:u-1");
    let Intent::Provision(p) = &signup[0].intent else {
        panic!("{:?}", signup[0].intent)
    };
    assert_eq!(p.account, AccountRef::Key("P-100".into()));
    assert_eq!(p.profile, "Partner Community User");

    let leaver = &commands["bamboohr"];
    assert_eq!(leaver.len(), 1);
    assert_eq!(leaver[0].subject.as_str(), "bamboohr:67890");
    let Intent::Deprovision(d) = &leaver[0].intent else {
        panic!("{:?}", leaver[0].intent)
    };
    assert_eq!(d.mode, DeprovisionMode::Deactivate);

    let ended = &commands["contracts"];
    let subjects: Vec<_> = ended.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(subjects, ["partner-portal:u-1", "partner-portal:u-2"]);
    let end_of_2026: DateTime<Utc> = "2027-01-01T00:00:00Z".parse().unwrap();
    assert!(ended.iter().all(|c| c.effective_at == Some(end_of_2026)));
}
