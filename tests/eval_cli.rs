//! `rulec eval` as a user runs it: the real binary on real inputs, its streams and exit code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use crate::common::{Run, rulec, rulec_with_stdin, temp_dir};

use std::path::Path;

use serde_json::Value;

const EXAMPLES: &str = "examples/events.ndjson";

impl Run {
    /// The decisions on stdout, one JSON value per line.
    fn decisions(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).expect("each stdout line is JSON"))
            .collect()
    }

    /// `index verdict` of each decision, for short assertions.
    fn verdicts(&self) -> Vec<String> {
        self.decisions()
            .iter()
            .map(|d| format!("{} {}", d["index"], d["verdict"].as_str().unwrap()))
            .collect()
    }
}

/// Writes `text` to `name` in `dir` and returns the path as a string.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The `n`-th line (0-based) of the examples: realistic events.
fn example(n: usize) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLES));
    text.unwrap().lines().nth(n).unwrap().to_owned()
}

#[test]
fn eval_prints_one_decision_per_example_event() {
    let run = rulec(&["eval", "--rules", "rules", EXAMPLES]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn eval_prints_a_summary_line_on_stderr() {
    let run = rulec(&["eval", "--rules", "rules", EXAMPLES]);
    assert_eq!(
        run.stderr,
        "evaluated 16 events: 11 route, 1 drop, 4 reject; by location: br-sao 1, ca-tor 1, \
         eu-de 1, eu-gb 2, jp-osa 1, jp-tok 2, us-south 3\n"
    );
}

#[test]
fn eval_reads_the_default_rules_directory() {
    let explicit = rulec(&["eval", "--rules", "rules", EXAMPLES]);
    let default = rulec(&["eval", EXAMPLES]);
    assert_eq!(default.stdout, explicit.stdout);
}

#[test]
fn fail_on_reject_exits_1_when_an_event_is_rejected() {
    let run = rulec(&["eval", "--rules", "rules", "--fail-on", "reject", EXAMPLES]);
    assert_eq!(run.code, 1);
    assert_eq!(run.decisions().len(), 16);
}

#[test]
fn fail_on_reject_exits_0_when_nothing_is_rejected() {
    let input = format!("{}\n{}\n", example(0), example(7));
    let run = rulec_with_stdin(&["eval", "--fail-on", "reject", "-"], &input);
    assert_eq!(run.verdicts(), ["0 route", "1 drop"]);
    assert_eq!(run.code, 0);
}

#[test]
fn fail_on_drop_exits_1_when_an_event_is_dropped() {
    let input = format!("{}\n{}\n", example(0), example(7));
    let run = rulec_with_stdin(&["eval", "--fail-on", "drop", "-"], &input);
    assert_eq!(run.verdicts(), ["0 route", "1 drop"]);
    assert_eq!(run.code, 1);
}

#[test]
fn dead_letter_receives_exactly_the_rejected_lines_verbatim() {
    let dir = temp_dir("dead-letter");
    let dead = dir.join("dead.ndjson");
    let run = rulec(&["eval", "--dead-letter", dead.to_str().unwrap(), EXAMPLES]);
    assert_eq!(run.code, 0);
    let rejected: Vec<String> = run
        .decisions()
        .iter()
        .filter(|d| d["verdict"] == "reject")
        .map(|d| example(usize::try_from(d["index"].as_u64().unwrap()).unwrap()))
        .collect();
    assert_eq!(rejected.len(), 4);
    let expected = format!("{}\n", rejected.join("\n"));
    assert_eq!(std::fs::read_to_string(dead).unwrap(), expected);
}

#[test]
fn dead_letter_keeps_the_spaces_around_a_rejected_line() {
    let dir = temp_dir("dead-letter-spaces");
    let dead = dir.join("dead.ndjson");
    let input = format!("{}\n  not json\t \n", example(0));
    let run = rulec_with_stdin(
        &["eval", "--dead-letter", dead.to_str().unwrap(), "-"],
        &input,
    );
    assert_eq!(run.verdicts(), ["0 route", "1 reject"]);
    assert_eq!(std::fs::read_to_string(dead).unwrap(), "  not json\t \n");
}

#[test]
fn dead_letter_is_empty_when_nothing_is_rejected() {
    let dir = temp_dir("dead-letter-empty");
    let dead = dir.join("dead.ndjson");
    let run = rulec_with_stdin(
        &["eval", "--dead-letter", dead.to_str().unwrap(), "-"],
        &format!("{}\n", example(0)),
    );
    assert_eq!(run.verdicts(), ["0 route"]);
    assert_eq!(std::fs::read_to_string(dead).unwrap(), "");
}

#[test]
fn a_dash_reads_the_events_from_stdin() {
    let examples =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLES)).unwrap();
    let from_stdin = rulec_with_stdin(&["eval", "-"], &examples);
    let from_file = rulec(&["eval", EXAMPLES]);
    assert_eq!(from_stdin.code, 0);
    assert_eq!(from_stdin.stdout, from_file.stdout);
}

#[test]
fn no_input_file_reads_the_events_from_stdin() {
    let run = rulec_with_stdin(&["eval"], &format!("{}\n", example(0)));
    assert_eq!(run.verdicts(), ["0 route"]);
}

#[test]
fn a_json_array_gives_one_decision_per_item() {
    let input = format!(
        "[\n  {},\n  {},\n  \"not an event\"\n]\n",
        example(0),
        example(8)
    );
    let run = rulec_with_stdin(&["eval", "-"], &input);
    assert_eq!(run.verdicts(), ["0 route", "1 reject", "2 reject"]);
    let decisions = run.decisions();
    assert_eq!(
        decisions[1]["violations"][0]["code"],
        "eval::unknown_action"
    );
    assert_eq!(decisions[2]["violations"][0]["code"], "eval::invalid_json");
}

#[test]
fn a_pretty_printed_object_is_one_event() {
    let event: Value = serde_json::from_str(&example(0)).unwrap();
    let input = serde_json::to_string_pretty(&event).unwrap();
    let run = rulec_with_stdin(&["eval", "-"], &input);
    let compact = rulec_with_stdin(&["eval", "-"], &example(0));
    assert_eq!(run.verdicts(), ["0 route"]);
    assert_eq!(run.stdout, compact.stdout);
}

#[test]
fn an_invalid_line_in_the_middle_gets_its_own_decision() {
    let input = format!("{}\n{{\"action\": \n\n{}\n", example(0), example(2));
    let run = rulec_with_stdin(&["eval", "-"], &input);
    assert_eq!(run.verdicts(), ["0 route", "1 reject", "2 route"]);
    assert_eq!(
        run.decisions()[1]["violations"][0]["code"],
        "eval::invalid_json"
    );
    assert_eq!(run.code, 0);
}

#[test]
fn blank_lines_are_not_events() {
    let input = format!("\n{}\n   \n\r\n{}\n\n", example(0), example(2));
    let run = rulec_with_stdin(&["eval", "-"], &input);
    assert_eq!(run.verdicts(), ["0 route", "1 route"]);
    assert_eq!(
        run.stderr,
        "evaluated 2 events: 2 route, 0 drop, 0 reject; by location: us-south 2\n"
    );
}

#[test]
fn crlf_line_endings_are_read_as_ndjson() {
    let input = format!("{}\r\n{}\r\n", example(0), example(2));
    let run = rulec_with_stdin(&["eval", "-"], &input);
    assert_eq!(run.verdicts(), ["0 route", "1 route"]);
}

#[test]
fn types_management_data_routes_the_cloudant_data_event() {
    let default = rulec_with_stdin(&["eval", "-"], &example(7));
    assert_eq!(default.decisions()[0]["reason"], "data-events-disabled");
    let run = rulec_with_stdin(&["eval", "--types", "management,data", "-"], &example(7));
    let decision = &run.decisions()[0];
    assert_eq!(decision["verdict"], "route");
    assert_eq!(decision["location"], "us-east");
    assert_eq!(decision["targets"], serde_json::json!(["logs", "siem"]));
}

#[test]
fn types_data_drops_registry_management_events() {
    let run = rulec_with_stdin(&["eval", "--types", "data", "-"], &example(2));
    assert_eq!(run.decisions()[0]["reason"], "management-events-disabled");
}

#[test]
fn an_unknown_event_type_is_a_usage_error() {
    let run = rulec_with_stdin(&["eval", "--types", "audit", "-"], &example(0));
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
}

#[test]
fn an_unreadable_input_file_exits_2() {
    let run = rulec(&["eval", "tests/fixtures/events/no-such-file.ndjson"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("tests/fixtures/events/no-such-file.ndjson"),
        "{}",
        run.stderr
    );
}

#[test]
fn events_read_before_an_unreadable_file_are_still_printed() {
    let run = rulec(&[
        "eval",
        EXAMPLES,
        "tests/fixtures/events/no-such-file.ndjson",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(run.decisions().len(), 16);
}

#[test]
fn a_broken_rules_directory_exits_2_with_its_diagnostics() {
    let dir = temp_dir("broken-rules");
    write(
        &dir,
        "broken.rules",
        "service svc \"Service\" {\n  management thing,read \"Read a thing.\"\n}\n",
    );
    let run = rulec_with_stdin(
        &["eval", "--rules", dir.to_str().unwrap(), "-"],
        &example(0),
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("rules::malformed_action"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("broken.rules:2:"), "{}", run.stderr);
}

#[test]
fn a_missing_rules_path_exits_2() {
    let run = rulec_with_stdin(&["eval", "--rules", "no-such-rules", "-"], &example(0));
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("no-such-rules"), "{}", run.stderr);
}

#[test]
fn a_directory_given_as_an_input_says_that_the_catalog_takes_rules() {
    let run = rulec(&["eval", "rules", "examples/events.ndjson"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("write `rulec eval --rules rules"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

/// `--strict` rejects an event whose only violations are warnings; without it the event is
/// routed, with the same violations as warnings.
#[test]
fn strict_rejects_on_a_warning_and_ingest_routes_with_it() {
    let mut event: Value = serde_json::from_str(&example(0)).unwrap();
    event.as_object_mut().unwrap().remove("observer");
    let input = format!("{event}\n");
    let ingest = rulec_with_stdin(&["eval", "--rules", "rules"], &input);
    let strict = rulec_with_stdin(&["eval", "--rules", "rules", "--strict"], &input);
    let (ingest, strict) = (&ingest.decisions()[0], &strict.decisions()[0]);
    assert_eq!(ingest["verdict"], "route", "{ingest}");
    assert_eq!(strict["verdict"], "reject", "{strict}");
    let codes = |d: &Value| -> Vec<(String, String)> {
        d["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["code"].as_str().unwrap().to_owned(),
                    v["path"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert!(
        codes(ingest).contains(&(
            "eval::missing_field".to_owned(),
            "/observer/name".to_owned()
        )),
        "{ingest}"
    );
    assert_eq!(codes(ingest), codes(strict));
    assert!(
        ingest["violations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["level"] == "warning")
    );
    assert!(
        strict["violations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["level"] == "error")
    );
}
