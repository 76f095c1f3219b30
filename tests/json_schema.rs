//! The exported JSON Schema agrees with rulec: for every event of a generated corpus, the
//! jsonschema crate finds it valid exactly when rulec does not reject it.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::BTreeMap;

use rulec::sample::{self, Flaw, SampleOptions};
use rulec::{Catalog, Engine, Verdict, export};
use serde_json::{Value, json};

/// Flaws JSON Schema cannot see: a line that is not JSON never reaches a schema, and a
/// parser keeps one of two duplicate keys (see `export::LIMITS`).
const NOT_EXPRESSIBLE: [Flaw; 2] = [Flaw::InvalidJson, Flaw::DuplicateKey];

fn shipped() -> Catalog {
    Catalog::load(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap()
}

fn validator(catalog: &Catalog) -> jsonschema::Validator {
    let schema = export::json_schema(catalog);
    assert!(
        jsonschema::meta::is_valid(&schema),
        "not a valid 2020-12 schema"
    );
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn jsonschema_and_rulec_agree_on_every_generated_event() {
    let engine = Engine::new(shipped());
    let catalog = engine.catalog();
    let validator = validator(catalog);
    let options = SampleOptions {
        count: 2000,
        invalid_share: 0.3,
        seed: 20_261_120,
    };
    let mut checked: BTreeMap<String, usize> = BTreeMap::new();
    for sample in sample::samples(catalog, &options) {
        if sample.flaw.is_some_and(|f| NOT_EXPRESSIBLE.contains(&f)) {
            continue;
        }
        let event: Value = serde_json::from_str(&sample.text).unwrap();
        let decision = engine.evaluate(sample.text.as_bytes());
        let rulec_valid = decision.verdict != Verdict::Reject;
        let errors: Vec<String> = validator
            .iter_errors(&event)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert_eq!(
            errors.is_empty(),
            rulec_valid,
            "disagree on {}\nrulec: {}\njsonschema: {errors:?}",
            sample.text,
            decision.to_json()
        );
        let kind = sample
            .flaw
            .map_or_else(|| "valid".to_owned(), |f| f.to_string());
        *checked.entry(kind).or_default() += 1;
    }
    assert_eq!(
        checked.len(),
        1 + Flaw::ALL.len() - NOT_EXPRESSIBLE.len(),
        "{checked:?}"
    );
}

#[test]
fn the_schema_takes_warnings_and_refuses_errors_of_the_fixtures() {
    let engine = Engine::new(shipped());
    let catalog = engine.catalog();
    let validator = validator(catalog);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/events");
    let mut compared = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(event) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let decision = engine.evaluate(text.as_bytes());
        let expressible = !decision.violations.iter().any(|v| {
            // Outside what the schema can say (export::LIMITS), or not an object at all.
            [
                "eval::duplicate_key",
                "eval::invalid_json",
                "eval::legacy_payload",
            ]
            .contains(&v.code)
                || v.path.starts_with("/requestData/")
        });
        if !expressible || !event.is_object() {
            continue;
        }
        let rulec_valid = decision.verdict != Verdict::Reject;
        assert_eq!(
            validator.is_valid(&event),
            rulec_valid,
            "{name}: {}",
            decision.to_json()
        );
        compared += 1;
    }
    assert!(compared > 60, "only {compared} fixtures compared");
}

#[test]
fn the_schema_has_one_branch_per_distinct_action_shape() {
    let schema = export::json_schema(&shipped());
    assert_eq!(schema["$schema"], json!(export::DIALECT));
    let actions = schema["properties"]["action"]["enum"].as_array().unwrap();
    assert_eq!(actions.len(), 97);
    let branches = schema["allOf"].as_array().unwrap();
    assert!(
        branches.len() < actions.len(),
        "{} branches",
        branches.len()
    );
    assert!(
        branches
            .iter()
            .all(|b| b.get("if").is_some() && b.get("then").is_some())
    );
}

#[test]
fn rulec_export_json_schema_prints_the_library_schema() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args(["export", "json-schema", "--rules", "rules"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed, export::json_schema(&shipped()));
}

#[test]
fn a_service_envelope_is_in_its_actions_branches() {
    let text = r#"
region us-south "Dallas"
envelope {
  action: string
  logSourceCRN: crn
  observer.name: enum { ActivityTracker }
}
service cos "Cloud Object Storage" {
  envelope { observer.name?: enum { ActivityTracker } }
  management bucket.create "Create a bucket."
}
service other "Other" {
  management thing.read "Read a thing."
}
target logs cloud_logs
default targets logs
"#;
    let catalog = Catalog::compile(vec![rulec::Source::new("s.rules", text)]).unwrap();
    let validator = validator(&catalog);
    let event = |action: &str| json!({"action": action, "logSourceCRN": "crn:v1:bluemix:public:x:us-south:a/1::x:1"});
    assert!(validator.is_valid(&event("cos.bucket.create")));
    assert!(!validator.is_valid(&event("other.thing.read")));
    let mut observed = event("other.thing.read");
    observed["observer"] = json!({"name": "ActivityTracker"});
    assert!(validator.is_valid(&observed));
}

#[test]
fn every_decision_of_the_corpus_fits_the_documented_decision_schema() {
    let schema: Value = serde_json::from_str(include_str!("../docs/decision.schema.json")).unwrap();
    assert!(jsonschema::meta::is_valid(&schema));
    let validator = jsonschema::validator_for(&schema).unwrap();
    let engine = Engine::new(shipped());
    let strict =
        rulec::Evaluator::new(&engine).with_context(rulec::Context::defaults().strict(true));
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/events");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for decision in [engine.evaluate(&bytes), strict.evaluate(&bytes, 0)] {
            let json: Value = serde_json::from_str(&decision.to_json()).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&json)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{json}: {errors:?}");
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
    let bogus = json!({"index": 0, "verdict": "route", "violations": [], "routes": [{"route": "r", "rule": 0, "targets": []}]});
    assert!(
        !validator.is_valid(&bogus),
        "a route without targets, a rule 0"
    );
}
