//! `rulec test`: run the YAML cases beside the rules, report what differed, and coverage.

use std::path::{Path, PathBuf};

use rulec::suite::{self, Coverage, Report};

use crate::cli::{FAILED, OK, TestArgs};
use crate::{load, report};

pub(crate) fn run(args: &TestArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        args.paths.clone()
    };
    let catalog = if args.catalog.rules.is_empty() {
        load::catalog(&catalog_paths(&paths), "no tests run", FAILED)
    } else {
        load::catalog(&args.catalog.rules, "no tests run", FAILED)
    };
    let catalog = match catalog {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let suites = match suite::load(&paths) {
        Ok(suites) => suites,
        Err(error) => return report::fatal(&error),
    };
    let report = suite::run(&rulec::Engine::new(catalog), &suites);
    print_results(&report);
    if args.coverage {
        print_coverage(&report.coverage);
    }
    let failed = report.results.iter().filter(|r| !r.passed()).count();
    let passed = report.results.len() - failed;
    let percent = report.coverage.percent();
    println!("coverage: {percent:.1}%");
    println!("{passed} passed, {failed} failed");
    if let Some(minimum) = args.min_coverage.filter(|m| percent < *m) {
        eprintln!("error: coverage {percent:.1}% is below --min-coverage {minimum}%");
        return FAILED;
    }
    if failed > 0 || report.results.is_empty() {
        if report.results.is_empty() {
            eprintln!("error: no test cases found (files named `*.test.yaml` next to the rules)");
        }
        return FAILED;
    }
    OK
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
