//! Evaluate arbitrary bytes against the shipped catalog: always exactly one decision, and the
//! fast path decides as the reference evaluator does.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rulec::Catalog;

static CATALOG: OnceLock<Catalog> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let catalog = CATALOG.get_or_init(|| {
        Catalog::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules")).expect("the shipped rules load")
    });
    let evaluator = rulec::Evaluator::new(catalog);
    let decision = evaluator.evaluate(data, 0);
    assert_eq!(decision, evaluator.evaluate_reference(data, 0));
    let _ = decision.to_json();
});
