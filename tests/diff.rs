//! `rulec diff`: a corpus of catalog changes, one or more per code, each with its expected
//! classification; the properties (a catalog against itself or against its own text
//! reformatted reports nothing but documentation); re-routed flows checked against events
//! decided under both catalogs; and the command's formats and exit codes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::too_many_lines,
    clippy::type_complexity,
    reason = "tests"
)]

use std::collections::BTreeSet;
use std::path::Path;

use rulec::diff::{Class, Flow, Report, Side, diff};
use rulec::sample::{self, SampleOptions};
use rulec::{Catalog, Engine, Source, Verdict};
use serde_json::Value;

use crate::common::{rulec, rulec_in};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The shipped rules, as sources.
fn shipped() -> Vec<Source> {
    rulec::source::read_sources(&[Path::new(ROOT).join("rules")]).unwrap()
}

/// The shipped rules with `from` replaced by `to` in the file named `file`.
fn changed(file: &str, from: &str, to: &str) -> Vec<Source> {
    shipped()
        .into_iter()
        .map(|mut source| {
            if source.name.ends_with(file) {
                assert!(source.text.contains(from), "`{from}` is not in {file}");
                source.text = source.text.replacen(from, to, 1);
            }
            source
        })
        .collect()
}

fn engine(sources: Vec<Source>) -> Engine {
    Engine::new(Catalog::compile(sources).unwrap_or_else(|d| panic!("{d}")))
}

fn compare(old: &Engine, new: &Engine) -> Report {
    let side = |engine| Side {
        engine,
        origins: None,
    };
    diff(side(old), side(new))
}

/// The classes and codes of a report, reroutes left out unless `reroutes`.
fn kinds(report: &Report, reroutes: bool) -> BTreeSet<(Class, &'static str)> {
    report
        .changes
        .iter()
        .filter(|c| reroutes || c.class != Class::Reroute)
        .map(|c| (c.class, c.code))
        .collect()
}

const REGISTRY: &str = "container-registry.rules";
const ENVELOPE: &str = "envelope.rules";
const ROUTES: &str = "routes.rules";

#[test]
fn each_change_of_the_corpus_gets_its_class_and_code() {
    use Class::{Breaking, Docs, Reroute, Widening};
    let cases: &[(&str, &str, &str, &str, &[(Class, &str)])] = &[
        (
            "an action removed",
            REGISTRY,
            "    management image.list \"List the images in your IBM account.\"\n",
            "",
            &[(Breaking, "diff::action_removed")],
        ),
        (
            "an action renamed (same description)",
            REGISTRY,
            "management image.list \"List",
            "management image.enumerate \"List",
            &[
                (Breaking, "diff::action_removed"),
                (Widening, "diff::action_added"),
            ],
        ),
        (
            "an action added",
            REGISTRY,
            "    management image.list \"List",
            "    management image.count \"Count the images.\"\n    management image.list \"List",
            &[(Widening, "diff::action_added")],
        ),
        (
            "an event type flipped",
            REGISTRY,
            "management image.list",
            "data image.list",
            &[(Breaking, "diff::event_type_changed")],
        ),
        (
            "a description changed",
            REGISTRY,
            "\"List the images in your IBM account.\"",
            "\"List every image of the account.\"",
            &[(Docs, "diff::description_changed")],
        ),
        (
            "a group caption changed",
            REGISTRY,
            "\"Actions that generate events for images\"",
            "\"Image actions\"",
            &[(Docs, "diff::description_changed")],
        ),
        (
            "an optional field made required",
            REGISTRY,
            "requestData.RequestParameters.repository?: string",
            "requestData.RequestParameters.repository: string",
            &[(Breaking, "diff::field_required")],
        ),
        (
            "a required field made optional",
            ENVELOPE,
            "  outcome: outcome missing warn invalid",
            "  outcome?: outcome invalid",
            &[(Widening, "diff::field_optional")],
        ),
        (
            "a field no longer declared",
            REGISTRY,
            "  requestData.RequestParameters.includePrivate?: enum { \"true\", \"false\" } \"When set to false, the returned list does not contain the private account images. If not set, or set to true, the list contains the private account images.\"\n",
            "",
            &[(Widening, "diff::field_optional")],
        ),
        (
            "an optional field added",
            REGISTRY,
            "schema account_vulnerability_fields {\n",
            "schema account_vulnerability_fields {\n  requestData.RequestParameters.limit?: integer\n",
            &[(Breaking, "diff::constraint_tightened")],
        ),
        (
            "a required field added",
            REGISTRY,
            "schema account_vulnerability_fields {\n",
            "schema account_vulnerability_fields {\n  requestData.RequestParameters.limit: integer\n",
            &[(Breaking, "diff::field_required")],
        ),
        (
            "a type narrowed",
            REGISTRY,
            "requestData.RequestParameters.repository?: string",
            "requestData.RequestParameters.repository?: integer",
            &[(Breaking, "diff::type_changed")],
        ),
        (
            "an enum member removed",
            REGISTRY,
            "OK, WARN, FAIL, UNSUPPORTED, INCOMPLETE, UNSCANNED",
            "OK, WARN, FAIL, UNSUPPORTED, INCOMPLETE",
            &[(Breaking, "diff::enum_member_removed")],
        ),
        (
            "an enum member added",
            REGISTRY,
            "OK, WARN, FAIL, UNSUPPORTED, INCOMPLETE, UNSCANNED",
            "OK, WARN, FAIL, UNSUPPORTED, INCOMPLETE, UNSCANNED, PENDING",
            &[(Widening, "diff::enum_member_added")],
        ),
        (
            "a pattern added",
            REGISTRY,
            "requestData.RequestParameters.repository?: string",
            "requestData.RequestParameters.repository?: string matches /^[a-z.]+/",
            &[(Breaking, "diff::pattern_changed")],
        ),
        (
            "a pattern changed",
            REGISTRY,
            "requestData.RequestParameters.name?: string matches /.*/",
            "requestData.RequestParameters.name?: string matches /^[a-z]/",
            &[(Breaking, "diff::pattern_changed")],
        ),
        (
            "a pattern removed",
            REGISTRY,
            "requestData.RequestParameters.name?: string matches /.*/",
            "requestData.RequestParameters.name?: string",
            &[(Widening, "diff::pattern_widened")],
        ),
        (
            "a warning made an error",
            ENVELOPE,
            "outcome missing warn invalid warn \"The outcome",
            "outcome missing warn \"The outcome",
            &[(Breaking, "diff::level_raised")],
        ),
        (
            "an error made a warning (an enum member accepted with a warning, then without)",
            ENVELOPE,
            "enum { success, pending, failure, unknown warn }",
            "enum { success, pending, failure, unknown }",
            &[(Widening, "diff::level_lowered")],
        ),
        (
            "a collect policy changed",
            REGISTRY,
            "  collect management, data\n",
            "  collect management\n",
            &[(Breaking, "diff::policy_changed")],
        ),
        (
            "a conditional added",
            REGISTRY,
            "  fields account-vulnerability-report.list {",
            "  when action matches image.* and outcome == \"failure\" {\n    reason.reasonCode: integer\n  }\n  fields account-vulnerability-report.list {",
            &[(Breaking, "diff::conditional_changed")],
        ),
        (
            "a type widened (integer to number)",
            ENVELOPE,
            "reason.reasonCode: integer quoted",
            "reason.reasonCode: number quoted",
            &[(Widening, "diff::type_changed")],
        ),
        (
            "a route rule moved",
            ROUTES,
            "eu-de, eu-gb, eu-es -> logs, archive",
            "eu-de, eu-gb -> logs, archive\n  eu-es -> archive",
            &[(Reroute, "diff::reroute")],
        ),
        (
            "formatting and comments",
            ROUTES,
            "\nroute ",
            "\n// a new comment\nroute   ",
            &[],
        ),
    ];
    let old = engine(shipped());
    for (what, file, from, to, expected) in cases {
        let new = engine(changed(file, from, to));
        let report = compare(&old, &new);
        let expected: BTreeSet<(Class, &str)> = expected.iter().copied().collect();
        let reroutes = expected.iter().any(|(c, _)| *c == Class::Reroute);
        let got = kinds(&report, reroutes);
        let got: BTreeSet<(Class, &str)> = got.into_iter().collect();
        assert_eq!(got, expected, "{what}: {:#?}", report.changes);
        // Every code is registered and explained.
        for change in &report.changes {
            assert!(
                rulec::explain::explanation(change.code).is_some(),
                "{}",
                change.code
            );
        }
    }
}

#[test]
fn a_catalog_against_itself_or_its_reformatted_text_reports_nothing() {
    let catalogs: Vec<Vec<Source>> = vec![
        shipped(),
        rulec::source::read_sources(&[
            Path::new(ROOT).join("rules/envelope.rules"),
            Path::new(ROOT).join("rules/locations.rules"),
            Path::new(ROOT).join("tests/fixtures/real-events/catalogs"),
        ])
        .unwrap(),
    ];
    for sources in catalogs {
        let same = compare(&engine(sources.clone()), &engine(sources.clone()));
        assert_eq!(same, Report::default());
        // The same rules written out of shape, then formatted: no change to producers or
        // routing.
        let messy: Vec<Source> = sources
            .iter()
            .map(|s| {
                Source::new(
                    s.name.clone(),
                    s.text.replace("\n  ", "\n\t    ").replace(", ", " ,  "),
                )
            })
            .collect();
        let formatted: Vec<Source> = messy
            .iter()
            .map(|s| Source::new(s.name.clone(), rulec::format::format(&s.text).unwrap()))
            .collect();
        for other in [messy, formatted] {
            let report = compare(&engine(sources.clone()), &engine(other));
            assert!(
                report.changes.iter().all(|c| c.class == Class::Docs),
                "{:#?}",
                report.changes
            );
        }
    }
}

/// Where an event goes under an engine, unless it is rejected.
fn routed(engine: &Engine, event: &str) -> Option<(Verdict, Option<Vec<String>>)> {
    let decision = engine.evaluate(event.as_bytes());
    (decision.verdict != Verdict::Reject)
        .then(|| (decision.verdict, decision.targets.map(|t| t.to_vec())))
}

fn covers(flow: &Flow, service: &str, action: &str, location: &str) -> bool {
    flow.service == service
        && flow.locations.iter().any(|l| l == location)
        && flow
            .actions
            .as_ref()
            .is_none_or(|actions| actions.iter().any(|a| a == action))
}

#[test]
fn re_routed_flows_are_exactly_the_sampled_events_that_moved() {
    let old = engine(shipped());
    let sources = changed(
        ROUTES,
        "eu-de, eu-gb, eu-es -> logs, archive",
        "eu-de, eu-gb -> logs\n  eu-es -> archive",
    );
    let sources: Vec<Source> = sources
        .into_iter()
        .map(|mut s| {
            if s.name.ends_with(REGISTRY) {
                s.text = s
                    .text
                    .replacen("data image.pull", "management image.pull", 1);
            }
            s
        })
        .collect();
    let new = engine(sources);
    let report = compare(&old, &new);
    assert!(report.summary.reroute >= 3, "{:#?}", report.flows);
    let mut locations: Vec<String> = vec!["global".into()];
    for region in old.catalog().regions() {
        locations.push(region.name.clone());
        locations.extend(region.zones.iter().cloned());
    }
    let options = SampleOptions {
        count: old.catalog().actions().len(),
        invalid_share: 0.0,
        seed: 5,
    };
    let mut moved: BTreeSet<(String, String)> = BTreeSet::new();
    for sample in sample::samples(old.catalog(), &options) {
        let event: Value = serde_json::from_str(&sample.text).unwrap();
        let crn = event["logSourceCRN"].as_str().unwrap().to_owned();
        let parts: Vec<&str> = crn.split(':').collect();
        let service = parts[4].to_owned();
        for location in &locations {
            let mut parts = parts.clone();
            parts[5] = location;
            let mut event = event.clone();
            event["logSourceCRN"] = Value::from(parts.join(":"));
            let text = event.to_string();
            let (Some(before), Some(after)) = (routed(&old, &text), routed(&new, &text)) else {
                continue;
            };
            if before != after {
                assert!(
                    report
                        .flows
                        .iter()
                        .any(|f| covers(f, &service, &sample.action, location)),
                    "{} from {location} moved, {before:?} -> {after:?}, in no flow",
                    sample.action
                );
                moved.insert((sample.action.clone(), location.clone()));
            }
        }
    }
    // And every flow holds events that moved: each of its actions from each of its locations.
    for flow in &report.flows {
        let actions: Vec<String> = flow.actions.clone().unwrap_or_else(|| {
            new.catalog()
                .actions()
                .iter()
                .filter(|a| {
                    a.name.starts_with(&format!("{}.", flow.service))
                        && a.event_type == flow.event_type
                })
                .map(|a| a.name.to_string())
                .collect()
        });
        for action in &actions {
            for location in &flow.locations {
                assert!(
                    moved.contains(&(action.clone(), location.clone())),
                    "{} lists {action} from {location}, which no event shows moving",
                    flow.describe(new.catalog())
                );
            }
        }
    }
}

#[test]
fn the_command_prints_five_formats_and_fails_on_what_it_is_told() {
    let dir = std::env::temp_dir().join(format!("rulec-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for side in ["old", "new"] {
        std::fs::create_dir_all(dir.join(side)).unwrap();
        for source in shipped() {
            let name = Path::new(&source.name).file_name().unwrap().to_owned();
            std::fs::write(dir.join(side).join(name), &source.text).unwrap();
        }
    }
    let registry = dir.join("new").join(REGISTRY);
    let text = std::fs::read_to_string(&registry).unwrap();
    std::fs::write(
        &registry,
        text.replacen(
            "    management image.list \"List the images in your IBM account.\"\n",
            "",
            1,
        ),
    )
    .unwrap();
    let json = rulec_in(&dir, &["diff", "old", "new", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let value: Value = serde_json::from_str(&json.stdout).unwrap();
    let change = &value["changes"][0];
    assert_eq!(change["class"], "breaking");
    assert_eq!(change["code"], "diff::action_removed");
    assert_eq!(change["old"]["file"], "old/container-registry.rules");
    assert!(change["old"]["line"].as_u64().unwrap() > 1);
    assert_eq!(change["new"], Value::Null);
    assert_eq!(value["summary"]["breaking"], 1);
    assert!(value["flows"].as_array().unwrap().is_empty());
    assert_eq!(
        rulec_in(&dir, &["diff", "old", "new", "--fail-on", "breaking"]).code,
        1
    );
    assert_eq!(
        rulec_in(&dir, &["diff", "old", "new", "--fail-on", "reroute"]).code,
        0
    );
    assert_eq!(
        rulec_in(&dir, &["diff", "old", "old", "--fail-on", "any"]).code,
        0
    );
    let human = rulec_in(&dir, &["diff", "old", "new"]);
    assert!(
        human.stdout.contains(
            "breaking  diff::action_removed: action `container-registry.image.list` is removed"
        ),
        "{}",
        human.stdout
    );
    let github = rulec_in(&dir, &["diff", "old", "new", "--format", "github"]);
    assert!(
        github
            .stdout
            .starts_with("::error file=old/container-registry.rules,line="),
        "{}",
        github.stdout
    );
    let markdown = rulec_in(&dir, &["diff", "old", "new", "--format", "markdown"]);
    assert!(
        markdown.stdout.contains("### Breaking for producers"),
        "{}",
        markdown.stdout
    );
    let sarif: Value =
        serde_json::from_str(&rulec_in(&dir, &["diff", "old", "new", "--format", "sarif"]).stdout)
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"],
        "diff::action_removed"
    );
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "error");
    // An artifact on one side: no places, the same changes.
    let artifact = dir.join("old.json");
    assert_eq!(
        rulec_in(&dir, &["compile", "old", "-o", artifact.to_str().unwrap()]).code,
        0
    );
    let from_artifact = rulec_in(&dir, &["diff", "old.json", "new", "--format", "json"]);
    let value: Value = serde_json::from_str(&from_artifact.stdout).unwrap();
    assert_eq!(value["changes"][0]["code"], "diff::action_removed");
    assert_eq!(value["changes"][0]["old"], Value::Null);
    // Usage and input errors exit 2.
    assert_eq!(rulec_in(&dir, &["diff", "old"]).code, 2);
    assert_eq!(rulec_in(&dir, &["diff", "old", "missing"]).code, 2);
    std::fs::write(dir.join("new/broken.rules"), "route {").unwrap();
    assert_eq!(rulec_in(&dir, &["diff", "old", "new"]).code, 2);
}

#[test]
fn git_compares_the_working_tree_with_a_revision() {
    let dir = std::env::temp_dir().join(format!("rulec-diff-git-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    for source in shipped() {
        let name = Path::new(&source.name).file_name().unwrap().to_owned();
        std::fs::write(dir.join("rules").join(name), &source.text).unwrap();
    }
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    assert_eq!(
        rulec_in(&dir, &["diff", "--git", "HEAD", "--fail-on", "any"]).code,
        0
    );
    let routes = dir.join("rules").join(ROUTES);
    let text = std::fs::read_to_string(&routes).unwrap();
    std::fs::write(
        &routes,
        text.replacen(
            "eu-de, eu-gb, eu-es -> logs, archive",
            "eu-de, eu-gb, eu-es -> archive",
            1,
        ),
    )
    .unwrap();
    let run = rulec_in(
        &dir,
        &["diff", "--git", "HEAD", "rules", "--fail-on", "reroute"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("from `eu-de (and its zones)`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("-> archive"), "{}", run.stdout);
    assert_eq!(
        rulec_in(&dir, &["diff", "--git", "no-such-revision"]).code,
        2
    );
    // Outside a repository: an input error.
    assert_eq!(rulec(&["diff", "--git", "HEAD", "/"]).code, 2);
}
