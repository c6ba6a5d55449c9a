//! Gatehouse admits external people into a Salesforce Experience Cloud site and shows them out
//! again, driven by signed webhooks and Kafka events. docs/architecture.md shows an event's way
//! through these modules and the layers they keep (each imports only from those below it):
//!
//! - `cli` — the command line: `serve`, `check-config`, `doctor`, `mapping`, `demo`, `store copy` and the operators' commands.
//! - `startup` — builds every part from the settings and runs them until told to stop.
//! - `server` — the HTTP server's own routes (`/healthz`, `/readyz`, `/metrics`) mounting the others.
//! - `ingress` — how events enter: signed webhooks over HTTP and records from Kafka, into the inbox.
//! - `publish` — outcomes going out: the outbox relayed to Kafka, and outbox pruning.
//! - `admin` — the operators' surface: the admin HTTP API and the command line's client of it.
//! - `doctor` — the org's preflight: read-only checks of a configured org, each with its fix.
//! - `reconcile` — comparisons with the org and the sources (rosters, licence hygiene), acted on through the queue.
//! - `engine` — intake, worker and executor: from accepted events to a converged org.
//! - `mapping` — rules that turn a source's event into provision and deprovision intents.
//! - `native` — native commands (JSON and protobuf) decoded straight into intents.
//! - `store` — the durable inbox, command queue, lifecycle records and outbox; the copy from SQLite to PostgreSQL.
//! - `salesforce` — the Salesforce REST client: auth, calls and their errors, composites, queries.
//! - `kafka` — librdkafka settings the consumer and the relay share.
//! - `telemetry` — logs with personal data masked, metrics, traces.
//! - `config` — the settings, loaded in layers and validated with every problem at once.
//! - `domain` — the pure types everyone agrees on: subjects, intents, outcomes, usernames.
//! - `clock` — the injected time, so tests and the store agree on what now is.
//! - `report` — an error told with every cause beneath it, for logs and answers.
//! - `problem` — refusals as RFC 9457 problem details, for every HTTP surface.
//! - `proto` — the protobuf types generated from `proto/`.

pub mod admin;
pub mod cli;
pub mod clock;
pub mod config;
pub mod doctor;
pub mod domain;
pub mod engine;
pub mod ingress;
pub mod kafka;
pub mod mapping;
pub mod native;
pub mod problem;
pub mod proto;
pub mod publish;
pub mod reconcile;
pub mod report;
pub mod salesforce;
pub mod server;
pub mod startup;
pub mod store;
pub mod telemetry;
