//! Each member's deprovision decided from what the group's read found, by the rules a single
//! run keeps: `deprovision_known_user` for a user whose id the lifecycle record holds,
//! `plan_deprovision` for anyone else.

use super::read::{Seen, What};
use crate::domain::{DeprovisionMode, LicenceEffect, SalesforceIds};
use crate::engine::executor::Done;
use crate::engine::plan::{
    DeprovisionPlan, DeprovisionWrite, Observed, ObservedUser, plan_deprovision,
};
use crate::salesforce::Record;
use crate::store::{ClaimedCommand, SubjectState};

/// One record change of a member's deprovision.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Write {
    pub sobject: &'static str,
    pub id: String,
    pub field: &'static str,
    pub value: bool,
}

/// What a member needs written, and what it reports once written.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Planned {
    pub user_id: String,
    /// The deprovision's own write; `None` when only a freeze is lifted.
    pub write: Option<Write>,
    /// Gatehouse's own freeze to lift in the same go (the login's id).
    pub unfreeze: Option<String>,
    pub step: &'static str,
    pub licence_effect: LicenceEffect,
    /// The licence the user holds, for an outcome with nothing to change.
    pub licence: Option<String>,
}

/// A member's way on.
pub(super) enum Plan {
    /// Nothing to write: the outcome is this.
    Settled(Done),
    Write(Planned),
    /// Not covered here (a user gone or unlinked, several users, a read that failed): the
    /// member runs alone.
    Alone,
}

/// What a member is read by: the user's id when the lifecycle record holds it and the
/// licence, else the subject's key.
pub(super) fn lookup(claimed: &ClaimedCommand) -> Lookup<'_> {
    match (&claimed.subject.user_id, &claimed.subject.licence) {
        (Some(user_id), Some(licence)) => Lookup::Known { user_id, licence },
        _ => Lookup::Keyed {
            key: claimed.command.subject.as_str(),
        },
    }
}

pub(super) enum Lookup<'a> {
    Known { user_id: &'a str, licence: &'a str },
    Keyed { key: &'a str },
}

/// Whether a known user's deactivation lifts Gatehouse's own freeze (see
/// `apply::deprovision_known_user`).
pub(super) fn lifts_freeze(claimed: &ClaimedCommand, mode: DeprovisionMode) -> bool {
    claimed.subject.state == SubjectState::Frozen && mode == DeprovisionMode::Deactivate
}

/// The plan of a member whose user id and licence the lifecycle record holds.
pub(super) fn known(
    seen: &Seen,
    user_id: &str,
    licence: &str,
    mode: DeprovisionMode,
    lift_freeze: bool,
) -> Plan {
    let Some(rows) = seen.get(What::UsersById, user_id) else {
        return Plan::Alone;
    };
    // Gone, or unlinked from its Contact (disabled): not this subject's user any more.
    let Some(user) = rows.first().filter(|u| u.text("ContactId").is_some()) else {
        return Plan::Alone;
    };
    let was_active = user.flag("IsActive") == Some(true);
    let login = match seen.get(What::LoginsById, user_id) {
        Some(rows) => rows.first().and_then(login_of),
        None if mode.freezes() || lift_freeze => return Plan::Alone,
        None => None,
    };
    let unchanged = || {
        Plan::Settled(Done::Unchanged {
            ids: ids(user_id),
            licence: Some(licence.to_owned()),
            why: "the user is already out",
            names: None,
        })
    };
    let held = |effect: bool, made: fn(String) -> LicenceEffect| {
        if effect {
            made(licence.to_owned())
        } else {
            LicenceEffect::Unchanged
        }
    };
    let planned = |write: Write, step, licence_effect| Planned {
        user_id: user_id.to_owned(),
        write: Some(write),
        unfreeze: None,
        step,
        licence_effect,
        licence: Some(licence.to_owned()),
    };
    if mode.freezes() {
        return match login {
            None => Plan::Alone,
            Some((_, true)) => unchanged(),
            Some((login_id, false)) => Plan::Write(planned(
                freeze(login_id),
                "user.frozen",
                held(was_active, |licence| LicenceEffect::Kept { licence }),
            )),
        };
    }
    let freed = held(was_active, |licence| LicenceEffect::Freed { licence });
    let mut plan = match mode {
        DeprovisionMode::Disable => planned(disable(user_id), "user.disabled", freed),
        _ if was_active => planned(deactivate(user_id), "user.deactivated", freed),
        _ if !lift_freeze => return unchanged(),
        _ => Planned {
            write: None,
            ..planned(deactivate(user_id), "user.deactivated", freed)
        },
    };
    if lift_freeze {
        plan.unfreeze = login.map(|(id, _)| id);
    }
    Plan::Write(plan)
}

/// The plan of a member found by the subject's key.
pub(super) fn keyed(seen: &Seen, key: &str, mode: DeprovisionMode) -> Plan {
    let Some(users) = seen.get(What::UsersByKey, key) else {
        return Plan::Alone;
    };
    let user = match users {
        [] => None,
        [user] => Some(user),
        // Several Contacts carry the key, each with a user: the single run decides.
        _ => return Plan::Alone,
    };
    let observed_user = user.and_then(observed);
    if user.is_some() && observed_user.is_none() {
        return Plan::Alone;
    }
    let login = match &observed_user {
        Some(user) if mode.freezes() => {
            if seen.get(What::LoginsByKey, key).is_none() {
                return Plan::Alone;
            }
            seen.get(What::LoginsById, &user.id)
                .and_then(|rows| rows.first().and_then(login_of))
        }
        _ => None,
    };
    let user_id = observed_user.as_ref().map(|u| u.id.clone());
    let licence = observed_user.as_ref().and_then(|u| u.licence.clone());
    let observed = Observed {
        user: observed_user,
        login,
        ..Observed::default()
    };
    match plan_deprovision(mode, &observed) {
        DeprovisionPlan::NoChange { why } => Plan::Settled(Done::Unchanged {
            ids: SalesforceIds {
                user_id,
                ..SalesforceIds::default()
            },
            licence,
            why,
            names: None,
        }),
        DeprovisionPlan::Write {
            writes,
            licence_effect,
        } => match (writes.as_slice(), user_id) {
            ([write], Some(user_id)) => {
                let (write, step) = match write {
                    DeprovisionWrite::Deactivate { user_id } => {
                        (deactivate(user_id), "user.deactivated")
                    }
                    DeprovisionWrite::Freeze { login_id } => {
                        (freeze(login_id.clone()), "user.frozen")
                    }
                    DeprovisionWrite::Disable { user_id } => (disable(user_id), "user.disabled"),
                };
                Plan::Write(Planned {
                    user_id,
                    write: Some(write),
                    unfreeze: None,
                    step,
                    licence_effect,
                    licence,
                })
            }
            _ => Plan::Alone,
        },
    }
}

fn ids(user_id: &str) -> SalesforceIds {
    SalesforceIds {
        user_id: Some(user_id.to_owned()),
        ..SalesforceIds::default()
    }
}

/// A login row as (id, frozen).
fn login_of(row: &Record) -> Option<(String, bool)> {
    Some((row.id()?.to_owned(), row.flag("IsFrozen").unwrap_or(false)))
}

/// A user row as the planning reads it; only what a deprovision looks at is filled.
fn observed(row: &Record) -> Option<ObservedUser> {
    Some(ObservedUser {
        id: row.id()?.to_owned(),
        username: String::new(),
        is_active: row.flag("IsActive").unwrap_or(false),
        contact_id: row.text("ContactId").map(str::to_owned),
        profile_id: String::new(),
        profile_name: None,
        licence: row
            .parent("Profile")
            .and_then(|p| p.parent("UserLicense"))
            .and_then(|l| l.text("Name").map(str::to_owned)),
        first_name: None,
        last_name: None,
        email: None,
        nickname: None,
        role_id: None,
        portal_role: None,
    })
}

fn deactivate(user_id: &str) -> Write {
    Write {
        sobject: "User",
        id: user_id.to_owned(),
        field: "IsActive",
        value: false,
    }
}

fn disable(user_id: &str) -> Write {
    Write {
        sobject: "User",
        id: user_id.to_owned(),
        field: "IsPortalEnabled",
        value: false,
    }
}

fn freeze(login_id: String) -> Write {
    Write {
        sobject: "UserLogin",
        id: login_id,
        field: "IsFrozen",
        value: true,
    }
}
