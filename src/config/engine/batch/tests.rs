use super::BatchConfig;

#[test]
fn the_defaults_are_salesforce_s_own_limits_and_pass() {
    let config = BatchConfig::default();
    assert!(config.enabled);
    assert_eq!(config.records_per_collection, 200);
    assert_eq!(config.subrequests_per_composite, 25);
    assert_eq!(config.queries_per_composite, 5);
    assert_eq!(config.problems(), vec![]);
}

#[test]
fn sizes_beyond_salesforce_s_limits_are_refused_with_the_limit_named() {
    let config = BatchConfig {
        records_per_collection: 201,
        subrequests_per_composite: 0,
        queries_per_composite: 6,
        ..BatchConfig::default()
    };
    let problems = config.problems();
    let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "engine.batch.records_per_collection",
            "engine.batch.subrequests_per_composite",
            "engine.batch.queries_per_composite"
        ]
    );
    assert!(problems[0].1.contains("between 1 and 200"), "{problems:?}");
    assert!(problems[2].1.contains("at most 5 queries"), "{problems:?}");
}
