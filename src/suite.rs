//! Rule tests: YAML cases beside the rules (`*.test.yaml`), what each case got against what it
//! expected, and which constraints the cases exercised.
//!
//! ```yaml
//! bases:                                                     # optional: events cases extend
//!   push: { action: container-registry.image.push, ... }
//! cases:
//!   - name: a failed push is routed too
//!     extends: push
//!     event: { outcome: failure, reason: null }              # merged in; null removes a key
//!     expect: { verdict: route }
//!   - name: a push from Dallas is routed
//!     event: { action: container-registry.image.push, ... }   # or event_file: push.json
//!     types: [management, data]                                # optional: enabled types
//!     expect:
//!       verdict: route
//!       location: us-south
//!       targets: [archive, logs, siem]                         # a set, in any order
//!       violations: []                                         # codes, in any order
//! ```

mod coverage;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

pub use coverage::{Category, Coverage, FileLines, Item, Line};

use crate::catalog::EventType;
use crate::eval::{Context, Decision, DropReason, Engine, Evaluator, Verdict, ViolationLevel};
use crate::source::ReadError;
use crate::yaml;

/// A file of test cases.
#[derive(Debug, Clone)]
pub struct Suite {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its cases, in order.
    pub cases: Vec<Case>,
    /// The events its cases can extend, by name.
    pub bases: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuiteFile {
    #[serde(default)]
    bases: BTreeMap<String, Value>,
    cases: Vec<Case>,
}

/// One test case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What it shows.
    pub name: String,
    /// The event, inline.
    #[serde(default)]
    pub event: Option<Value>,
    /// The event, from a JSON file relative to the suite file.
    #[serde(default)]
    pub event_file: Option<PathBuf>,
    /// The base event (a key of the suite's `bases`) that `event` is merged into, as a JSON
    /// merge patch (RFC 7386): objects merge key by key, `null` removes a key, anything else
    /// replaces.
    #[serde(default)]
    pub extends: Option<String>,
    /// The enabled event types (default: each service's defaults).
    #[serde(default)]
    pub types: Option<Vec<EventType>>,
    /// Decide in strict mode: any warning rejects (default: no).
    #[serde(default)]
    pub strict: bool,
    /// What the decision must say; what is not given is not checked.
    pub expect: Expect,
}

/// The parts of a decision a case checks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// `route`, `drop` or `reject`.
    #[serde(default)]
    pub verdict: Option<Verdict>,
    /// The location.
    #[serde(default)]
    pub location: Option<String>,
    /// The targets, in any order (they are compared as a set).
    #[serde(default)]
    pub targets: Option<Vec<String>>,
    /// The drop reason.
    #[serde(default)]
    pub reason: Option<DropReason>,
    /// The violation codes, in any order, a code as often as it is reported (`[]` for none).
    #[serde(default)]
    pub violations: Option<Vec<String>>,
    /// The codes of the error-level violations, in any order, each once (`[]` for none):
    /// why a reject is one, whatever warnings come with it.
    #[serde(default)]
    pub errors: Option<Vec<String>>,
}

/// Why test cases cannot be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SuiteError {
    /// A file or directory that cannot be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(io::unreadable))]
    Unreadable {
        /// The path.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// A path that is not a regular file.
    #[error("`{path}` is {kind}, not a file rulec reads")]
    #[diagnostic(
        code(io::not_a_file),
        help("name a regular suite file, or a directory of them")
    )]
    NotAFile {
        /// The path.
        path: String,
        /// What it is.
        kind: &'static str,
    },
    /// A suite over the size limit.
    #[error("`{path}` is {size} bytes, more than the limit of {limit}")]
    #[diagnostic(code(io::too_large), help("split the cases into several suite files"))]
    TooLarge {
        /// The path.
        path: String,
        /// Its size.
        size: u64,
        /// The limit, [`crate::limits::MAX_SUITE_BYTES`].
        limit: usize,
    },
    /// A suite that is not valid YAML of the expected shape.
    #[error("`{path}`{at}: {message}")]
    #[diagnostic(
        code(suite::invalid),
        help(
            "a suite is `cases:` with `name`, `event` or `event_file` (or `extends` a key of `bases:`), optional `types`, and `expect`"
        )
    )]
    Invalid {
        /// The file.
        path: String,
        /// ` line L column C`, when known.
        at: String,
        /// What is wrong.
        message: String,
    },
}

/// Whether a path names a suite file: `*.test.yaml` or `*.test.yml`.
#[must_use]
pub fn is_suite_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.ends_with(".test.yaml") || name.ends_with(".test.yml")
}

/// Finds and reads every `*.test.yaml` / `*.test.yml` file under the paths.
pub fn load(paths: &[PathBuf]) -> Result<Vec<Suite>, SuiteError> {
    let mut files = Vec::new();
    for path in paths {
        let found = crate::source::files_under(path, false, is_suite_file).map_err(|(at, e)| {
            SuiteError::Unreadable {
                path: at.display().to_string(),
                reason: e.to_string(),
            }
        })?;
        files.extend(found);
    }
    files.iter().map(|path| read(path)).collect()
}

fn read(path: &Path) -> Result<Suite, SuiteError> {
    let name = || path.display().to_string();
    let limit = crate::limits::MAX_SUITE_BYTES;
    let bytes = crate::source::read_capped(path, limit).map_err(|error| match error {
        ReadError::NotAFile(kind) => SuiteError::NotAFile { path: name(), kind },
        ReadError::TooLarge(size) => SuiteError::TooLarge {
            path: name(),
            size,
            limit,
        },
        ReadError::Io(e) => SuiteError::Unreadable {
            path: name(),
            reason: e.to_string(),
        },
    })?;
    let file: SuiteFile = yaml::from_slice(&bytes).map_err(|e| SuiteError::Invalid {
        path: path.display().to_string(),
        at: match (e.line, e.column) {
            (Some(line), Some(column)) => format!(" line {line} column {column}"),
            (Some(line), None) => format!(" line {line}"),
            _ => String::new(),
        },
        message: e.message,
    })?;
    Ok(Suite {
        path: path.to_owned(),
        cases: file.cases,
        bases: file.bases,
    })
}

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The suite file.
    pub path: PathBuf,
    /// The case's name.
    pub name: String,
    /// What differed from what was expected; empty when the case passed.
    pub failures: Vec<String>,
    /// The decision, when the event could be read.
    pub decision: Option<Decision<'static>>,
}

impl CaseResult {
    /// Whether the decision matched every expectation.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Every case's result and the coverage of the catalog.
#[derive(Debug, Clone)]
pub struct Report {
    /// The results, in suite and case order.
    pub results: Vec<CaseResult>,
    /// What the cases exercised.
    pub coverage: Coverage,
}

/// Runs every case of the suites against the catalog.
#[must_use]
pub fn run(engine: &Engine, suites: &[Suite]) -> Report {
    let catalog = engine.catalog();
    let mut coverage = Coverage::of(catalog);
    let mut results = Vec::new();
    for suite in suites {
        for (index, case) in suite.cases.iter().enumerate() {
            let mut result = CaseResult {
                path: suite.path.clone(),
                name: case.name.clone(),
                failures: Vec::new(),
                decision: None,
            };
            match event(suite, case) {
                Err(failure) => result.failures.push(failure),
                Ok(event) => {
                    let context = case
                        .types
                        .as_deref()
                        .map_or_else(Context::defaults, Context::with_types)
                        .strict(case.strict);
                    let (decision, trace) = Evaluator::new(engine)
                        .with_context(context)
                        .evaluate_traced(&event, index as u64);
                    coverage.record(catalog, &trace);
                    result.failures = compare(&case.expect, &decision);
                    result.decision = Some(decision.into_owned());
                }
            }
            results.push(result);
        }
    }
    Report { results, coverage }
}

/// A case's event as bytes, decided as `rulec eval` decides a line: an event file verbatim
/// (so duplicate keys and size limits apply), an inline event as its JSON.
fn event(suite: &Suite, case: &Case) -> Result<Vec<u8>, String> {
    let json = |event: &Value| {
        serde_json::to_vec(event)
            .map_err(|e| format!("the inline event cannot be written as JSON: {e}"))
    };
    if let Some(name) = &case.extends {
        if case.event_file.is_some() {
            return Err("`extends` takes its overrides as `event:`, not `event_file:`".into());
        }
        let Some(base) = suite.bases.get(name) else {
            let known = suite.bases.keys().map(String::as_str);
            let hint = crate::suggestion::did_you_mean(name, known, || {
                "declare it under `bases:` at the top of the suite".into()
            });
            return Err(format!(
                "`extends: {name}` names no base of this suite: {hint}"
            ));
        };
        let mut event = base.clone();
        if let Some(patch) = &case.event {
            merge_patch(&mut event, patch);
        }
        return json(&event);
    }
    match (&case.event, &case.event_file) {
        (Some(event), None) => json(event),
        (None, Some(file)) => read_event_file(suite, file),
        (Some(_), Some(_)) => Err("give `event` or `event_file`, not both".into()),
        (None, None) => Err("give the event inline (`event:`) or in a file (`event_file:`)".into()),
    }
}

/// Applies a JSON merge patch (RFC 7386) to `target`.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        patch.clone_into(target);
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// An event file of a suite: only from the suite's directory and below (a suite in a pull
/// request must not be able to print files from elsewhere into a CI log), a regular file, of at
/// most [`crate::limits::LINE_CAP`] bytes, the most `rulec eval` keeps of one line.
fn read_event_file(suite: &Suite, file: &Path) -> Result<Vec<u8>, String> {
    let dir = suite.path.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let path = dir.join(file);
    let inside = file.is_relative()
        && match (std::fs::canonicalize(dir), std::fs::canonicalize(&path)) {
            (Ok(dir), Ok(path)) => path.starts_with(dir),
            // A file that does not exist is reported as unreadable below.
            _ => !file
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir)),
        };
    if !inside {
        return Err(format!(
            "event file `{}` is outside the suite's directory `{}`: event files are read only from there and below",
            file.display(),
            dir.display()
        ));
    }
    let limit = crate::limits::LINE_CAP;
    crate::source::read_capped(&path, limit).map_err(|error| match error {
        ReadError::NotAFile(kind) => format!("event file `{}` is {kind}", path.display()),
        ReadError::TooLarge(size) => format!(
            "event file `{}` is {size} bytes, more than the limit of {limit}",
            path.display()
        ),
        ReadError::Io(e) => format!("cannot read event file `{}`: {e}", path.display()),
    })
}

/// Each expectation the decision does not meet, as `what: expected X, got Y`.
fn compare(expect: &Expect, decision: &Decision<'_>) -> Vec<String> {
    let mut failures = Vec::new();
    let mut check = |what: &str, expected: Option<String>, got: String| {
        if let Some(expected) = expected.filter(|e| *e != got) {
            failures.push(format!("{what}: expected {expected}, got {got}"));
        }
    };
    let show = |value: Option<&str>| value.map_or_else(|| "none".to_owned(), |v| format!("`{v}`"));
    check(
        "verdict",
        expect.verdict.map(|v| format!("`{v}`")),
        format!("`{}`", decision.verdict),
    );
    check(
        "location",
        expect.location.as_deref().map(|l| show(Some(l))),
        show(decision.location.as_deref()),
    );
    check(
        "reason",
        expect.reason.map(|r| show(Some(r.as_str()))),
        show(decision.reason.map(DropReason::as_str)),
    );
    let list = |items: &[String]| format!("[{}]", items.join(", "));
    // Targets are a set: compared in name order, as decisions list them.
    let sorted = |items: &[String]| {
        let mut items = items.to_vec();
        items.sort_unstable();
        list(&items)
    };
    check(
        "targets",
        expect.targets.as_deref().map(sorted),
        sorted(decision.targets.as_deref().unwrap_or_default()),
    );
    let codes = |errors_only: bool| {
        let mut codes: Vec<String> = decision
            .violations
            .iter()
            .filter(|v| !errors_only || v.level == ViolationLevel::Error)
            .map(|v| v.code.to_owned())
            .collect();
        codes.sort();
        if errors_only {
            codes.dedup();
        }
        codes
    };
    for (name, expected, errors_only) in [
        ("violations", &expect.violations, false),
        ("errors", &expect.errors, true),
    ] {
        let Some(expected) = expected else { continue };
        let mut expected = expected.clone();
        expected.sort();
        if errors_only {
            expected.dedup();
        }
        let got = codes(errors_only);
        if expected == got {
            continue;
        }
        let detail: Vec<String> = decision
            .violations
            .iter()
            .filter(|v| !errors_only || v.level == ViolationLevel::Error)
            .map(|v| format!("{} {} ({})", v.code, v.path, v.message))
            .collect();
        failures.push(format!(
            "{name}: expected {}, got {}{}",
            list(&expected),
            list(&got),
            if detail.is_empty() {
                String::new()
            } else {
                format!("\n      {}", detail.join("\n      "))
            }
        ));
    }
    failures
}
