//! Evaluate arbitrary bytes against the shipped catalog: always exactly one decision, and the
//! fast path decides as the reference evaluator does.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rulec::Engine;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let engine = ENGINE.get_or_init(|| {
        Engine::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules")).expect("the shipped rules load")
    });
    let evaluator = engine.evaluator();
    let decision = evaluator.evaluate(data, 0);
    assert_eq!(decision, evaluator.evaluate_reference(data, 0));
    let _ = decision.to_json();
});
