//! `rulec test`: the shipped cases pass and cover the catalog; failures say what differed.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::Command;

fn rules() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))
}

/// A scratch directory holding a copy of the shipped rules (not their cases) and `cases`.
fn scratch(name: &str, cases: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rulec-suite-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(rules()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rules") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.join("cases.test.yaml"), cases).unwrap();
    dir
}

fn rulec(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const PULL: &str = r#"{"action":"container-registry.image.pull","outcome":"success","reason":{"reasonCode":200,"reasonType":"OK"},"severity":"normal","eventTime":"2026-11-20T14:03:27.51+0000","dataEvent":true,"initiator":{"id":"IBMid-1","name":"ana","typeURI":"service/security/account/user","credential":{"type":"token"},"host":{"address":"203.0.113.24","addressType":"IPv4"}},"target":{"id":"crn:v1:bluemix:public:container-registry:au-syd:a/1::image:au.icr.io/a/b@sha256:9f2c6b8e4d1a7c3b5e0f9a8d7c6b5a4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a","name":"a/b","typeURI":"container-registry/image"},"observer":{"name":"ActivityTracker"},"logSourceCRN":"crn:v1:bluemix:public:container-registry:au-syd:a/1:::","message":"m","saveServiceCopy":true}"#;

#[test]
fn the_shipped_cases_pass_and_cover_every_item() {
    let engine = rulec::Engine::load(rules()).unwrap();
    let suites = rulec::suite::load(&[rules()]).unwrap();
    let report = rulec::suite::run(&engine, &suites);
    let failed: Vec<_> = report
        .results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| (&r.name, &r.failures))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let uncovered: Vec<_> = report
        .coverage
        .categories
        .iter()
        .flat_map(|c| c.items.iter().filter(|i| !i.covered))
        .collect();
    assert!(uncovered.is_empty(), "{uncovered:#?}");
    assert!(report.results.len() > 97);
}

#[test]
fn a_failing_case_shows_what_differed() {
    let cases = format!(
        "cases:\n  - name: pull from Sydney\n    event: {PULL}\n    expect: {{verdict: route, location: au-syd, targets: [logs]}}\n"
    );
    let dir = scratch("fail", &cases);
    let (code, stdout, _) = rulec(&["test", "."], &dir);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("pull from Sydney ... FAILED"), "{stdout}");
    assert!(
        stdout.contains("location: expected `au-syd`, got `jp-tok`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("targets: expected [logs], got [archive, logs, siem]"),
        "{stdout}"
    );
    assert!(stdout.contains("0 passed, 1 failed"), "{stdout}");
}

#[test]
fn a_passing_case_with_low_coverage_fails_min_coverage() {
    let cases = format!(
        "cases:\n  - name: pull from Sydney\n    event: {PULL}\n    expect: {{verdict: route, location: jp-tok, violations: []}}\n"
    );
    let dir = scratch("coverage", &cases);
    let (code, stdout, _) = rulec(&["test", ".", "--coverage"], &dir);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("not exercised: container-registry.image.push"),
        "{stdout}"
    );
    assert!(stdout.contains("location overrides"), "{stdout}");
    let (code, _, stderr) = rulec(&["test", ".", "--min-coverage", "90"], &dir);
    assert_eq!(code, 1);
    assert!(stderr.contains("below --min-coverage 90%"), "{stderr}");
}

#[test]
fn a_malformed_suite_names_file_and_line() {
    let dir = scratch(
        "malformed",
        "cases:\n  - name: x\n    expect: {verdict: maybe}\n",
    );
    let (code, _, stderr) = rulec(&["test", "."], &dir);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cases.test.yaml") && stderr.contains("line 3"),
        "{stderr}"
    );
}

#[test]
fn an_event_file_is_read_relative_to_the_suite() {
    let dir = scratch(
        "file",
        "cases:\n  - name: from a file\n    event_file: events/pull.json\n    expect: {verdict: route, location: jp-tok}\n",
    );
    std::fs::create_dir_all(dir.join("events")).unwrap();
    std::fs::write(dir.join("events/pull.json"), PULL).unwrap();
    let (code, stdout, _) = rulec(&["test", "."], &dir);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn an_event_file_is_decided_from_its_bytes_as_rulec_eval_decides_it() {
    let dir = scratch(
        "bytes",
        "cases:\n  - name: a repeated key\n    event_file: events/twice.json\n    expect: {verdict: reject, violations: [eval::duplicate_key]}\n  - name: not JSON\n    event_file: events/broken.json\n    expect: {verdict: reject, violations: [eval::invalid_json]}\n",
    );
    std::fs::create_dir_all(dir.join("events")).unwrap();
    let twice = PULL.replacen(
        "\"outcome\":\"success\"",
        "\"outcome\":\"success\",\"outcome\":\"failure\"",
        1,
    );
    std::fs::write(dir.join("events/twice.json"), twice).unwrap();
    std::fs::write(dir.join("events/broken.json"), &PULL[..40]).unwrap();
    let (code, stdout, stderr) = rulec(&["test", "."], &dir);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");
}

#[test]
fn yaml_merge_keys_in_a_case_are_applied() {
    let cases = format!(
        "cases:\n  - name: the base\n    event: &base {PULL}\n    expect: {{verdict: route, location: jp-tok}}\n  - name: merged\n    event:\n      <<: *base\n      outcome: failure\n    expect: {{verdict: route, location: jp-tok}}\n  - name: merged and broken\n    event:\n      <<: *base\n      outcome: nope\n    expect: {{verdict: route, violations: [eval::enum_mismatch]}}\n"
    );
    let dir = scratch("merge", &cases);
    let (code, stdout, stderr) = rulec(&["test", "."], &dir);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("3 passed, 0 failed"), "{stdout}");
}

#[test]
fn fields_that_actions_share_are_one_coverage_item_each() {
    let text = "envelope { action: string }\nschema common { a?: string\n b?: string\n c?: string }\nservice svc \"S\" {\n  management x.read \"r\"\n  management y.read \"r\"\n  management z.read \"r\"\n  fields x.read, y.read, z.read { use common }\n}\n";
    let labels = field_items(text);
    assert_eq!(labels.len(), 4, "{labels:?}");
    assert!(
        labels.iter().any(|l| l == "svc.x.read and 2 more: `a`"),
        "{labels:?}"
    );
}

/// Two `fields` blocks that use one schema and add different fields of their own: the
/// schema's fields are items once, each block's own fields once.
#[test]
fn a_schema_used_by_lists_that_differ_is_counted_once() {
    let text = "envelope { action: string }\nschema common { a?: string\n b?: string\n c?: string }\nservice svc \"S\" {\n  management x.read \"r\"\n  management y.read \"r\"\n  fields x.read { use common\n d?: string }\n  fields y.read { use common\n e?: string }\n}\n";
    // `action`, then a, b, c once, d and e.
    let labels = field_items(text);
    assert_eq!(labels.len(), 6, "{labels:?}");
}

/// The labels of the coverage items of the fields of a catalog.
fn field_items(text: &str) -> Vec<String> {
    let catalog = rulec::Catalog::compile(vec![rulec::Source::new("s.rules", text)]).unwrap();
    let coverage = rulec::suite::Coverage::of(&catalog);
    let fields = coverage
        .categories
        .iter()
        .find(|c| c.name == "fields")
        .unwrap();
    fields.items.iter().map(|i| i.label.clone()).collect()
}

#[test]
fn filter_runs_only_the_matching_cases_and_formats_are_json_and_junit() {
    let (code, stdout, _) = rulec(
        &["test", "rules", "--filter", "cloudant.test.yaml ::"],
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout
            .lines()
            .filter(|l| l.starts_with("test "))
            .all(|l| l.contains("cloudant.test.yaml")),
        "{stdout}"
    );
    let (code, _, stderr) = rulec(
        &["test", "rules", "--filter", "no such case"],
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no test case matches `no such case`"),
        "{stderr}"
    );

    let cases = format!(
        "cases:\n  - name: a <pull> & \"more\"\n    event: {PULL}\n    expect: {{verdict: route}}\n  - name: wrong\n    event: {PULL}\n    expect: {{verdict: drop}}\n"
    );
    let dir = scratch("formats", &cases);
    let (code, stdout, _) = rulec(&["test", ".", "--format", "json"], &dir);
    assert_eq!(code, 1);
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["summary"]["passed"], 1);
    assert_eq!(document["summary"]["failed"], 1);
    assert_eq!(document["results"][1]["passed"], false);
    assert!(
        document["results"][1]["failures"][0]
            .as_str()
            .unwrap()
            .contains("verdict")
    );
    let (code, stdout, _) = rulec(&["test", ".", "--format", "junit"], &dir);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("<?xml"), "{stdout}");
    assert!(
        stdout.contains("<testsuites name=\"rulec test\" tests=\"2\" failures=\"1\">"),
        "{stdout}"
    );
    assert!(
        stdout.contains("name=\"a &lt;pull&gt; &amp; &quot;more&quot;\"/>"),
        "{stdout}"
    );
    assert!(
        stdout.contains("<failure message=\"verdict: expected `drop`, got `route`\">"),
        "{stdout}"
    );
}

#[test]
fn cases_extend_a_base_event_with_overrides() {
    let cases = [
        format!("bases:\n  pull: {PULL}\ncases:"),
        "  - name: the base as it is\n    extends: pull".into(),
        "    expect: {verdict: route, location: jp-tok, violations: []}".into(),
        "  - name: a nested override and a removed key\n    extends: pull".into(),
        "    event: {initiator: {host: {addressType: IPv5}}, message: null}".into(),
        "    strict: true".into(),
        "    expect: {verdict: reject, violations: [eval::enum_mismatch, eval::missing_field]}"
            .into(),
        "  - name: the base is not changed by the case before\n    extends: pull".into(),
        "    expect: {violations: []}".into(),
        "  - name: a misspelled base\n    extends: pul\n    expect: {verdict: route}".into(),
        "  - name: a base with an event file\n    extends: pull\n    event_file: pull.json".into(),
        "    expect: {verdict: route}\n".into(),
    ]
    .join("\n");
    let dir = scratch("extends", &cases);
    let (code, stdout, _) = rulec(&["test", "cases.test.yaml"], &dir);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("the base as it is ... ok"), "{stdout}");
    assert!(
        stdout.contains("a nested override and a removed key ... ok"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the base is not changed by the case before ... ok"),
        "{stdout}"
    );
    assert!(
        stdout.contains("`extends: pul` names no base of this suite: did you mean `pull`?"),
        "{stdout}"
    );
    assert!(
        stdout.contains("`extends` takes its overrides as `event:`, not `event_file:`"),
        "{stdout}"
    );
    assert!(stdout.contains("3 passed, 2 failed"), "{stdout}");
}

#[test]
fn every_item_of_the_shipped_rules_is_located_on_its_declaration() {
    let mut checker = rulec::Checker::new();
    for source in rulec::source::read_sources(&[rules()]).unwrap() {
        checker.add(source);
    }
    let result = checker.check();
    let catalog = result.catalog.unwrap();
    let mut coverage = rulec::suite::Coverage::of(&catalog);
    coverage.locate(&result.origins);
    let sources = result.diagnostics.sources();
    for category in &coverage.categories {
        for item in &category.items {
            let Some(at) = item.at else {
                assert_eq!(
                    item.label, "global",
                    "{}: {} has no place",
                    category.name, item.label
                );
                continue;
            };
            let text = sources.text(at);
            // The declaration names what the label names: the action's verb, the region, the
            // field's last segment, the rule's arrow.
            let word = match category.name {
                "actions" => item.label.rsplit('.').next().unwrap().to_owned(),
                "locations" => item.label.clone(),
                "fields" | "enum members" | "patterns" => {
                    let path = item.label.split('`').nth(1).unwrap();
                    path.rsplit('.').next().unwrap().to_owned()
                }
                "route rules" if item.label == "default targets" => "default".to_owned(),
                "route rules" => "->".to_owned(),
                "location overrides" => "locate".to_owned(),
                _ => "when".to_owned(),
            };
            assert!(
                text.contains(&word),
                "{}: {} at {text:?}",
                category.name,
                item.label
            );
        }
    }
}

#[test]
fn coverage_formats_mark_lines_of_the_rules_files() {
    let cases = format!(
        "cases:\n  - name: one pull\n    event: {PULL}\n    expect: {{verdict: route, location: jp-tok}}\n"
    );
    let dir = scratch("lcov", &cases);
    let (code, stdout, stderr) = rulec(&["test", ".", "--coverage-format", "lcov"], &dir);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let lcov = std::fs::read_to_string(dir.join("lcov.info")).unwrap();
    let registry = lcov
        .split("end_of_record\n")
        .find(|r| {
            r.contains("SF:./container-registry.rules") || r.contains("SF:container-registry.rules")
        })
        .unwrap_or_else(|| panic!("{lcov}"));
    let text = std::fs::read_to_string(dir.join("container-registry.rules")).unwrap();
    let line_of = |needle: &str| 1 + text.lines().position(|l| l.contains(needle)).unwrap();
    let hits = |line: usize| {
        registry
            .lines()
            .find_map(|l| l.strip_prefix(&format!("DA:{line},")))
            .map(|h| h.parse::<usize>().unwrap())
    };
    assert_eq!(hits(line_of("data image.pull ")), Some(1), "{registry}");
    assert_eq!(hits(line_of("data image.push ")), Some(0), "{registry}");
    let found: usize = field(registry, "LF:");
    let hit: usize = field(registry, "LH:");
    assert!(0 < hit && hit < found, "{registry}");
    let lines = registry.lines().filter(|l| l.starts_with("DA:")).count();
    assert_eq!(found, lines, "{registry}");

    let (code, _, stderr) = rulec(
        &[
            "test",
            ".",
            "--coverage-format",
            "cobertura",
            "--coverage-output",
            "c.xml",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{stderr}");
    let xml = std::fs::read_to_string(dir.join("c.xml")).unwrap();
    assert!(
        xml.contains("filename=\"") && xml.contains("container-registry.rules\""),
        "{xml}"
    );
    let pull = format!(
        "<line number=\"{}\" hits=\"1\"",
        line_of("data image.pull ")
    );
    assert!(xml.contains(&pull), "{xml}");

    let artifact = dir.join("catalog.rulec");
    let (code, _, stderr) = rulec(&["compile", ".", "-o", artifact.to_str().unwrap()], &dir);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = rulec(
        &[
            "test",
            "cases.test.yaml",
            "--rules",
            "catalog.rulec",
            "--coverage-format",
            "lcov",
        ],
        &dir,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("compiled artifact"), "{stderr}");
}

fn field(record: &str, key: &str) -> usize {
    record
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .unwrap()
        .parse()
        .unwrap()
}
