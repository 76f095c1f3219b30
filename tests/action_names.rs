//! Action names whose object is a path, as VPC Infrastructure's are (`is.volume.volume.update`,
//! `is.load-balancer.load-balancer.listener.create`), beside `object.verb` ones in one service:
//! declared, matched exactly, globbed, suggested, sampled, formatted and covered.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use rulec::{Engine, Verdict};

const VPC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/catalogs/vpc.rules"
);

fn event(action: &str) -> String {
    format!(
        r#"{{"action":"{action}","outcome":"success","logSourceCRN":"crn:v1:bluemix:public:is:us-south-1:a/82a90f2e39e14a18a8dc6ebc17b61d7f::volume:cc6d2924","target":{{"id":"crn:v1:bluemix:public:is:us-south-1:a/82a90f2e39e14a18a8dc6ebc17b61d7f::volume:cc6d2924"}},"requestData":{{"id":"cc6d2924"}}}}"#
    )
}

#[test]
fn each_full_name_is_decided_as_declared_and_globs_match_object_paths() {
    let engine = Engine::load(VPC).unwrap();
    let cases = [
        ("is.volume.volume.update", vec!["logs"]),
        ("is.snapshot.create", vec!["logs"]),
        ("is.vpc.vpc.create", vec!["logs"]),
        (
            "is.load-balancer.load-balancer.listener.create",
            vec!["logs", "network-audit"],
        ),
        (
            "is.load-balancer.load-balancer.delete",
            vec!["logs", "network-audit"],
        ),
    ];
    for (action, targets) in cases {
        let text = event(action);
        let decision = engine.evaluate(text.as_bytes());
        assert_eq!(
            decision.verdict,
            Verdict::Route,
            "{action}: {:?}",
            decision.violations
        );
        assert_eq!(decision.location.as_deref(), Some("us-south"), "{action}");
        let got: Vec<&str> = decision
            .targets
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(got, targets, "{action}");
    }
}

#[test]
fn a_name_that_is_not_declared_exactly_is_unknown_with_the_closest_suggested() {
    let engine = Engine::load(VPC).unwrap();
    for (typo, meant) in [
        ("is.volume.volume.updte", "is.volume.volume.update"),
        ("is.volume.update", "is.volume.volume.update"),
        (
            "is.load-balancer.load-balancer.listener.creat",
            "is.load-balancer.load-balancer.listener.create",
        ),
    ] {
        let text = event(typo);
        let decision = engine.evaluate(text.as_bytes());
        assert_eq!(decision.verdict, Verdict::Reject, "{typo}");
        let violation = decision.violations.first().unwrap();
        assert_eq!(violation.code, "eval::unknown_action", "{typo}");
        assert_eq!(
            violation.help.as_deref(),
            Some(format!("did you mean `{meant}`?").as_str()),
            "{typo}"
        );
    }
}

#[test]
fn names_with_object_paths_check_and_malformed_ones_still_do_not() {
    let check = |actions: &str| {
        let mut checker = rulec::Checker::new();
        checker.add(rulec::Source::new(
            "is.rules",
            format!("service is \"VPC\" {{\n  collect management\n{actions}}}\n"),
        ));
        let result = checker.check();
        result
            .diagnostics
            .list()
            .iter()
            .map(|d| {
                let d: &dyn miette::Diagnostic = d;
                d.code().map(|c| c.to_string()).unwrap_or_default()
            })
            .collect::<Vec<_>>()
    };
    assert!(
        check("  management volume.volume.update \"u\"\n  management snapshot.create \"c\"\n")
            .is_empty()
    );
    for malformed in [
        "snapshot",
        "volume..update",
        "volume,volume.update",
        "is.volume.volume.update",
    ] {
        assert_eq!(
            check(&format!("  management {malformed} \"x\"\n")),
            ["rules::malformed_action"],
            "{malformed}"
        );
    }
}

#[test]
fn every_tool_handles_them() {
    let engine = Engine::load(VPC).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args([
            "sample",
            "--rules",
            VPC,
            "--count",
            "40",
            "--invalid-share",
            "0",
            "--seed",
            "7",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for line in text.lines() {
        let decision = engine.evaluate(line.as_bytes());
        assert_eq!(
            decision.verdict,
            Verdict::Route,
            "{line}\n{:?}",
            decision.violations
        );
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        seen.insert(value["action"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rulec"))
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    assert_eq!(run(&["fmt", "--check", VPC]).0, Some(0));
    let (code, doc) = run(&["doc", VPC]);
    assert_eq!(code, Some(0));
    assert!(
        doc.contains("load-balancer.load-balancer.listener.create"),
        "{doc}"
    );
    let (code, schema) = run(&["export", "json-schema", VPC]);
    assert_eq!(code, Some(0));
    assert!(schema.contains("\"is.volume.volume.update\""), "{schema}");
}
