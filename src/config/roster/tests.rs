use std::time::Duration;

use super::RosterConfig;
use crate::domain::DeprovisionMode;

#[test]
fn the_defaults_read_and_pass() {
    let config = RosterConfig::default();
    assert_eq!(config.grace(), Duration::from_secs(3 * 86_400));
    assert_eq!(config.every(), Duration::from_secs(3_600));
    assert_eq!(config.mode(), DeprovisionMode::Deactivate);
    assert!(config.problems("sources.s.roster").is_empty());
}

#[test]
fn a_zero_grace_removes_at_once() {
    let config = RosterConfig {
        grace: "0s".to_owned(),
        ..RosterConfig::default()
    };
    assert_eq!(config.grace(), Duration::ZERO);
    assert!(config.problems("k").is_empty());
}

#[test]
fn each_bad_value_is_named_by_its_key() {
    let config = RosterConfig {
        every: "0s".to_owned(),
        grace: "three days".to_owned(),
        max_removal_share: 1.5,
        mode: "disable".to_owned(),
        ..RosterConfig::default()
    };
    let keys: Vec<String> = config
        .problems("sources.hr.roster")
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    assert_eq!(
        keys,
        [
            "sources.hr.roster.grace",
            "sources.hr.roster.every",
            "sources.hr.roster.max_removal_share",
            "sources.hr.roster.mode"
        ]
    );
}
