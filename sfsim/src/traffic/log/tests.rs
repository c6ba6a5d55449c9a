use super::*;

#[test]
fn credentials_in_a_query_string_are_redacted_and_the_rest_kept() {
    assert_eq!(
        redacted_query("format=json&oauth_token=00D!abc&version=latest"),
        "format=json&oauth_token=[redacted]&version=latest"
    );
    assert_eq!(
        redacted_query("TOKEN=x&q=SELECT+Id"),
        "TOKEN=[redacted]&q=SELECT+Id"
    );
    assert_eq!(
        redacted_query("oauth%5Ftoken=x"),
        "oauth%5Ftoken=[redacted]"
    );
    assert_eq!(redacted_query("tokens=x&a"), "tokens=x&a");
}

fn entry(endpoint: &str) -> LoggedRequest {
    LoggedRequest {
        seq: 0,
        time: Utc::now(),
        method: "GET".into(),
        path: "/x".into(),
        endpoint: endpoint.into(),
        status: Some(200),
        error_code: None,
        dropped: false,
        request_body: None,
        response_body: None,
    }
}

#[test]
fn the_log_keeps_the_newest_entries_and_counts_all() {
    let log = RequestLog::default();
    for _ in 0..LOG_CAPACITY + 5 {
        log.record(entry("GET /limits"));
    }
    let entries = log.entries(0, usize::MAX);
    assert_eq!(entries.len(), LOG_CAPACITY);
    assert_eq!(entries[0].seq, 6);
    assert_eq!(log.calls().total, (LOG_CAPACITY + 5) as u64);
    assert_eq!(log.entries(LOG_CAPACITY as u64 + 3, 10).len(), 2);
}

#[test]
fn long_text_is_cut() {
    let long = "é".repeat(MAX_LOGGED_CHARS + 10);
    assert_eq!(bounded(&long).chars().count(), MAX_LOGGED_CHARS + 1);
    assert_eq!(bounded("short"), "short");
}
