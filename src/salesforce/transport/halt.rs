//! Stopping a run's calls from outside the run.
//!
//! Whoever runs a piece of work against the org may learn, while it runs, that the work is no
//! longer its to do (the engine's claim on a command was lost). A [`Halt`] is handed to a view
//! of the client (`client.halted_by(&halt)`); once it is thrown, every call that view would
//! send next ends as [`CallError::Halted`](super::CallError::Halted) without reaching the org.
//! A call already sent is not recalled: its answer comes back as usual.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A switch shared by the one who throws it and the views of the client that obey it. Clones
/// share one switch.
#[derive(Debug, Clone, Default)]
pub struct Halt {
    thrown: Arc<AtomicBool>,
}

impl Halt {
    /// A switch not thrown yet.
    pub fn new() -> Halt {
        Halt::default()
    }

    /// Stops every later call of the views that obey this switch. Cannot be undone.
    pub fn throw(&self) {
        self.thrown.store(true, Ordering::SeqCst);
    }

    /// Whether the switch was thrown.
    pub fn is_thrown(&self) -> bool {
        self.thrown.load(Ordering::SeqCst)
    }
}
