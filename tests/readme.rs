//! The README is part of the product: its code index and commands stay true.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

const README: &str = include_str!("../README.md");

#[test]
fn the_readme_lists_every_diagnostic_code() {
    let missing: Vec<&str> = rulec::codes::CODES
        .iter()
        .map(|c| c.name)
        .filter(|name| !README.contains(&format!("| `{name}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from the README's index: {missing:?}"
    );
}

#[test]
fn the_readme_opens_with_the_main_job_and_the_test_command() {
    let block = README
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap_or_default();
    let commands: Vec<&str> = block.lines().collect();
    assert_eq!(
        commands,
        [
            "cargo run --release -- eval --rules rules examples/events.ndjson",
            "cargo test"
        ]
    );
}

#[test]
fn ci_runs_exactly_the_readme_test_command() {
    let ci = include_str!("../.ci/run");
    assert!(ci.lines().any(|l| l == "cargo test"), "{ci}");
    assert!(README.contains(
        "cargo test\ncargo test --lib --no-default-features\ncargo tree --no-default-features"
    ));
    assert!(
        README.contains("cargo fmt --check\ncargo clippy --locked --all-targets -- -D warnings")
    );
    for line in [
        "cargo test --lib --no-default-features",
        "cargo fmt --check",
    ] {
        assert!(ci.lines().any(|l| l == line), "{line} is not in .ci/run");
    }
}
