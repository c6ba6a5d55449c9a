//! The demo's outcome webhook subscriber: a small receiver on loopback that takes the outcome
//! events Gatehouse delivers, checks each Standard Webhooks signature with the verifier the
//! service itself uses for incoming webhooks, and keeps what it received for the demo to print.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use anyhow::{Context, bail};
use parking_lot::Mutex;

use crate::config::{SecretRef, Settings, VerificationConfig, WebhookSubscriberConfig};
use crate::ingress::http::verify::{UnverifiedWebhook, Verifier};

/// The path the quick start's subscriber posts to.
const PATH: &str = "/outcomes";

/// One delivery whose signature checked out.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub event_type: String,
    pub subject: String,
    pub webhook_id: String,
}

/// A running receiver; [`Receiver::stop`] shuts it down.
pub struct Receiver {
    pub port: u16,
    delivered: Arc<Mutex<Vec<Delivered>>>,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    /// Starts the receiver on a free loopback port for the quick start's one subscriber, and
    /// points that subscriber at it.
    pub fn start(settings: &mut Settings) -> anyhow::Result<Receiver> {
        let subscriber = settings
            .outcomes
            .webhooks
            .first_mut()
            .context("the quick-start config has no [[outcomes.webhooks]] subscriber")?;
        let verifier = Arc::new(verifier(subscriber)?);
        let delivered = Arc::new(Mutex::new(Vec::new()));
        let state = web::Data::new((verifier, delivered.clone()));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .route(PATH, web::post().to(receive))
        })
        .workers(1)
        .disable_signals()
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .context("binding the demo's outcome webhook receiver")?;
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        subscriber.url = format!("http://127.0.0.1:{port}{PATH}");
        Ok(Receiver {
            port,
            delivered,
            handle,
        })
    }

    /// Waits (a generous bound) for a verified delivery of `event_type`.
    pub async fn wait_for(&self, event_type: &str) -> anyhow::Result<Delivered> {
        for _ in 0..300 {
            let found = self
                .delivered
                .lock()
                .iter()
                .find(|d| d.event_type == event_type)
                .cloned();
            if let Some(found) = found {
                return Ok(found);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("no {event_type} outcome was delivered to the demo's webhook receiver within 30 s")
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

/// The subscriber's secrets as a Standard Webhooks verifier: what a receiver holds to check
/// deliveries, the same secret Gatehouse signs them with.
fn verifier(subscriber: &WebhookSubscriberConfig) -> anyhow::Result<Verifier> {
    let secrets: Vec<&SecretRef> = subscriber
        .secret
        .iter()
        .chain(subscriber.secrets.iter())
        .collect();
    let mut entries = toml::value::Array::new();
    for secret in secrets {
        let resolved = secret.resolve("outcomes.webhooks.secret")?;
        let mut entry = toml::value::Table::new();
        entry.insert(
            "secret".into(),
            secrecy::ExposeSecret::expose_secret(&resolved).into(),
        );
        entries.push(entry.into());
    }
    let mut table = toml::value::Table::new();
    table.insert("scheme".into(), "standard-webhooks".into());
    table.insert("secrets".into(), entries.into());
    let config: VerificationConfig = toml::Value::Table(table)
        .try_into()
        .context("the subscriber's secrets as a verification table")?;
    Verifier::build(&config, "outcomes.webhooks").context("the subscriber's secrets")
}

type State = (Arc<Verifier>, Arc<Mutex<Vec<Delivered>>>);

async fn receive(request: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    let (verifier, delivered) = state.get_ref();
    let unverified =
        UnverifiedWebhook::from_header_map(request.method().clone(), request.headers(), body);
    let Ok(verified) = verifier.verify(unverified, chrono::Utc::now()) else {
        return HttpResponse::Unauthorized().finish();
    };
    let Ok(event) = serde_json::from_slice::<serde_json::Value>(verified.body()) else {
        return HttpResponse::BadRequest().finish();
    };
    let text = |name: &str| event[name].as_str().unwrap_or_default().to_owned();
    delivered.lock().push(Delivered {
        event_type: text("type"),
        subject: text("subject"),
        webhook_id: verified.message_id().unwrap_or_default().to_owned(),
    });
    HttpResponse::NoContent().finish()
}
