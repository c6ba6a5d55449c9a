//! `gatehouse healthcheck`, the container's probe: 0 for a live service, 1 otherwise.

use std::process::Command;

use super::harness::served_scenario;

fn healthcheck(url: &str) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["healthcheck", "--url", url])
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_probe_passes_on_a_live_service_and_fails_on_a_closed_port_or_another_answer() {
    let served = served_scenario().serve();
    let (code, err) = healthcheck(&format!("{}/healthz", served.base));
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = healthcheck(&format!("{}/no-such-page", served.base));
    assert_eq!(code, Some(1));
    assert!(err.contains("404"), "{err}");
    let (status, log) = served.stop();
    assert!(status.success(), "{log}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let (code, err) = healthcheck(&format!("http://127.0.0.1:{port}/healthz"));
    assert_eq!(code, Some(1));
    assert!(err.starts_with("unhealthy:"), "{err}");
    let (code, _) = healthcheck("https://127.0.0.1:1/healthz");
    assert_eq!(code, Some(1), "only plain http is probed");
}
