//! Operating Gatehouse: the metrics Prometheus scrapes, the log people and machines read, and
//! the traces a collector receives.

pub mod harness;
mod healthcheck;
pub mod logs;
mod masked_traces;
mod metrics;
pub mod traces;
mod traces_grpc;
