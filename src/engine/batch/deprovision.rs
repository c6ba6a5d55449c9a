//! Deactivations, freezes and disables in bulk.

use super::{BatchContext, Member, Settled};

/// Settles each member's deprovision, in the order given.
pub(in crate::engine) async fn converge(
    _cx: &BatchContext<'_>,
    members: &[&Member],
) -> Vec<Settled> {
    members.iter().map(|_| Settled::Alone).collect()
}
