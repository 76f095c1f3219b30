//! `rulec check` as a user runs it: the real binary, its output streams and its exit code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use crate::common::{rulec, rulec_in, temp_dir};

const UNKNOWN_ACTION: &str = "tests/fixtures/diagnostics/unknown_action.rules";
/// A fixture whose only diagnostic is a warning.
const WARNINGS_ONLY: &str = "tests/fixtures/diagnostics/unused_type.rules";

#[test]
fn check_without_paths_checks_the_shipped_rules_cleanly() {
    let run = rulec(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.snapshot());
}

#[test]
fn check_reports_an_error_for_humans_and_exits_1() {
    let run = rulec(&["check", UNKNOWN_ACTION]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("rules::unknown_action"),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!(run.snapshot());
}

#[test]
fn check_reports_an_error_as_json_and_exits_1() {
    let run = rulec(&["check", UNKNOWN_ACTION, "--format", "json"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.snapshot());
}

#[test]
fn check_json_diagnostics_carry_every_documented_field() {
    let run = rulec(&["check", UNKNOWN_ACTION, "--format", "json"]);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    let diagnostic = &document["diagnostics"][0];
    for field in [
        "code", "severity", "message", "file", "line", "column", "help", "labels",
    ] {
        assert!(
            diagnostic.get(field).is_some_and(|v| !v.is_null()),
            "no `{field}` in {diagnostic}"
        );
    }
    assert_eq!(diagnostic["code"], "rules::unknown_action");
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["file"], UNKNOWN_ACTION);
    assert_eq!(document["summary"]["errors"], 1);
}

#[test]
fn check_reports_an_error_as_a_github_workflow_command_and_exits_1() {
    let run = rulec(&["check", UNKNOWN_ACTION, "--format", "github"]);
    assert_eq!(run.code, 1);
    let command = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error file="))
        .unwrap_or_else(|| panic!("no `::error file=` line in {}", run.stdout));
    assert!(command.contains(",line="), "{command}");
    assert!(command.contains(",col="), "{command}");
    insta::assert_snapshot!(run.snapshot());
}

#[test]
fn check_exits_0_on_warnings_only() {
    let run = rulec(&["check", WARNINGS_ONLY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.snapshot());
}

#[test]
fn check_with_deny_warnings_exits_1_on_warnings() {
    let run = rulec(&["check", WARNINGS_ONLY, "--deny-warnings"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.snapshot());
}

#[test]
fn check_exits_2_on_a_path_that_does_not_exist() {
    let run = rulec(&["check", "tests/fixtures/no-such-file.rules"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("io::unreadable"), "{}", run.stderr);
    insta::assert_snapshot!(run.snapshot());
}

#[test]
fn check_exits_2_on_a_directory_without_rules_files() {
    let dir = temp_dir("empty");
    std::fs::create_dir(dir.join("docs")).unwrap();
    std::fs::write(dir.join("docs/README.md"), "not a rules file\n").unwrap();
    let run = rulec_in(&dir, &["check", "docs"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("io::no_rules"), "{}", run.stderr);
    insta::assert_snapshot!(run.snapshot());
}

#[test]
fn check_exits_2_on_an_unknown_flag() {
    let run = rulec(&["check", "--no-such-flag"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.snapshot());
}

#[test]
fn check_exits_2_on_a_file_that_is_not_utf8_and_names_the_line() {
    let dir = temp_dir("latin1");
    // "Rés" in Latin-1 on line 2: the byte 0xE9 is not UTF-8.
    let mut text = b"// IBM Cloudant\nservice cloudantnosqldb \"IBM Cloudant R".to_vec();
    text.extend_from_slice(b"\xE9s\" { collect management }\n");
    std::fs::write(dir.join("cloudant.rules"), text).unwrap();
    let run = rulec_in(&dir, &["check", "cloudant.rules"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("io::not_utf8"), "{}", run.stderr);
    assert!(run.stderr.contains("line 2"), "{}", run.stderr);
    insta::assert_snapshot!(run.snapshot());
}
