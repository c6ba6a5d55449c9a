use super::*;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

#[test]
fn traces_are_off_without_an_endpoint() {
    let config = TelemetryConfig::default();
    assert_eq!(TraceExport::resolve(&config, env(&[])).unwrap(), None);
    let disabled = env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
        ("OTEL_SDK_DISABLED", "true"),
    ]);
    assert_eq!(TraceExport::resolve(&config, disabled).unwrap(), None);
    let none = env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
        ("OTEL_TRACES_EXPORTER", "none"),
    ]);
    assert_eq!(TraceExport::resolve(&config, none).unwrap(), None);
}

#[test]
fn the_standard_variables_turn_traces_on_and_choose_the_protocol() {
    let config = TelemetryConfig::default();
    let export = TraceExport::resolve(
        &config,
        env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_SERVICE_NAME", "gatehouse-eu"),
        ]),
    )
    .unwrap()
    .expect("on");
    assert_eq!(export.protocol, OtlpProtocol::Grpc);
    assert_eq!(export.endpoint, None, "the exporter reads the variable");
    assert_eq!(export.service_name, "gatehouse-eu");
    let wrong = TraceExport::resolve(
        &config,
        env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
        ]),
    );
    assert!(matches!(wrong, Err(TraceSetupError::Protocol { .. })));
}

#[test]
fn a_configured_http_endpoint_gets_the_traces_path() {
    let config = TelemetryConfig {
        otlp_endpoint: Some("http://collector:4318/".into()),
        ..TelemetryConfig::default()
    };
    let export = TraceExport::resolve(&config, env(&[("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")]))
        .unwrap()
        .expect("on");
    assert_eq!(export.protocol, OtlpProtocol::Grpc);
    assert_eq!(export.endpoint.as_deref(), Some("http://collector:4318/"));
    let http = TraceExport::resolve(&config, env(&[]))
        .unwrap()
        .expect("on");
    assert_eq!(
        http.endpoint.as_deref(),
        Some("http://collector:4318/v1/traces")
    );
    assert_eq!(http.service_name, "gatehouse");
}

#[tokio::test]
async fn both_transports_build_an_exporter() {
    for protocol in [OtlpProtocol::HttpProtobuf, OtlpProtocol::Grpc] {
        let export = TraceExport {
            endpoint: Some("http://127.0.0.1:9".into()),
            protocol,
            service_name: "gatehouse".into(),
        };
        let provider = export.provider().expect("builds");
        let _ = provider.shutdown();
    }
}
