//! The fast path against the reference evaluator: the same decision on every input, and an
//! answer for every valid event it can read without decoding.

use std::path::Path;

use super::decide;
use crate::catalog::EventType;
use crate::eval::{Context, Engine, Evaluator};
use crate::sample::{self, SampleOptions};

fn shipped() -> Engine {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    Engine::load(rules).unwrap()
}

fn contexts() -> [Context; 5] {
    [
        Context::defaults(),
        Context::defaults().strict(true),
        Context::with_types(&[EventType::Management]),
        Context::with_types(&[EventType::Data]),
        Context::with_types(&[EventType::Management, EventType::Data]),
    ]
}

/// Asserts that `evaluate` (fast path first) and the reference agree on `event`.
fn agree(engine: &Engine, event: &[u8]) {
    for context in contexts() {
        let evaluator = Evaluator::new(engine).with_context(context);
        let fast = evaluator.evaluate(event, 7);
        let reference = evaluator.evaluate_reference(event, 7);
        assert_eq!(
            fast,
            reference,
            "{context:?} on {}",
            String::from_utf8_lossy(event)
        );
    }
}

#[test]
fn answers_every_clean_sample_and_agrees_on_all() {
    let catalog = shipped();
    let mut answered = 0;
    let mut worded_from_scan = 0;
    for seed in 1..=3 {
        let options = SampleOptions {
            count: 3_000,
            invalid_share: 0.3,
            seed,
        };
        for sample in sample::samples(catalog.catalog(), &options) {
            let event = sample.text.as_bytes();
            agree(&catalog, event);
            let reference = Evaluator::new(&catalog).evaluate_reference(event, 0);
            let fast = decide(&catalog, Context::defaults(), event, 0, |_| None)
                .ok()
                .flatten();
            if reference.violations.is_empty() {
                assert!(fast.is_some(), "no fast answer for {}", sample.text);
                answered += 1;
            } else {
                assert!(fast.is_none(), "a fast answer for {}", sample.text);
                let evaluator = Evaluator::new(&catalog);
                let worded = decide(&catalog, Context::defaults(), event, 0, |view| {
                    evaluator.decide_read(view, 0, None)
                });
                if let Ok(Some(worded)) = worded {
                    assert_eq!(worded, reference, "{}", sample.text);
                    worded_from_scan += 1;
                }
            }
        }
    }
    assert!(answered > 5_000, "{answered}");
    // Of 2,700 invalid samples, those that are JSON without repeated keys (three quarters) are
    // worded from the scan, without a tree.
    assert!(worded_from_scan > 1_800, "{worded_from_scan}");
}

/// Every one-byte deletion, and a few insertions, in valid events: each broken or changed
/// event is decided as the reference decides it.
#[test]
fn agrees_on_mutated_events() {
    let catalog = shipped();
    let options = SampleOptions {
        count: 12,
        invalid_share: 0.0,
        seed: 9,
    };
    let inserts: [&[u8]; 12] = [
        b"\\u0041",
        b"\\ud800",
        b"\"",
        b",",
        b"1e5",
        b" ",
        b"\x01",
        b"\xff",
        b"\x80",
        b"\xe8\xaf",
        b"\xc3\xa9",
        b"{\"a\":1}",
    ];
    for sample in sample::samples(catalog.catalog(), &options) {
        let event = sample.text.as_bytes();
        for at in 0..event.len() {
            let mut deleted = event.to_vec();
            deleted.remove(at);
            agree(&catalog, &deleted);
        }
        for at in (0..event.len()).step_by(7) {
            for insert in inserts {
                let mut changed = event.to_vec();
                changed.splice(at..at, insert.iter().copied());
                agree(&catalog, &changed);
            }
        }
    }
}

#[test]
fn agrees_on_the_fixtures() {
    let catalog = shipped();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seen = 0;
    for dir in ["events", "fuzz/eval"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            agree(&catalog, &bytes);
            for line in bytes.split(|b| *b == b'\n') {
                agree(&catalog, line);
            }
            seen += 1;
        }
    }
    assert!(seen > 50, "{seen}");
}

#[test]
fn agrees_on_edge_values() {
    let catalog = shipped();
    let options = SampleOptions {
        count: 200,
        invalid_share: 0.0,
        seed: 4,
    };
    let edits: [(&str, &str); 15] = [
        ("\"dataEvent\":false", "\"dataEvent\":\"false\""),
        ("\"dataEvent\":true", "\"dataEvent\":\"true\""),
        ("\"dataEvent\":false", "\"dataEvent\":null"),
        ("\"dataEvent\":true", "\"dataEvent\":1"),
        (
            "\"requestData\":{",
            "\"requestData\":\"{\\\"x\\\":1}\",\"zz\":{",
        ),
        ("\"outcome\":\"success\"", "\"outcome\":\"failure\""),
        ("\"outcome\":\"success\"", "\"outcome\":\"succ\\u0065ss\""),
        ("\"reasonCode\":200", "\"reasonCode\":200.0"),
        ("\"reasonCode\":200", "\"reasonCode\":\"200\""),
        ("\"reasonCode\":200", "\"reasonCode\":-0"),
        (":global:", ":eu-de-1:"),
        (":eu-de:", ":eu-central:"),
        (":us-south:", ":us-south-3:"),
        (":au-syd:", ":au-syd-9:"),
        ("\"action\":\"", "\"action\":\"\\u0063"),
    ];
    for sample in sample::samples(catalog.catalog(), &options) {
        for (from, to) in edits {
            agree(&catalog, sample.text.replacen(from, to, 1).as_bytes());
            agree(&catalog, sample.text.replace(from, to).as_bytes());
        }
    }
}
