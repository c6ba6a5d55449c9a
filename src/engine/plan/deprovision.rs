//! Deciding what a deprovision must write, and what it does to the licence.

use super::observed::Observed;
use crate::domain::{DeprovisionMode, LicenceEffect};

/// One write of a deprovision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeprovisionWrite {
    /// `PATCH User {IsActive:false}`.
    Deactivate { user_id: String },
    /// `PATCH UserLogin {IsFrozen:true}`.
    Freeze { login_id: String },
    /// `PATCH User {IsPortalEnabled:false}`: irreversible.
    Disable { user_id: String },
}

/// The decision, with the licence effect it will have once applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeprovisionPlan {
    /// No user, or already in the desired state.
    NoChange { why: &'static str },
    Write {
        writes: Vec<DeprovisionWrite>,
        licence_effect: LicenceEffect,
    },
}

/// Plans a deprovision by mode. `freeze-then-deactivate` freezes now; the deactivation is a
/// separate command scheduled after the grace period.
pub fn plan_deprovision(mode: DeprovisionMode, observed: &Observed) -> DeprovisionPlan {
    let Some(user) = &observed.user else {
        return DeprovisionPlan::NoChange {
            why: "no user for this subject",
        };
    };
    let licence = user.licence.clone().unwrap_or_default();
    match mode {
        DeprovisionMode::Deactivate => {
            if user.is_active {
                DeprovisionPlan::Write {
                    writes: vec![DeprovisionWrite::Deactivate {
                        user_id: user.id.clone(),
                    }],
                    licence_effect: LicenceEffect::Freed { licence },
                }
            } else {
                DeprovisionPlan::NoChange {
                    why: "the user is already inactive",
                }
            }
        }
        DeprovisionMode::Freeze | DeprovisionMode::FreezeThenDeactivate { .. } => {
            match &observed.login {
                Some((_, true)) => DeprovisionPlan::NoChange {
                    why: "the user is already frozen",
                },
                Some((login_id, false)) => DeprovisionPlan::Write {
                    writes: vec![DeprovisionWrite::Freeze {
                        login_id: login_id.clone(),
                    }],
                    licence_effect: if user.is_active {
                        LicenceEffect::Kept { licence }
                    } else {
                        LicenceEffect::Unchanged
                    },
                },
                None if !user.is_active => DeprovisionPlan::NoChange {
                    why: "the user is inactive and has no login to freeze",
                },
                // Every user has a UserLogin; without one, deactivating is the only way to stop
                // logins, and the plan must not silently do less than asked.
                None => DeprovisionPlan::Write {
                    writes: vec![DeprovisionWrite::Deactivate {
                        user_id: user.id.clone(),
                    }],
                    licence_effect: LicenceEffect::Freed { licence },
                },
            }
        }
        DeprovisionMode::Disable => DeprovisionPlan::Write {
            writes: vec![DeprovisionWrite::Disable {
                user_id: user.id.clone(),
            }],
            licence_effect: if user.is_active {
                LicenceEffect::Freed { licence }
            } else {
                LicenceEffect::Unchanged
            },
        },
    }
}
