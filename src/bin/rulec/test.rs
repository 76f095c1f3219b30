//! `rulec test`: run the YAML cases beside the rules, report what differed, and coverage.

use rulec::suite::{self, Coverage, Report};

use crate::cli::{FAILED, OK, TestArgs};
use crate::render;

pub(crate) fn run(args: &TestArgs) -> u8 {
    let catalog = match render::load(&args.paths, "no tests run") {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let suites = match suite::load(&args.paths) {
        Ok(suites) => suites,
        Err(error) => return render::fatal(&error),
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
