//! The comparison of a roster with who has access from its source: pure, no I/O.
//!
//! People with access from the source whom the roster does not list are missing: a person
//! missing for the first time gets the run's time and a due time one grace later; one missing
//! already keeps their first time. A recorded absence ends when the roster lists the person
//! again, or when they no longer have access from the source. A roster whose missing people
//! are more than `max_removal_share` of the people with access from the source is refused.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::parse::Roster;
use crate::domain::SubjectKey;
use crate::store::{Absence, WithAccess};

/// What a plan is made from.
pub struct Inputs<'a> {
    pub source: &'a str,
    pub run_id: &'a str,
    pub roster: &'a Roster,
    /// Everyone with access, from every source.
    pub with_access: &'a [WithAccess],
    /// The absences recorded for the source.
    pub absences: &'a [Absence],
    pub now: DateTime<Utc>,
    pub grace: Duration,
}

/// What the roster means for the source's people.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub listed: usize,
    /// People with access from the source.
    pub with_access: usize,
    /// Everyone missing, recorded absences with their first time, new ones with now.
    pub missing: Vec<Absence>,
    /// Recorded absences that end: listed again, or no longer with access from the source.
    pub cleared: Vec<SubjectKey>,
    /// Of `cleared`, the people listed again.
    pub reappeared: Vec<SubjectKey>,
    /// Positions in the roster of people without any access.
    pub without_access: Vec<usize>,
    pub removal_share: f64,
}

impl Plan {
    /// Compares the roster with who has access.
    pub fn make(inputs: &Inputs<'_>) -> Plan {
        let listed: HashSet<&str> = inputs
            .roster
            .people
            .iter()
            .map(|p| p.subject.as_str())
            .collect();
        let with_access: HashMap<&str, &str> = inputs
            .with_access
            .iter()
            .map(|w| (w.subject.as_str(), w.access_source.as_str()))
            .collect();
        let recorded: HashMap<&str, &Absence> = inputs
            .absences
            .iter()
            .map(|a| (a.subject.as_str(), a))
            .collect();
        let grace = TimeDelta::from_std(inputs.grace).unwrap_or(TimeDelta::MAX);
        let due_at = inputs.now.checked_add_signed(grace).unwrap_or(inputs.now);
        let mut ours = 0;
        let mut missing = Vec::new();
        for person in inputs.with_access {
            if person.access_source != inputs.source {
                continue;
            }
            ours += 1;
            if listed.contains(person.subject.as_str()) {
                continue;
            }
            missing.push(match recorded.get(person.subject.as_str()) {
                Some(absence) => (*absence).clone(),
                None => Absence {
                    subject: person.subject.clone(),
                    source: inputs.source.to_owned(),
                    first_missing_at: inputs.now,
                    due_at,
                    run_id: inputs.run_id.to_owned(),
                    command_id: None,
                },
            });
        }
        let still_missing: HashSet<&str> = missing.iter().map(|a| a.subject.as_str()).collect();
        let cleared: Vec<SubjectKey> = inputs
            .absences
            .iter()
            .filter(|a| !still_missing.contains(a.subject.as_str()))
            .map(|a| a.subject.clone())
            .collect();
        let reappeared = cleared
            .iter()
            .filter(|s| listed.contains(s.as_str()))
            .cloned()
            .collect();
        let without_access = inputs
            .roster
            .people
            .iter()
            .enumerate()
            .filter(|(_, p)| !with_access.contains_key(p.subject.as_str()))
            .map(|(i, _)| i)
            .collect();
        let removal_share = if ours == 0 {
            0.0
        } else {
            missing.len() as f64 / ours as f64
        };
        Plan {
            listed: inputs.roster.people.len(),
            with_access: ours,
            missing,
            cleared,
            reappeared,
            without_access,
            removal_share,
        }
    }

    /// Whether the roster would remove more than `max_removal_share` of the source's people.
    pub fn is_too_many(&self, max_removal_share: f64) -> bool {
        self.removal_share > max_removal_share
    }

    /// The absences this run starts (those it found missing first).
    pub fn new_missing(&self, run_id: &str) -> Vec<Absence> {
        self.missing
            .iter()
            .filter(|a| a.run_id == run_id && a.command_id.is_none())
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests;
