//! Compiled catalogs: `rulec compile` is reproducible, an artifact decides like its sources,
//! and a foreign, newer or corrupt file is refused with its code, by the library and the CLI.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use crate::common::{Run, rulec, temp_dir};

use std::path::{Path, PathBuf};

use miette::Diagnostic as _;
use rulec::Catalog;
use rulec::artifact::{self, ArtifactError};

const EXAMPLES: &str = "examples/events.ndjson";

/// Compiles the shipped rules into `dir/name` and returns the path.
fn compile(dir: &Path, name: &str, format: &str) -> PathBuf {
    let path = dir.join(name);
    let run = rulec(&[
        "compile",
        "rules",
        "-o",
        path.to_str().unwrap(),
        "--format",
        format,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    path
}

/// The shipped rules as a JSON artifact's text.
fn json_artifact(test: &str) -> String {
    let dir = temp_dir(test);
    std::fs::read_to_string(compile(&dir, "catalog.json", "json")).unwrap()
}

/// The code of the error reading `bytes` as an artifact.
fn read_error(bytes: &[u8]) -> String {
    match artifact::read(bytes) {
        Ok(_) => "no error".to_owned(),
        Err(error) => error.code().map(|c| c.to_string()).unwrap_or_default(),
    }
}

/// Runs `eval --rules FILE` on the examples, with `bytes` as the artifact FILE.
fn eval_with_artifact(test: &str, bytes: &[u8]) -> Run {
    let dir = temp_dir(test);
    let path = dir.join("catalog.json");
    std::fs::write(&path, bytes).unwrap();
    rulec(&["eval", "--rules", path.to_str().unwrap(), EXAMPLES])
}

#[test]
fn compiling_twice_gives_identical_json() {
    let dir = temp_dir("twice-json");
    let first = std::fs::read(compile(&dir, "first.json", "json")).unwrap();
    let second = std::fs::read(compile(&dir, "second.json", "json")).unwrap();
    assert!(!first.is_empty());
    assert_eq!(first, second);
}

#[test]
fn compiling_twice_gives_identical_yaml() {
    let dir = temp_dir("twice-yaml");
    let first = std::fs::read(compile(&dir, "first.yaml", "yaml")).unwrap();
    let second = std::fs::read(compile(&dir, "second.yaml", "yaml")).unwrap();
    assert!(!first.is_empty());
    assert_eq!(first, second);
}

#[test]
fn an_artifact_carries_its_header() {
    let text = json_artifact("header");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["format"], "rulec-catalog");
    assert_eq!(value["format_version"], artifact::FORMAT_VERSION);
    assert_eq!(value["rulec_version"], env!("CARGO_PKG_VERSION"));
    for hash in ["source_hash", "catalog_hash"] {
        let hash = value[hash].as_str().unwrap();
        assert!(
            hash.starts_with("sha256:") && hash.len() == 7 + 64,
            "{hash}"
        );
    }
}

#[test]
fn a_json_artifact_loads_as_the_catalog_of_its_sources() {
    let dir = temp_dir("load-json");
    let loaded = Catalog::load(compile(&dir, "catalog.json", "json")).unwrap();
    assert_eq!(loaded, Catalog::load("rules").unwrap());
}

/// A JSON artifact holds its catalog compact, the very bytes its hash is of; an artifact
/// written otherwise (all pretty, as rulec wrote them before) loads too, with the same hash.
#[test]
fn a_json_artifact_holds_the_hashed_bytes_and_a_pretty_one_still_loads() {
    let text = json_artifact("hashed-bytes");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let from_rules = Catalog::load("rules").unwrap();
    let compact = serde_json::to_string(&from_rules).unwrap();
    assert!(text.contains(&format!("\"catalog\": {compact}\n")));
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    let loaded = artifact::read(pretty.as_bytes()).unwrap();
    assert_eq!(loaded, from_rules);
    assert_eq!(loaded.hash(), from_rules.hash());
    assert_eq!(
        artifact::read(text.as_bytes()).unwrap().hash(),
        from_rules.hash()
    );
    assert_eq!(
        Some(from_rules.hash().as_str()),
        value["catalog_hash"].as_str()
    );
    // Pretty, but the content changed: its hash is checked the slow way, and fails.
    let edited = pretty.replacen("\"service\": 0", "\"service\": 1", 1);
    assert_eq!(read_error(edited.as_bytes()), "artifact::corrupt");
}

#[test]
fn a_yaml_artifact_loads_as_the_catalog_of_its_sources() {
    let dir = temp_dir("load-yaml");
    let loaded = Catalog::load(compile(&dir, "catalog.yaml", "yaml")).unwrap();
    assert_eq!(loaded, Catalog::load("rules").unwrap());
}

#[test]
fn eval_with_a_json_artifact_decides_like_the_rules() {
    let dir = temp_dir("eval-json");
    let path = compile(&dir, "catalog.json", "json");
    let from_artifact = rulec(&["eval", "--rules", path.to_str().unwrap(), EXAMPLES]);
    let from_rules = rulec(&["eval", "--rules", "rules", EXAMPLES]);
    assert_eq!(from_artifact.code, 0, "{}", from_artifact.stderr);
    assert_eq!(from_artifact.stdout.lines().count(), 16);
    assert_eq!(from_artifact.stdout, from_rules.stdout);
    assert_eq!(from_artifact.stderr, from_rules.stderr);
}

#[test]
fn eval_with_a_yaml_artifact_decides_like_the_rules() {
    let dir = temp_dir("eval-yaml");
    let path = compile(&dir, "catalog.yaml", "yaml");
    let from_artifact = rulec(&["eval", "--rules", path.to_str().unwrap(), EXAMPLES]);
    let from_rules = rulec(&["eval", "--rules", "rules", EXAMPLES]);
    assert_eq!(from_artifact.code, 0, "{}", from_artifact.stderr);
    assert_eq!(from_artifact.stdout, from_rules.stdout);
}

// ---------------------------------------------------------------- refused artifacts

/// Each bad artifact and the code it must be refused with.
fn bad_artifacts() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let good = json_artifact("bad-artifacts");
    let newer = good.replacen("\"format_version\": 3,", "\"format_version\": 999,", 1);
    assert_ne!(newer, good, "the version was bumped");
    let older = good.replacen("\"format_version\": 3,", "\"format_version\": 1,", 1);
    assert_ne!(older, good, "the version was lowered");
    let edited = good.replacen(
        "Push an image to Container Registry.",
        "Push an image to somewhere else.",
        1,
    );
    assert_ne!(edited, good, "a description was edited");
    let foreign_format = good.replacen("\"rulec-catalog\"", "\"other-catalog\"", 1);
    let mut no_catalog: serde_json::Value = serde_json::from_str(&good).unwrap();
    no_catalog.as_object_mut().unwrap().remove("catalog");
    vec![
        (
            "a random JSON object",
            br#"{"name":"x","items":[1,2]}"#.to_vec(),
            "artifact::foreign",
        ),
        (
            "a text file",
            b"just some text\nover two lines\n".to_vec(),
            "artifact::foreign",
        ),
        ("a JSON array", b"[1, 2, 3]".to_vec(), "artifact::foreign"),
        ("an empty file", Vec::new(), "artifact::foreign"),
        (
            "binary bytes",
            vec![0xff, 0xfe, 0x00, 0x01, 0x80],
            "artifact::foreign",
        ),
        (
            "another format",
            foreign_format.into_bytes(),
            "artifact::foreign",
        ),
        ("format version 999", newer.into_bytes(), "artifact::newer"),
        ("format version 1", older.into_bytes(), "artifact::older"),
        (
            "an edited description",
            edited.into_bytes(),
            "artifact::corrupt",
        ),
        (
            "no catalog",
            no_catalog.to_string().into_bytes(),
            "artifact::corrupt",
        ),
    ]
}

#[test]
fn reading_a_bad_artifact_fails_with_its_code() {
    for (what, bytes, code) in bad_artifacts() {
        assert_eq!(read_error(&bytes), code, "{what}");
    }
}

#[test]
fn eval_with_a_bad_artifact_exits_2_with_its_code() {
    for (n, (what, bytes, code)) in bad_artifacts().into_iter().enumerate() {
        let run = eval_with_artifact(&format!("bad-{n}"), &bytes);
        assert_eq!(run.code, 2, "{what}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{what}");
        assert!(run.stderr.contains(code), "{what}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{what}: {}", run.stderr);
    }
}

#[test]
fn an_edited_yaml_artifact_is_corrupt() {
    let dir = temp_dir("yaml-corrupt");
    let text = std::fs::read_to_string(compile(&dir, "catalog.yaml", "yaml")).unwrap();
    let edited = text.replacen(
        "Push an image to Container Registry.",
        "Push an image to somewhere else.",
        1,
    );
    assert_ne!(edited, text, "a description was edited");
    assert_eq!(read_error(edited.as_bytes()), "artifact::corrupt");
}

#[test]
fn a_newer_artifact_says_which_version_it_has() {
    let text = json_artifact("newer-message").replacen(
        "\"format_version\": 3,",
        "\"format_version\": 999,",
        1,
    );
    let error = artifact::read(text.as_bytes()).unwrap_err();
    assert!(
        matches!(error, ArtifactError::Newer { found: 999, .. }),
        "{error:?}"
    );
}

#[test]
fn an_older_rulec_version_string_is_still_read() {
    let text = json_artifact("older-rulec").replacen(
        &format!("\"rulec_version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"rulec_version\": \"0.0.1\"",
        1,
    );
    assert!(text.contains("0.0.1"));
    assert!(artifact::read(text.as_bytes()).is_ok());
}

#[test]
fn every_subcommand_that_reads_a_catalog_accepts_an_artifact_as_its_sources() {
    let dir = temp_dir("every-subcommand");
    let path = compile(&dir, "catalog.json", "json");
    let artifact = path.to_str().unwrap();
    for args in [
        vec!["doc", artifact],
        vec!["doc", "--rules", artifact],
        vec!["sample", artifact, "--count", "3"],
        vec!["export", "json-schema", artifact],
        vec!["test", "rules", "--rules", artifact],
    ] {
        let from_artifact = rulec(&args);
        let from_sources = rulec(
            &args
                .iter()
                .map(|a| if *a == artifact { "rules" } else { a })
                .collect::<Vec<_>>(),
        );
        assert_eq!(from_artifact.code, 0, "{args:?}: {}", from_artifact.stderr);
        assert_eq!(from_artifact.stdout, from_sources.stdout, "{args:?}");
    }
}

#[test]
fn an_artifact_among_rules_files_is_a_usage_error_that_says_why() {
    let dir = temp_dir("artifact-among-rules");
    let path = compile(&dir, "catalog.json", "json");
    let run = rulec(&["doc", "rules", path.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("give it alone"), "{}", run.stderr);
}

#[test]
fn one_suite_file_runs_against_the_rules_of_its_directory() {
    let run = rulec(&["test", "rules/cloudant.test.yaml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("cloudant.test.yaml"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("container-registry.test.yaml"),
        "{}",
        run.stdout
    );
}
