//! Syntax errors after the first: a corpus of realistic mistakes, one per file, each placed on
//! the line of the mistake with no errors following from it; every error of a run in one
//! report; and recovery that never fails on text broken anywhere.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::Path;

use rulec::check::primary_offset;

use crate::common::rules_files_in;
use rulec::{Checked, Checker, Source};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/syntax");

fn check(files: &[(&str, &str)]) -> Checked {
    let mut checker = Checker::new();
    for (name, text) in files {
        checker.add(Source::new(*name, *text));
    }
    checker.check()
}

/// Each diagnostic's code and the line of its primary label.
fn codes_and_lines(checked: &Checked) -> Vec<(String, usize)> {
    let sources = checked.diagnostics.sources();
    checked
        .diagnostics
        .list()
        .iter()
        .map(|d| {
            let miette_diagnostic: &dyn miette::Diagnostic = d;
            let code = miette_diagnostic
                .code()
                .map(|c| c.to_string())
                .unwrap_or_default();
            let line = primary_offset(miette_diagnostic)
                .and_then(|o| sources.position(o))
                .map_or(0, |p| p.line);
            (code, line)
        })
        .collect()
}

/// The corpus: each file says on its first line where its one mistake is.
fn corpus() -> Vec<(String, String, usize)> {
    let files = rules_files_in(Path::new(CORPUS));
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let line = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("// mistake on line "))
                .and_then(|l| l.split(':').next())
                .and_then(|n| n.parse().ok())
                .expect("the first line says where the mistake is");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, text, line)
        })
        .collect()
}

#[test]
fn every_mistake_of_the_corpus_is_reported_on_its_line_and_once() {
    let corpus = corpus();
    assert!(
        corpus.len() >= 25,
        "the corpus has {} mistakes",
        corpus.len()
    );
    let mut misplaced = Vec::new();
    for (name, text, line) in &corpus {
        let checked = check(&[(name, text)]);
        let found = codes_and_lines(&checked);
        let syntax: Vec<usize> = found
            .iter()
            .filter(|(code, _)| code == "rules::syntax")
            .map(|(_, l)| *l)
            .collect();
        if syntax.first() != Some(line) {
            misplaced.push(format!(
                "{name}: mistake on line {line}, reported at {syntax:?}"
            ));
        }
        if syntax.len() != 1 {
            misplaced.push(format!("{name}: {} syntax errors: {found:?}", syntax.len()));
        }
        // What parsed around the mistake is checked, and the broken part causes nothing.
        let others: Vec<_> = found.iter().filter(|(c, _)| c != "rules::syntax").collect();
        if !others.is_empty() {
            misplaced.push(format!("{name}: follow-on diagnostics {others:?}"));
        }
    }
    assert!(misplaced.is_empty(), "{}", misplaced.join("\n"));
}

#[test]
fn each_mistake_of_the_corpus_renders_as_its_snapshot() {
    insta::glob!("fixtures/syntax/*.rules", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let checked = check(&[(&name, &text)]);
        let rendered = checked
            .diagnostics
            .render(&miette::GraphicalTheme::unicode_nocolor(), 100);
        insta::assert_snapshot!(format!(
            "{rendered}{}\n",
            checked.diagnostics.summary_line()
        ));
    });
}

#[test]
fn one_run_reports_every_syntax_error_of_every_file_and_checks_what_parsed() {
    let services = "\
service cloudantnosqldb \"Cloudant\" {
  collect management
  group docs \"Documents\" management {
    action document.create
    action document.read \"Read a document.\"
    actoin document.delete \"Delete a document.\"
  }
  fields document.read {
    requestData.id: strng
  }
}
";
    let routes = "\
target logs cloud_logs \"Logs\"
route everything {
  * -> logs,
}
route rest {
  * -> archive
}
";
    let checked = check(&[("services.rules", services), ("routes.rules", routes)]);
    let found = codes_and_lines(&checked);
    assert_eq!(
        found,
        [
            ("rules::syntax".to_owned(), 4),
            ("rules::syntax".to_owned(), 6),
            // A semantic error of a declaration that parsed, in the file that did not.
            ("rules::unknown_type".to_owned(), 9),
            ("rules::syntax".to_owned(), 3),
            ("rules::unknown_target".to_owned(), 6),
        ],
        "{}",
        checked
            .diagnostics
            .render(&miette::GraphicalTheme::unicode_nocolor(), 100)
    );
    assert!(checked.catalog.is_none());
}

#[test]
fn names_written_in_broken_text_are_not_reported_unresolved() {
    // `bucket.list` is declared on a line that does not parse: its `fields` block is not an
    // unknown action, and the type used only there is not unused.
    let text = "\
type bucket-name = string
service cloud-object-storage \"Cloud Object Storage\" {
  collect management
  group buckets \"Buckets\" management {
    managment bucket.list \"List buckets.\"
  }
  fields bucket.list {
    name: bucket-name
  }
}
";
    let checked = check(&[("cos.rules", text)]);
    let found = codes_and_lines(&checked);
    assert_eq!(found, [("rules::syntax".to_owned(), 5)]);
    let rendered = checked
        .diagnostics
        .render(&miette::GraphicalTheme::unicode_nocolor(), 100);
    assert!(
        rendered.contains("did you mean `management`?"),
        "{rendered}"
    );
}

#[test]
fn recovery_survives_any_line_or_brace_taken_away() {
    let base = std::fs::read_to_string(Path::new(CORPUS).join("misspelled_use.rules")).unwrap();
    let lines: Vec<&str> = base.lines().collect();
    let mut variants: Vec<String> = (0..lines.len())
        .map(|skip| {
            let kept: Vec<&str> = (0..lines.len())
                .filter(|i| *i != skip)
                .filter_map(|i| lines.get(i).copied())
                .collect();
            kept.join("\n")
        })
        .collect();
    for (at, c) in base.char_indices() {
        if "{}\"/:,".contains(c) {
            let mut text = base.clone();
            text.remove(at);
            variants.push(text);
        }
    }
    for text in &variants {
        let checked = check(&[("broken.rules", text)]);
        // Rendering reads every label's span: one outside the text would fail here.
        let rendered = checked
            .diagnostics
            .render(&miette::GraphicalTheme::unicode_nocolor(), 100);
        let well_formed = rulec::format::format(text).is_ok();
        let syntax = rendered.matches("rules::syntax").count();
        assert_eq!(well_formed, syntax == 0, "{text}\n{rendered}");
        assert!(syntax <= 3, "{syntax} errors for one change:\n{rendered}");
    }
}

#[test]
fn braces_that_never_pair_are_reported_a_bounded_number_of_times() {
    // 100,000 opened, 50,000 closed: every block is closed for the parser, a few are reported.
    let text = format!("{}{}\n", "{".repeat(100_000), "}".repeat(50_000));
    let checked = check(&[("braces.rules", &text)]);
    let count = checked.diagnostics.list().len();
    assert!((1..=65).contains(&count), "{count} diagnostics");
    // Unclosed strings on every line, in services that each lack a `}`.
    let text = "service s \"S\" {\n  group g \"G\" {\n    action a.b \"open\n".repeat(2_000);
    let checked = check(&[("open.rules", &text)]);
    assert!(checked.diagnostics.list().len() <= 64 + 2_000 * 16);
    assert!(!checked.diagnostics.is_clean());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    /// Up to four random edits (a character of the grammar's punctuation, a keyword, a quote
    /// or a line break inserted, or a run deleted) anywhere in a valid catalog: checking never
    /// fails, every label is inside the text, and syntax errors are reported exactly when the
    /// text does not parse.
    #[test]
    fn any_edit_is_checked_and_reported_exactly_when_the_text_breaks(
        edits in proptest::collection::vec(
            (0usize..4000, 0usize..12, 0usize..8),
            1..5,
        ),
    ) {
        let mut text = std::fs::read_to_string(Path::new(CORPUS).join("misspelled_use.rules"))
            .unwrap()
            .replace("uses storage-class", "use storage-class");
        let pieces = ["{", "}", "\"", "/", ",", "->", "\n", "service ", "managment", ":", "?", ""];
        for (at, piece, delete) in edits {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + delete).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, pieces.get(piece).copied().unwrap_or(""));
        }
        let checked = check(&[("edited.rules", &text)]);
        let rendered = checked
            .diagnostics
            .render(&miette::GraphicalTheme::unicode_nocolor(), 100);
        let parses = rulec::format::format(&text).is_ok();
        proptest::prop_assert_eq!(parses, !rendered.contains("rules::syntax"), "{}\n{}", text, rendered);
        for diagnostic in checked.diagnostics.list() {
            let diagnostic: &dyn miette::Diagnostic = diagnostic;
            for label in diagnostic.labels().into_iter().flatten() {
                proptest::prop_assert!(label.offset() + label.len() <= text.len(), "{}", rendered);
            }
        }
    }
}
