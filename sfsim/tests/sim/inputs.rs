//! Garbage in: random paths, methods, headers and bodies, and malformed HTTP. Nothing may
//! panic, and every answer keeps its caller's error shape.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{self, Answer};

const PREFIXES: [&str; 11] = [
    "/services/data/v68.0",
    "/services/data/v68.0/sobjects",
    "/services/data/v68.0/query",
    "/services/data/v46.0/composite",
    "/services/data",
    "/services/data/v",
    "/services/oauth2",
    "/__sim",
    "/",
    "/services",
    "/id/00D5g0000000001EAA",
];

const METHODS: [&str; 10] = [
    "GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD", "TRACE", "BREW", "PROPFIND",
];

const CONTENT_TYPES: [Option<&str>; 5] = [
    None,
    Some("application/json"),
    Some("application/x-www-form-urlencoded"),
    Some("text/plain; charset=utf-8"),
    Some("multipart/form-data; boundary=zz"),
];

fn random_text(rng: &mut ChaCha8Rng, max: usize) -> String {
    let alphabet: Vec<char> = "abcXYZ019 _-.~!$&'()*+,;=:@%/?#[]{}\"<>\\^`|éß中🙂\u{0}\t"
        .chars()
        .collect();
    let len = rng.gen_range(0..=max);
    (0..len)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
        .collect()
}

/// Whether an error answer has the shape its area promises.
fn shaped(path: &str, body: &Value) -> bool {
    if path.starts_with("/id/") {
        // The identity service refuses with one plain word (`Bad_OAuth_Token`).
        return body.as_str().is_some_and(|word| {
            !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    }
    if path.starts_with("/__sim") || path.starts_with("/services/oauth2/") {
        body.get("error").is_some_and(Value::is_string)
    } else {
        body.as_array().is_some_and(|errors| {
            !errors.is_empty()
                && errors.iter().all(|e| {
                    e.get("errorCode").is_some_and(Value::is_string)
                        && e.get("message").is_some_and(Value::is_string)
                })
        })
    }
}

#[tokio::test]
async fn random_requests_always_get_an_answer_in_their_callers_shape() {
    let org = support::start().await;
    let token = org.token().await;
    let mut rng = ChaCha8Rng::seed_from_u64(20_260_101);
    for round in 0..400 {
        let method = METHODS[rng.gen_range(0..METHODS.len())];
        let prefix = PREFIXES[rng.gen_range(0..PREFIXES.len())];
        let tail = random_text(&mut rng, 40);
        let raw = format!("{}{prefix}/{tail}", org.handle.base_url);
        let Ok(url) = reqwest::Url::parse(&raw) else {
            continue;
        };
        // The control endpoints are the test's own door; only read them, so the rounds
        // that follow still have an org and a token to work with.
        if url.path().starts_with("/__sim") && method != "GET" {
            continue;
        }
        let mut request = org
            .http
            .request(Method::from_bytes(method.as_bytes()).unwrap(), url.clone());
        if rng.gen_bool(0.7) {
            request = request.bearer_auth(&token);
        }
        if let Some(content_type) = CONTENT_TYPES[rng.gen_range(0..CONTENT_TYPES.len())] {
            request = request.header("Content-Type", content_type);
        }
        let body: Vec<u8> = (0..rng.gen_range(0..600)).map(|_| rng.r#gen()).collect();
        if !body.is_empty() && method != "GET" && method != "HEAD" {
            request = request.body(body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("round {round}: {method} {url} got no answer: {e}"));
        let answer = Answer::read(response).await;
        if answer.status.as_u16() >= 400 && method != "HEAD" {
            assert!(
                shaped(url.path(), &answer.body),
                "round {round}: {method} {url} answered {} {:?}",
                answer.status,
                answer.body
            );
        }
    }
    let alive = org
        .http
        .get(org.url("/services/data"))
        .send()
        .await
        .unwrap();
    assert_eq!(alive.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_http_does_not_take_the_server_down() {
    let org = support::start().await;
    let long_header = format!(
        "GET /services/data HTTP/1.1\r\nHost: x\r\nX-Long: {}\r\n\r\n",
        "a".repeat(100_000)
    );
    let garbage: Vec<Vec<u8>> = vec![
        b"\x00\x01\x02\xff\xfe garbage\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n".to_vec(),
        b"POST /services/data/v68.0/limits HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
        b"GET /services/data/v68.0/\xc3\x28 HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        long_header.into_bytes(),
    ];
    for bytes in garbage {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", org.handle.port))
            .await
            .unwrap();
        let _ = stream.write_all(&bytes).await;
        let _ = stream.shutdown().await;
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read_to_end(&mut sink),
        )
        .await;
    }
    let client = org.client().await;
    assert_eq!(client.get("/limits").await.status, StatusCode::OK);
}
