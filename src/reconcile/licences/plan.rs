//! The pure part: from what the org and the lifecycle records say, who is inactive, who is
//! exempt, and the licence report's figures. No I/O.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::org::{OrgLicences, OrgUser, id15};
use crate::config::{LicencesConfig, ReclaimAction};
use crate::store::{SubjectRecord, SubjectState};

/// Whether a licence type is held by a named user while active (member-based) or consumed per
/// login day from a monthly pool (login-based: Customer and Partner Community Login).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LicenceKind {
    MemberBased,
    LoginBased,
}

impl LicenceKind {
    fn of(name: &str, definition_key: Option<&str>) -> LicenceKind {
        let login = |text: &str| text.to_ascii_lowercase().contains("login");
        if login(name) || definition_key.is_some_and(login) {
            LicenceKind::LoginBased
        } else {
            LicenceKind::MemberBased
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LicenceKind::MemberBased => "member-based",
            LicenceKind::LoginBased => "login-based",
        }
    }
}

/// A managed person whose licence the reclaim looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inactive {
    pub subject: String,
    pub user_id: String,
    pub licence: Option<String>,
    pub profile: Option<String>,
    pub last_login: Option<DateTime<Utc>>,
    /// When the user was created: the last sign of life when never logged in.
    pub created: Option<DateTime<Utc>>,
    /// Why the person is kept, when exempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exempt: Option<String>,
}

/// What a reclaim would do, or did.
#[derive(Debug, Clone, Serialize)]
pub struct ReclaimPlan {
    pub action: ReclaimAction,
    pub reclaim_after_days: u32,
    /// Last seen before this: inactive.
    pub cutoff: DateTime<Utc>,
    /// The people whose licence is reclaimed.
    pub reclaim: Vec<Inactive>,
    /// Inactive people kept by an exemption.
    pub exempt: Vec<Inactive>,
    /// The API calls reading the org took.
    pub org_calls: u64,
}

/// One licence type in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceLine {
    pub licence: String,
    pub kind: LicenceKind,
    pub total: i64,
    pub used: i64,
    /// Held by active users Gatehouse manages.
    pub managed: i64,
    /// Held by everyone else (`used − managed`).
    pub others: i64,
    /// Active holders not seen for longer than the threshold.
    pub inactive: i64,
}

/// One managed person holding a licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonLine {
    pub subject: String,
    pub state: SubjectState,
    pub licence: Option<String>,
    pub purpose: Option<String>,
    pub sponsor: Option<String>,
    /// The Account as the intent named it (`key:P-100`, `id:001…`).
    pub account: Option<String>,
    pub last_login: Option<DateTime<Utc>>,
    /// When access is to end, as the last provision said.
    pub ends_at: Option<DateTime<Utc>>,
    pub inactive: bool,
}

/// The licence report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LicenceReport {
    pub reclaim_after_days: u32,
    pub cutoff: DateTime<Utc>,
    pub licences: Vec<LicenceLine>,
    pub people: Vec<PersonLine>,
    pub org_calls: u64,
}

/// The cutoff: last seen before it is inactive.
pub fn cutoff(config: &LicencesConfig, now: DateTime<Utc>) -> DateTime<Utc> {
    now - TimeDelta::days(i64::from(config.reclaim_after_days))
}

/// Lifecycle records paired with their active org user, by the user's id.
fn holders<'a>(
    org: &'a OrgLicences,
    subjects: &'a [SubjectRecord],
) -> Vec<(&'a SubjectRecord, &'a OrgUser)> {
    let by_id: HashMap<String, &OrgUser> = org.users.iter().map(|u| (id15(&u.id), u)).collect();
    subjects
        .iter()
        .filter_map(|s| Some((s, *by_id.get(&id15(s.user_id.as_deref()?))?)))
        .collect()
}

/// Who is reclaimed and who is kept, among the managed people the org shows active.
pub fn plan_reclaim(
    org: &OrgLicences,
    subjects: &[SubjectRecord],
    config: &LicencesConfig,
    now: DateTime<Utc>,
) -> ReclaimPlan {
    let cutoff = cutoff(config, now);
    let mut plan = ReclaimPlan {
        action: config.action,
        reclaim_after_days: config.reclaim_after_days,
        cutoff,
        reclaim: Vec::new(),
        exempt: Vec::new(),
        org_calls: org.calls,
    };
    for (subject, user) in holders(org, subjects) {
        // Only people Gatehouse last left active: a freeze or an end it made is its own.
        let inactive = user.last_seen().is_some_and(|seen| seen < cutoff);
        if subject.state != SubjectState::Provisioned || !inactive {
            continue;
        }
        let entry = Inactive {
            subject: subject.subject_key.as_str().to_owned(),
            user_id: user.id.clone(),
            licence: user.licence.clone(),
            profile: user.profile.clone(),
            last_login: user.last_login,
            created: user.created,
            exempt: exemption(subject, user, config),
        };
        if entry.exempt.is_some() {
            plan.exempt.push(entry);
        } else {
            plan.reclaim.push(entry);
        }
    }
    plan
}

/// Why the person is kept, if an exemption names them.
fn exemption(subject: &SubjectRecord, user: &OrgUser, config: &LicencesConfig) -> Option<String> {
    let key = subject.subject_key.as_str();
    if let Some(prefix) = config
        .exempt_subject_prefixes
        .iter()
        .find(|p| key.starts_with(p.as_str()))
    {
        return Some(format!("subject prefix '{prefix}'"));
    }
    if let Some(profile) = user.profile.as_deref().filter(|p| {
        config
            .exempt_profiles
            .iter()
            .any(|e| e.eq_ignore_ascii_case(p))
    }) {
        return Some(format!("profile '{profile}'"));
    }
    user.exempt_sets
        .first()
        .map(|set| format!("permission set '{set}'"))
}

/// The report: per licence type and per managed holder.
pub fn report(
    org: &OrgLicences,
    subjects: &[SubjectRecord],
    config: &LicencesConfig,
    now: DateTime<Utc>,
) -> LicenceReport {
    let cutoff = cutoff(config, now);
    let held = holders(org, subjects);
    let is_inactive = |u: &OrgUser| u.last_seen().is_some_and(|seen| seen < cutoff);
    let licences = org
        .licences
        .iter()
        .map(|l| {
            let of_type = |u: &&OrgUser| u.licence.as_deref() == Some(l.name.as_str());
            let managed = held.iter().map(|(_, u)| *u).filter(of_type).count() as i64;
            let inactive = org
                .users
                .iter()
                .filter(of_type)
                .filter(|u| is_inactive(u))
                .count() as i64;
            LicenceLine {
                licence: l.name.clone(),
                kind: LicenceKind::of(&l.name, l.definition_key.as_deref()),
                total: l.total,
                used: l.used,
                managed,
                others: (l.used - managed).max(0),
                inactive,
            }
        })
        .collect();
    let people = held
        .iter()
        .map(|(s, u)| PersonLine {
            subject: s.subject_key.as_str().to_owned(),
            state: s.state,
            licence: u.licence.clone().or_else(|| s.licence.clone()),
            purpose: s.purpose.clone(),
            sponsor: s.sponsor.clone(),
            account: s.account_ref.clone(),
            last_login: u.last_login,
            ends_at: s.end_at,
            inactive: is_inactive(u),
        })
        .collect();
    LicenceReport {
        reclaim_after_days: config.reclaim_after_days,
        cutoff,
        licences,
        people,
        org_calls: org.calls,
    }
}

#[cfg(test)]
mod tests;
