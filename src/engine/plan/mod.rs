//! Pure planning: from what the org has and what the intent wants, to the writes that close the gap.

mod deprovision;
pub mod observed;
mod provision;

#[cfg(test)]
mod tests;

pub use deprovision::{DeprovisionPlan, DeprovisionWrite, plan_deprovision};
pub use observed::{
    Observed, ObservedAccount, ObservedContact, ObservedProfile, ObservedRole, ObservedUser,
};
pub use provision::{
    ContactWrite, ProvisionPlan, ProvisionPolicy, ProvisionWrites, RoleWrite, UserWrite,
    plan_new_person, plan_provision, same_id,
};
