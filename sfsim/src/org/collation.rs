//! The random order Salesforce may give collated composite subrequests, drawn from the
//! simulator's seed so that the same seed and the same calls give the same order.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Kept apart from the fault draws, so turning faults on does not shift collation orders.
const STREAM: u64 = 0xc011_a7e5;

/// The random stream behind collation orders.
#[derive(Clone)]
pub struct CollationDice {
    rng: ChaCha8Rng,
}

impl Default for CollationDice {
    fn default() -> Self {
        CollationDice::new(0)
    }
}

impl CollationDice {
    /// A stream from the simulator's seed.
    pub fn new(seed: u64) -> Self {
        CollationDice {
            rng: ChaCha8Rng::seed_from_u64(seed ^ STREAM),
        }
    }

    /// Restarts the stream from `seed`.
    pub fn reseed(&mut self, seed: u64) {
        *self = CollationDice::new(seed);
    }

    /// One of `0..choices` (`choices` at least 1).
    pub fn pick(&mut self, choices: usize) -> usize {
        self.rng.gen_range(0..choices.max(1))
    }
}
