//! The org-wide cap on concurrent calls, as this replica's share of it.
//!
//! Salesforce limits the requests an org runs at once (25 long-running requests in a
//! production org), however many replicas send them. `[salesforce.api] max_concurrent_calls`
//! is that cap for all of Gatehouse; each replica holds a share of it, which the engine sets
//! from the replicas' roll call in the store. A call takes a slot before it is sent and frees
//! it when its answer is read; a call that finds every slot taken waits for one.

use parking_lot::Mutex;
use tokio::sync::Notify;

/// This replica's call slots.
pub struct CallSlots {
    state: Mutex<SlotState>,
    /// Signalled when a slot frees or the share grows, so waiters look again.
    freed: Notify,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SlotState {
    share: usize,
    in_use: usize,
}

/// Where the slots stand, for metrics and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotSnapshot {
    /// This replica's share of the org-wide cap.
    pub share: usize,
    /// Calls in flight now.
    pub in_use: usize,
}

/// A slot held by one call; freed on drop.
pub struct Slot<'a> {
    slots: &'a CallSlots,
}

impl CallSlots {
    /// Slots for `share` concurrent calls (at least one).
    pub fn new(share: usize) -> CallSlots {
        CallSlots {
            state: Mutex::new(SlotState {
                share: share.max(1),
                in_use: 0,
            }),
            freed: Notify::new(),
        }
    }

    /// Waits for a free slot and takes it.
    pub async fn take(&self) -> Slot<'_> {
        loop {
            // Registered before looking, so a slot freed in between is not missed.
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            {
                let mut state = self.state.lock();
                if state.in_use < state.share {
                    state.in_use += 1;
                    return Slot { slots: self };
                }
            }
            freed.await;
        }
    }

    /// Sets this replica's share (at least one). A smaller share takes effect as calls in
    /// flight end: none is interrupted.
    pub fn set_share(&self, share: usize) {
        self.state.lock().share = share.max(1);
        self.freed.notify_waiters();
    }

    /// The share and the calls in flight.
    pub fn snapshot(&self) -> SlotSnapshot {
        let state = *self.state.lock();
        SlotSnapshot {
            share: state.share,
            in_use: state.in_use,
        }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        {
            let mut state = self.slots.state.lock();
            state.in_use = state.in_use.saturating_sub(1);
        }
        self.slots.freed.notify_waiters();
    }
}

#[cfg(test)]
mod tests;
