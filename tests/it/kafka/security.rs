//! Secured brokers, reached with the settings as a user writes them: a `[kafka]` section of a
//! Gatehouse config, read and checked like `gatehouse serve` reads its file, turned into
//! Gatehouse's own producer and consumer settings (`gatehouse::kafka`), and a record
//! round-tripped through the broker.
//!
//! SASL/SCRAM runs against tansu's own authentication (`--authentication`). TLS runs through a
//! TLS front in front of the broker: tansu 0.6 cannot serve TLS itself (see `tls_front`).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use gatehouse::config::{KafkaConfig, Settings};
use gatehouse::kafka as client;
use parking_lot::Mutex;
use rdkafka::ClientContext;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::producer::FutureProducer;

use super::broker::{self, PrivateBroker};
use super::pki::TestPki;
use super::tls_front::TlsFront;

const USER: &str = "gatehouse";
const PASSWORD: &str = "correct-horse-battery-staple";

/// How long a step may take before the test fails saying which: bounds a hang, times nothing.
const PATIENCE: Duration = Duration::from_secs(60);

/// The `[kafka]` section `section` (TOML, as a user writes it) of an otherwise minimal config,
/// read and validated as the service reads its config file.
fn kafka_settings(section: &str) -> KafkaConfig {
    let text = format!("[salesforce]\norg = \"simulated\"\n\n{section}");
    let settings = Settings::from_toml(&text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"));
    settings.kafka.expect("the config has [kafka]")
}

/// A `[kafka]` section for `brokers` with these extra lines, publishing outcomes to a topic of
/// its own (a `[kafka]` section must name some topic).
fn section(brokers: &str, extra: &str) -> String {
    format!(
        "[kafka]\nbrokers = \"{brokers}\"\ngroup_id = \"{group}\"\n{extra}\n[kafka.outcomes]\ntopic = \"{topic}\"\n",
        group = broker::unique_topic("security.group"),
        topic = broker::unique_topic("security.outcomes"),
    )
}

/// A TOML string for a path.
fn toml_path(path: &Path) -> String {
    format!("{:?}", path.display().to_string())
}

/// Creates a topic, produces a record with Gatehouse's idempotent producer, and reads it back
/// with Gatehouse's consumer, all with the settings of `kafka`.
async fn round_trip(kafka: &KafkaConfig) {
    let topic = broker::unique_topic("security");
    broker::create_topic_with(client::common(kafka).expect("settings"), &topic, 1).await;
    let producer: FutureProducer = client::producer(kafka)
        .expect("settings")
        .set("message.timeout.ms", "30000")
        .create()
        .expect("producer");
    broker::send(
        &producer,
        &topic,
        "hr:1",
        b"over a secured connection",
        &[("content-type", "text/plain")],
    )
    .await;
    let consumer: StreamConsumer = client::consumer(kafka)
        .expect("settings")
        .create()
        .expect("consumer");
    consumer.subscribe(&[&topic]).expect("subscribe");
    let message = tokio::time::timeout(PATIENCE, consumer.recv())
        .await
        .expect("the record comes back")
        .expect("a record, not an error");
    assert_eq!(message.payload(), Some(&b"over a secured connection"[..]));
    assert_eq!(message.key(), Some(&b"hr:1"[..]));
    assert_eq!(
        broker::header(&message.detach(), "content-type").as_deref(),
        Some("text/plain")
    );
}

/// A broker that requires SASL, with one SCRAM-SHA-512 user. tansu answers no admin request
/// before authentication, so the user is made while the broker is open, and the broker is
/// restarted on the same data requiring it.
fn scram_broker(advertised: Option<&str>) -> PrivateBroker {
    let mut broker = PrivateBroker::start_advertising(advertised, &[]);
    broker.cli(&["user", "create", USER, PASSWORD, "--mechanism", "scram512"]);
    broker.restart_with(&["--authentication"]);
    broker
}

/// Errors librdkafka reports to a client, kept for the test to read.
#[derive(Clone, Default)]
struct Reported(Arc<Mutex<Vec<String>>>);

impl ClientContext for Reported {
    fn error(&self, error: KafkaError, reason: &str) {
        self.0.lock().push(format!("{error}: {reason}"));
    }
}

impl Reported {
    /// Waits until a reported error contains `needle`; returns it.
    async fn wait_for(&self, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Some(found) = self.0.lock().iter().find(|e| e.contains(needle)) {
                return found.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no error mentioning {needle:?}; reported: {:#?}",
                self.0.lock()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Starts a producer with `kafka`'s settings that reports its errors, and makes it connect.
fn reporting_producer(kafka: &KafkaConfig, topic: &str) -> (FutureProducer<Reported>, Reported) {
    let reported = Reported::default();
    let producer: FutureProducer<Reported> = client::producer(kafka)
        .expect("settings")
        .set("message.timeout.ms", "60000")
        .create_with_context(reported.clone())
        .expect("producer");
    // Queued, not awaited: it makes the client connect, and the test watches what it reports.
    let record = rdkafka::producer::FutureRecord::<str, [u8]>::to(topic).payload(&b"x"[..]);
    drop(producer.send_result(record));
    (producer, reported)
}

#[tokio::test]
async fn sasl_scram_settings_as_a_user_writes_them_round_trip_a_record() {
    let broker = scram_broker(None);
    let secrets = tempfile::tempdir().unwrap();
    let password_file = secrets.path().join("kafka-password");
    std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
    let kafka = kafka_settings(&section(
        &broker.addr(),
        &format!(
            r#"
[kafka.properties]
"security.protocol" = "SASL_PLAINTEXT"
"sasl.mechanisms" = "SCRAM-SHA-512"
"sasl.username" = "{USER}"

[kafka.secret_properties]
"sasl.password" = {{ file = {file} }}
"#,
            file = toml_path(&password_file)
        ),
    ));
    round_trip(&kafka).await;
}

#[tokio::test]
async fn the_sasl_broker_refuses_a_wrong_password_and_a_client_without_sasl() {
    let broker = scram_broker(None);
    let wrong = kafka_settings(&section(
        &broker.addr(),
        &format!(
            r#"
properties."security.protocol" = "SASL_PLAINTEXT"
properties."sasl.mechanisms" = "SCRAM-SHA-512"
properties."sasl.username" = "{USER}"
secret_properties."sasl.password" = "not-the-password"
"#
        ),
    ));
    let (_producer, reported) = reporting_producer(&wrong, "security.refused");
    let refusal = reported.wait_for("SASL authentication error").await;
    assert!(refusal.contains("SCRAM authentication failed"), "{refusal}");

    // Without SASL the broker answers nothing but the handshake: no topic can be made.
    let plain = kafka_settings(&section(&broker.addr(), ""));
    let admin: rdkafka::admin::AdminClient<Reported> = client::common(&plain)
        .unwrap()
        .create_with_context(Reported::default())
        .expect("admin client");
    let made = admin
        .create_topics(
            &[rdkafka::admin::NewTopic::new(
                "security.unauthenticated",
                1,
                rdkafka::admin::TopicReplication::Fixed(1),
            )],
            &rdkafka::admin::AdminOptions::new().request_timeout(Some(Duration::from_secs(10))),
        )
        .await;
    assert!(
        !matches!(&made, Ok(results) if results.iter().all(Result::is_ok)),
        "an unauthenticated client made a topic: {made:?}"
    );
    drop(broker);
}

/// A broker reached through a TLS front that presents `pki`'s broker certificate (and, when
/// `client_certificates`, demands one signed by its CA); `scram` makes the broker require SASL.
/// Clients connect to the front's address, which the broker advertises.
struct TlsBroker {
    front: TlsFront,
    _broker: PrivateBroker,
}

impl TlsBroker {
    fn start(pki: &TestPki, client_certificates: bool, scram: bool) -> TlsBroker {
        let mut front = TlsFront::bind();
        let broker = if scram {
            scram_broker(Some(&front.addr()))
        } else {
            PrivateBroker::start_advertising(Some(&front.addr()), &[])
        };
        front.serve(pki.broker_tls(client_certificates), broker.addr());
        TlsBroker {
            front,
            _broker: broker,
        }
    }

    fn addr(&self) -> String {
        self.front.addr()
    }
}

#[tokio::test]
async fn tls_settings_as_a_user_writes_them_round_trip_a_record() {
    let pki = TestPki::generate();
    let broker = TlsBroker::start(&pki, false, false);
    let kafka = kafka_settings(&section(
        &broker.addr(),
        &format!(
            r#"
[kafka.properties]
"security.protocol" = "SSL"
"ssl.ca.location" = {ca}
"#,
            ca = toml_path(&pki.ca_file())
        ),
    ));
    round_trip(&kafka).await;
}

#[tokio::test]
async fn tls_refuses_a_broker_whose_certificate_the_configured_ca_did_not_sign() {
    let pki = TestPki::generate();
    let broker = TlsBroker::start(&pki, false, false);
    let other = TestPki::generate();
    let kafka = kafka_settings(&section(
        &broker.addr(),
        &format!(
            "properties.\"security.protocol\" = \"SSL\"\nproperties.\"ssl.ca.location\" = {ca}\n",
            ca = toml_path(&other.ca_file())
        ),
    ));
    let (_producer, reported) = reporting_producer(&kafka, "security.untrusted");
    let refusal = reported.wait_for("certificate verify failed").await;
    // librdkafka words it as a failed handshake or as a transport failure during the handshake.
    assert!(
        refusal.contains("SSL handshake failed") || refusal.contains("SSL_HANDSHAKE"),
        "{refusal}"
    );
}

#[tokio::test]
async fn mutual_tls_settings_as_a_user_writes_them_round_trip_a_record() {
    let pki = TestPki::generate();
    let broker = TlsBroker::start(&pki, true, false);
    let kafka = kafka_settings(&section(
        &broker.addr(),
        &format!(
            r#"
[kafka.properties]
"security.protocol" = "SSL"
"ssl.ca.location" = {ca}
"ssl.certificate.location" = {cert}
"ssl.key.location" = {key}
"#,
            ca = toml_path(&pki.ca_file()),
            cert = toml_path(&pki.client_cert_file()),
            key = toml_path(&pki.client_key_file()),
        ),
    ));
    round_trip(&kafka).await;
}

#[tokio::test]
async fn mutual_tls_refuses_a_client_without_a_certificate() {
    let pki = TestPki::generate();
    let broker = TlsBroker::start(&pki, true, false);
    let kafka = kafka_settings(&section(
        &broker.addr(),
        &format!(
            "properties.\"security.protocol\" = \"SSL\"\nproperties.\"ssl.ca.location\" = {ca}\n",
            ca = toml_path(&pki.ca_file())
        ),
    ));
    let (_producer, reported) = reporting_producer(&kafka, "security.anonymous");
    reported.wait_for("alert certificate required").await;
}

#[tokio::test]
async fn sasl_ssl_settings_as_a_user_writes_them_round_trip_a_record() {
    let pki = TestPki::generate();
    let broker = TlsBroker::start(&pki, false, true);
    let kafka = kafka_settings(&section(
        &broker.addr(),
        &format!(
            r#"
[kafka.properties]
"security.protocol" = "SASL_SSL"
"sasl.mechanisms" = "SCRAM-SHA-512"
"sasl.username" = "{USER}"
"ssl.ca.location" = {ca}

[kafka.secret_properties]
"sasl.password" = {{ value = "{PASSWORD}" }}
"#,
            ca = toml_path(&pki.ca_file())
        ),
    ));
    round_trip(&kafka).await;
}
