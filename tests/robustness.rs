//! Hostile inputs: whatever rulec is fed, it answers with a clear error or exactly one
//! decision per event, never a panic, a hang or a lost event.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::ffi::OsStr;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use rulec::{Catalog, Checker, Engine, Source, Verdict};

fn catalog() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::load(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap())
}

fn first_event() -> String {
    include_str!("../examples/events.ndjson")
        .lines()
        .next()
        .unwrap()
        .to_owned()
}

fn codes(event: &[u8]) -> (Verdict, Vec<&'static str>) {
    let decision = catalog().evaluate(event);
    (
        decision.verdict,
        decision.violations.iter().map(|v| v.code).collect(),
    )
}

/// Starts `rulec ARGS` in the crate's directory with its standard streams piped.
fn rulec_piped<S: AsRef<OsStr>>(args: &[S]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs `rulec ARGS` in the crate's directory, writing `input` to its standard input from
/// another thread (so that a large input cannot block on a full output pipe); returns its
/// output and how writing the input went.
fn rulec_fed(args: &[&OsStr], input: &[u8]) -> (Output, std::io::Result<()>) {
    let mut child = rulec_piped(args);
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    (output, writer.join().unwrap())
}

/// Runs `rulec eval -` on `input`; returns the decisions' verdicts and the exit code.
fn eval_stdin(input: &[u8]) -> (Vec<String>, i32) {
    let args = ["eval", "--rules", "rules", "-"].map(OsStr::new);
    // rulec may stop reading a hostile input early: a closed pipe is fine.
    let (output, _) = rulec_fed(&args, input);
    let lines = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    (lines, output.status.code().unwrap())
}

fn check_text(text: &str) -> rulec::Checked {
    let mut checker = Checker::new();
    checker.add(Source::new("hostile.rules", text));
    checker.check()
}

#[test]
fn two_action_keys_are_an_ambiguous_event() {
    let event = first_event().replacen('{', r#"{"action":"container-registry.image.pull","#, 1);
    assert_eq!(
        codes(event.as_bytes()),
        (Verdict::Reject, vec!["eval::duplicate_key"])
    );
}

#[test]
fn json_nested_100000_deep_is_rejected_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(
        codes(deep.as_bytes()),
        (Verdict::Reject, vec!["eval::invalid_json"])
    );
    let object = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
    assert_eq!(codes(object.as_bytes()).1, vec!["eval::invalid_json"]);
}

#[test]
fn huge_numbers_are_errors_with_a_message() {
    let event = first_event().replace(r#""reasonCode":200"#, r#""reasonCode":1e999"#);
    assert_eq!(
        codes(event.as_bytes()),
        (Verdict::Reject, vec!["eval::invalid_json"])
    );
    let event = first_event().replace(
        r#""reasonCode":200"#,
        r#""reasonCode":123456789012345678901234567890"#,
    );
    // The shipped envelope's `reasonCode` is a guideline: a wrong value is a warning.
    assert_eq!(
        codes(event.as_bytes()),
        (Verdict::Route, vec!["eval::type_mismatch"])
    );
}

#[test]
fn invalid_utf8_and_nul_bytes_in_events_are_rejects() {
    assert_eq!(
        codes(b"{\"action\":\"\xff\xfe\"}").1,
        vec!["eval::invalid_json"]
    );
    assert_eq!(codes(b"\0\0\0").1, vec!["eval::invalid_json"]);
    let with_nul = first_event().replace("payments/api:1.4.2", "payments/api\\u0000");
    assert_eq!(codes(with_nul.as_bytes()).0, Verdict::Route);
}

#[test]
fn a_unicode_look_alike_action_is_unknown_and_explained() {
    let event = first_event().replace(
        "container-registry.image.push",
        "container\u{2010}registry.image.push",
    );
    let decision = catalog().evaluate(event.as_bytes());
    let help = decision
        .violations
        .first()
        .and_then(|v| v.help.clone())
        .unwrap();
    assert!(
        help.contains("U+2010") && help.contains("container-registry.image.push"),
        "{help}"
    );
}

#[test]
fn a_10_mb_line_is_rejected_and_the_stream_goes_on() {
    let mut input = first_event().into_bytes();
    input.push(b'\n');
    input.extend(format!("{{\"a\":\"{}\"}}\n", "x".repeat(10 << 20)).into_bytes());
    input.extend(first_event().into_bytes());
    let (lines, code) = eval_stdin(&input);
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].contains("eval::event_too_large"),
        "{}",
        &lines[1][..200.min(lines[1].len())]
    );
    assert!(
        lines[2].contains(r#""index":2,"verdict":"route""#),
        "{}",
        lines[2]
    );
}

#[test]
fn crlf_a_byte_order_mark_and_blank_lines_in_ndjson_lose_nothing() {
    let input = format!(
        "\u{FEFF}{}\r\n\r\n{}\r\nnot json\r\n",
        first_event(),
        first_event()
    );
    let (lines, _) = eval_stdin(input.as_bytes());
    assert_eq!(lines.len(), 3);
    assert!(lines[0].contains(r#""verdict":"route""#) && lines[1].contains(r#""verdict":"route""#));
    assert!(lines[2].contains("eval::invalid_json"));
}

#[test]
fn an_empty_input_gives_no_decision_and_exits_0() {
    let (lines, code) = eval_stdin(b"");
    assert!(lines.is_empty());
    assert_eq!(code, 0);
}

#[test]
fn rules_with_a_bom_and_crlf_check_like_plain_ones() {
    let text = "service demo \"Demo\" {\n  management thing.read \"Read.\"\n}\n";
    let crlf = format!("\u{FEFF}{}", text.replace('\n', "\r\n"));
    assert!(check_text(text).diagnostics.is_clean());
    assert!(check_text(&crlf).diagnostics.is_clean());
}

#[test]
fn nul_bytes_and_control_characters_in_names_are_errors() {
    for text in [
        "service demo \"Demo\" {\0}",
        "\0",
        "service de\u{1}mo \"x\" {}",
    ] {
        let checked = check_text(text);
        assert!(checked.catalog.is_none(), "{text:?} was accepted");
        assert!(checked.diagnostics.error_count() >= 1);
        let rendered = checked
            .diagnostics
            .render(&miette::GraphicalTheme::unicode_nocolor(), 80);
        assert!(rendered.contains("rules::"), "{rendered}");
    }
}

#[test]
fn a_nul_inside_a_string_is_just_a_character() {
    let checked = check_text("service demo \"De\0mo\" { management a.b \"x\" }");
    assert!(checked.diagnostics.is_clean());
}

#[test]
fn an_empty_rules_file_is_an_empty_catalog() {
    let checked = check_text("");
    assert!(checked.diagnostics.is_clean());
    assert_eq!(checked.catalog.map(|c| c.actions().len()), Some(0));
}

#[test]
fn a_directory_without_rules_is_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("rulec-hostile-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_rulec"))
        .arg("check")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no `.rules` files"));
}

#[test]
fn compiling_the_same_sources_twice_gives_identical_artifacts() {
    let sources = || {
        rulec::source::read_sources(&[PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))])
            .unwrap()
    };
    let write = || {
        let hash = rulec::artifact::source_hash(&sources());
        let catalog = Catalog::compile(sources()).unwrap();
        rulec::artifact::write(&catalog, hash, rulec::artifact::ArtifactFormat::Json).unwrap()
    };
    assert_eq!(write(), write());
}

#[test]
fn a_catalog_over_the_declaration_limit_is_one_clear_error() {
    let text = "service demo \"Demo\" {\n  management a.read \"x\"\n  management b.read \"x\"\n  management c.read \"x\"\n}\n";
    let mut checker = Checker::new().with_max_declarations(3);
    checker.add(Source::new("big.rules", text));
    let result = checker.check();
    let codes: Vec<String> = result
        .diagnostics
        .list()
        .iter()
        .filter_map(|d| miette::Diagnostic::code(d).map(|c| c.to_string()))
        .collect();
    assert_eq!(codes, ["limit::declarations"]);
    assert!(result.catalog.is_none());
}

#[test]
fn a_rules_file_over_the_size_limit_is_refused_before_reading() {
    let dir = std::env::temp_dir().join(format!("rulec-hostile-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.rules");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(rulec::limits::MAX_RULES_FILE_BYTES as u64 + 1)
        .unwrap();
    let error = rulec::source::read_source(&path).unwrap_err();
    assert!(
        matches!(error, rulec::source::SourceError::TooLarge { .. }),
        "{error}"
    );
}

#[test]
fn an_artifact_over_the_size_limit_is_refused() {
    let big = vec![b' '; rulec::limits::MAX_ARTIFACT_BYTES + 1];
    assert!(matches!(
        rulec::artifact::read(&big),
        Err(rulec::artifact::ArtifactError::TooLarge { .. })
    ));
}

/// Inputs kept from fuzzing (`fuzz/`), by target: each must give one decision or a clear
/// error, never a panic.
fn fuzz_inputs(target: &str) -> Vec<Vec<u8>> {
    let dir =
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz")).join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

#[test]
fn kept_fuzz_inputs_evaluate_to_one_decision_each() {
    let inputs = fuzz_inputs("eval");
    assert!(!inputs.is_empty());
    for input in inputs {
        let decision = catalog().evaluate(&input);
        assert!(decision.to_json().starts_with(r#"{"index":0,"verdict":"#));
    }
}

#[test]
fn kept_fuzz_inputs_check_and_render() {
    let inputs = fuzz_inputs("check");
    assert!(!inputs.is_empty());
    for input in inputs {
        let checked = check_text(&String::from_utf8_lossy(&input));
        let _ = checked
            .diagnostics
            .render(&miette::GraphicalTheme::unicode_nocolor(), 80);
    }
}

#[test]
fn kept_fuzz_inputs_load_as_artifacts_or_fail_clearly() {
    for input in fuzz_inputs("artifact") {
        let error = rulec::artifact::read(&input)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!error.is_empty());
    }
}

#[test]
fn jobs_keep_the_output_identical_to_one_thread() {
    let events: String = include_str!("../examples/events.ndjson").repeat(600);
    let dir = std::env::temp_dir().join(format!("rulec-jobs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |jobs: &str| {
        let dead = dir.join(format!("dead-{jobs}.ndjson"));
        let args = ["eval", "--rules", "rules", "--jobs", jobs, "--dead-letter"]
            .map(OsStr::new)
            .into_iter()
            .chain([dead.as_os_str(), OsStr::new("-")])
            .collect::<Vec<_>>();
        let (output, written) = rulec_fed(&args, events.as_bytes());
        written.unwrap();
        (
            output.status.code(),
            output.stdout,
            String::from_utf8(output.stderr).unwrap(),
            std::fs::read(dead).unwrap(),
        )
    };
    let one = run("1");
    let three = run("3");
    assert!(!one.3.is_empty(), "the examples include rejected events");
    assert_eq!(one.0, Some(0));
    assert_eq!(
        one.1
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count(),
        16 * 600
    );
    assert_eq!(one, three);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Events arriving one at a time on an open pipe are each decided and written before the next
/// arrives, with one thread and with several: a live stream is not held back to fill a batch.
#[test]
fn a_live_stream_gets_each_decision_before_the_next_event() {
    let event = std::fs::read_to_string("examples/events.ndjson").unwrap();
    let event = event.lines().next().unwrap().to_owned();
    for jobs in ["1", "2"] {
        let mut child = rulec_piped(&["eval", "--rules", "rules", "-j", jobs, "-"]);
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        for index in 0..3 {
            writeln!(stdin, "{event}").unwrap();
            stdin.flush().unwrap();
            let mut line = String::new();
            std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
            let decision: serde_json::Value = serde_json::from_str(&line).unwrap();
            assert_eq!(decision["index"], index, "-j {jobs}: {line}");
        }
        drop(stdin);
        assert!(child.wait().unwrap().success(), "-j {jobs}");
    }
}
