use super::*;

/// The problems a `[kafka]` table with `extra` has with its hold-back limit.
fn hold_back_problems(extra: &str) -> Vec<String> {
    let kafka: KafkaConfig =
        toml::from_str(&format!("brokers = \"localhost:9092\"\n{extra}")).expect("parses");
    kafka
        .problems(&BTreeMap::new())
        .into_iter()
        .filter(|(key, _)| key == "kafka.hold_back_kib")
        .map(|(_, message)| message)
        .collect()
}

#[test]
fn a_partition_holds_16_mib_back_unless_told_otherwise() {
    let kafka: KafkaConfig = toml::from_str("brokers = \"localhost:9092\"").expect("parses");
    assert_eq!(kafka.hold_back_kib, 16 * 1024);
    assert!(hold_back_problems("").is_empty());
    assert!(hold_back_problems("hold_back_kib = 64").is_empty());
}

#[test]
fn a_hold_back_limit_out_of_range_is_named_with_the_range() {
    for value in [0, 63, 4 * 1024 * 1024 + 1] {
        let problems = hold_back_problems(&format!("hold_back_kib = {value}"));
        assert_eq!(problems.len(), 1, "{value}: {problems:?}");
        assert!(problems[0].contains("between 64"), "{}", problems[0]);
    }
}
