use std::time::Duration;

use super::{Policy, ReconcileConfig};

#[test]
fn every_reads_hours_minutes_and_days() {
    for (text, seconds) in [
        ("24h", 86_400),
        ("90m", 5_400),
        ("1d", 86_400),
        ("120s", 120),
    ] {
        let config = ReconcileConfig {
            every: Some(text.to_owned()),
            ..ReconcileConfig::default()
        };
        assert_eq!(config.interval(), Ok(Some(Duration::from_secs(seconds))));
    }
}

#[test]
fn bad_settings_name_what_to_fix() {
    let config = ReconcileConfig {
        every: Some("daily".to_owned()),
        batch_size: 5000,
        ..ReconcileConfig::default()
    };
    let problems = config.problems();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("reconcile.every: 'daily'"),
        "{problems:?}"
    );
    assert!(problems[1].contains("200 to 2000"), "{problems:?}");
}

#[test]
fn the_default_only_reports() {
    let config: ReconcileConfig = toml::from_str("").expect("empty section");
    assert_eq!(config.policy.reenabled, Policy::Report);
    assert_eq!(config.batch_size, 2000);
    assert_eq!(config.interval(), Ok(None));
}
