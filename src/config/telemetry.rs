//! `[telemetry]`: traces, and the metrics that cost Salesforce API calls.

use serde::{Deserialize, Serialize};

/// `[telemetry]`: where traces go and how often the licence gauges are refreshed.
///
/// Traces are off unless an OTLP endpoint is known: `otlp_endpoint` here, or the standard
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT` variables, so the same
/// image runs with or without a collector. `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`
/// turn them off whatever is configured.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetryConfig {
    /// Base URL of the OTLP receiver, e.g. `http://otel-collector:4318` (HTTP) or
    /// `http://otel-collector:4317` (gRPC). For HTTP, `/v1/traces` is appended, as for
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`. Wins over the `OTEL_*` variables when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otlp_endpoint: Option<String>,
    /// `http/protobuf` or `grpc`; when unset, `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, then
    /// `OTEL_EXPORTER_OTLP_PROTOCOL`, then `http/protobuf`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otlp_protocol: Option<OtlpProtocol>,
    /// The `service.name` resource attribute; when unset, `OTEL_SERVICE_NAME`, then `gatehouse`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// How often the licence gauges may ask the org for `UserLicense` counts, in seconds. Each
    /// refresh is one API call of the daily allowance, made only while `/metrics` is scraped;
    /// 0 never asks (the gauges are then absent).
    pub licence_poll_seconds: u64,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        TelemetryConfig {
            otlp_endpoint: None,
            otlp_protocol: None,
            service_name: None,
            licence_poll_seconds: 300,
        }
    }
}

impl TelemetryConfig {
    /// What is wrong, by key.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if let Some(endpoint) = &self.otlp_endpoint {
            match url::Url::parse(endpoint) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {}
                _ => problems.push((
                    "telemetry.otlp_endpoint",
                    format!(
                        "'{endpoint}' is not an http(s) URL; use e.g. http://otel-collector:4318"
                    ),
                )),
            }
        }
        if self
            .service_name
            .as_deref()
            .is_some_and(|name| name.trim().is_empty())
        {
            problems.push((
                "telemetry.service_name",
                "must not be empty; remove the key for the default".to_owned(),
            ));
        }
        problems
    }
}

/// OTLP transports, named as `OTEL_EXPORTER_OTLP_PROTOCOL` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OtlpProtocol {
    /// Protobuf over HTTP/1.1 to `…/v1/traces` (port 4318 by convention).
    #[serde(rename = "http/protobuf")]
    HttpProtobuf,
    /// gRPC over HTTP/2 (port 4317 by convention).
    #[serde(rename = "grpc")]
    Grpc,
}

impl OtlpProtocol {
    /// Reads the standard variable's value; `http/json` is not offered (it would need a JSON
    /// encoder for no gain over protobuf).
    pub fn from_env_value(value: &str) -> Option<OtlpProtocol> {
        match value.trim() {
            "http/protobuf" => Some(OtlpProtocol::HttpProtobuf),
            "grpc" => Some(OtlpProtocol::Grpc),
            _ => None,
        }
    }
}
