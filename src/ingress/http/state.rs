//! What the HTTP handlers share: the configured sources with their verifiers, the store, the clock.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use std::time::Instant;

use super::limits::SenderLimiter;
use crate::clock::Clock;
use crate::config::{ConfigError, Problem as ConfigProblem, Settings, SourceConfig};
use crate::ingress::http::verify::Verifier;
use crate::store::Store;

/// One source, ready to receive: its settings, its built verifier and its sender's limits.
pub struct Source {
    pub name: String,
    pub config: SourceConfig,
    pub verifier: Verifier,
    pub limiter: SenderLimiter,
}

/// Shared by every webhook handler (`web::Data<Ingress>`).
pub struct Ingress {
    /// Sources that take webhooks: those with a verification scheme.
    pub sources: HashMap<String, Source>,
    /// Sources with no verification scheme, fed only by Kafka: a webhook to one is refused.
    pub without_webhooks: HashSet<String>,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub max_body_bytes: usize,
    /// Wakes the intake when an event was accepted.
    pub intake: Arc<tokio::sync::Notify>,
}

impl Ingress {
    /// Builds every source's verifier from the settings; fails with every problem found.
    pub fn new(
        settings: &Settings,
        store: Store,
        clock: Arc<dyn Clock>,
        intake: Arc<tokio::sync::Notify>,
    ) -> Result<Ingress, ConfigError> {
        let mut sources = HashMap::new();
        let mut problems = Vec::new();
        let mut without_webhooks = HashSet::new();
        for (name, config) in &settings.sources {
            let key = format!("sources.{name}.verification");
            let Some(verification) = &config.verification else {
                without_webhooks.insert(name.clone());
                continue;
            };
            match Verifier::build(verification, &key) {
                Ok(verifier) => {
                    sources.insert(
                        name.clone(),
                        Source {
                            name: name.clone(),
                            config: config.clone(),
                            verifier,
                            limiter: SenderLimiter::new(&config.limits, Instant::now()),
                        },
                    );
                }
                Err(e) => problems.push(ConfigProblem {
                    key,
                    message: e.to_string(),
                }),
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError {
                file: None,
                problems,
            });
        }
        Ok(Ingress {
            sources,
            without_webhooks,
            store,
            clock,
            max_body_bytes: settings.service.max_body_bytes,
            intake,
        })
    }
}
