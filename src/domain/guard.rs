//! The mass-deprovision guard's decision: which deprovisions of one enqueue run, and which wait
//! for an operator.
//!
//! One bad HR export or a wrong contract-end fan-out must not show thousands of people out
//! before anyone looks. The guard counts the deprovisions admitted within a sliding window,
//! overall and per source, and compares them with thresholds, each a count and a share of the
//! people Gatehouse manages (those whose lifecycle record holds access). The store gathers the
//! counts inside the enqueue's own transaction and applies the [`Decision`]; this module only
//! decides, so every rule is tested without a database.
//!
//! The rules, for the guarded deprovisions of one enqueue (one event's fan-out):
//!
//! 1. A `disable` (irreversible) in a fan-out of more than one person is held.
//! 2. If the overall scope or a source of the call is already tripped, the call's other
//!    deprovisions are held whole.
//! 3. Otherwise, if admitting them all would pass a threshold (the window's count plus the
//!    call's), the scopes passed trip and the call's deprovisions are held whole, before any of
//!    its people runs.
//! 4. Otherwise they are admitted, and count in the window from now on.

use std::collections::BTreeMap;

use chrono::TimeDelta;

/// One threshold: more than `count` deprovisions within the window, or more than `percent` of
/// the people managed. Either may be absent.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Limit {
    pub count: Option<u64>,
    pub percent: Option<f64>,
}

/// The guard's thresholds, as configured in `[guard]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// How far back the window reaches.
    pub window: TimeDelta,
    /// A share trips only once more than this many deprovisions are in the window, so a small
    /// population does not trip on one departure.
    pub share_floor: u64,
    /// Every source together.
    pub overall: Limit,
    /// Each source on its own, unless `sources` names it.
    pub per_source: Limit,
    /// Sources with thresholds of their own.
    pub sources: BTreeMap<String, Limit>,
}

impl Policy {
    /// The threshold of one source.
    pub fn limit_of(&self, source: &str) -> Limit {
        self.sources.get(source).copied().unwrap_or(self.per_source)
    }
}

/// What a threshold is kept for: every source together, or one source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Overall,
    Source(String),
}

impl Scope {
    /// The name the store keeps the scope's trip under: `*` for every source, else the
    /// source's name.
    pub fn key(&self) -> &str {
        match self {
            Scope::Overall => "*",
            Scope::Source(source) => source,
        }
    }

    /// The scope a stored key names.
    pub fn from_key(key: &str) -> Scope {
        match key {
            "*" => Scope::Overall,
            source => Scope::Source(source.to_owned()),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Overall => f.write_str("every source together"),
            Scope::Source(source) => write!(f, "source '{source}'"),
        }
    }
}

/// One scope's state as the store reads it at the enqueue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Deprovisions admitted within the window (since the scope last cleared, if later).
    pub recent: u64,
    /// People of the scope whose lifecycle record holds access.
    pub managed: u64,
    /// The scope tripped and has not cleared: its deprovisions are held.
    pub tripped: bool,
}

/// Every scope the call touches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Census {
    pub overall: Tally,
    pub sources: BTreeMap<String, Tally>,
}

/// One guarded deprovision of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub source: String,
    /// Its mode is `disable`.
    pub disable: bool,
}

/// A threshold passed by the call.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    pub scope: Scope,
    /// Deprovisions in the window had the call been admitted.
    pub deprovisions: u64,
    /// The most the threshold allows now (its count, or its share of `managed`).
    pub allowed: u64,
    pub limit: Limit,
    pub managed: u64,
}

impl Trip {
    /// Why the call is held, for operators.
    pub fn describe(&self, window: TimeDelta) -> String {
        format!(
            "{} passed the mass-deprovision threshold: {} deprovisions within {} (at most {} \
             allowed{})",
            self.scope,
            self.deprovisions,
            window_text(window),
            self.allowed,
            match self.limit.percent {
                Some(percent) => format!(", {percent} % of {} people managed", self.managed),
                None => String::new(),
            }
        )
    }
}

/// Why one deprovision waits for an operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Hold {
    /// A `disable` in a fan-out of this many people.
    DisableInFanOut { people: usize },
    /// The scope tripped before this call and has not cleared.
    Tripped { scope: Scope },
    /// This call passed the thresholds of the trips it caused.
    Passed { trip: Trip },
}

impl Hold {
    /// The reason kept on the held command.
    pub fn reason(&self, window: TimeDelta) -> String {
        match self {
            Hold::DisableInFanOut { people } => format!(
                "a disable (irreversible) in a fan-out of {people} people is always held for \
                 an operator"
            ),
            Hold::Tripped { scope } => format!(
                "the mass-deprovision guard is tripped for {scope}: its deprovisions are held \
                 until an operator approves or rejects them"
            ),
            Hold::Passed { trip } => trip.describe(window),
        }
    }
}

/// The guard's answer for one call: a verdict per candidate, in order, and the scopes tripped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    /// `None` admits the candidate; `Some` holds it.
    pub verdicts: Vec<Option<Hold>>,
    pub trips: Vec<Trip>,
}

/// Decides the call's guarded deprovisions; `people` is how many distinct people the call's
/// commands are for (its fan-out).
pub fn decide(
    policy: &Policy,
    census: &Census,
    candidates: &[Candidate],
    people: usize,
) -> Decision {
    let mut verdicts: Vec<Option<Hold>> = candidates
        .iter()
        .map(|candidate| {
            (candidate.disable && people > 1).then_some(Hold::DisableInFanOut { people })
        })
        .collect();
    let mut per_source: BTreeMap<&str, u64> = BTreeMap::new();
    for (candidate, verdict) in candidates.iter().zip(&verdicts) {
        if verdict.is_none() {
            *per_source.entry(candidate.source.as_str()).or_default() += 1;
        }
    }
    let adding: u64 = per_source.values().sum();
    if adding == 0 {
        return Decision {
            verdicts,
            trips: Vec::new(),
        };
    }
    let tally = |source: &str| census.sources.get(source).copied().unwrap_or_default();
    let blocked = if census.overall.tripped {
        Some(Scope::Overall)
    } else {
        per_source
            .keys()
            .find(|source| tally(source).tripped)
            .map(|source| Scope::Source((*source).to_owned()))
    };
    let mut trips = Vec::new();
    let hold = match blocked {
        Some(scope) => Some(Hold::Tripped { scope }),
        None => {
            trips.extend(passed(
                policy,
                Scope::Overall,
                policy.overall,
                census.overall,
                adding,
            ));
            for (source, count) in &per_source {
                let scope = Scope::Source((*source).to_owned());
                trips.extend(passed(
                    policy,
                    scope,
                    policy.limit_of(source),
                    tally(source),
                    *count,
                ));
            }
            trips
                .first()
                .map(|trip| Hold::Passed { trip: trip.clone() })
        }
    };
    if let Some(hold) = hold {
        for verdict in verdicts.iter_mut().filter(|verdict| verdict.is_none()) {
            *verdict = Some(hold.clone());
        }
    }
    Decision { verdicts, trips }
}

/// The trip of `scope` if admitting `adding` more would pass its threshold.
fn passed(policy: &Policy, scope: Scope, limit: Limit, tally: Tally, adding: u64) -> Option<Trip> {
    let deprovisions = tally.recent.saturating_add(adding);
    let by_count = limit.count.filter(|count| deprovisions > *count);
    let by_share = limit.percent.and_then(|percent| {
        // The share of the people managed, rounded down: "more than 5 % of 200" is more than 10.
        let allowed = (percent / 100.0 * tally.managed as f64).floor() as u64;
        (deprovisions > policy.share_floor && deprovisions > allowed).then_some(allowed)
    });
    let allowed = match (by_count, by_share) {
        (Some(count), Some(share)) => count.min(share),
        (Some(count), None) => count,
        (None, Some(share)) => share,
        (None, None) => return None,
    };
    Some(Trip {
        scope,
        deprovisions,
        allowed,
        limit,
        managed: tally.managed,
    })
}

/// A window as people write it: `10 min`, `1 h`, `90 s`.
pub fn window_text(window: TimeDelta) -> String {
    let seconds = window.num_seconds();
    if seconds % 3600 == 0 {
        format!("{} h", seconds / 3600)
    } else if seconds % 60 == 0 {
        format!("{} min", seconds / 60)
    } else {
        format!("{seconds} s")
    }
}

#[cfg(test)]
mod tests;
