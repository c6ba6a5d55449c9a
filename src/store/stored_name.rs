//! Enums stored as their snake_case names.
//!
//! Every state and kind the store keeps is written as a name rather than a number, so the file
//! reads well in the `sqlite3` shell and a new name needs no renumbering. The names must agree
//! with the serde form (`rename_all = "snake_case"`) that the HTTP API shows; each enum's tests
//! check that they do.

/// Gives an enum its `ALL`, `as_str`, `FromStr` (refusing unknown names with
/// [`UnknownName`](super::UnknownName)) and `Display`, from one list of variants and names.
macro_rules! stored_names {
    ($ty:ident, $kind:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in a fixed order, so metrics can report zeros too.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The name stored in the database and shown in the API.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::store::UnknownName;

            fn from_str(name: &str) -> Result<Self, Self::Err> {
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == name)
                    .ok_or_else(|| $crate::store::UnknownName::new($kind, name))
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use stored_names;

use crate::domain::OutcomeKind;

use super::UnknownName;

/// Outcome kinds in a fixed order; the domain type has no list of its own.
pub(crate) const OUTCOME_KINDS: [OutcomeKind; 6] = [
    OutcomeKind::Succeeded,
    OutcomeKind::NoChange,
    OutcomeKind::SkippedStale,
    OutcomeKind::Superseded,
    OutcomeKind::DeadLettered,
    OutcomeKind::Rejected,
];

/// Reads a stored outcome kind back.
pub(crate) fn outcome_kind(name: &str) -> Result<OutcomeKind, UnknownName> {
    OUTCOME_KINDS
        .into_iter()
        .find(|kind| kind.as_str() == name)
        .ok_or_else(|| UnknownName::new("outcome kind", name))
}

#[cfg(test)]
mod tests;
