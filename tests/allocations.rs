//! Deciding a valid event allocates nothing: the fast path reads the event in place, keeps
//! its values in per-thread buffers, and borrows every name in the decision from the catalog.
//! (One test in its own binary, so that no other test allocates meanwhile.)

use std::alloc::System;

use rulec::sample::{self, SampleOptions};
use rulec::{Engine, Evaluator, Verdict};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn deciding_valid_events_allocates_nothing() {
    let engine = Engine::load(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap();
    let options = SampleOptions {
        count: 2_000,
        invalid_share: 0.0,
        seed: 5,
    };
    let events: Vec<String> = sample::events(engine.catalog(), &options).collect();
    let evaluator = Evaluator::new(&engine);
    // The first decision on a thread sizes its buffers.
    let _ = evaluator.evaluate(events[0].as_bytes(), 0);

    let region = Region::new(GLOBAL);
    let mut routed = 0;
    for (i, event) in events.iter().enumerate() {
        let decision = evaluator.evaluate(event.as_bytes(), i as u64);
        assert!(decision.violations.is_empty(), "{event}");
        routed += usize::from(decision.verdict == Verdict::Route);
    }
    let allocations = region.change().allocations;
    assert_eq!(
        allocations,
        0,
        "{allocations} allocations for {} events",
        events.len()
    );
    assert!(routed > 1_000, "{routed}");

    // An invalid event takes the reference path, which allocates: the count is real.
    let region = Region::new(GLOBAL);
    let _ = evaluator.evaluate(b"{\"action\": 1}", 0);
    assert!(region.change().allocations > 0);
}
