//! Hostile inputs, each of which crashed rulec, lost or shifted events, or read without bound
//! before: every one now gets a coded error or a correct result, in bounded time and memory.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::items_after_statements,
    reason = "tests"
)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use miette::Diagnostic as _;
use rulec::{Catalog, Checker, Source};

use crate::common::{rulec, rulec_in, rulec_with_stdin, temp_dir};

/// The codes of the diagnostics of one `.rules` text.
fn codes_of(text: &str) -> Vec<String> {
    let mut checker = Checker::new();
    checker.add(Source::new("hostile.rules", text));
    checker
        .check()
        .diagnostics
        .list()
        .iter()
        .map(|d| d.code().map(|c| c.to_string()).unwrap_or_default())
        .collect()
}

/// The codes of a text checked on a thread with a host's small stack (512 KiB): the
/// checker's depth is bounded, not the input's.
fn codes_on_a_small_stack(text: String) -> Vec<String> {
    std::thread::Builder::new()
        .stack_size(512 << 10)
        .spawn(move || codes_of(&text))
        .unwrap()
        .join()
        .expect("no stack overflow")
}

// ------------------------------------------------------------------ catalogs that explode

#[test]
fn schemas_used_as_a_diamond_expand_to_their_distinct_fields() {
    // Each of 40 levels uses the next two: 2^40 paths, 41 distinct fields.
    let mut text = String::new();
    for level in 0..40 {
        let _ = writeln!(
            text,
            "schema s{level} {{ use s{}\n use s{}\n f{level}?: string }}",
            level + 1,
            level + 2
        );
    }
    text.push_str("schema s40 { f40?: string }\nschema s41 { f41?: string }\n");
    text.push_str("envelope { use s0\n action: string }\n");
    let catalog = Catalog::compile(vec![Source::new("diamond.rules", text)]).unwrap();
    assert_eq!(catalog.envelope().len(), 43);
}

#[test]
fn a_chain_of_20000_types_is_one_kind_of_error_on_a_small_stack() {
    let mut text = String::new();
    for i in 0..20_000 {
        let _ = writeln!(text, "type t{i} = t{}", i + 1);
    }
    text.push_str("type t20000 = string\nenvelope { action: t0 }\n");
    let codes = codes_on_a_small_stack(text);
    assert!(!codes.is_empty());
    assert!(codes.iter().all(|c| c == "limit::nesting"), "{codes:?}");
}

#[test]
fn a_chain_of_10000_schema_uses_is_an_error_on_a_small_stack() {
    let mut text = String::new();
    for i in 0..10_000 {
        let _ = writeln!(text, "schema s{i} {{ use s{}\n f{i}?: string }}", i + 1);
    }
    text.push_str("schema s10000 { last?: string }\nenvelope { use s0\n action: string }\n");
    let codes = codes_on_a_small_stack(text);
    assert!(codes.iter().any(|c| c == "limit::nesting"), "{codes:?}");
    assert!(
        codes
            .iter()
            .all(|c| c == "limit::nesting" || c == "rules::unused_schema"),
        "{codes:?}"
    );
}

/// A pattern that compiles to between 256 KiB and 1 MiB: charged 1 MiB of the budget.
fn big_pattern(i: usize) -> String {
    format!("x{i}\\w{{16}}")
}

#[test]
fn patterns_past_the_budget_are_one_coded_error() {
    let mut text = String::from("envelope {\n  action: string\n");
    for i in 0..200 {
        let _ = writeln!(text, "  f{i}?: string matches /{}/", big_pattern(i));
    }
    text.push_str("}\n");
    let codes = codes_of(&text);
    assert!(codes.iter().any(|c| c == "limit::patterns"), "{codes:?}");
}

#[test]
fn an_artifact_whose_patterns_pass_the_budget_is_refused_with_that_code() {
    let dir = temp_dir("pattern-budget-artifact");
    let path = dir.join("catalog.json");
    let run = rulec(&["compile", "rules", "-o", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    // Tampered: one field rule gets 200 large patterns (the hash is not even recomputed: the
    // budget is met while the catalog is read, before its hash is checked).
    let patterns: Vec<String> = (0..200)
        .map(|i| format!("{{\"pattern\":{:?},\"level\":\"error\"}}", big_pattern(i)))
        .collect();
    let tampered = text.replacen(
        "\"patterns\":[]",
        &format!("\"patterns\":[{}]", patterns.join(",")),
        1,
    );
    assert_ne!(tampered, text);
    let error = rulec::artifact::read(tampered.as_bytes()).expect_err("refused");
    assert_eq!(error.code().unwrap().to_string(), "limit::patterns");
}

// ------------------------------------------------------------------ streams of events

/// The decisions `rulec eval` prints for `input`: their indexes and verdicts.
fn decided(input: &str, args: &[&str]) -> Vec<(u64, String)> {
    let mut all = vec!["eval"];
    all.extend(args);
    let run = rulec_with_stdin(&all, input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                value["index"].as_u64().unwrap(),
                value["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn example_event() -> String {
    let events = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/events.ndjson"
    ))
    .unwrap();
    events.lines().next().unwrap().to_owned()
}

#[test]
fn an_array_as_the_first_line_is_one_line_not_the_whole_stream() {
    let event = example_event();
    let input = format!("[1]\n{}", format!("{event}\n").repeat(1000));
    let decisions = decided(&input, &[]);
    assert_eq!(decisions.len(), 1001);
    assert_eq!(decisions[0].1, "reject");
    assert!(decisions[1..].iter().all(|(_, v)| v == "route"));
    assert!(
        decisions
            .iter()
            .enumerate()
            .all(|(i, (index, _))| *index == i as u64)
    );
}

#[test]
fn garbage_after_the_first_event_rejects_that_line_only() {
    let event = example_event();
    let input = format!("{event} garbage\n{event}\n{event}\n");
    let dir = temp_dir("garbage-first-line");
    let dead = dir.join("dead.ndjson");
    let decisions = decided(&input, &["--dead-letter", dead.to_str().unwrap()]);
    assert_eq!(
        decisions,
        [
            (0, "reject".into()),
            (1, "route".into()),
            (2, "route".into())
        ]
    );
    assert_eq!(
        std::fs::read_to_string(&dead).unwrap(),
        format!("{event} garbage\n")
    );
}

#[test]
fn one_broken_item_of_an_array_rejects_that_item_only() {
    let event = example_event();
    let input = format!("[\n{event},\n{{\"broken\": }},\n{event}\n]\n");
    assert_eq!(
        decided(&input, &[]),
        [
            (0, "route".into()),
            (1, "reject".into()),
            (2, "route".into())
        ]
    );
}

#[test]
fn the_input_form_can_be_asked_for() {
    let event = example_event();
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&event).unwrap())
            .unwrap();
    assert_eq!(
        decided(&pretty, &["--input", "json"]),
        [(0, "route".into())]
    );
    let lines = pretty.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(decided(&pretty, &["--input", "ndjson"]).len(), lines);
}

#[test]
fn a_broken_first_line_does_not_hold_back_a_live_stream() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args(["eval", "--rules", "rules"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    use std::io::{BufRead as _, Write as _};
    // The input stays open: the decision of the first line must come out before it ends.
    stdin.write_all(b"{\"a\":1} garbage\n").unwrap();
    stdin.flush().unwrap();
    let (sent, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = stdout.read_line(&mut line);
        let _ = sent.send(line);
    });
    // Not a measure of speed: a bound on waiting for something that must happen at all.
    let line = received.recv_timeout(std::time::Duration::from_secs(20));
    drop(stdin);
    let _ = child.wait();
    let line = line.expect("the decision came out while the input was still open");
    assert!(line.contains("\"index\":0"), "{line}");
}

// ------------------------------------------------------------------ rulec fmt

#[test]
fn fmt_replaces_a_file_whole_keeps_its_permissions_and_leaves_no_temporary_file() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = temp_dir("fmt-atomic");
    let file = dir.join("a.rules");
    std::fs::write(&file, "type level=enum{low,high}\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let run = rulec_in(&dir, &["fmt", "a.rules"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "type level = enum { low, high }\n"
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["a.rules"]);
}

#[test]
fn fmt_through_a_symbolic_link_rewrites_its_target_and_keeps_the_link() {
    let dir = temp_dir("fmt-symlink");
    std::fs::write(dir.join("real.rules"), "type level=enum{low}\n").unwrap();
    std::os::unix::fs::symlink("real.rules", dir.join("link.rules")).unwrap();
    let run = rulec_in(&dir, &["fmt", "link.rules"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::symlink_metadata(dir.join("link.rules"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("real.rules")).unwrap(),
        "type level = enum { low }\n"
    );
}

#[test]
fn fmt_of_a_file_whose_name_is_not_utf8_rewrites_that_file() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = temp_dir("fmt-not-utf8");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.rules");
    std::fs::write(dir.join(name), "type level=enum{low}\n").unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_rulec"))
        .arg("fmt")
        .arg(name)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(name)).unwrap(),
        "type level = enum { low }\n"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "a second file was created"
    );
}

// ------------------------------------------------------------------ special files and directories

#[test]
fn special_files_are_refused_with_a_code_before_they_are_read() {
    let dir = temp_dir("special-files");
    let fifo = dir.join("live.rules");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let run = rulec(&["check", fifo.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("io::not_a_file") && run.stderr.contains("FIFO"),
        "{}",
        run.stderr
    );
    let run = rulec(&["check", "/dev/zero"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("io::not_a_file"), "{}", run.stderr);
    let run = rulec(&["eval", "--rules", "/dev/zero", "examples/events.ndjson"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("io::not_a_file"), "{}", run.stderr);
    std::fs::write(
        dir.join("a.test.yaml"),
        "cases:\n  - name: zero\n    event_file: zero.json\n    expect: {verdict: route}\n",
    )
    .unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(dir.join("zero.json"))
            .status()
            .unwrap()
            .success()
    );
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let run = rulec(&[
        "test",
        dir.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("is a FIFO"), "{}", run.stdout);
}

#[test]
fn symbolic_links_that_loop_are_followed_once_and_hidden_directories_are_skipped() {
    let dir = temp_dir("link-loops");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/rules/envelope.rules"),
        dir.join("envelope.rules"),
    )
    .unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/rules/locations.rules"),
        dir.join("locations.rules"),
    )
    .unwrap();
    std::os::unix::fs::symlink(".", dir.join("self")).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("../sub", dir.join("sub/again")).unwrap();
    std::fs::create_dir(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".git/broken.rules"), "not rules at all {").unwrap();
    let run = rulec(&["check", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("checked 2 files"), "{}", run.stderr);
}

#[test]
fn an_event_file_outside_the_suite_directory_is_refused_and_not_read() {
    let dir = temp_dir("event-file-outside");
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    std::fs::write(
        dir.join("a.test.yaml"),
        "cases:\n  - name: up\n    event_file: ../../../../../../etc/passwd\n    expect: {verdict: route}\n  - name: absolute\n    event_file: /etc/passwd\n    expect: {verdict: route}\n",
    )
    .unwrap();
    let run = rulec(&[
        "test",
        dir.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout
            .matches("is outside the suite's directory")
            .count(),
        2,
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("root:"), "{}", run.stdout);
}

// ------------------------------------------------------------------ artifacts

/// An artifact's catalog re-hashed as rulec hashes it: its JSON text without white space.
fn rehash(artifact: &str) -> String {
    let start = artifact.find("\"catalog\":").unwrap() + "\"catalog\":".len();
    let catalog = artifact[start..].trim_end().strip_suffix('}').unwrap();
    let (mut compact, mut in_string, mut escaped) = (String::new(), false, false);
    for c in catalog.chars() {
        if in_string {
            compact.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            compact.push(c);
            in_string = c == '"';
        }
    }
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(compact.trim().as_bytes())
        .iter()
        .fold(String::new(), |hex, b| hex + &format!("{b:02x}"));
    let old = artifact
        .split("\"catalog_hash\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    artifact.replace(old, &format!("sha256:{hash}"))
}

#[test]
fn a_tampered_artifact_with_a_recomputed_hash_is_refused_as_corrupt() {
    let dir = temp_dir("tampered-artifact");
    let path = dir.join("catalog.json");
    assert_eq!(
        rulec(&["compile", "rules", "-o", path.to_str().unwrap()]).code,
        0
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        rulec::artifact::read(rehash(&text).as_bytes()).is_ok(),
        "the re-hash is right"
    );
    for (from, to) in [
        ("\"service\":0", "\"service\":99"),
        ("\"targets\":[2", "\"targets\":[77,2"),
    ] {
        let tampered = rehash(&text.replacen(from, to, 1));
        assert_ne!(tampered, text);
        let error = rulec::artifact::read(tampered.as_bytes()).expect_err("refused");
        assert_eq!(
            error.code().unwrap().to_string(),
            "artifact::corrupt",
            "{from}: {error}"
        );
    }
}

#[test]
fn a_truncated_artifact_is_corrupt_not_foreign() {
    let dir = temp_dir("truncated-artifact");
    let path = dir.join("catalog.json");
    assert_eq!(
        rulec(&["compile", "rules", "-o", path.to_str().unwrap()]).code,
        0
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let error = rulec::artifact::read(&text.as_bytes()[..text.len() / 2])
        .err()
        .unwrap();
    assert_eq!(error.code().unwrap().to_string(), "artifact::corrupt");
}

// ------------------------------------------------------------------ output

#[test]
fn a_reader_that_goes_away_ends_rulec_quietly() {
    let event = example_event();
    let input = format!("{event}\n").repeat(20_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args(["eval", "--rules", "rules"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        use std::io::Write as _;
        let _ = stdin.write_all(input.as_bytes());
    });
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let _ = feeder.join();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("error"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_closed_standard_output_is_not_silent() {
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} eval --rules rules examples/events.ndjson >&-",
            env!("CARGO_BIN_EXE_rulec")
        ))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    // The Rust runtime gives a closed descriptor /dev/null before rulec runs: the most rulec can
    // do is say so.
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("warning: standard output is /dev/null")
    );
    let quiet = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} eval --rules rules examples/events.ndjson > /dev/null",
            env!("CARGO_BIN_EXE_rulec")
        ))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("warning"));
}

#[test]
fn a_full_disk_is_named_for_the_output_that_hit_it() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_rulec"))
        .args(["eval", "--rules", "rules", "examples/events.ndjson"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("cannot write the decisions to standard output"),
        "{stderr}"
    );
    assert!(
        stderr.contains("not all of their decisions were written"),
        "{stderr}"
    );
    assert!(!stderr.contains("events.ndjson"), "{stderr}");
    let run = rulec(&[
        "eval",
        "--rules",
        "rules",
        "--dead-letter",
        "/dev/full",
        "examples/events.ndjson",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot write the dead-letter file `/dev/full`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_kill_at_any_moment_leaves_the_old_file_or_the_new_one() {
    let dir = temp_dir("fmt-kill");
    let file = dir.join("big.rules");
    let original: String = (0..20_000).fold(String::new(), |text, i| {
        text + &format!("type t{i}=enum{{a,b}}\n")
    });
    std::fs::write(&file, &original).unwrap();
    // The formatted text, from a run that is not killed; and how long one run takes here:
    // the kills are spread over it (this is no measure of speed).
    let started = std::time::Instant::now();
    let run = rulec_in(&dir, &["fmt", "big.rules"]);
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let formatted = std::fs::read_to_string(&file).unwrap();
    assert!(formatted.starts_with("type t0 = enum { a, b }\n"));
    for round in 0..20u32 {
        std::fs::write(&file, &original).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_rulec"))
            .args(["fmt", "big.rules"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(took * round / 16);
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read_to_string(&file).unwrap();
        assert!(
            now == original || now == formatted,
            "round {round}: a part of a file"
        );
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                name == "big.rules" || name.starts_with(".big.rules."),
                "{name}"
            );
        }
    }
}

#[test]
fn a_line_over_the_cap_is_reported_with_its_real_size_and_its_dead_letter_is_not_silently_short() {
    let cap = rulec::eval::LINE_CAP;
    let size = cap + 1000;
    let long = format!("{{\"a\":\"{}\"}}", "x".repeat(size - 8));
    assert_eq!(long.len(), size);
    let input = format!("{long}\n{}\n", example_event());
    let dir = temp_dir("over-the-cap");
    let dead = dir.join("dead.ndjson");
    for jobs in ["1", "2"] {
        let run = rulec_with_stdin(
            &[
                "eval",
                "--rules",
                "rules",
                "-j",
                jobs,
                "--dead-letter",
                dead.to_str().unwrap(),
            ],
            &input,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let first = run.stdout.lines().next().unwrap();
        assert!(
            first.contains(&format!("the event is {size} bytes")),
            "{first}"
        );
        assert!(
            run.stdout
                .lines()
                .nth(1)
                .unwrap()
                .contains("\"verdict\":\"route\"")
        );
        assert!(
            run.stderr.contains("its dead letter holds only its first"),
            "-j {jobs}: {}",
            run.stderr
        );
    }
}
