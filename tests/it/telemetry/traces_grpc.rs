//! Traces of the real binary over OTLP/gRPC, received by a tonic trace service in the test:
//! the same single trace as over HTTP, from the sender's `traceparent` to every Salesforce
//! call.

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use tokio::sync::oneshot;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

use super::harness::{NO_PREFLIGHT, served_scenario};
use super::traces::{
    Received, assert_one_trace_to_every_salesforce_call, provision_under_the_senders_trace,
};

/// The collector's trace service: keeps every span it is sent.
struct Collector(Received);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        let spans = request
            .into_inner()
            .resource_spans
            .into_iter()
            .flat_map(|r| r.scope_spans)
            .flat_map(|s| s.spans);
        self.0.0.lock().extend(spans);
        Ok(Response::new(ExportTraceServiceResponse::default()))
    }
}

/// An OTLP/gRPC receiver on port 0; sending on the answered channel stops it, and the
/// answered task ends once it has.
async fn receiver() -> (
    u16,
    Received,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Received::default();
    let (stop, stopped) = oneshot::channel::<()>();
    // The one service is served without a router: tonic's router would pull in axum.
    let server = Server::builder().serve_with_incoming_shutdown(
        TraceServiceServer::new(Collector(received.clone())),
        TcpIncoming::from(listener),
        async {
            let _ = stopped.await;
        },
    );
    (port, received, stop, tokio::spawn(server))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_grpc_one_trace_runs_from_the_webhook_through_the_command_to_every_salesforce_call() {
    let (port, received, stop, server) = receiver().await;
    let endpoint = format!("http://127.0.0.1:{port}");
    // The start-up preflight's calls are a trace of their own; this one follows a webhook.
    let served = served_scenario()
        .config(NO_PREFLIGHT)
        .otlp(&endpoint, "grpc")
        .serve();
    provision_under_the_senders_trace(served).await;
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert_one_trace_to_every_salesforce_call(&received.0.lock());
}
