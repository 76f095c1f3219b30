//! One fixture per `rules::` diagnostic code, rendered as the user sees it, and the meta-tests
//! that keep the fixtures and the code registry in step.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::{Path, PathBuf};

use miette::Diagnostic;
use rulec::check::is_error;
use rulec::codes::CODES;
use rulec::source::Span;
use rulec::{Checked, Checker, Source};

use crate::common::rules_files_in;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/diagnostics");

/// Checks the files as one catalog, each named by its path relative to the fixtures directory,
/// so that snapshots do not depend on where the crate is checked out.
fn check(paths: &[PathBuf]) -> Checked {
    let mut checker = Checker::new();
    let root = Path::new(FIXTURES).canonicalize().unwrap();
    for path in paths {
        let name = path
            .canonicalize()
            .unwrap()
            .strip_prefix(&root)
            .expect("a fixture path")
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let text = std::fs::read_to_string(path).expect("a readable fixture");
        checker.add(Source::new(name, text));
    }
    checker.check()
}

/// What a check prints: every diagnostic without colour, 100 columns wide, then the counts.
fn report(checked: &Checked) -> String {
    let rendered = checked
        .diagnostics
        .render(&miette::GraphicalTheme::unicode_nocolor(), 100);
    format!("{rendered}{:?}\n", checked.summary)
}

/// Every `*.rules` fixture file, sorted.
fn fixture_files() -> Vec<PathBuf> {
    rules_files_in(Path::new(FIXTURES))
}

/// Every directory fixture (several files checked as one catalog), sorted.
fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Every fixture, file or directory, checked.
fn every_fixture() -> Vec<(String, Checked)> {
    let files = fixture_files().into_iter().map(|f| vec![f]);
    let dirs = fixture_dirs().into_iter().map(|d| rules_files_in(&d));
    files
        .chain(dirs)
        .map(|paths| (format!("{paths:?}"), check(&paths)))
        .collect()
}

fn code_of(diagnostic: &dyn Diagnostic) -> String {
    diagnostic.code().map(|c| c.to_string()).unwrap_or_default()
}

#[test]
fn each_fixture_renders_its_diagnostic() {
    insta::glob!("fixtures/diagnostics/*.rules", |path| {
        let checked = check(&[path.to_path_buf()]);
        insta::assert_snapshot!(report(&checked));
    });
}

#[test]
fn each_directory_fixture_renders_its_diagnostics_across_files() {
    let dirs = fixture_dirs();
    assert!(!dirs.is_empty(), "no directory fixture");
    for dir in dirs {
        let files = rules_files_in(&dir);
        assert!(files.len() > 1, "{dir:?} should hold several .rules files");
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, report(&check(&files)));
    }
}

#[test]
fn every_rules_code_has_a_fixture_that_reports_it() {
    let mut missing = Vec::new();
    for code in CODES.iter().filter(|c| c.name.starts_with("rules::")) {
        let stem = code.name.trim_start_matches("rules::");
        let path = Path::new(FIXTURES).join(format!("{stem}.rules"));
        if !path.is_file() {
            missing.push(format!("{}: no fixture {stem}.rules", code.name));
            continue;
        }
        let checked = check(&[path]);
        let codes: Vec<String> = checked
            .diagnostics
            .list()
            .iter()
            .map(|d| code_of(d))
            .collect();
        if !codes.iter().any(|c| c == code.name) {
            missing.push(format!("{}: {stem}.rules reports {codes:?}", code.name));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn each_fixture_reports_only_the_code_it_is_named_after() {
    for path in fixture_files() {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let checked = check(std::slice::from_ref(&path));
        let codes: Vec<String> = checked
            .diagnostics
            .list()
            .iter()
            .map(|d| code_of(d))
            .collect();
        assert!(
            codes.iter().all(|c| *c == format!("rules::{stem}")),
            "{stem}.rules reports {codes:?}"
        );
    }
}

#[test]
fn every_fixture_file_is_named_after_a_registered_code() {
    for path in fixture_files() {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let name = format!("rules::{stem}");
        assert!(
            rulec::codes::lookup(&name).is_some(),
            "{stem}.rules is not named after a code in CODES"
        );
    }
}

#[test]
fn every_reported_code_is_registered_with_its_severity() {
    for (fixture, checked) in every_fixture() {
        for diagnostic in checked.diagnostics.list() {
            let name = code_of(diagnostic);
            let code = rulec::codes::lookup(&name)
                .unwrap_or_else(|| panic!("{fixture}: `{name}` is not in CODES"));
            assert_eq!(
                is_error(diagnostic),
                !code.warning,
                "{fixture}: `{name}` is reported with the wrong severity"
            );
        }
    }
}

#[test]
fn every_diagnostic_has_a_label_and_help() {
    for (fixture, checked) in every_fixture() {
        for diagnostic in checked.diagnostics.list() {
            let name = code_of(diagnostic);
            let labels = diagnostic.labels().map_or(0, Iterator::count);
            assert!(labels > 0, "{fixture}: `{name}` has no label");
            assert!(
                diagnostic.help().is_some_and(|h| !h.to_string().is_empty()),
                "{fixture}: `{name}` has no help"
            );
        }
    }
}

#[test]
fn every_label_points_inside_one_file() {
    for (fixture, checked) in every_fixture() {
        let sources = checked.diagnostics.sources();
        for diagnostic in checked.diagnostics.list() {
            for label in diagnostic.labels().into_iter().flatten() {
                let (base, source) = sources
                    .file_at(label.offset())
                    .unwrap_or_else(|| panic!("{fixture}: label {label:?} is outside the files"));
                assert!(
                    label.offset() + label.len() <= base + source.text.len(),
                    "{fixture}: label {label:?} runs past the end of {}",
                    source.name
                );
            }
        }
    }
}

#[test]
fn no_label_starts_or_ends_with_white_space() {
    for (fixture, checked) in every_fixture() {
        let sources = checked.diagnostics.sources();
        for diagnostic in checked.diagnostics.list() {
            for label in diagnostic.labels().into_iter().flatten() {
                let span = Span::new(label.offset(), label.offset() + label.len());
                let text = sources.text(span);
                assert_eq!(
                    text,
                    text.trim(),
                    "{fixture}: `{}` label {:?} is not tight",
                    code_of(diagnostic),
                    label.label()
                );
            }
        }
    }
}

#[test]
fn a_fixture_with_an_error_yields_no_catalog() {
    let checked = check(&[Path::new(FIXTURES).join("unknown_action.rules")]);
    assert_eq!(checked.summary.errors, 1);
    assert!(checked.catalog.is_none());
}

#[test]
fn a_fixture_with_only_warnings_still_yields_a_catalog() {
    let checked = check(&[Path::new(FIXTURES).join("unused_type.rules")]);
    assert_eq!((checked.summary.errors, checked.summary.warnings), (0, 1));
    assert!(checked.catalog.is_some());
}

#[test]
fn a_load_error_lists_its_diagnostics_and_its_debug_form_stays_short() {
    let dir = std::env::temp_dir().join(format!("rulec-load-error-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let long_description = "x".repeat(40_000);
    std::fs::write(
        dir.join("a.rules"),
        format!("envelope {{\n  action: string \"{long_description}\"\n  outcome: outcom\n}}\n"),
    )
    .unwrap();
    let error = rulec::Catalog::load(&dir).unwrap_err();
    let shown = error.to_string();
    assert!(shown.starts_with("the rules have 1 error"), "{shown}");
    assert!(
        shown.contains("a.rules:3:12: error rules::unknown_type: "),
        "{shown}"
    );
    let debug = format!("{error:?}");
    assert!(debug.len() < 200, "{debug}");
    assert_eq!(
        rulec::DropReason::NoMatchingRoute.to_string(),
        "no-matching-route"
    );
    assert_eq!(rulec::ViolationLevel::Warning.to_string(), "warning");
    assert_eq!(rulec::EventType::Data.to_string(), "data");
}

#[test]
fn an_action_without_an_event_type_stays_declared_for_what_names_it() {
    let text = "service container-registry \"Container Registry\" {\n  collect management, data\n  group auth \"Auth\" {\n    action auth.get \"Check.\"\n  }\n  fields auth.get {\n    requestData.x?: string\n  }\n}\n";
    let mut checker = rulec::Checker::new();
    checker.add(rulec::Source::new("met.rules", text));
    let result = checker.check();
    let codes: Vec<String> = result
        .diagnostics
        .list()
        .iter()
        .map(|d| code_of(d))
        .collect();
    assert_eq!(codes, ["rules::missing_event_type"]);
}
