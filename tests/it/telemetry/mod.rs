//! Operating Gatehouse: the metrics Prometheus scrapes, the log people and machines read, and
//! the traces a collector receives.

pub mod harness;
mod healthcheck;
mod logs;
mod metrics;
pub mod traces;
