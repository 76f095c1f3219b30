//! `rulec config check`: Cloudant's event-type configuration API offline, with Cloudant's exact
//! answers (docs/domain.md §6.2, §9.15, decision §10.5). One line per case: body, stdout, exit code.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

const OK: &str = r#"{"ok":true}"#;
const MISSING: &str = r#"{"code":400,"error":"Missing required events: \"management\""}"#;
const NOT_AN_ARRAY: &str = r#"{"code":400,"error":"\"types\" must be an array of strings"}"#;

/// Runs `rulec config check ARG` with `stdin`; returns stdout and the exit code.
fn config_check(arg: &str, stdin: &str) -> (String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args(["config", "check", arg])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rulec starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let Output { status, stdout, .. } = child.wait_with_output().expect("rulec runs");
    (String::from_utf8(stdout).unwrap(), status.code().unwrap())
}

/// Checks that `body` gets `answer` (plus a newline) and `code`.
#[track_caller]
fn answers(body: &str, answer: &str, code: i32) {
    assert_eq!(
        config_check(body, ""),
        (format!("{answer}\n"), code),
        "{body}"
    );
}

#[test]
fn management_and_data_is_ok() {
    answers(r#"{"types":["management","data"]}"#, OK, 0);
}

#[test]
fn data_before_management_is_ok() {
    answers(r#"{"types":["data","management"]}"#, OK, 0);
}

#[test]
fn management_alone_is_ok() {
    answers(r#"{"types":["management"]}"#, OK, 0);
}

#[test]
fn duplicates_are_collapsed() {
    answers(r#"{"types":["management","management"]}"#, OK, 0);
    answers(r#"{"types":["data","management","data"]}"#, OK, 0);
}

#[test]
fn data_without_management_is_missing_management() {
    answers(r#"{"types":["data"]}"#, MISSING, 1);
}

#[test]
fn an_empty_array_is_missing_management() {
    answers(r#"{"types":[]}"#, MISSING, 1);
}

#[test]
fn a_missing_types_field_is_missing_management() {
    answers("{}", MISSING, 1);
}

#[test]
fn the_legacy_field_name_events_is_not_types() {
    answers(r#"{"events":["management"]}"#, MISSING, 1);
}

#[test]
fn an_unknown_type_is_named() {
    answers(
        r#"{"types":["management","audit"]}"#,
        r#"{"code":400,"error":"Unknown event types: audit"}"#,
        1,
    );
}

#[test]
fn several_unknown_types_are_listed_in_input_order() {
    answers(
        r#"{"types":["x","management","audit"]}"#,
        r#"{"code":400,"error":"Unknown event types: x, audit"}"#,
        1,
    );
}

#[test]
fn an_unknown_type_given_twice_is_listed_once() {
    answers(
        r#"{"types":["audit","management","x","audit"]}"#,
        r#"{"code":400,"error":"Unknown event types: audit, x"}"#,
        1,
    );
}

#[test]
fn types_are_case_sensitive() {
    answers(
        r#"{"types":["Management","data"]}"#,
        r#"{"code":400,"error":"Unknown event types: Management"}"#,
        1,
    );
}

#[test]
fn unknown_types_are_reported_before_missing_management() {
    answers(
        r#"{"types":["data","audit"]}"#,
        r#"{"code":400,"error":"Unknown event types: audit"}"#,
        1,
    );
}

#[test]
fn a_string_for_types_is_a_400() {
    answers(r#"{"types":"management"}"#, NOT_AN_ARRAY, 1);
}

#[test]
fn null_types_is_a_400() {
    answers(r#"{"types":null}"#, NOT_AN_ARRAY, 1);
}

#[test]
fn an_array_of_non_strings_is_a_400() {
    answers(r#"{"types":[1]}"#, NOT_AN_ARRAY, 1);
    answers(r#"{"types":["management",null]}"#, NOT_AN_ARRAY, 1);
}

#[test]
fn a_body_that_is_not_an_object_is_a_400() {
    answers(
        r#"["management"]"#,
        r#"{"code":400,"error":"The request body must be a JSON object with a \"types\" array"}"#,
        1,
    );
}

#[test]
fn a_body_that_is_not_json_is_a_400() {
    answers(
        "{types: [management]}",
        r#"{"code":400,"error":"Invalid JSON body: key must be a string at line 1 column 2"}"#,
        1,
    );
}

#[test]
fn a_dash_reads_the_body_from_stdin() {
    let ok = config_check("-", r#"{"types":["management","data"]}"#);
    assert_eq!(ok, (format!("{OK}\n"), 0));
    let missing = config_check("-", r#"{"types":["data"]}"#);
    assert_eq!(missing, (format!("{MISSING}\n"), 1));
}
