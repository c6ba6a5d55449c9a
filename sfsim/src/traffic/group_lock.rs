//! The org's group-membership lock. Salesforce takes it when a user with a role is provisioned
//! — a partner or Customer Community Plus user under an Account ("Provisioning a non-HVPU
//! portal user under an account" is among the operations that "take out group membership
//! locks for the duration of their transaction": *Group membership operation already in
//! progress*, Salesforce Developers Blog, 2012; *Group Membership Locking*, Record Locking
//! Cheat Sheet / Designing Record Access for Enterprise Scale) — so two such saves at once
//! collide and one fails with `UNABLE_TO_LOCK_ROW`. sfsim holds it for the whole of a
//! collection create of such users (its latency included), refuses a second one that overlaps,
//! and can be told to refuse the next N outright.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use serde::Serialize;

/// The lock, the refusals still forced, and how many collections were refused.
#[derive(Debug, Default)]
pub struct GroupLock {
    held: AtomicBool,
    forced: AtomicU32,
    refused: AtomicU64,
}

/// The lock held by one collection create; released on drop.
pub struct GroupHold<'a> {
    lock: &'a GroupLock,
}

impl Drop for GroupHold<'_> {
    fn drop(&mut self) {
        self.lock.held.store(false, Ordering::SeqCst);
    }
}

/// What `GET /__sim/faults/group-lock` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GroupLockView {
    /// A role-based collection create holds the lock now.
    pub held: bool,
    /// Role-based collection creates still to be refused whatever the lock.
    pub forced_remaining: u32,
    /// Role-based collection creates refused so far (forced or overlapping).
    pub refused: u64,
}

impl GroupLock {
    /// Takes the lock for a role-based collection create, or `None` when the create must be
    /// refused: a forced refusal is pending, or another create holds the lock.
    pub fn try_hold(&self) -> Option<GroupHold<'_>> {
        let forced = self
            .forced
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        let taken = !forced
            && self
                .held
                .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok();
        if taken {
            Some(GroupHold { lock: self })
        } else {
            self.refused.fetch_add(1, Ordering::SeqCst);
            None
        }
    }

    /// Refuses the next `count` role-based collection creates (replacing any count left).
    pub fn force(&self, count: u32) {
        self.forced.store(count, Ordering::SeqCst);
    }

    pub fn view(&self) -> GroupLockView {
        GroupLockView {
            held: self.held.load(Ordering::SeqCst),
            forced_remaining: self.forced.load(Ordering::SeqCst),
            refused: self.refused.load(Ordering::SeqCst),
        }
    }

    /// Nothing forced, nothing counted (a held lock stays held until its create ends).
    pub fn reset(&self) {
        self.forced.store(0, Ordering::SeqCst);
        self.refused.store(0, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests;
