use std::time::Duration;

use super::RetentionConfig;

#[test]
fn defaults_keep_bodies_a_month_and_the_rest_three_months_hourly() {
    let config: RetentionConfig = toml::from_str("").unwrap();
    assert_eq!(config, RetentionConfig::default());
    assert_eq!(
        (
            config.inbox_bodies_days,
            config.commands_days,
            config.history_days
        ),
        (30, 90, 90)
    );
    assert_eq!(config.interval(), Ok(Duration::from_secs(3600)));
    assert_eq!(config.batch_size, 500);
    assert!(config.limits_anything());
    assert!(config.problems().is_empty());
}

#[test]
fn zero_keeps_forever_and_all_zeros_limit_nothing() {
    let config: RetentionConfig = toml::from_str(
        "inbox_bodies_days = 0\ncommands_days = 0\nhistory_days = 0\nrosters_days = 0\n\
         reconcile_reports_days = 0\nwebhook_deliveries_days = 0\naudit_days = 0\nfetched_days = 0",
    )
    .unwrap();
    assert!(config.problems().is_empty());
    assert!(!config.limits_anything());
}

#[test]
fn bad_values_are_named_with_what_to_choose() {
    let config: RetentionConfig =
        toml::from_str("history_days = 50000\nevery = \"hourly\"\nbatch_size = 0").unwrap();
    let problems = config.problems();
    let keys: Vec<_> = problems.iter().map(|(key, _)| *key).collect();
    assert_eq!(
        keys,
        [
            "retention.history_days",
            "retention.every",
            "retention.batch_size"
        ]
    );
    assert!(problems[0].1.contains("0 to keep forever"), "{problems:?}");
    assert!(problems[1].1.contains("\"24h\""), "{problems:?}");
    assert!(
        problems[2].1.contains("between 1 and 10000"),
        "{problems:?}"
    );
    let too_often: RetentionConfig = toml::from_str("every = \"10s\"").unwrap();
    assert_eq!(too_often.problems()[0].0, "retention.every");
    assert!(toml::from_str::<RetentionConfig>("inbox_days = 3").is_err());
    assert!(toml::from_str::<RetentionConfig>("commands_days = -1").is_err());
}
