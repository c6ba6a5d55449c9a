use super::*;

fn sources() -> BTreeSet<&'static str> {
    ["hr", "contracts"].into_iter().collect()
}

#[test]
fn the_default_guard_is_on_with_fifty_or_five_per_cent_in_ten_minutes() {
    let policy = GuardConfig::default().policy().expect("on by default");
    assert_eq!(policy.window, TimeDelta::minutes(10));
    assert_eq!(policy.overall.count, Some(50));
    assert_eq!(policy.overall.percent, Some(5.0));
    assert_eq!(policy.limit_of("hr"), Limit::default());
    assert!(GuardConfig::default().problems(&sources()).is_empty());
}

#[test]
fn a_guard_switched_off_has_no_policy() {
    let config: GuardConfig = toml::from_str("enabled = false").unwrap();
    assert_eq!(config.policy(), None);
}

#[test]
fn a_source_of_its_own_replaces_the_per_source_threshold() {
    let config: GuardConfig = toml::from_str(
        "window_seconds = 300\n[per_source]\ncount = 20\n[sources.contracts]\ncount = 100\npercent = 10",
    )
    .unwrap();
    let policy = config.policy().unwrap();
    assert_eq!(policy.limit_of("hr").count, Some(20));
    assert_eq!(policy.limit_of("contracts").count, Some(100));
    assert_eq!(policy.limit_of("contracts").percent, Some(10.0));
    assert!(config.problems(&sources()).is_empty());
}

#[test]
fn bad_thresholds_are_named_with_what_to_choose() {
    let config: GuardConfig = toml::from_str(
        "window_seconds = 5\n[overall]\ncount = 0\npercent = 150\n[sources.payroll]\ncount = 3",
    )
    .unwrap();
    let problems = config.problems(&sources());
    let keys: Vec<&str> = problems.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "guard.window_seconds",
            "guard.overall.count",
            "guard.overall.percent",
            "guard.sources.payroll"
        ]
    );
    assert!(problems[0].1.contains("between 60"), "{problems:?}");
    assert!(problems[3].1.contains("contracts, hr"), "{problems:?}");
}
