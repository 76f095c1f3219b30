//! `rulec check --format sarif`: the real binary's SARIF 2.1.0 log, checked against the
//! structure code-scanning tools require, and snapshotted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

/// A catalog in two files with one error and one warning (with a related location).
const FIXTURE: &str = "tests/fixtures/sarif";

/// Exit code, the SARIF log on stdout, and stderr.
fn sarif(path: &str) -> (i32, Value, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args(["check", "--format", "sarif", path])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("rulec runs");
    let log = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().expect("an exit code"), log, stderr)
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at `{pointer}` in {value:#}"))
}

fn uint_at(value: &Value, pointer: &str) -> u64 {
    value
        .pointer(pointer)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("no unsigned integer at `{pointer}` in {value:#}"))
}

fn array_at<'a>(value: &'a Value, pointer: &str) -> &'a [Value] {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no array at `{pointer}` in {value:#}"))
}

const LEVELS: [&str; 4] = ["none", "note", "warning", "error"];

/// A `location`: a relative URI to an existing file, and a region with 1-based positions.
fn check_location(location: &Value) {
    let uri = str_at(location, "/physicalLocation/artifactLocation/uri");
    assert!(
        !uri.starts_with('/') && !uri.starts_with("./") && !uri.contains('\\'),
        "`{uri}` is not a relative URI with forward slashes"
    );
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(uri);
    assert!(file.is_file(), "`{uri}` is not a file");
    let region = &location["physicalLocation"]["region"];
    let (line, column) = (
        uint_at(region, "/startLine"),
        uint_at(region, "/startColumn"),
    );
    let (end_line, end_column) = (uint_at(region, "/endLine"), uint_at(region, "/endColumn"));
    assert!(line >= 1 && column >= 1, "{region}");
    assert!(
        end_line > line || (end_line == line && end_column >= column),
        "{region}"
    );
}

/// A `result`: its rule is in the driver's rules at its index, its level and message are
/// valid, and so are its locations.
fn check_result(result: &Value, rule_ids: &[&str]) {
    let id = str_at(result, "/ruleId");
    let index = usize::try_from(uint_at(result, "/ruleIndex")).expect("an index");
    assert_eq!(rule_ids.get(index), Some(&id), "ruleIndex of {result:#}");
    assert!(LEVELS.contains(&str_at(result, "/level")), "{result:#}");
    assert!(!str_at(result, "/message/text").is_empty());
    let locations = array_at(result, "/locations");
    assert!(!locations.is_empty(), "{result:#}");
    for location in locations {
        check_location(location);
    }
    if let Some(related) = result.get("relatedLocations") {
        let mut ids = HashSet::new();
        for location in related.as_array().expect("an array") {
            check_location(location);
            assert!(ids.insert(uint_at(location, "/id")), "ids are unique");
        }
    }
}

/// What a code-scanning tool requires of a SARIF 2.1.0 log, and what rulec promises.
fn check_log(log: &Value) {
    assert_eq!(
        str_at(log, "/$schema"),
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(str_at(log, "/version"), "2.1.0");
    let runs = array_at(log, "/runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(str_at(run, "/tool/driver/name"), "rulec");
    assert_eq!(
        str_at(run, "/tool/driver/version"),
        env!("CARGO_PKG_VERSION")
    );
    let rules = array_at(run, "/tool/driver/rules");
    let rule_ids: Vec<&str> = rules.iter().map(|r| str_at(r, "/id")).collect();
    assert_eq!(
        rule_ids.iter().collect::<HashSet<_>>().len(),
        rule_ids.len(),
        "rule ids are unique"
    );
    for (rule, id) in rules.iter().zip(&rule_ids) {
        let code = rulec::codes::lookup(id).unwrap_or_else(|| panic!("`{id}` is not a code"));
        assert_eq!(str_at(rule, "/shortDescription/text"), code.summary);
        assert!(LEVELS.contains(&str_at(rule, "/defaultConfiguration/level")));
        assert!(!str_at(rule, "/fullDescription/text").is_empty());
        let explanation = rulec::explain::explanation(id);
        assert_eq!(
            rule.pointer("/help/markdown").and_then(Value::as_str),
            explanation
        );
    }
    for result in array_at(run, "/results") {
        check_result(result, &rule_ids);
    }
}

#[test]
fn check_reports_an_error_and_a_warning_as_sarif_and_exits_1() {
    let (code, mut log, stderr) = sarif(FIXTURE);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "checked 2 files: 1 service, 1 action, 1 error, 1 warning\n"
    );
    check_log(&log);
    let levels: Vec<&str> = array_at(&log, "/runs/0/results")
        .iter()
        .map(|r| str_at(r, "/level"))
        .collect();
    assert_eq!(levels, ["error", "warning"]);
    let related = log.pointer("/runs/0/results/1/relatedLocations");
    assert!(related.is_some(), "the warning's second label is related");

    // The version changes with every release, the help with every edit of an explanation
    // (checked above to be the explanation itself).
    log["runs"][0]["tool"]["driver"]["version"] = json!("[version]");
    for rule in log["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .expect("rules")
    {
        let id = rule["id"].clone();
        let redacted = json!(format!("[rulec explain {}]", id.as_str().unwrap_or("")));
        rule["fullDescription"]["text"] = redacted.clone();
        rule["help"] = json!({ "text": redacted, "markdown": redacted });
    }
    insta::assert_json_snapshot!(log);
}

#[test]
fn an_absolute_path_under_the_current_directory_becomes_relative() {
    let absolute = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    let (_, log, _) = sarif(&absolute.display().to_string());
    check_log(&log);
    assert_eq!(
        str_at(
            &log,
            "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri"
        ),
        "tests/fixtures/sarif/registry.rules"
    );
}

#[test]
fn clean_rules_give_a_log_without_results_and_exit_0() {
    let (code, log, _) = sarif("rules");
    assert_eq!(code, 0);
    check_log(&log);
    assert_eq!(array_at(&log, "/runs/0/results").len(), 0);
    assert_eq!(array_at(&log, "/runs/0/tool/driver/rules").len(), 0);
}
