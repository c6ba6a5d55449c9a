//! Certificates for the TLS tests, made fresh for each: a CA of the test's own, a broker
//! certificate it signs for `127.0.0.1` and `localhost`, and a client certificate it signs for
//! mutual TLS. The PEM files a user would point `ssl.ca.location`, `ssl.certificate.location`
//! and `ssl.key.location` at are written to a temporary folder.

use std::path::PathBuf;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType,
};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A test CA and what it signed.
pub struct TestPki {
    dir: tempfile::TempDir,
    ca: CertificateDer<'static>,
    broker_chain: Vec<CertificateDer<'static>>,
    broker_key: Vec<u8>,
}

impl TestPki {
    pub fn generate() -> TestPki {
        let dir = tempfile::tempdir().expect("certificate folder");
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.distinguished_name = name("Gatehouse Kafka test CA (TEST ONLY)");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = ca_params.self_signed(&ca_key).expect("CA certificate");

        let broker_key = KeyPair::generate().expect("broker key");
        let mut broker_params =
            CertificateParams::new(vec!["localhost".to_owned()]).expect("broker params");
        broker_params
            .subject_alt_names
            .push(SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()));
        broker_params.distinguished_name = name("kafka test broker");
        broker_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let broker = broker_params
            .signed_by(&broker_key, &ca, &ca_key)
            .expect("broker certificate");

        let client_key = KeyPair::generate().expect("client key");
        let mut client_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        client_params.distinguished_name = name("gatehouse");
        client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let client = client_params
            .signed_by(&client_key, &ca, &ca_key)
            .expect("client certificate");

        let write = |file: &str, pem: String| {
            std::fs::write(dir.path().join(file), pem).expect("write a PEM file")
        };
        write("ca.pem", ca.pem());
        write("client.pem", client.pem());
        write("client.key", client_key.serialize_pem());
        TestPki {
            ca: ca.der().clone(),
            broker_chain: vec![broker.der().clone()],
            broker_key: broker_key.serialize_der(),
            dir,
        }
    }

    /// The CA certificate, PEM (`ssl.ca.location`).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// The client certificate, PEM (`ssl.certificate.location`).
    pub fn client_cert_file(&self) -> PathBuf {
        self.dir.path().join("client.pem")
    }

    /// The client's private key, PEM (`ssl.key.location`).
    pub fn client_key_file(&self) -> PathBuf {
        self.dir.path().join("client.key")
    }

    /// The broker side of TLS: its certificate, and — for mutual TLS — the demand for a client
    /// certificate signed by the CA.
    pub fn broker_tls(&self, client_certificates: bool) -> rustls::ServerConfig {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .expect("TLS versions");
        let builder = if client_certificates {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(self.ca.clone()).expect("CA as a root");
            let verifier =
                rustls::server::WebPkiClientVerifier::builder_with_provider(roots.into(), provider)
                    .build()
                    .expect("client verifier");
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        builder
            .with_single_cert(
                self.broker_chain.clone(),
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.broker_key.clone())),
            )
            .expect("broker TLS config")
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    name
}
