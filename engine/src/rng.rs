//! The world's one source of randomness.
//!
//! Every random decision the simulation makes (network latency jitter today; message loss
//! probabilities, election timing and the like later) draws from this single generator, seeded
//! from the scenario's `seed`. It is ChaCha8 from `rand_chacha`: a portable algorithm whose output
//! does not depend on the platform's word size, so native and wasm32 runs agree exactly.
//! Actors never own a generator; they receive draws through the engine.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

#[derive(Clone, Debug)]
pub struct SimRng {
    inner: ChaCha8Rng,
}

impl SimRng {
    pub fn from_seed(seed: u64) -> Self {
        SimRng {
            inner: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// A uniform draw from `lo..=hi` (returns `lo` when `hi <= lo`).
    pub fn in_range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo + 1;
        // Rejection sampling keeps the draw unbiased without floating point.
        let zone = u64::MAX - (u64::MAX % span);
        loop {
            let v = self.inner.next_u64();
            if v < zone {
                return lo + v % span;
            }
        }
    }
}
