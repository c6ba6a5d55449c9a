//! `gatehouse demo`: the whole flow in one process, with nothing else to install.
//!
//! Starts the service on a temporary embedded store with the quick-start config (which selects
//! the built-in simulated org), sends the sample deliveries signed as their senders sign them,
//! and prints what happened to each. The quick start's outcome webhook subscriber points at a
//! receiver the demo starts itself (`receiver`), which shows the signup's outcome delivered and
//! its signature verified. Every step is checked; any surprise makes it exit non-zero.

mod outcomes;
mod receiver;
pub(crate) mod samples;
mod sign;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use secrecy::ExposeSecret;

use crate::clock::SystemClock;
use crate::config::VerificationConfig;
use crate::config::{Settings, StoreConfig};
use crate::startup::Application;
use crate::store::InboxFilter;

/// The quick-start config, shared with `examples/quickstart.toml` so the demo shows what a
/// newcomer will run.
const QUICKSTART: &str = include_str!("../../../examples/quickstart.toml");

pub fn run(keep: bool) -> ExitCode {
    let Some(runtime) = crate::cli::runtime() else {
        return ExitCode::FAILURE;
    };
    match runtime.block_on(demo(keep)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\ndemo FAILED: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn demo(keep: bool) -> anyhow::Result<()> {
    let dir = tempfile::Builder::new()
        .prefix("gatehouse-demo-")
        .tempdir()
        .context("creating a temporary folder for the demo store")?;
    let mut settings = Settings::from_toml(QUICKSTART).context("the quick-start config")?;
    settings.service.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.store = StoreConfig::Sqlite {
        path: dir.path().join("demo.db"),
        max_batch: 256,
    };

    let receiver = receiver::Receiver::start(&mut settings)?;

    let app = Application::build(&settings, Arc::new(SystemClock)).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let store = app.store();
    let org_url = app.simulated_org_url();
    let shutdown = app.shutdown();
    let server = tokio::spawn(app.run_until_stopped());
    println!("Gatehouse demo: the service at {base} on a temporary embedded store");
    println!("(store: {})\n", dir.path().join("demo.db").display());

    let outcome = send_story(&settings, &base).await;
    let report = match outcome {
        Ok(()) => outcomes::report(&store, org_url.as_deref()).await,
        Err(e) => Err(e),
    };
    let report = match report {
        Ok(()) => delivered(&receiver).await,
        Err(e) => Err(e),
    };
    let inbox = store
        .list(&InboxFilter {
            limit: 100,
            ..InboxFilter::default()
        })
        .await;
    shutdown.stop().await;
    server.await.context("the service task")??;
    receiver.stop().await;
    report?;

    let inbox = inbox.context("reading the inbox")?;
    println!("\nInbox: {} event(s) stored durably", inbox.len());
    for event in &inbox {
        println!(
            "  {}  {:<15} {:<9} key {} ({})",
            event.event_id.as_str(),
            event.source,
            event.status.as_str(),
            event.dedupe_key,
            event.key_origin.as_str()
        );
    }
    if inbox.len() != 3 {
        bail!("expected 3 events in the inbox, found {}", inbox.len());
    }
    println!("\nEvery step did what it should.");
    if keep {
        let kept = dir.keep();
        println!("Demo data kept in {}", kept.display());
    }
    Ok(())
}

/// Waits for the signup's outcome at the demo's subscriber and prints it.
async fn delivered(receiver: &receiver::Receiver) -> anyhow::Result<()> {
    println!(
        "\nOutcome webhook subscriber at http://127.0.0.1:{}/outcomes (waiting for the delivery):",
        receiver.port
    );
    let event = receiver.wait_for("dev.gatehouse.user.provisioned").await?;
    println!(
        "  outcome webhook delivered: {} for {} (webhook-id {}), signature verified",
        event.event_type, event.subject, event.webhook_id
    );
    Ok(())
}

async fn send_story(settings: &Settings, base: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let now = chrono::Utc::now();
    let mut first_receipt = None;
    for (n, sample) in samples::story(&now.to_rfc3339()).iter().enumerate() {
        println!("{}. {}", n + 1, sample.title);
        let request = signed(settings, &client, base, sample, now.timestamp())?;
        let (status, body) = send(request).await?;
        println!("   POST /v1/webhooks/{} -> {status} {body}", sample.source);
        if status != 202 {
            bail!("expected 202 Accepted, got {status}: {body}");
        }
        first_receipt.get_or_insert(body);
    }

    let story = samples::story(&now.to_rfc3339());
    let first = &story[0];
    println!(
        "\n{}. the partner portal redelivers the signup (a retry)",
        story.len() + 1
    );
    let (status, body) = send(signed(settings, &client, base, first, now.timestamp())?).await?;
    println!("   POST /v1/webhooks/{} -> {status} {body}", first.source);
    if status != 200 || event_id(&body) != first_receipt.as_deref().and_then(event_id) {
        bail!("expected 200 with the first receipt, got {status}: {body}");
    }
    println!("   duplicate recognised: same receipt, no new work");

    println!(
        "\n{}. someone forges a delivery with a wrong signature",
        story.len() + 2
    );
    let forged = client
        .post(format!("{base}/v1/webhooks/{}", first.source))
        .header("content-type", "application/json")
        .header("webhook-id", "msg_forged")
        .header("webhook-timestamp", now.timestamp().to_string())
        .header(
            "webhook-signature",
            "v1,bm90IGEgcmVhbCBzaWduYXR1cmUgYXQgYWxsIQ==",
        )
        .body(first.body.clone());
    let (status, body) = send(forged).await?;
    println!("   POST /v1/webhooks/{} -> {status} {body}", first.source);
    if status != 401 {
        bail!("expected 401 for a forged delivery, got {status}");
    }
    println!("   refused, nothing stored");
    Ok(())
}

fn signed(
    settings: &Settings,
    client: &reqwest::Client,
    base: &str,
    sample: &samples::Sample,
    timestamp: i64,
) -> anyhow::Result<reqwest::RequestBuilder> {
    let source = settings
        .sources
        .get(sample.source)
        .with_context(|| format!("the quick-start config has no source {}", sample.source))?;
    let request = client
        .post(format!("{base}/v1/webhooks/{}", sample.source))
        .header("content-type", "application/json")
        .body(sample.body.clone());
    Ok(match &source.verification {
        Some(VerificationConfig::StandardWebhooks(c)) => {
            let secret = first_secret(&c.secrets, sample.source)?;
            let id = sample.message_id.unwrap_or("msg_demo");
            let signature = sign::standard_webhooks(&secret, id, timestamp, &sample.body)
                .context("the demo secret is not a whsec_ secret")?;
            request
                .header("webhook-id", id)
                .header("webhook-timestamp", timestamp.to_string())
                .header("webhook-signature", signature)
        }
        Some(VerificationConfig::Hmac(c)) => {
            let secret = first_secret(&c.secrets, sample.source)?;
            let signature = sign::bamboohr(&secret, timestamp, &sample.body)
                .context("signing the BambooHR sample")?;
            request
                .header("X-BambooHR-Signature", signature)
                .header("X-BambooHR-Timestamp", timestamp.to_string())
        }
        _ => bail!("the demo cannot sign for source {}", sample.source),
    })
}

fn first_secret(secrets: &[crate::config::SecretEntry], source: &str) -> anyhow::Result<String> {
    let entry = secrets
        .first()
        .with_context(|| format!("source {source} has no secret"))?;
    let secret = entry.secret.resolve(&format!("sources.{source}"))?;
    Ok(secret.expose_secret().to_owned())
}

fn event_id(receipt: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(receipt).ok()?;
    value["event_id"].as_str().map(str::to_owned)
}

async fn send(request: reqwest::RequestBuilder) -> anyhow::Result<(u16, String)> {
    let response = request.send().await.context("sending the delivery")?;
    let status = response.status().as_u16();
    let body = response.text().await.context("reading the answer")?;
    Ok((status, body))
}
