//! HTTPS with the generated test CA.

use reqwest::{Certificate, StatusCode};
use sfsim::SimConfig;
use sfsim::tls::{TlsFiles, dev_certificate};

use crate::support;

fn trusting(ca_pem: &[u8]) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .tls_built_in_root_certs(false)
        .add_root_certificate(Certificate::from_pem(ca_pem).unwrap())
        .build()
        .unwrap()
}

async fn serve(files: TlsFiles) -> support::TestOrg {
    support::start_with(SimConfig {
        tls: Some(files),
        ..SimConfig::default()
    })
    .await
}

#[tokio::test]
async fn https_is_served_with_a_certificate_the_local_test_ca_signed() {
    let dev = dev_certificate(&sfsim::tls::default_dir()).unwrap();
    assert!(dev.ca.ends_with("tls/ca.pem"));
    let ca = std::fs::read(&dev.ca).unwrap();
    let org = serve(dev.files.clone()).await;
    assert!(org.handle.base_url.starts_with("https://127.0.0.1:"));
    let client = trusting(&ca);
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("https://{host}:{}/services/data", org.handle.port);
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{host}");
    }
    let app = org.secret_app();
    let token = client
        .post(org.handle.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.as_deref().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::OK);
    let untrusting = reqwest::Client::builder()
        .no_proxy()
        .tls_built_in_root_certs(false)
        .build()
        .unwrap();
    assert!(
        untrusting
            .get(org.url("/services/data"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn generated_files_are_reused_and_a_lost_server_certificate_is_resigned_by_the_same_ca() {
    let dir = tempfile::tempdir().unwrap();
    let first = dev_certificate(dir.path()).unwrap();
    let ca = std::fs::read(&first.ca).unwrap();
    let leaf = std::fs::read(&first.files.cert).unwrap();
    assert!(String::from_utf8_lossy(&ca).contains("BEGIN CERTIFICATE"));

    let second = dev_certificate(dir.path()).unwrap();
    assert_eq!(second, first);
    assert_eq!(std::fs::read(&second.files.cert).unwrap(), leaf);

    std::fs::remove_file(&first.files.cert).unwrap();
    let third = dev_certificate(dir.path()).unwrap();
    assert_eq!(std::fs::read(&third.ca).unwrap(), ca);
    assert_ne!(std::fs::read(&third.files.cert).unwrap(), leaf);
    let org = serve(third.files.clone()).await;
    let response = trusting(&ca)
        .get(org.url("/services/data"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    std::fs::remove_file(&first.ca).unwrap();
    let fourth = dev_certificate(dir.path()).unwrap();
    assert_ne!(std::fs::read(&fourth.ca).unwrap(), ca);
}

#[tokio::test]
async fn files_that_are_not_a_certificate_and_key_fail_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, "not a certificate").unwrap();
    std::fs::write(&key, "not a key").unwrap();
    let started = sfsim::SimServer::start(SimConfig {
        tls: Some(TlsFiles { cert, key }),
        ..SimConfig::default()
    })
    .await;
    assert!(started.is_err());
}

/// Starts `sfsim --tls` on `dir`; its first line of output arrives on the channel once it has
/// made or found its files and is serving.
fn start_process(
    dir: &std::path::Path,
    welcomed: std::sync::mpsc::Sender<String>,
) -> std::process::Child {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sfsim"))
        .args(["--tls", "--port", "0", "--tls-dir"])
        .arg(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        let first = std::io::BufReader::new(stdout).lines().next();
        let _ = welcomed.send(first.and_then(Result::ok).unwrap_or_default());
    });
    child
}

#[tokio::test]
async fn processes_first_started_together_wait_for_the_folder_and_agree_on_one_ca() {
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    // Holding the folder's lock as another starting process would: nobody may make files.
    let held = std::fs::File::create(dir.path().join(".lock")).unwrap();
    held.lock().unwrap();
    let (welcomed, welcomes) = std::sync::mpsc::channel();
    let mut children: Vec<_> = (0..4)
        .map(|_| start_process(dir.path(), welcomed.clone()))
        .collect();
    assert!(
        welcomes.recv_timeout(Duration::from_millis(700)).is_err(),
        "a process went ahead while another held the folder"
    );
    assert!(!dir.path().join("ca.pem").exists());
    held.unlock().unwrap();
    for _ in &children {
        let line = welcomes.recv_timeout(Duration::from_secs(60)).unwrap();
        assert_eq!(line, "sfsim is running");
    }
    for child in &mut children {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let dev = dev_certificate(dir.path()).unwrap();
    let ca = std::fs::read(&dev.ca).unwrap();
    let org = serve(dev.files.clone()).await;
    let response = trusting(&ca)
        .get(org.url("/services/data"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}
