//! Syntax errors: worded the same whether or not pest was already recording error detail (the
//! first error in a process is parsed again with it on), and placed where the input went
//! wrong. One test in its own binary, because pest's switch is process-wide.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use miette::Diagnostic as _;
use rulec::{Checker, Source};

fn worded(text: &str) -> String {
    let error = rulec::format::format(text).expect_err("a syntax error");
    let help = error.help().map(|h| h.to_string()).unwrap_or_default();
    format!("{error} / {help} / {:?}", error.span())
}

/// What `rulec check` shows for one file.
fn report(text: &str) -> String {
    let mut checker = Checker::new();
    checker.add(Source::new("services.rules", text));
    checker
        .check()
        .diagnostics
        .render(&miette::GraphicalTheme::unicode_nocolor(), 100)
}

#[test]
fn a_missing_brace_is_reported_where_it_belongs_with_or_without_detail() {
    // A literal token (`{`) is what is missing: pest lists literals only with the detail on,
    // and places the error at the start of the service unless told where it got furthest.
    let broken = "service cloudantnosqldb \"Cloudant\"\n  group g \"G\" {}\n}\n";
    pest::set_error_detail(false);
    let first = worded(broken);
    pest::set_error_detail(true);
    let with_detail = worded(broken);
    assert_eq!(first, with_detail);
    assert!(first.contains("`{`"), "{first}");
    insta::assert_snapshot!(report(broken));
}
