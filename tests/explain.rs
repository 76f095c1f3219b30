//! `rulec explain`: every code has an explanation, every example does what it says, and the
//! command finds codes by full or short name.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::process::{Command, Output};

use miette::Diagnostic as _;
use rulec::codes::CODES;
use rulec::explain::{self, CORRECTED, IMPACT, Lookup, MEANING, WRONG};
use rulec::{Checker, Evaluator, Source};

/// The text of one `## ` section, up to the next one.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let Some((_, rest)) = text.split_once(&format!("{heading}\n")) else {
        return "";
    };
    rest.split("\n## ").next().unwrap_or(rest)
}

/// The fenced code blocks of a text: language and body.
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match (open.take(), line.strip_prefix("```")) {
            (None, Some(language)) => open = Some((language.to_owned(), String::new())),
            (Some(block), Some("")) => out.push(block),
            (Some((language, mut body)), _) => {
                body.push_str(line);
                body.push('\n');
                open = Some((language, body));
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "unclosed code block in:\n{text}");
    out
}

fn explanation(code: &str) -> &'static str {
    explain::explanation(code).unwrap_or_else(|| panic!("no explanation for `{code}`"))
}

/// The examples of one section of one code in one language (`None`: the events, `json` or
/// `text`).
fn examples(code: &str, heading: &str, language: Option<&str>) -> Vec<String> {
    blocks(section(explanation(code), heading))
        .into_iter()
        .filter(|(l, _)| language.map_or(l == "json" || l == "text", |wanted| l == wanted))
        .map(|(_, body)| body)
        .collect()
}

/// The codes the checker reports for one file.
fn check_codes(text: &str) -> Vec<String> {
    let mut checker = Checker::new();
    checker.add(Source::new("example.rules", text));
    let result = checker.check();
    result
        .diagnostics
        .list()
        .iter()
        .map(|d| d.code().map(|c| c.to_string()).unwrap_or_default())
        .collect()
}

#[test]
fn every_code_has_an_explanation_with_a_wrong_and_a_corrected_example() {
    for code in CODES {
        let text = explanation(code.name);
        let headings = [MEANING, IMPACT, WRONG, CORRECTED];
        let positions: Vec<Option<usize>> = headings
            .iter()
            .map(|h| text.find(&format!("{h}\n")))
            .collect();
        assert!(
            positions.iter().all(Option::is_some) && positions.is_sorted(),
            "`{}` needs the sections {headings:?} in that order",
            code.name
        );
        assert!(
            blocks(text).len() >= 2,
            "`{}` needs two code blocks",
            code.name
        );
        for heading in [WRONG, CORRECTED] {
            assert!(
                !blocks(section(text, heading)).is_empty(),
                "`{}`: `{heading}` has no code block",
                code.name
            );
        }
        assert!(
            explain::meaning(code.name).is_some_and(|m| !m.is_empty()),
            "`{}` has no meaning paragraph",
            code.name
        );
    }
}

#[test]
fn an_unknown_code_has_no_explanation() {
    assert_eq!(explain::explanation("rules::no_such_code"), None);
    assert_eq!(explain::explanation("unknown_action"), None);
}

#[test]
fn every_wrong_rules_example_reports_its_code_and_every_corrected_one_checks_clean() {
    for code in CODES.iter().filter(|c| c.name.starts_with("rules::")) {
        let wrong = examples(code.name, WRONG, Some("rules"));
        let corrected = examples(code.name, CORRECTED, Some("rules"));
        assert!(
            !wrong.is_empty() && !corrected.is_empty(),
            "`{}` needs `rules` examples",
            code.name
        );
        for example in wrong {
            let found = check_codes(&example);
            assert!(
                found.iter().any(|c| c == code.name),
                "the wrong example of `{}` reports {found:?}:\n{example}",
                code.name
            );
        }
        for example in corrected {
            let found = check_codes(&example);
            assert!(
                found.is_empty(),
                "the corrected example of `{}` reports {found:?}:\n{example}",
                code.name
            );
        }
    }
}

/// The codes of the violations an event gets from the catalog of an explanation's `rules`
/// block (an empty catalog when it has none).
fn eval_codes(code: &str, event: &str) -> Vec<&'static str> {
    let mut checker = Checker::new();
    if let Some((_, rules)) = blocks(explanation(code))
        .into_iter()
        .find(|(l, _)| l == "rules")
    {
        checker.add(Source::new("example.rules", rules));
    }
    let result = checker.check();
    let catalog = result.catalog.unwrap_or_else(|| {
        panic!(
            "the catalog of `{code}` has errors:\n{}",
            result
                .diagnostics
                .render(&miette::GraphicalTheme::none(), 100)
        )
    });
    let engine = rulec::Engine::new(catalog);
    let decision = Evaluator::new(&engine).evaluate(event.as_bytes(), 0);
    decision.violations.iter().map(|v| v.code).collect()
}

#[test]
fn every_wrong_event_gets_its_code_and_every_corrected_one_does_not() {
    // Their examples are command lines: no event produces `eval::internal` (a bug in rulec),
    // and an event over the size limit is too large to show.
    let commands = ["eval::internal", "eval::event_too_large"];
    let codes = CODES
        .iter()
        .filter(|c| c.name.starts_with("eval::") && !commands.contains(&c.name));
    for code in codes {
        let wrong = examples(code.name, WRONG, None);
        let corrected = examples(code.name, CORRECTED, None);
        assert!(
            !wrong.is_empty() && !corrected.is_empty(),
            "`{}` needs events",
            code.name
        );
        for event in wrong {
            let found = eval_codes(code.name, &event);
            assert!(
                found.contains(&code.name),
                "the wrong event of `{}` gets {found:?}:\n{event}",
                code.name
            );
        }
        for event in corrected {
            let found = eval_codes(code.name, &event);
            assert!(
                !found.contains(&code.name),
                "the corrected event of `{}` gets {found:?}:\n{event}",
                code.name
            );
        }
    }
}

#[test]
fn codes_are_found_by_full_or_short_name() {
    let found = |name| match explain::lookup(name) {
        Lookup::Found(code) => Some(code.name),
        _ => None,
    };
    assert_eq!(found("rules::unused_type"), Some("rules::unused_type"));
    assert_eq!(found("unused_type"), Some("rules::unused_type"));
    assert_eq!(found(" EVAL::Unroutable "), Some("eval::unroutable"));
    assert_eq!(found("not_utf8"), Some("io::not_utf8"));
    assert_eq!(found("rules::unroutable"), None);
}

#[test]
fn a_shared_short_name_is_ambiguous() {
    let Lookup::Ambiguous(codes) = explain::lookup("unknown_action") else {
        panic!("`unknown_action` should be ambiguous");
    };
    let names: Vec<&str> = codes.iter().map(|c| c.name).collect();
    assert_eq!(names, ["rules::unknown_action", "eval::unknown_action"]);
}

#[test]
fn an_unknown_name_suggests_the_closest_codes() {
    let suggested = |name| match explain::lookup(name) {
        Lookup::Unknown(codes) => codes.iter().map(|c| c.name).collect::<Vec<_>>(),
        other => panic!("`{name}` should be unknown, not {other:?}"),
    };
    assert_eq!(suggested("rules::unusd_type"), ["rules::unused_type"]);
    assert_eq!(suggested("unroutabel"), ["eval::unroutable"]);
    assert_eq!(
        suggested("unkown_action"),
        ["rules::unknown_action", "eval::unknown_action"]
    );
    assert!(suggested("route").is_empty());
}

/// Runs `rulec` in the crate's directory, without colour.
fn rulec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("rulec runs")
}

/// Exit code and both streams, as one snapshot.
fn snapshot(output: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn explain_prints_the_explanation() {
    insta::assert_snapshot!(snapshot(&rulec(&["explain", "rules::unknown_action"])));
}

#[test]
fn explain_takes_a_short_name() {
    let short = rulec(&["explain", "shadowed_route_rule"]);
    let full = rulec(&["explain", "rules::shadowed_route_rule"]);
    assert_eq!(short.status.code(), Some(0));
    assert_eq!(short.stdout, full.stdout);
}

#[test]
fn explain_an_unknown_code_exits_2_with_a_suggestion() {
    let output = rulec(&["explain", "rules::unknwon_action"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(snapshot(&output));
}

#[test]
fn explain_an_ambiguous_name_exits_2_listing_both_codes() {
    let output = rulec(&["explain", "unknown_action"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(snapshot(&output));
}

#[test]
fn explain_without_a_code_is_a_usage_error() {
    let output = rulec(&["explain"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn explain_list_prints_every_code_with_its_summary() {
    let output = rulec(&["explain", "--list"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), CODES.len());
    for (line, code) in lines.iter().zip(CODES) {
        assert!(
            line.starts_with(code.name) && line.ends_with(code.summary),
            "{line}"
        );
    }
}
