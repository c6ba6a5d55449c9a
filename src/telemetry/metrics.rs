//! The service's Prometheus metrics, one registry per running application.
//!
//! Counters and histograms move where things happen (through the typed events in
//! `telemetry::events`); gauges of state kept elsewhere — the queue, the inbox, the outbox, the
//! org's API allowance and licences — are set when `/metrics` is scraped (`server::scrape`).
//! One registry per application rather than a process-wide one, so tests that run several
//! applications in one process each read their own numbers.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The media type of [`Metrics::encode`]'s text (OpenMetrics, which Prometheus prefers).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

mod labels;

pub(crate) use labels::{
    AcceptedLabels, CallLabels, DeadLetterLabels, EndpointLabels, LicenceLabels, MappedLabels,
    OutcomeLabels, OutcomeOnlyLabels, PartitionLabels, RejectedLabels, RunLabels, ScopeLabels,
    SourceLabels, StateLabels, StatusLabels, TopicLabels, TypeLabels, VersionLabels,
};
pub(crate) use labels::{DeliveryLabels, KindLabels, SubscriberLabels};

type Seconds = Family<RunLabels, Histogram, fn() -> Histogram>;
type CallSeconds = Family<EndpointLabels, Histogram, fn() -> Histogram>;
pub(crate) type FloatGauge = Gauge<f64, AtomicU64>;

/// Every metric the service exports. Cheap to clone: clones count into the same registry.
#[derive(Clone)]
pub struct Metrics {
    pub(crate) families: Arc<Families>,
}

pub(crate) struct Families {
    registry: Registry,
    pub webhooks_received: Family<SourceLabels, Counter>,
    pub webhooks_accepted: Family<AcceptedLabels, Counter>,
    pub webhooks_rejected: Family<RejectedLabels, Counter>,
    pub ingress_throttled: Family<SourceLabels, Counter>,
    pub events_mapped: Family<MappedLabels, Counter>,
    pub commands: Family<OutcomeLabels, Counter>,
    pub command_seconds: Seconds,
    pub salesforce_calls: Family<CallLabels, Counter>,
    pub salesforce_call_seconds: CallSeconds,
    pub api_used: Gauge,
    pub api_limit: Gauge,
    pub api_reserve: Gauge,
    pub api_gate_open: Gauge,
    pub call_share: Gauge,
    pub calls_in_flight: Gauge,
    pub replicas_alive: Gauge,
    pub licences_used: Family<LicenceLabels, Gauge>,
    pub licences_capacity: Family<LicenceLabels, Gauge>,
    pub commands_by_state: Family<StateLabels, Gauge>,
    pub outcomes_stored: Family<OutcomeOnlyLabels, Gauge>,
    pub inbox_events: Family<StatusLabels, Gauge>,
    pub outbox_lag: FloatGauge,
    pub guard_tripped: Family<ScopeLabels, Gauge>,
    pub guard_trips: Family<ScopeLabels, Gauge>,
    pub outcomes_published: Family<TypeLabels, Counter>,
    pub outcome_publish_failures: Counter,
    pub kafka_records_consumed: Family<TopicLabels, Counter>,
    pub kafka_records_dead_lettered: Family<DeadLetterLabels, Counter>,
    pub kafka_consumer_lag: Family<PartitionLabels, Gauge>,
    pub kafka_partition_pauses: Family<TopicLabels, Counter>,
    pub webhook_deliveries: Family<DeliveryLabels, Counter>,
    pub webhook_subscriber_failing: Family<SubscriberLabels, Gauge>,
    pub webhook_subscriber_disabled: Family<SubscriberLabels, Gauge>,
    pub retention_scrubbed: Family<KindLabels, Counter>,
}

fn command_histogram() -> Histogram {
    // 10 ms to about 80 s: a provision is a few composite calls, a retried one much longer.
    Histogram::new(exponential_buckets(0.01, 2.0, 14))
}

fn call_histogram() -> Histogram {
    // 5 ms to about 40 s, the default request timeout being 30 s.
    Histogram::new(exponential_buckets(0.005, 2.0, 14))
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// A fresh registry with every metric registered (and `gatehouse_build_info` set).
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let families = Families {
            webhooks_received: Family::default(),
            webhooks_accepted: Family::default(),
            webhooks_rejected: Family::default(),
            ingress_throttled: Family::default(),
            events_mapped: Family::default(),
            commands: Family::default(),
            command_seconds: Family::new_with_constructor(command_histogram),
            salesforce_calls: Family::default(),
            salesforce_call_seconds: Family::new_with_constructor(call_histogram),
            api_used: Gauge::default(),
            api_limit: Gauge::default(),
            api_reserve: Gauge::default(),
            api_gate_open: Gauge::default(),
            call_share: Gauge::default(),
            calls_in_flight: Gauge::default(),
            replicas_alive: Gauge::default(),
            licences_used: Family::default(),
            licences_capacity: Family::default(),
            commands_by_state: Family::default(),
            outcomes_stored: Family::default(),
            inbox_events: Family::default(),
            outbox_lag: FloatGauge::default(),
            guard_tripped: Family::default(),
            guard_trips: Family::default(),
            outcomes_published: Family::default(),
            outcome_publish_failures: Counter::default(),
            kafka_records_consumed: Family::default(),
            kafka_records_dead_lettered: Family::default(),
            kafka_consumer_lag: Family::default(),
            kafka_partition_pauses: Family::default(),
            webhook_deliveries: Family::default(),
            webhook_subscriber_failing: Family::default(),
            webhook_subscriber_disabled: Family::default(),
            retention_scrubbed: Family::default(),
            registry: Registry::default(),
        };
        families.register_intake(&mut registry);
        families.register_commands(&mut registry);
        families.register_salesforce(&mut registry);
        families.register_store(&mut registry);
        families.register_publishing(&mut registry);
        families.register_kafka_consumer(&mut registry);
        register_build_info(&mut registry);
        Metrics {
            families: Arc::new(Families {
                registry,
                ..families
            }),
        }
    }

    /// The registry as OpenMetrics text ([`CONTENT_TYPE`]).
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.families.registry);
        text
    }
}

impl Families {
    /// Webhooks received, accepted and refused, and what the mapping made of them.
    fn register_intake(&self, registry: &mut Registry) {
        registry.register(
            "gatehouse_webhooks_received",
            "Webhook deliveries received, by source ('unknown' for a source not configured)",
            self.webhooks_received.clone(),
        );
        registry.register(
            "gatehouse_webhooks_accepted",
            "Webhook deliveries stored in the inbox (duplicate=true: a redelivery, nothing new stored)",
            self.webhooks_accepted.clone(),
        );
        registry.register(
            "gatehouse_webhooks_rejected",
            "Webhook deliveries refused, by source and reason (the problem type, see docs/problems.md)",
            self.webhooks_rejected.clone(),
        );
        registry.register(
            "gatehouse_ingress_throttled",
            "Webhook deliveries answered 429 because their source was over its limits ([sources.NAME.limits]), by source",
            self.ingress_throttled.clone(),
        );
        registry.register(
            "gatehouse_events_mapped",
            "Inbox events handled by the mapping rules, by result (mapped, ignored, unmapped)",
            self.events_mapped.clone(),
        );
    }

    /// Commands run to an outcome, and how long their runs took.
    fn register_commands(&self, registry: &mut Registry) {
        registry.register(
            "gatehouse_commands",
            "Commands this process ran to an outcome, by intent and outcome",
            self.commands.clone(),
        );
        registry.register(
            "gatehouse_command_duration_seconds",
            "Time from claiming a command to the end of its run, by intent and result (an outcome, retrying or parked)",
            self.command_seconds.clone(),
        );
    }

    /// Calls to the org, its API allowance and its licences.
    fn register_salesforce(&self, registry: &mut Registry) {
        registry.register(
            "gatehouse_salesforce_calls",
            "Salesforce API calls sent, by method, endpoint template, HTTP status ('error' when no answer came) and errorCode",
            self.salesforce_calls.clone(),
        );
        registry.register(
            "gatehouse_salesforce_call_duration_seconds",
            "Time of one Salesforce API call, by endpoint template",
            self.salesforce_call_seconds.clone(),
        );
        registry.register(
            "gatehouse_salesforce_api_calls_used",
            "The org's API calls used in the rolling 24 hours, as the last answer's Sforce-Limit-Info said",
            self.api_used.clone(),
        );
        registry.register(
            "gatehouse_salesforce_api_calls_limit",
            "The org's daily API call allowance, as the last answer's Sforce-Limit-Info said",
            self.api_limit.clone(),
        );
        registry.register(
            "gatehouse_salesforce_api_calls_reserve",
            "API calls of the allowance Gatehouse leaves to other integrations ([salesforce.api] reserve)",
            self.api_reserve.clone(),
        );
        registry.register(
            "gatehouse_salesforce_api_gate_open",
            "1 while calls may be made; 0 while they wait for the allowance (reserve reached or REQUEST_LIMIT_EXCEEDED)",
            self.api_gate_open.clone(),
        );
        registry.register(
            "gatehouse_salesforce_concurrent_calls_share",
            "This replica's share of [salesforce.api] max_concurrent_calls: the org-wide cap divided among the replicas alive",
            self.call_share.clone(),
        );
        registry.register(
            "gatehouse_salesforce_calls_in_flight",
            "Salesforce calls this replica has in flight now",
            self.calls_in_flight.clone(),
        );
        registry.register(
            "gatehouse_replicas_alive",
            "Replicas sharing the store that answered the last roll call, this one included",
            self.replicas_alive.clone(),
        );
        registry.register(
            "gatehouse_salesforce_licences_used",
            "UsedLicenses per user licence, as last polled ([telemetry] licence_poll_seconds)",
            self.licences_used.clone(),
        );
        registry.register(
            "gatehouse_salesforce_licences_capacity",
            "TotalLicenses per user licence, as last polled ([telemetry] licence_poll_seconds)",
            self.licences_capacity.clone(),
        );
    }

    /// The queue, the inbox and the outbox, as the store holds them at a scrape.
    fn register_store(&self, registry: &mut Registry) {
        registry.register(
            "gatehouse_queue_commands",
            "Commands in the store by state (queued, scheduled, running, retrying, parked, held, done)",
            self.commands_by_state.clone(),
        );
        registry.register(
            "gatehouse_queue_outcomes",
            "Commands in the store by outcome (dead_lettered ones wait for an operator)",
            self.outcomes_stored.clone(),
        );
        registry.register(
            "gatehouse_inbox_events",
            "Events in the inbox by status (accepted ones wait for the mapping)",
            self.inbox_events.clone(),
        );
        registry.register(
            "gatehouse_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest outcome event not yet published (0 when none waits)",
            self.outbox_lag.clone(),
        );
        registry.register(
            "gatehouse_guard_tripped",
            "1 while the mass-deprovision guard holds a scope's deprovisions (scope * is every source together), 0 once it cleared",
            self.guard_tripped.clone(),
        );
        registry.register(
            "gatehouse_retention_scrubbed",
            "Records retention scrubbed of personal data or deleted past their configured time, by kind (inbox_bodies, commands, history, rosters, reconcile_reports, webhook_deliveries, audit)",
            self.retention_scrubbed.clone(),
        );
        registry.register(
            "gatehouse_guard_trips",
            "Times each scope of the mass-deprovision guard has tripped, as the store counts them (shared by every replica)",
            self.guard_trips.clone(),
        );
    }

    /// Outcome events published to Kafka, and those the broker refused.
    fn register_publishing(&self, registry: &mut Registry) {
        registry.register(
            "gatehouse_outcomes_published",
            "Outcome events the broker acknowledged on the outcome topic, by CloudEvents type (a re-publish after a crash counts again)",
            self.outcomes_published.clone(),
        );
        registry.register(
            "gatehouse_outcome_publish_failures",
            "Outcome events the broker did not acknowledge; each is published again after a backoff",
            self.outcome_publish_failures.clone(),
        );
        registry.register(
            "gatehouse_webhook_deliveries",
            "Outcome webhook attempts by subscriber and result: delivered, retrying (sent again after a backoff), failed (given up at the end of the retry window), gone (410: the subscriber is disabled)",
            self.webhook_deliveries.clone(),
        );
        registry.register(
            "gatehouse_webhook_subscriber_failing",
            "1 while an outcome webhook subscriber has a delivery given up and none delivered since",
            self.webhook_subscriber_failing.clone(),
        );
        registry.register(
            "gatehouse_webhook_subscriber_disabled",
            "1 while an outcome webhook subscriber is disabled (it answered 410 Gone) until an operator enables it",
            self.webhook_subscriber_disabled.clone(),
        );
    }

    /// Records consumed from Kafka: handled, dead-lettered, lagging, paused for.
    fn register_kafka_consumer(&self, registry: &mut Registry) {
        registry.register(
            "gatehouse_kafka_records_consumed",
            "Kafka records handled, by topic: stored in the inbox (redeliveries included) or dead-lettered; counted once their offset is stored",
            self.kafka_records_consumed.clone(),
        );
        registry.register(
            "gatehouse_kafka_records_dead_lettered",
            "Kafka records that could not be decoded and went to the dead-letter topic, by topic and reason (docs/kafka.md)",
            self.kafka_records_dead_lettered.clone(),
        );
        registry.register(
            "gatehouse_kafka_consumer_lag",
            "Records of an assigned partition not yet durably in the inbox (high watermark minus stored offset), from librdkafka's statistics",
            self.kafka_consumer_lag.clone(),
        );
        registry.register(
            "gatehouse_kafka_partition_pauses",
            "Times a partition was paused because its task fell behind (kafka.hold_back_kib held in memory); the records wait in Kafka meanwhile",
            self.kafka_partition_pauses.clone(),
        );
    }
}

/// `gatehouse_build_info`: always 1, labelled with the version that runs.
fn register_build_info(registry: &mut Registry) {
    let build_info = Family::<VersionLabels, Gauge>::default();
    build_info
        .get_or_create(&VersionLabels {
            version: env!("CARGO_PKG_VERSION").to_owned(),
        })
        .set(1);
    registry.register(
        "gatehouse_build_info",
        "Always 1; the version label says which Gatehouse runs",
        build_info,
    );
}
