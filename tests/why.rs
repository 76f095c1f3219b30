//! Why an event goes where it goes: the routes and rules in each decision, `rulec eval
//! --explain`, and `rulec route`, which answers without an event.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use serde_json::Value;

use crate::common::{rulec, rulec_with_stdin};

/// Lines of the shipped examples, by index.
fn examples(lines: &[usize]) -> String {
    let text = include_str!("../examples/events.ndjson");
    let all: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for &i in lines {
        out.push_str(all.get(i).unwrap());
        out.push('\n');
    }
    out
}

#[test]
fn each_decision_names_the_route_and_rule_behind_each_target() {
    let run = rulec_with_stdin(&["eval"], &examples(&[0, 7, 13]));
    let decisions: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Every target of a route decision comes from a rule that matched.
    let routed = &decisions[0];
    let mut from_rules: Vec<String> = routed["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["targets"].as_array().unwrap().clone())
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    from_rules.sort();
    from_rules.dedup();
    let targets: Vec<String> = serde_json::from_value(routed["targets"].clone()).unwrap();
    assert_eq!(from_rules, targets, "{routed}");
    assert_eq!(routed["routes"][0]["route"], "regional");
    assert_eq!(routed["routes"][0]["rule"], 2);
    // Not collected, and rejected: no routing happened.
    assert!(decisions[1].get("routes").is_none(), "{}", decisions[1]);
    assert!(decisions[2].get("routes").is_none(), "{}", decisions[2]);
}

#[test]
fn explain_accounts_for_every_check_and_every_route() {
    let run = rulec_with_stdin(&["eval", "--explain"], &examples(&[0, 10, 13, 15]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn route_answers_where_an_event_would_go_without_one() {
    let run = rulec(&[
        "route",
        "--action",
        "container-registry.image.push",
        "--location",
        "au-syd-1",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
    let json = rulec(&[
        "route",
        "--action",
        "cloudantnosqldb.any-document.read",
        "--location",
        "us-east",
        "--format",
        "json",
    ]);
    let decision: Value = serde_json::from_str(json.stdout.trim()).unwrap();
    assert_eq!(decision["verdict"], "drop");
    assert_eq!(decision["reason"], "data-events-disabled");
    let enabled = rulec(&[
        "route",
        "--action",
        "cloudantnosqldb.any-document.read",
        "--location",
        "us-east",
        "--types",
        "management,data",
        "--format",
        "json",
    ]);
    let decision: Value = serde_json::from_str(enabled.stdout.trim()).unwrap();
    assert_eq!(decision["targets"], serde_json::json!(["logs", "siem"]));
}

#[test]
fn route_refuses_an_unknown_action_or_location_with_the_closest_one() {
    let action = rulec(&[
        "route",
        "--action",
        "container-registry.image.psuh",
        "--location",
        "us-south",
    ]);
    assert_eq!(action.code, 2);
    assert!(
        action
            .stderr
            .contains("did you mean `container-registry.image.push`?"),
        "{}",
        action.stderr
    );
    let location = rulec(&[
        "route",
        "--action",
        "container-registry.image.push",
        "--location",
        "us-soth",
    ]);
    assert_eq!(location.code, 2);
    assert!(
        location.stderr.contains("did you mean `us-south`?"),
        "{}",
        location.stderr
    );
}

#[test]
fn route_agrees_with_eval_on_every_example_event() {
    let text = include_str!("../examples/events.ndjson");
    let run = rulec_with_stdin(&["eval"], text);
    for line in run.stdout.lines() {
        let decision: Value = serde_json::from_str(line).unwrap();
        if decision["verdict"] != "route" {
            continue;
        }
        let (Some(action), Some(written)) = (
            decision["action"].as_str(),
            decision["crn_location"].as_str(),
        ) else {
            continue;
        };
        let location = if written.is_empty() { "empty" } else { written };
        let asked = rulec(&[
            "route",
            "--action",
            action,
            "--location",
            location,
            "--format",
            "json",
        ]);
        let answer: Value = serde_json::from_str(asked.stdout.trim()).unwrap();
        for key in ["location", "targets", "routes", "default_targets"] {
            assert_eq!(answer.get(key), decision.get(key), "{key}: {line}");
        }
    }
}
