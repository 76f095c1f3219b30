//! Deterministic sample events for a catalog: valid events for every action, in round-robin
//! order, and a share of invalid ones that each break exactly one rule.
//!
//! The same catalog, options and seed always give the same events, byte for byte: the
//! generator uses its own small PRNG (splitmix64), seeded per event from the seed and the
//! event's index. `rulec sample` prints them; the benchmarks and tests use them as a corpus.
//!
//! ```
//! use rulec::sample::{self, SampleOptions};
//!
//! let engine = rulec::Engine::load(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))?;
//! let options = SampleOptions { count: 20, invalid_share: 0.0, seed: 7 };
//! for event in sample::events(engine.catalog(), &options) {
//!     assert_ne!(engine.evaluate(event.as_bytes()).verdict, rulec::Verdict::Reject);
//! }
//! # Ok::<(), rulec::LoadError>(())
//! ```

mod flaw;
mod rng;
mod scene;
mod value;

pub use flaw::Flaw;

use crate::catalog::Catalog;
use rng::Rng;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleOptions {
    /// How many events.
    pub count: usize,
    /// The share of invalid events, from `0.0` (none) to `1.0` (all); spread evenly.
    pub invalid_share: f64,
    /// The seed: the same seed gives the same events.
    pub seed: u64,
}

impl Default for SampleOptions {
    fn default() -> Self {
        Self {
            count: 100,
            invalid_share: 0.1,
            seed: 1,
        }
    }
}

/// One generated event and what it was made to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// The event as one line of JSON (or, for [`Flaw::InvalidJson`], of broken JSON).
    pub text: String,
    /// The catalog action the event was built for (before any typo).
    pub action: String,
    /// The one rule the event breaks, or `None` for a valid event.
    pub flaw: Option<Flaw>,
}

/// The samples of a catalog, one at a time. Made by [`samples`].
#[derive(Debug, Clone)]
pub struct Samples<'c> {
    catalog: &'c Catalog,
    options: SampleOptions,
    /// The invalid share in millionths, so that the spread is exact.
    invalid_ppm: u64,
    index: usize,
    invalid_seen: usize,
}

/// Samples for `catalog`: action `i % n` for event `i`; invalid events spread evenly, their
/// flaws cycling through [`Flaw::ALL`] (a flaw that no nearby action can have is skipped).
#[must_use]
pub fn samples<'c>(catalog: &'c Catalog, options: &SampleOptions) -> Samples<'c> {
    Samples {
        catalog,
        options: *options,
        invalid_ppm: parts_per_million(options.invalid_share),
        index: 0,
        invalid_seen: 0,
    }
}

/// The events of [`samples`], as NDJSON lines (without the newline).
pub fn events<'c>(
    catalog: &'c Catalog,
    options: &SampleOptions,
) -> impl Iterator<Item = String> + 'c {
    samples(catalog, options).map(|sample| sample.text)
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the value is clamped to 0..=1e6 and rounded first"
)]
fn parts_per_million(share: f64) -> u64 {
    let share = if share.is_nan() {
        0.0
    } else {
        share.clamp(0.0, 1.0)
    };
    (share * 1e6).round() as u64
}

impl Samples<'_> {
    /// Whether event `index` is one of the invalid ones: exactly `share * n` of the first `n`
    /// events are, rounded down, spread as evenly as possible.
    fn is_invalid(&self, index: usize) -> bool {
        let index = index as u128;
        let ppm = u128::from(self.invalid_ppm);
        (index + 1) * ppm / 1_000_000 > index * ppm / 1_000_000
    }
}

impl Iterator for Samples<'_> {
    type Item = Sample;

    fn next(&mut self) -> Option<Sample> {
        let actions = self.catalog.actions();
        if self.index >= self.options.count || actions.is_empty() {
            return None;
        }
        let index = self.index;
        self.index += 1;
        let mut rng = Rng::for_event(self.options.seed, index as u64);
        let position = index % actions.len();
        if self.is_invalid(index) {
            let first = self.invalid_seen;
            self.invalid_seen += 1;
            if let Some(sample) = flaw::invalid(self.catalog, position, first, &mut rng) {
                return Some(sample);
            }
        }
        let action = actions.get(position)?;
        let draft = value::Draft::build(self.catalog, action, &mut rng);
        Some(Sample {
            text: draft.event.to_string(),
            action: action.name.to_string(),
            flaw: None,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = if self.catalog.actions().is_empty() {
            0
        } else {
            self.options.count.saturating_sub(self.index)
        };
        (left, Some(left))
    }
}
