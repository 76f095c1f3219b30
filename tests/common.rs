//! What the tests that run the real binary share: running `rulec` and reading what it did.
//! The modules of `tests/it.rs` use it.

#![allow(
    dead_code,
    reason = "not every helper is used by every build of the tests"
)]
#![allow(clippy::expect_used, reason = "tests")]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one run printed and how it exited.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Exit code and both streams, as one snapshot.
    pub(crate) fn snapshot(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `rulec` in the crate's directory.
pub(crate) fn rulec(args: &[&str]) -> Run {
    rulec_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs `rulec` in `dir`, without colour, 100 columns wide.
pub(crate) fn rulec_in(dir: &Path, args: &[&str]) -> Run {
    run(command(dir, args).output().expect("rulec runs"))
}

/// Runs `rulec` in the crate's directory with `stdin` as standard input.
pub(crate) fn rulec_with_stdin(args: &[&str], stdin: &str) -> Run {
    let mut child = command(Path::new(env!("CARGO_MANIFEST_DIR")), args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rulec starts");
    // Written from another thread while this one reads the output: with both in one thread,
    // a large input and a large output fill both pipes and each side waits for the other.
    // rulec may exit before reading its input (a broken catalog): a closed pipe is fine.
    let mut pipe = child.stdin.take().expect("a stdin pipe");
    let input = stdin.to_owned();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(input.as_bytes());
    });
    let output = child.wait_with_output().expect("rulec runs");
    writer.join().expect("the input is written");
    run(output)
}

/// A fresh, empty directory under the system temp directory, unique to this test.
pub(crate) fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rulec-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp directory");
    dir
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rulec"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100");
    command
}

fn run(output: std::process::Output) -> Run {
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// The `.rules` files directly in `dir`, sorted.
pub(crate) fn rules_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a fixture directory")
        .map(|e| e.expect("a readable fixture directory").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    files
}
