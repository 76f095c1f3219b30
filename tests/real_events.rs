//! Real Activity Tracker events from IBM's documentation (`tests/fixtures/real-events/`, with
//! their sources and repairs in its `REPAIRS.md`), decided with the shipped envelope and
//! locations and the catalogs their services need. The expectations in `real.test.yaml` come
//! from what the docs say, not from rulec's output.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};

use rulec::{Catalog, Context, Engine, Evaluator, Verdict};

use crate::common::rulec_in;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const FIXTURES: &str = "tests/fixtures/real-events";

fn catalog_paths() -> Vec<PathBuf> {
    ["rules/envelope.rules", "rules/locations.rules"]
        .iter()
        .map(|p| Path::new(ROOT).join(p))
        .chain(std::iter::once(
            Path::new(ROOT).join(FIXTURES).join("catalogs"),
        ))
        .collect()
}

fn engine() -> Engine {
    let sources = rulec::source::read_sources(&catalog_paths()).unwrap();
    Engine::new(Catalog::compile(sources).unwrap())
}

fn event(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(ROOT)
            .join(FIXTURES)
            .join("events")
            .join(format!("{name}.json")),
    )
    .unwrap()
}

#[test]
fn every_real_event_gets_the_decision_its_docs_imply() {
    let suite = format!("{FIXTURES}/real.test.yaml");
    let run = rulec_in(
        Path::new(ROOT),
        &[
            "test",
            &suite,
            "--rules",
            "rules/envelope.rules",
            "--rules",
            "rules/locations.rules",
            "--rules",
            &format!("{FIXTURES}/catalogs"),
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let events = std::fs::read_dir(Path::new(ROOT).join(FIXTURES).join("events"))
        .unwrap()
        .count();
    assert!(
        run.stdout.contains(&format!("{events} passed, 0 failed")),
        "one case per event: {}",
        run.stdout
    );
}

#[test]
fn a_legacy_payload_event_is_located_by_its_zone_and_reports_the_wrapper() {
    let engine = engine();
    let decision = engine.evaluate(&event("is--is.volume.volume.update--04"));
    assert_eq!(decision.verdict, Verdict::Route);
    assert_eq!(decision.location.as_deref(), Some("us-south"));
    assert_eq!(decision.crn_location.as_deref(), Some("us-south-1"));
    assert_eq!(
        decision.violations.first().map(|v| v.code),
        Some("eval::legacy_payload")
    );
    // Strict mode rejects it, with every warning an error.
    let strict = Evaluator::new(&engine)
        .with_context(Context::defaults().strict(true))
        .evaluate(&event("is--is.volume.volume.update--04"), 0);
    assert_eq!(strict.verdict, Verdict::Reject);
    assert!(
        strict
            .violations
            .iter()
            .all(|v| v.level == rulec::ViolationLevel::Error)
    );
}

#[test]
fn an_empty_crn_location_is_global_for_a_global_service_only() {
    let engine = engine();
    let iam = engine.evaluate(&event("iam-am--iam-am.policy.delete--02"));
    assert_eq!(
        (
            iam.verdict,
            iam.location.as_deref(),
            iam.crn_location.as_deref()
        ),
        (Verdict::Route, Some("global"), Some(""))
    );
    // The same event from a regional service: unroutable, saying why.
    let text = String::from_utf8(event("iam-am--iam-am.policy.delete--02")).unwrap();
    let regional = text
        .replace("\"iam-am.policy.delete\"", "\"is.volume.volume.update\"")
        .replace("public:iam-am::", "public:is::");
    let decision = engine.evaluate(regional.as_bytes());
    assert_eq!(decision.verdict, Verdict::Reject);
    let unroutable = decision
        .violations
        .iter()
        .find(|v| v.code == "eval::unroutable")
        .unwrap();
    assert!(
        unroutable
            .message
            .contains("is empty, and `is` does not say"),
        "{}",
        unroutable.message
    );
}
