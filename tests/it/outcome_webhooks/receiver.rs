//! A subscriber's endpoint in the test: verifies each delivery's Standard Webhooks signature
//! with the subscriber's secret, records it, and answers as the test scripted.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use parking_lot::Mutex;
use serde_json::Value;
use sha2::Sha256;

/// The subscribers' secret in these tests: `whsec_` and the base64 of 24 bytes.
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub timestamp: i64,
    /// Whether a `v1` signature matched under [`SECRET`].
    pub verified: bool,
    pub content_type: String,
    pub body: Value,
    /// What the receiver answered.
    pub status: u16,
}

impl Delivery {
    pub fn event_type(&self) -> &str {
        self.body["type"].as_str().unwrap_or_default()
    }
}

/// How the receiver answers the next request.
#[derive(Debug, Clone, Copy)]
pub enum Reply {
    Status(u16),
    /// 200 after this long.
    Slow(Duration),
}

#[derive(Clone, Default)]
pub struct Receiver {
    received: Arc<Mutex<Vec<Delivery>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
}

impl Receiver {
    /// Answers the next requests with `replies`, in order, then 200.
    pub fn script(&self, replies: &[Reply]) {
        self.script.lock().extend(replies.iter().copied());
    }

    pub fn received(&self) -> Vec<Delivery> {
        self.received.lock().clone()
    }

    /// Waits until `done` holds of the requests received (at most 30 s).
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Delivery]) -> bool) -> Vec<Delivery> {
        for _ in 0..600 {
            let received = self.received();
            if done(&received) {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{what}: never came; received {:#?}", self.received());
    }
}

fn verify(id: &str, timestamp: &str, body: &[u8], header: &str) -> bool {
    let key = STANDARD
        .decode(SECRET.trim_start_matches("whsec_"))
        .unwrap();
    header.split(' ').any(|entry| {
        let Some(signature) = entry.strip_prefix("v1,") else {
            return false;
        };
        let Ok(signature) = STANDARD.decode(signature) else {
            return false;
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        mac.verify_slice(&signature).is_ok()
    })
}

async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    receiver: web::Data<Receiver>,
) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (id, timestamp) = (header("webhook-id"), header("webhook-timestamp"));
    let verified = verify(&id, &timestamp, &body, &header("webhook-signature"));
    let reply = receiver.script.lock().pop_front();
    let status = match reply {
        Some(Reply::Status(status)) => status,
        Some(Reply::Slow(wait)) => {
            tokio::time::sleep(wait).await;
            200
        }
        None => 200,
    };
    receiver.received.lock().push(Delivery {
        id,
        timestamp: timestamp.parse().unwrap_or_default(),
        verified,
        content_type: header("content-type"),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        status,
    });
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
}

/// A receiver on a port of 127.0.0.1: `POST /hooks`. Answers its URL.
pub fn start() -> (String, Receiver, actix_web::dev::ServerHandle) {
    let receiver = Receiver::default();
    let data = web::Data::new(receiver.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/hooks", web::post().to(receive))
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .unwrap();
    let url = format!("http://127.0.0.1:{}/hooks", server.addrs()[0].port());
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (url, receiver, handle)
}
