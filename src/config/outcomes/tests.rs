use super::*;

fn subscriber(url: &str, secret: &str) -> WebhookSubscriberConfig {
    WebhookSubscriberConfig {
        name: "portal".to_owned(),
        url: url.to_owned(),
        secret: Some(SecretRef::Inline(secret.to_owned().into())),
        secrets: Vec::new(),
        types: Vec::new(),
        sources: Vec::new(),
        timeout_ms: default_timeout_ms(),
        retry_hours: default_retry_hours(),
    }
}

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn error_of(config: &WebhookSubscriberConfig) -> String {
    crate::report::chain(&config.resolve("outcomes.webhooks[0]").unwrap_err()).to_string()
}

#[test]
fn an_https_url_and_a_long_enough_secret_resolve() {
    let resolved = subscriber("https://portal.example/hooks", SECRET)
        .resolve("outcomes.webhooks[0]")
        .unwrap();
    assert_eq!(resolved.keys.len(), 1);
    assert_eq!(resolved.retry, chrono::TimeDelta::hours(24));
}

#[test]
fn plain_http_is_refused_except_to_loopback() {
    let message = error_of(&subscriber("http://portal.example/hooks", SECRET));
    assert!(
        message.starts_with("outcomes.webhooks[0].url:"),
        "{message}"
    );
    assert!(message.contains("use https"), "{message}");
    for loopback in [
        "http://127.0.0.1:9000/hooks",
        "http://[::1]:9000/",
        "http://localhost/x",
    ] {
        assert!(
            subscriber(loopback, SECRET)
                .resolve("outcomes.webhooks[0]")
                .is_ok(),
            "{loopback}"
        );
    }
}

#[test]
fn a_secret_shorter_than_sixteen_bytes_is_refused() {
    // 15 bytes.
    let short = format!("whsec_{}", STANDARD.encode([7u8; 15]));
    let message = error_of(&subscriber("https://portal.example/", &short));
    assert!(
        message.starts_with("outcomes.webhooks[0].secret: decodes to 15 bytes"),
        "{message}"
    );
    let unprefixed = error_of(&subscriber("https://portal.example/", "MfKQ9r8GKYqrTwjU"));
    assert!(
        unprefixed.contains("does not start with whsec_"),
        "{unprefixed}"
    );
}

#[test]
fn a_subscriber_without_a_secret_is_refused_naming_the_key() {
    let mut config = subscriber("https://portal.example/", SECRET);
    config.secret = None;
    assert!(error_of(&config).starts_with("outcomes.webhooks[0].secret: is missing"));
}

#[test]
fn two_subscribers_of_one_name_are_refused() {
    let config = OutcomeWebhooksConfig {
        ce_source: None,
        webhooks: vec![
            subscriber("https://a.example/", SECRET),
            subscriber("https://b.example/", SECRET),
        ],
    };
    let problems = config.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "outcomes.webhooks[1].name");
}
