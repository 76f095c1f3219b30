//! `rulec fmt`: the printer is idempotent and keeps every comment, and the command shows,
//! rewrites and refuses as it says, run as the real binary. (That it keeps the syntax tree is a
//! unit test of `src/format.rs`: the tree is not public.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use crate::common::rulec_in;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rulec::format::format;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every `.rules` file under `tests/fixtures` and `rules`, sorted.
fn rules_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rules") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&Path::new(ROOT).join("tests/fixtures"), &mut files);
    walk(&Path::new(ROOT).join("rules"), &mut files);
    files.sort();
    files
}

/// Each file that parses, with its text and its formatted text.
fn formatted_files() -> &'static [(PathBuf, String, String)] {
    static FILES: OnceLock<Vec<(PathBuf, String, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let files: Vec<_> = rules_files()
            .into_iter()
            .filter_map(|path| {
                let text = std::fs::read_to_string(&path).unwrap();
                let formatted = format(&text).ok()?;
                Some((path, text, formatted))
            })
            .collect();
        assert!(files.len() >= 30, "only {} files parse", files.len());
        files
    })
}

#[test]
fn formatting_twice_changes_nothing_more() {
    for (path, _, once) in formatted_files() {
        let twice = format(once).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(&twice, once, "{}", path.display());
    }
}

#[test]
fn formatting_keeps_every_comment() {
    for (path, text, formatted) in formatted_files() {
        for marker in ["//", "/*", "*/"] {
            let count = |t: &str| t.matches(marker).count();
            assert_eq!(count(formatted), count(text), "{} {marker}", path.display());
        }
        for line in text.lines().map(str::trim) {
            let comment = match line.find("*/") {
                Some(end) if line.starts_with("/*") => &line[..end + 2],
                _ if line.starts_with("//") || line.starts_with("/*") => line,
                _ => continue,
            };
            assert!(
                formatted.contains(comment),
                "{}: lost {comment}",
                path.display()
            );
        }
    }
}

#[test]
fn a_file_that_does_not_parse_is_not_formatted() {
    let text =
        std::fs::read_to_string(Path::new(ROOT).join("tests/fixtures/diagnostics/syntax.rules"));
    let error = format(&text.unwrap()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "expected a string after `image.tag`, found `data`"
    );
}

#[test]
fn each_layout_fixture_formats_as_its_snapshot() {
    insta::glob!("fixtures/format/*.rules", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(format(&text).unwrap());
    });
}

#[test]
fn the_shipped_rules_are_in_canonical_form() {
    for path in rules_files()
        .iter()
        .filter(|p| p.starts_with(Path::new(ROOT).join("rules")))
    {
        let text = std::fs::read_to_string(path).unwrap();
        assert_eq!(format(&text).unwrap(), text, "{}", path.display());
    }
    let run = rulec_in(Path::new(ROOT), &["fmt", "--check", "rules"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
}

#[test]
fn strings_are_escaped_again_and_regexes_printed_as_written() {
    let text = r#"target t cloud_logs   "a\"b\\c\nd\te\u{e9} 中文 \u{1}"
type url = string  matches  /^https?:\/\/[a-z]+\.io\/\\$/"#;
    let expected = r#"target t cloud_logs "a\"b\\c\nd\teé 中文 \u{1}"
type url = string matches /^https?:\/\/[a-z]+\.io\/\\$/
"#;
    assert_eq!(format(text).unwrap(), expected);
}

#[test]
fn line_breaks_and_byte_order_marks_are_normalised() {
    let text = "\u{feff}type a = string // t\r\n\r\n\r\n\r\ntype b = string\r\n";
    assert_eq!(
        format(text).unwrap(),
        "type a = string  // t\n\ntype b = string\n"
    );
    assert_eq!(format("").unwrap(), "");
    assert_eq!(format("\n\n// only\n\n").unwrap(), "// only\n");
}

/// The text with some lines joined to the next and others indented anew, as `choices` say
/// (one per line, cycled: join, spaces). Only lines without comment markers are touched, so
/// the comments keep their places.
fn scramble(text: &str, choices: &[(bool, u8)]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut in_block = false;
    let plain: Vec<bool> = lines
        .iter()
        .map(|line| {
            let marked = ["//", "/*", "*/"].iter().any(|m| line.contains(m));
            let plain = !in_block && !marked && !line.trim().is_empty();
            in_block = (in_block || line.contains("/*")) && !line.contains("*/");
            plain
        })
        .collect();
    let mut out = String::new();
    let next_plain = plain.iter().skip(1).chain([&false]);
    let steps = lines
        .iter()
        .zip(&plain)
        .zip(next_plain)
        .zip(choices.iter().cycle());
    for (((line, &plain), &next_plain), &(join, spaces)) in steps {
        if plain {
            out.push_str(&" ".repeat(usize::from(spaces % 5)));
            out.push_str(line.trim_start());
        } else {
            out.push_str(line);
        }
        out.push(if join && plain && next_plain {
            ' '
        } else {
            '\n'
        });
    }
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn the_layout_does_not_depend_on_line_breaks_or_indentation(
        choices in proptest::collection::vec((proptest::bool::ANY, 0_u8..5), 1..64)
    ) {
        for (path, text, formatted) in formatted_files() {
            let scrambled = scramble(text, &choices);
            let again = format(&scrambled).map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{}: {e}", path.display())))?;
            proptest::prop_assert_eq!(&again, formatted, "{}", path.display());
        }
    }
}

// ------------------------------------------------------------------ the command

/// A file `fmt` would change: one declaration over three lines, badly spaced.
const MESSY: &str = "type level=enum{low,high warn}   // levels\n\n\n\ntarget logs\n  cloud_logs\n";
/// The same, formatted.
const TIDY: &str = "type level = enum { low, high warn }  // levels\n\ntarget logs cloud_logs\n";

/// A fresh directory under the system temp directory, removed when dropped, with a `rules`
/// directory holding the given files.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str, files: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!("rulec-fmt-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("rules")).unwrap();
        for (name, text) in files {
            std::fs::write(dir.join("rules").join(name), text).unwrap();
        }
        Self(dir)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.0.join("rules").join(name)).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn check_shows_a_diff_exits_1_and_changes_nothing() {
    let dir = Scratch::new("check", &[("a.rules", MESSY), ("b.rules", TIDY)]);
    let run = rulec_in(&dir.0, &["fmt", "--check"]);
    insta::assert_snapshot!(run.snapshot());
    assert_eq!(run.code, 1);
    assert_eq!(dir.read("a.rules"), MESSY);
}

#[test]
fn fmt_rewrites_the_files_that_change_and_names_them() {
    let dir = Scratch::new("write", &[("a.rules", MESSY), ("b.rules", TIDY)]);
    let run = rulec_in(&dir.0, &["fmt", "rules"]);
    insta::assert_snapshot!(run.snapshot());
    assert_eq!(
        (dir.read("a.rules"), dir.read("b.rules")),
        (TIDY.to_owned(), TIDY.to_owned())
    );
    let again = rulec_in(&dir.0, &["fmt", "--check", "rules/a.rules"]);
    assert_eq!(
        (again.code, again.stdout.as_str()),
        (0, ""),
        "{}",
        again.stderr
    );
}

#[test]
fn a_file_that_does_not_parse_is_reported_with_every_error_and_left_alone() {
    let broken = "target logs cloud_logs\nroute r { * -> }\nregion eu-de Frankfurt {}\n";
    let dir = Scratch::new("syntax", &[("a.rules", MESSY), ("broken.rules", broken)]);
    let run = rulec_in(&dir.0, &["fmt"]);
    insta::assert_snapshot!(run.snapshot());
    assert_eq!(run.code, 1);
    assert_eq!(
        (dir.read("a.rules"), dir.read("broken.rules")),
        (TIDY.to_owned(), broken.to_owned())
    );
}

#[test]
fn a_path_that_cannot_be_read_exits_2() {
    let run = rulec_in(
        Path::new(ROOT),
        &["fmt", "--check", "tests/fixtures/no-such-file.rules"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot read `tests/fixtures/no-such-file.rules`"),
        "{}",
        run.stderr
    );
}
