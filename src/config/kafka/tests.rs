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

#[test]
fn a_secret_in_the_plain_properties_is_refused_with_where_to_move_it() {
    let kafka: KafkaConfig = toml::from_str(
        "brokers = \"localhost:9092\"\n\
         properties = { \"sasl.username\" = \"gatehouse\", \"sasl.password\" = \"hunter2\", \
         \"ssl.key.password\" = \"x\", \"sasl.oauthbearer.client.secret\" = \"y\" }",
    )
    .expect("parses");
    let problems: Vec<(String, String)> = kafka
        .problems(&BTreeMap::new())
        .into_iter()
        .filter(|(_, message)| message.contains("looks like a secret"))
        .collect();
    let keys: Vec<&str> = problems.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "kafka.properties.sasl.oauthbearer.client.secret",
            "kafka.properties.sasl.password",
            "kafka.properties.ssl.key.password",
        ]
    );
    assert!(
        problems[1].1.contains("kafka.secret_properties"),
        "{}",
        problems[1].1
    );
    assert!(!problems.iter().any(|(_, m)| m.contains("hunter2")));
}

#[test]
fn a_secret_in_secret_properties_is_accepted() {
    let kafka: KafkaConfig = toml::from_str(
        "brokers = \"localhost:9092\"\n\
         secret_properties = { \"sasl.password\" = \"hunter2\" }",
    )
    .expect("parses");
    let problems = kafka.problems(&BTreeMap::new());
    assert!(
        !problems
            .iter()
            .any(|(_, m)| m.contains("looks like a secret")),
        "{problems:?}"
    );
}

#[test]
fn native_topics_read_without_tls_or_authentication_are_named_for_the_start_up_warning() {
    let topics = r#"
[topics."hr.commands"]
source = "hr-direct"
format = "native"
[topics."portal.events"]
source = "portal"
"#;
    let read = |properties: &str| -> Vec<String> {
        let kafka: KafkaConfig = toml::from_str(&format!(
            "brokers = \"localhost:9092\"\n{properties}\n{topics}"
        ))
        .expect("parses");
        kafka
            .native_topics_in_plaintext()
            .into_iter()
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        read(""),
        ["hr.commands"],
        "librdkafka's default is plaintext"
    );
    assert_eq!(
        read("properties = { \"security.protocol\" = \"PLAINTEXT\" }"),
        ["hr.commands"]
    );
    assert!(read("properties = { \"security.protocol\" = \"sasl_ssl\" }").is_empty());
}
