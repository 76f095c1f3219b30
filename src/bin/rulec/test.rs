//! `rulec test`: run the YAML cases beside the rules, report what differed, and coverage.

mod coverage;

use std::path::{Path, PathBuf};

use rulec::suite::{self, Coverage, Report};

use std::fmt::Write as _;

use serde_json::json;

use crate::cli::{CoverageFormat, FAILED, OK, TestArgs, TestFormat, USAGE};
use crate::{load, report};

pub(crate) fn run(args: &TestArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        args.paths.clone()
    };
    let catalog = if args.catalog.rules.is_empty() {
        load::located(&catalog_paths(&paths), "no tests run", FAILED)
    } else {
        load::located(&args.catalog.rules, "no tests run", FAILED)
    };
    let (catalog, origins) = match catalog {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if args.coverage_format.is_some() && origins.is_none() {
        eprintln!(
            "error: `--coverage-format` reports lines of the `.rules` files, and a compiled artifact keeps none: give the rules it was compiled from"
        );
        return USAGE;
    }
    let mut suites = match suite::load(&paths) {
        Ok(suites) => suites,
        Err(error) => return report::fatal(&error),
    };
    if let Some(filter) = &args.filter {
        for suite in &mut suites {
            let file = suite.path.display().to_string();
            suite
                .cases
                .retain(|c| format!("{file} :: {}", c.name).contains(filter.as_str()));
        }
    }
    let mut report = suite::run(&rulec::Engine::new(catalog), &suites);
    if let (Some(format), Some(origins)) = (args.coverage_format, &origins) {
        report.coverage.locate(&origins.origins);
        let files = report.coverage.lines(&origins.sources);
        let text = match format {
            CoverageFormat::Lcov => coverage::lcov(&files),
            CoverageFormat::Cobertura => coverage::cobertura(&files, now_millis()),
        };
        let path = args
            .coverage_output
            .clone()
            .unwrap_or_else(|| PathBuf::from(format.default_output()));
        if let Err(error) = std::fs::write(&path, text) {
            eprintln!(
                "error: cannot write the coverage to `{}`: {error}",
                path.display()
            );
            return USAGE;
        }
    }
    let failed = report.results.iter().filter(|r| !r.passed()).count();
    let passed = report.results.len() - failed;
    let percent = report.coverage.percent();
    match args.format {
        TestFormat::Human => {
            print_results(&report);
            if args.coverage {
                print_coverage(&report.coverage);
            }
            println!("coverage: {percent:.1}%");
            println!("{passed} passed, {failed} failed");
        }
        TestFormat::Json => println!("{}", json(&report, args.coverage)),
        TestFormat::Junit => print!("{}", junit(&report)),
    }
    if let Some(minimum) = args.min_coverage.filter(|m| percent < *m) {
        eprintln!("error: coverage {percent:.1}% is below --min-coverage {minimum}%");
        return FAILED;
    }
    if failed > 0 || report.results.is_empty() {
        if report.results.is_empty() {
            match &args.filter {
                Some(filter) => eprintln!("error: no test case matches `{filter}`"),
                None => eprintln!(
                    "error: no test cases found (files named `*.test.yaml` next to the rules)"
                ),
            }
        }
        return FAILED;
    }
    OK
}

/// Now, in milliseconds since the Unix epoch (Cobertura's `timestamp`); `SOURCE_DATE_EPOCH`
/// (seconds), when set, makes the file reproducible.
fn now_millis() -> u128 {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u128>().ok());
    fixed.map_or_else(
        || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis())
        },
        |seconds| seconds * 1000,
    )
}

/// The results as one JSON document: each case, with what differed, and the summary.
fn json(report: &Report, with_items: bool) -> String {
    let results: Vec<_> = report
        .results
        .iter()
        .map(|r| {
            json!({
                "suite": r.path.display().to_string(),
                "name": r.name,
                "passed": r.passed(),
                "failures": r.failures,
            })
        })
        .collect();
    let categories: Vec<_> = report
        .coverage
        .categories
        .iter()
        .map(|c| {
            let missed: Option<Vec<&str>> = with_items.then(|| {
                c.items
                    .iter()
                    .filter(|i| !i.covered)
                    .map(|i| i.label.as_str())
                    .collect()
            });
            json!({
                "name": c.name,
                "covered": c.covered(),
                "items": c.items.len(),
                "missed": missed,
            })
        })
        .collect();
    let failed = report.results.iter().filter(|r| !r.passed()).count();
    let document = json!({
        "results": results,
        "summary": {
            "passed": report.results.len() - failed,
            "failed": failed,
            "coverage": report.coverage.percent(),
            "categories": categories,
        },
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// Items grouped by a key, groups in the order their keys first appear.
fn grouped<T>(items: &[T], key: impl Fn(&T) -> String) -> Vec<(String, Vec<&T>)> {
    let mut groups: Vec<(String, Vec<&T>)> = Vec::new();
    for item in items {
        let k = key(item);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push(item),
            None => groups.push((k, vec![item])),
        }
    }
    groups
}

/// The results as `JUnit` XML: a `testsuite` per suite file, a `testcase` per case, a `failure`
/// with what differed.
fn junit(report: &Report) -> String {
    let by_suite = grouped(&report.results, |r| r.path.display().to_string());
    let failed = report.results.iter().filter(|r| !r.passed()).count();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rulec test\" tests=\"{}\" failures=\"{failed}\">\n",
        report.results.len()
    );
    for (file, cases) in &by_suite {
        let failures = cases.iter().filter(|c| !c.passed()).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">",
            xml(file),
            cases.len()
        );
        for case in cases {
            let name = xml(&case.name);
            if case.passed() {
                let _ = writeln!(
                    out,
                    "    <testcase classname=\"{}\" name=\"{name}\"/>",
                    xml(file)
                );
            } else {
                let text = xml(&case.failures.join("\n"));
                let first = xml(case.failures.first().map_or("", String::as_str));
                let _ = write!(
                    out,
                    "    <testcase classname=\"{}\" name=\"{name}\">\n      <failure message=\"{first}\">{text}</failure>\n    </testcase>\n",
                    xml(file)
                );
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text escaped for XML attributes and content.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no other control characters than tab and line breaks.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn print_results(report: &Report) {
    for result in &report.results {
        let status = if result.passed() { "ok" } else { "FAILED" };
        println!(
            "test {} :: {} ... {status}",
            result.path.display(),
            result.name
        );
        for failure in &result.failures {
            println!("    {failure}");
        }
    }
}

/// Where the catalog of suites at `paths` is: each directory, and the directory of each suite
/// file given by name, once.
fn catalog_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for path in paths {
        let dir = if suite::is_suite_file(path) {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_owned()
        } else {
            path.clone()
        };
        if !out.contains(&dir) {
            out.push(dir);
        }
    }
    out
}

fn print_coverage(coverage: &Coverage) {
    println!("\ncoverage:");
    for category in &coverage.categories {
        let total = category.items.len();
        let covered = category.covered();
        println!("  {:<24} {covered:>4}/{total:<4}", category.name);
        for item in category.items.iter().filter(|i| !i.covered) {
            println!("      not exercised: {}", item.label);
        }
    }
}
