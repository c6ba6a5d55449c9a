//! Telemetry: structured logs, Prometheus metrics and OpenTelemetry traces.
//!
//! - Logs are JSON lines (`json`) for machines or the readable format (`text`) for people at a
//!   terminal; every line written inside a span carries that span's fields (a command's
//!   `command_id`, `subject`, `trace_id`). Personal data is masked ([`mask`]); secrets are never
//!   logged (they are `SecretString`s, which do not print).
//! - Metrics live in a per-application registry ([`Metrics`]), moved by typed events
//!   ([`events`]) and served at `GET /metrics` (`server::scrape` brings the gauges up to date).
//! - Traces follow W3C trace context from the webhook's `traceparent` to each Salesforce call
//!   ([`context`]) and leave through OTLP when an endpoint is configured ([`otlp`]), masked as
//!   the log is.
//!
//! docs/operations.md lists every metric, log field and span.

pub mod context;
pub mod events;
mod json;
pub mod kafka;
pub mod mask;
mod metrics;
pub mod otlp;

use std::io::IsTerminal;
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::fmt::format::JsonFields;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub use metrics::{CONTENT_TYPE, Metrics};
pub(crate) use metrics::{
    LicenceLabels, OutcomeOnlyLabels, ScopeLabels, StateLabels, StatusLabels,
};
pub use otlp::{TraceExport, TraceSetupError};

use crate::config::{LogConfig, LogFormat, Settings};

/// Keeps the trace exporter alive; [`Tracing::shutdown`] sends the spans still buffered.
#[must_use = "dropping it without shutdown loses the spans of the last seconds"]
pub struct Tracing {
    provider: Option<SdkTracerProvider>,
}

impl Tracing {
    /// Whether spans are exported.
    pub fn exporting(&self) -> bool {
        self.provider.is_some()
    }

    /// Flushes and stops the exporter; waits at most a few seconds for the collector. Call it
    /// outside async code, while the runtime the exporter was built in still runs.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider
            && let Err(e) = provider.shutdown_with_timeout(Duration::from_secs(5))
        {
            eprintln!("traces: the last spans could not be exported: {e}");
        }
    }
}

/// Installs the global log subscriber with logs only; later calls do nothing (tests build many
/// applications in one process).
pub fn init(config: &LogConfig) {
    let _ = subscriber(config, None);
}

/// Installs logs and, when an OTLP endpoint is configured, traces. Must run inside the tokio
/// runtime the service runs on (the exporters send from it).
pub fn install(settings: &Settings) -> Result<Tracing, TraceSetupError> {
    let export = TraceExport::resolve(&settings.telemetry, |name| std::env::var(name).ok())?;
    let provider = export.as_ref().map(TraceExport::provider).transpose()?;
    let installed = subscriber(&settings.log, provider.as_ref());
    if let Some(export) = &export {
        tracing::info!(
            protocol = ?export.protocol,
            endpoint = export.endpoint.as_deref().unwrap_or("from OTEL_EXPORTER_OTLP_* variables"),
            service_name = export.service_name,
            "exporting traces with OTLP"
        );
    }
    // A subscriber installed earlier would never send to this provider.
    Ok(Tracing {
        provider: provider.filter(|_| installed),
    })
}

/// The readable format's fields, `key=value` apart from the message, with a field named for a
/// person's email or name masked whole (as `json::FlatJson` does for JSON lines).
fn text_fields() -> impl for<'w> tracing_subscriber::fmt::FormatFields<'w> + 'static {
    use tracing_subscriber::field::MakeExt;
    tracing_subscriber::fmt::format::debug_fn(|writer, field, value| {
        let name = field.name();
        if name == "message" {
            return write!(writer, "{value:?}");
        }
        match mask::kind_of(name) {
            Some(kind) => {
                let told = format!("{value:?}");
                write!(writer, "{name}={}", kind.mask(told.trim_matches('"')))
            }
            None => write!(writer, "{name}={value:?}"),
        }
    })
    .delimited(" ")
}

fn subscriber(config: &LogConfig, provider: Option<&SdkTracerProvider>) -> bool {
    if let Some(key) = &config.mask_key
        && let Ok(key) = key.resolve("log.mask_key")
    {
        mask::set_key(secrecy::ExposeSecret::expose_secret(&key).as_bytes());
    }
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match config.format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => !std::io::stderr().is_terminal(),
    };
    let lines = if json {
        tracing_subscriber::fmt::layer()
            .fmt_fields(JsonFields::new())
            .event_format(json::FlatJson)
            .with_writer(mask::MaskingStderr)
            .boxed()
    } else {
        tracing_subscriber::fmt::layer()
            .fmt_fields(text_fields())
            .with_writer(mask::MaskingStderr)
            .boxed()
    };
    let spans = provider
        .map(|provider| tracing_opentelemetry::layer().with_tracer(provider.tracer("gatehouse")));
    tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(spans)
        .try_init()
        .is_ok()
}
