//! Exporting spans with OTLP, over HTTP (protobuf) or gRPC.
//!
//! Off unless an endpoint is known (config or the standard `OTEL_*` variables). The HTTP
//! transport is the service's own reqwest client behind the exporter's `HttpClient` trait, so
//! no second HTTP stack is built, and https endpoints work with the same rustls as the
//! Salesforce client. gRPC goes through tonic without TLS: point it at a collector next to the
//! service, or use HTTP for a remote endpoint.

use std::time::Duration;

use bytes::Bytes;
use opentelemetry_http::{HttpClient, HttpError};
use opentelemetry_otlp::{SpanExporter, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{BatchSpanProcessor, SdkTracerProvider};

use crate::config::{OtlpProtocol, TelemetryConfig};

mod masking;

/// Why traces could not be set up; start-up stops on it rather than run untraced by surprise.
#[derive(Debug, thiserror::Error)]
pub enum TraceSetupError {
    #[error("the OTLP span exporter could not be built")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
    #[error("the HTTP client for OTLP could not be built")]
    Client(#[from] reqwest::Error),
    #[error("{variable}='{value}' is not an OTLP protocol; use http/protobuf or grpc")]
    Protocol {
        variable: &'static str,
        value: String,
    },
}

/// Where and how spans go, resolved from the config and the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceExport {
    /// `None`: the exporter reads `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT` itself.
    pub endpoint: Option<String>,
    pub protocol: OtlpProtocol,
    pub service_name: String,
}

impl TraceExport {
    /// What the config and the variables ask for; `None` when traces are off.
    pub fn resolve(
        config: &TelemetryConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<TraceExport>, TraceSetupError> {
        let set = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let disabled = set("OTEL_SDK_DISABLED").is_some_and(|v| v.trim() == "true")
            || set("OTEL_TRACES_EXPORTER").is_some_and(|v| v.trim() == "none");
        let env_endpoint = set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            .or_else(|| set("OTEL_EXPORTER_OTLP_ENDPOINT"))
            .is_some();
        if disabled || (config.otlp_endpoint.is_none() && !env_endpoint) {
            return Ok(None);
        }
        let protocol = match config.otlp_protocol {
            Some(protocol) => protocol,
            None => {
                let mut chosen = OtlpProtocol::HttpProtobuf;
                for variable in [
                    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                    "OTEL_EXPORTER_OTLP_PROTOCOL",
                ] {
                    if let Some(value) = set(variable) {
                        chosen = OtlpProtocol::from_env_value(&value)
                            .ok_or(TraceSetupError::Protocol { variable, value })?;
                        break;
                    }
                }
                chosen
            }
        };
        let endpoint = config.otlp_endpoint.as_ref().map(|base| match protocol {
            // As for OTEL_EXPORTER_OTLP_ENDPOINT: the signal's path goes after the base.
            OtlpProtocol::HttpProtobuf => format!("{}/v1/traces", base.trim_end_matches('/')),
            OtlpProtocol::Grpc => base.clone(),
        });
        let service_name = config
            .service_name
            .clone()
            .or_else(|| set("OTEL_SERVICE_NAME"))
            .unwrap_or_else(|| "gatehouse".to_owned());
        Ok(Some(TraceExport {
            endpoint,
            protocol,
            service_name,
        }))
    }

    /// Builds the provider with a batch processor (its own thread; exports run on the tokio
    /// runtime this is called in, which must outlive the provider's shutdown), every span
    /// masked before it is queued (`masking`).
    pub fn provider(&self) -> Result<SdkTracerProvider, TraceSetupError> {
        let exporter = match self.protocol {
            OtlpProtocol::HttpProtobuf => {
                let mut builder = SpanExporter::builder()
                    .with_http()
                    .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
                    .with_http_client(RuntimeClient::new()?);
                if let Some(endpoint) = &self.endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                builder.build()?
            }
            OtlpProtocol::Grpc => {
                let mut builder = SpanExporter::builder().with_tonic();
                if let Some(endpoint) = &self.endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                builder.build()?
            }
        };
        let resource = Resource::builder()
            .with_service_name(self.service_name.clone())
            .build();
        Ok(SdkTracerProvider::builder()
            .with_span_processor(masking::Masking(
                BatchSpanProcessor::builder(exporter).build(),
            ))
            .with_resource(resource)
            .build())
    }
}

/// The exporter's HTTP client: reqwest, run on the service's tokio runtime. The batch
/// processor exports from its own thread, where reqwest's futures cannot run; they are
/// spawned onto the runtime and awaited from there.
#[derive(Debug)]
struct RuntimeClient {
    client: reqwest::Client,
    runtime: tokio::runtime::Handle,
}

/// Longest wait for the collector; spans of a batch that times out are dropped, never the
/// service's work.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(10);

impl RuntimeClient {
    fn new() -> Result<RuntimeClient, reqwest::Error> {
        Ok(RuntimeClient {
            client: reqwest::Client::builder()
                .use_rustls_tls()
                .timeout(EXPORT_TIMEOUT)
                .build()?,
            runtime: tokio::runtime::Handle::current(),
        })
    }
}

#[async_trait::async_trait]
impl HttpClient for RuntimeClient {
    async fn send_bytes(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, HttpError> {
        let client = self.client.clone();
        let task = self.runtime.spawn(async move {
            let (parts, body) = request.into_parts();
            let answer = client
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await?;
            let status = answer.status();
            let headers = answer.headers().clone();
            let body = answer.bytes().await?;
            let mut response = http::Response::new(body);
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            Ok::<_, HttpError>(response)
        });
        task.await?
    }
}

#[cfg(test)]
mod tests;
