//! The sample generator against the shipped catalog: valid samples are never rejected, and
//! each invalid sample is rejected with the code of the one rule it breaks, and nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::BTreeMap;

use rulec::eval::ViolationLevel;
use rulec::sample::{self, Flaw, Sample, SampleOptions};
use rulec::{Catalog, Engine, Verdict};

fn shipped() -> Catalog {
    Catalog::load(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap()
}

fn generate(catalog: &Catalog, count: usize, invalid_share: f64, seed: u64) -> Vec<Sample> {
    let options = SampleOptions {
        count,
        invalid_share,
        seed,
    };
    sample::samples(catalog, &options).collect()
}

#[test]
fn valid_samples_are_routed_or_dropped_and_invalid_ones_rejected_with_their_code() {
    let engine = Engine::new(shipped());
    let catalog = engine.catalog();
    let samples = generate(catalog, 3000, 0.3, 20_261_120);
    let mut kinds: BTreeMap<Flaw, usize> = BTreeMap::new();
    for (index, sample) in samples.iter().enumerate() {
        let decision = engine.evaluate(sample.text.as_bytes());
        let errors: Vec<&str> = decision
            .violations
            .iter()
            .filter(|v| v.level == ViolationLevel::Error)
            .map(|v| v.code)
            .collect();
        match sample.flaw {
            None => assert_ne!(
                decision.verdict,
                Verdict::Reject,
                "valid sample {index} rejected: {}\n{}",
                decision.to_json(),
                sample.text
            ),
            Some(flaw) => {
                *kinds.entry(flaw).or_default() += 1;
                assert_eq!(
                    decision.verdict,
                    Verdict::Reject,
                    "sample {index}: {}",
                    sample.text
                );
                assert!(
                    !errors.is_empty() && errors.iter().all(|code| *code == flaw.code()),
                    "sample {index} ({flaw}) got {errors:?}: {}",
                    sample.text
                );
            }
        }
    }
    let missing: Vec<Flaw> = Flaw::ALL
        .into_iter()
        .filter(|f| !kinds.contains_key(f))
        .collect();
    assert!(
        missing.is_empty(),
        "no sample of {missing:?}; got {kinds:?}"
    );
}

#[test]
fn valid_samples_carry_no_warnings() {
    let engine = Engine::new(shipped());
    let catalog = engine.catalog();
    for sample in generate(catalog, 500, 0.0, 7) {
        let decision = engine.evaluate(sample.text.as_bytes());
        assert!(decision.violations.is_empty(), "{}", decision.to_json());
    }
}

#[test]
fn the_same_seed_gives_the_same_events_and_another_seed_others() {
    let catalog = shipped();
    let a = generate(&catalog, 200, 0.1, 1);
    assert_eq!(a, generate(&catalog, 200, 0.1, 1));
    assert_ne!(a, generate(&catalog, 200, 0.1, 2));
}

#[test]
fn every_action_comes_in_round_robin_order() {
    let catalog = shipped();
    let n = catalog.actions().len();
    let samples = generate(&catalog, n, 0.0, 5);
    let names: Vec<&str> = samples.iter().map(|s| s.action.as_str()).collect();
    let expected: Vec<&str> = catalog.actions().iter().map(|a| &*a.name).collect();
    assert_eq!(names, expected);
}

#[test]
fn the_invalid_share_is_exact_and_spread() {
    let catalog = shipped();
    let samples = generate(&catalog, 1000, 0.1, 3);
    assert_eq!(samples.len(), 1000);
    assert_eq!(samples.iter().filter(|s| s.flaw.is_some()).count(), 100);
    assert!(
        samples
            .chunks(10)
            .all(|c| c.iter().filter(|s| s.flaw.is_some()).count() == 1)
    );
    assert!(
        generate(&catalog, 50, 1.0, 3)
            .iter()
            .all(|s| s.flaw.is_some())
    );
    assert!(
        generate(&catalog, 50, 0.0, 3)
            .iter()
            .all(|s| s.flaw.is_none())
    );
}

#[test]
fn events_are_one_line_each_and_about_a_kilobyte_and_a_half() {
    let catalog = shipped();
    let mut sizes: Vec<usize> = generate(&catalog, 1000, 0.0, 9)
        .iter()
        .map(|s| {
            assert!(!s.text.contains('\n'));
            s.text.len()
        })
        .collect();
    sizes.sort_unstable();
    let median = sizes.get(sizes.len() / 2).copied().unwrap();
    assert!((1000..=2200).contains(&median), "median {median} bytes");
}

#[test]
fn rulec_sample_prints_the_library_events() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args([
            "sample",
            "--count",
            "30",
            "--invalid-share",
            "0.2",
            "--seed",
            "4",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let printed = String::from_utf8(output.stdout).unwrap();
    let expected: Vec<String> = generate(&shipped(), 30, 0.2, 4)
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert_eq!(printed.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn rulec_sample_refuses_a_share_outside_zero_to_one() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args(["sample", "--invalid-share", "1.5"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("not a number from 0 to 1"), "{stderr}");
}
