//! Random faults and added latency, reproducible from a seed.

use std::time::Duration;

use parking_lot::Mutex;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Longest latency or jitter accepted (one minute): longer only makes clients time out.
pub const MAX_DELAY_MS: u64 = 60_000;

/// How the org misbehaves on its own. Rates are fractions of authenticated data calls; the
/// three together may not exceed 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultSettings {
    /// Added to every data call.
    pub latency_ms: u64,
    /// A further delay, uniform in `0..=jitter_ms`, drawn per call.
    pub jitter_ms: u64,
    /// Fraction answered `503 SERVER_UNAVAILABLE`.
    pub server_unavailable_rate: f64,
    /// Fraction answered `400 UNABLE_TO_LOCK_ROW`.
    pub unable_to_lock_row_rate: f64,
    /// Fraction whose connection is closed without an answer.
    pub drop_rate: f64,
    /// Seed of the random draws: the same seed and the same calls give the same faults.
    pub seed: u64,
}

impl Default for FaultSettings {
    fn default() -> Self {
        FaultSettings {
            latency_ms: 0,
            jitter_ms: 0,
            server_unavailable_rate: 0.0,
            unable_to_lock_row_rate: 0.0,
            drop_rate: 0.0,
            seed: rand::random(),
        }
    }
}

/// A change to [`FaultSettings`]: fields left out keep their value. Giving `seed` (even the
/// same one) restarts the random sequence.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultUpdate {
    pub latency_ms: Option<u64>,
    pub jitter_ms: Option<u64>,
    pub server_unavailable_rate: Option<f64>,
    pub unable_to_lock_row_rate: Option<f64>,
    pub drop_rate: Option<f64>,
    pub seed: Option<u64>,
}

/// One kind of injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    ServerUnavailable,
    UnableToLockRow,
    Drop,
}

/// What the dice said for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draw {
    pub delay: Duration,
    pub fault: Option<FaultKind>,
}

/// The settings and the random state behind them.
pub struct Faults {
    state: Mutex<State>,
}

struct State {
    settings: FaultSettings,
    /// Separate streams, so turning jitter on does not shift which calls fail.
    fault_rng: ChaCha8Rng,
    jitter_rng: ChaCha8Rng,
}

impl State {
    fn new(settings: FaultSettings) -> Self {
        State {
            fault_rng: ChaCha8Rng::seed_from_u64(settings.seed),
            jitter_rng: ChaCha8Rng::seed_from_u64(settings.seed.rotate_left(32) ^ 0x5f5f),
            settings,
        }
    }
}

impl Faults {
    /// Starts the random sequence from `settings.seed`.
    pub fn new(settings: FaultSettings) -> Self {
        Faults {
            state: Mutex::new(State::new(settings)),
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> FaultSettings {
        self.state.lock().settings.clone()
    }

    /// Replaces everything and restarts the sequence.
    pub fn replace(&self, settings: FaultSettings) {
        *self.state.lock() = State::new(settings);
    }

    /// Applies a change after checking it; the settings stay as they were when it is refused.
    pub fn update(&self, update: FaultUpdate) -> Result<FaultSettings, String> {
        let mut state = self.state.lock();
        let mut next = state.settings.clone();
        let reseed = update.seed.is_some();
        next.latency_ms = update.latency_ms.unwrap_or(next.latency_ms);
        next.jitter_ms = update.jitter_ms.unwrap_or(next.jitter_ms);
        next.server_unavailable_rate = update
            .server_unavailable_rate
            .unwrap_or(next.server_unavailable_rate);
        next.unable_to_lock_row_rate = update
            .unable_to_lock_row_rate
            .unwrap_or(next.unable_to_lock_row_rate);
        next.drop_rate = update.drop_rate.unwrap_or(next.drop_rate);
        next.seed = update.seed.unwrap_or(next.seed);
        validate(&next)?;
        if reseed {
            *state = State::new(next.clone());
        } else {
            state.settings = next.clone();
        }
        Ok(next)
    }

    /// Draws the delay and fault for one call. Exactly one fault draw is made per call whatever
    /// the rates, so a seed gives the same sequence however the rates change along the way.
    pub fn draw(&self) -> Draw {
        let mut state = self.state.lock();
        let roll: f64 = state.fault_rng.r#gen();
        let s = &state.settings;
        let fault = if roll < s.server_unavailable_rate {
            Some(FaultKind::ServerUnavailable)
        } else if roll < s.server_unavailable_rate + s.unable_to_lock_row_rate {
            Some(FaultKind::UnableToLockRow)
        } else if roll < s.server_unavailable_rate + s.unable_to_lock_row_rate + s.drop_rate {
            Some(FaultKind::Drop)
        } else {
            None
        };
        let latency = s.latency_ms;
        let jitter = s.jitter_ms;
        let extra = if jitter > 0 {
            state.jitter_rng.gen_range(0..=jitter)
        } else {
            0
        };
        Draw {
            delay: Duration::from_millis(latency + extra),
            fault,
        }
    }
}

/// Checks settings before they take effect; the error says what is wrong.
pub fn validate(settings: &FaultSettings) -> Result<(), String> {
    if settings.latency_ms > MAX_DELAY_MS || settings.jitter_ms > MAX_DELAY_MS {
        return Err(format!(
            "latency_ms and jitter_ms must be at most {MAX_DELAY_MS}"
        ));
    }
    let rates = [
        ("server_unavailable_rate", settings.server_unavailable_rate),
        ("unable_to_lock_row_rate", settings.unable_to_lock_row_rate),
        ("drop_rate", settings.drop_rate),
    ];
    for (name, rate) in rates {
        if !(0.0..=1.0).contains(&rate) {
            return Err(format!("{name} must be between 0 and 1, got {rate}"));
        }
    }
    let total: f64 = rates.iter().map(|(_, r)| r).sum();
    if total > 1.0 + f64::EPSILON {
        return Err(format!("the fault rates add up to {total}, more than 1"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
