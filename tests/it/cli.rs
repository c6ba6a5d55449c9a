//! The `gatehouse` binary as an operator uses it: help, check-config, serve with SIGTERM, demo.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{PORTAL_SECRET, standard_signature};

fn gatehouse() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    // Every GATEHOUSE_ variable is a config override to the binary, the test suite's own
    // (GATEHOUSE_TEST_KAFKA, …) included: none may reach it unless a test sets it.
    for (name, _) in std::env::vars() {
        if name.starts_with("GATEHOUSE_") {
            command.env_remove(name);
        }
    }
    command.env("NO_COLOR", "1");
    command
}

fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.output().expect("gatehouse runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_command_has_help_that_says_how_to_use_it() {
    let (code, out, _) = run(gatehouse().arg("--help"));
    assert_eq!(code, 0);
    for word in ["serve", "check-config", "demo", "examples/quickstart.toml"] {
        assert!(out.contains(word), "top-level help lacks {word}:\n{out}");
    }
    for (command, word) in [
        ("serve", "--listen"),
        ("check-config", "redacted"),
        ("demo", "simulated"),
    ] {
        let (code, out, _) = run(gatehouse().args([command, "--help"]));
        assert_eq!(code, 0, "{command} --help");
        assert!(out.contains(word), "{command} help lacks {word}:\n{out}");
    }
}

#[test]
fn check_config_prints_the_quickstart_config_without_its_secrets() {
    let (code, out, err) =
        run(gatehouse().args(["check-config", "--config", "examples/quickstart.toml"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("partner-portal"), "{out}");
    assert!(out.contains("<inline secret>"), "{out}");
    let config = std::fs::read_to_string("examples/quickstart.toml").unwrap();
    for line in config.lines().filter(|l| l.contains("secret = \"")) {
        let secret = line.split('"').nth(1).unwrap();
        assert!(!out.contains(secret), "secret printed:\n{out}");
        assert!(!err.contains(secret), "secret printed:\n{err}");
    }
}

#[test]
fn check_config_lists_every_problem_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        r#"
[service]
max_body_bytes = 0
readiness_timeout_ms = 0

[sources.partner-portal.verification]
scheme = "standard-webhooks"
secrets = [{ secret = "not-a-whsec-secret" }]

[sources.hr.verification]
scheme = "hmac"
preset = "workday-classic"
secrets = [{ secret = { env = "GATEHOUSE_TEST_UNSET_SECRET_VAR" } }]
"#,
    )
    .unwrap();
    let (code, _, err) = run(gatehouse().args(["check-config", "--config"]).arg(&path));
    assert_eq!(code, 1);
    for key in [
        "service.max_body_bytes",
        "service.readiness_timeout_ms",
        "salesforce",
        "sources.partner-portal.verification",
        "sources.hr.verification",
    ] {
        assert!(err.contains(key), "no problem names {key}:\n{err}");
    }
    assert!(err.contains("whsec_"), "says how to fix the secret:\n{err}");
}

#[test]
fn a_real_org_needs_a_mask_key_before_serve_or_check_config_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("real-org.toml");
    let store = dir.path().join("gatehouse.db");
    std::fs::write(
        &path,
        format!(
            "[salesforce]\norg = \"remote\"\nlogin_url = \"https://acme.my.salesforce.com\"\n[salesforce.auth]\nflow = \"client-credentials\"\nclient_id = \"3MVG9\"\nclient_secret = \"not-a-real-secret\"\n[store]\nkind = \"sqlite\"\npath = \"{}\"\n",
            store.display()
        ),
    )
    .unwrap();
    for command in ["check-config", "serve"] {
        let (code, _, err) = run(gatehouse().args([command, "--config"]).arg(&path));
        assert_ne!(code, 0, "{command} went on:\n{err}");
        assert!(err.contains("log.mask_key"), "{command}:\n{err}");
        assert!(err.contains("GATEHOUSE_LOG__MASK_KEY"), "{command}:\n{err}");
    }
    assert!(!store.exists(), "nothing was started");
    let (code, out, err) = run(gatehouse()
        .args(["check-config", "--config"])
        .arg(&path)
        .env("GATEHOUSE_LOG__MASK_KEY", "a-long-random-mask-key-4f1c9e"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("mask_key"), "{out}");
    assert!(!out.contains("a-long-random-mask-key-4f1c9e"), "{out}");
}

#[test]
fn check_config_names_an_unknown_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.toml");
    std::fs::write(
        &path,
        "[salesforce]\norg = \"simulated\"\n[service]\nlisen = \"0.0.0.0:1\"\n",
    )
    .unwrap();
    let (code, _, err) = run(gatehouse().args(["check-config", "--config"]).arg(&path));
    assert_eq!(code, 1);
    assert!(err.contains("lisen"), "{err}");
}

#[test]
fn environment_variables_override_the_file() {
    let (code, out, err) = run(gatehouse()
        .args(["check-config", "--config", "examples/quickstart.toml"])
        .env("GATEHOUSE_SERVICE__LISTEN", "0.0.0.0:9443")
        .env("GATEHOUSE_STORE__PATH", "/data/gatehouse.db"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0.0.0.0:9443"), "{out}");
    assert!(out.contains("/data/gatehouse.db"), "{out}");
}

#[test]
fn variables_that_are_not_settings_leave_the_config_alone() {
    // The config file's own variable, and a secret the config reads from the environment.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.toml");
    let config = std::fs::read_to_string("examples/quickstart.toml")
        .unwrap()
        .replace(
            "token = \"quickstart-admin-token-do-not-deploy\"",
            "token = { env = \"GATEHOUSE_ADMIN_TOKEN\" }",
        );
    assert!(config.contains("GATEHOUSE_ADMIN_TOKEN"));
    std::fs::write(&path, config).unwrap();
    let (code, out, err) = run(gatehouse()
        .arg("check-config")
        .env("GATEHOUSE_CONFIG", &path)
        .env(
            "GATEHOUSE_ADMIN_TOKEN",
            "an-operators-token-long-enough-to-pass",
        ));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("GATEHOUSE_ADMIN_TOKEN"), "{out}");
    assert!(
        !out.contains("an-operators-token"),
        "secret printed:\n{out}"
    );
}

#[test]
fn check_config_on_a_missing_file_says_what_to_pass() {
    let (code, _, err) = run(gatehouse().args(["check-config", "--config", "no/such/file.toml"]));
    assert_eq!(code, 1);
    assert!(
        err.contains("no/such/file.toml") && err.contains("--config"),
        "{err}"
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_until_ready(port: u16) {
    for _ in 0..600 {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let _ =
                stream.write_all(b"GET /readyz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("gatehouse did not become ready on port {port}");
}

#[test]
fn sigterm_lets_an_in_flight_request_finish_then_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("g.toml");
    std::fs::write(
        &config,
        format!(
            "[salesforce]\norg = \"simulated\"\n[store]\nkind = \"sqlite\"\npath = \"{}\"\n[log]\nformat = \"json\"\n[sources.partner-portal.verification]\nscheme = \"standard-webhooks\"\nsecrets = [{{ secret = \"{PORTAL_SECRET}\" }}]\n",
            dir.path().join("g.db").display()
        ),
    )
    .unwrap();
    let port = free_port();
    let mut child = gatehouse()
        .args(["serve", "--config"])
        .arg(&config)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_ready(port);

    // Begin a delivery: headers and half the body, then SIGTERM, then the rest.
    let body = br#"{"type":"partner.user.signed_up","id":"evt_inflight"}"#;
    let ts = chrono::Utc::now().timestamp();
    let signature = standard_signature(PORTAL_SECRET, "msg_inflight", ts, body);
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!(
        "POST /v1/webhooks/partner-portal HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\nwebhook-id: msg_inflight\r\nwebhook-timestamp: {ts}\r\nwebhook-signature: {signature}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body[..10]).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(&body[10..]).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 202"),
        "in-flight request answered: {answer}"
    );

    let status = child.wait().unwrap();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert_eq!(status.code(), Some(0), "log:\n{log}");
    assert!(log.contains("shutdown requested"), "{log}");
    assert!(!log.contains(PORTAL_SECRET), "secret in log");
}

#[test]
fn demo_runs_the_story_and_exits_0() {
    let (code, out, err) = run(gatehouse().arg("demo"));
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    for expected in [
        "a partner signs up",
        "an employee of a customer leaves",
        "a partner contract ends",
        "duplicate recognised",
        "refused, nothing stored",
        "Inbox: 3 event(s)",
        "outcome webhook delivered: dev.gatehouse.user.provisioned for partner-portal:u-1",
        "signature verified",
    ] {
        assert!(
            out.contains(expected),
            "demo output lacks {expected:?}:\n{out}"
        );
    }
}

#[test]
fn a_command_whose_reader_has_gone_ends_without_a_panic() {
    // The read end is closed before the command starts: its first line of output meets a
    // broken pipe, as `gatehouse check-config … | head -0` would.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = gatehouse()
        .args(["check-config", "--config", "examples/quickstart.toml"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_ne!(output.status.code(), Some(101), "{stderr}");
}
