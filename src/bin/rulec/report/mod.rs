//! How `rulec` reports: diagnostics in each output format of `rulec check`, and the errors that
//! stop a command.

pub(crate) mod github;
mod human;
mod json;
pub(crate) mod sarif;

use std::io::{self, IsTerminal as _};

use miette::{Diagnostic, GraphicalTheme};
use rulec::source::SourceSet;
use rulec::{Summary, check};

pub(crate) use github::github;
pub(crate) use human::human;
pub(crate) use json::json;
pub(crate) use sarif::sarif;

use crate::cli::USAGE;

/// Prints an error that stops the command (unreadable input) and returns the usage exit code.
pub(crate) fn fatal(error: &impl Diagnostic) -> u8 {
    let handler = miette::GraphicalReportHandler::new_themed(theme()).with_width(terminal_width());
    let mut text = String::new();
    if handler.render_report(&mut text, error).is_err() {
        text = error.to_string();
    }
    eprintln!("{text}");
    USAGE
}

/// Writes a command's output to standard output: `OK`, also when the reader went away
/// (`rulec ... | head`); the usage exit code, with a message, when it cannot be written.
pub(crate) fn print(text: &str) -> u8 {
    use std::io::Write as _;
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => crate::cli::OK,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => crate::cli::OK,
        Err(error) => {
            eprintln!("error: cannot write the output: {error}");
            USAGE
        }
    }
}

pub(super) fn summary_line(summary: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "checked {}: {}, {}, {}, {}",
        plural(summary.files, "file"),
        plural(summary.services, "service"),
        plural(summary.actions, "action"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
    )
}

/// Colour on a terminal unless `NO_COLOR` is set.
pub(crate) fn theme() -> GraphicalTheme {
    if io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    }
}

/// `COLUMNS`, or 100.
pub(crate) fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

/// Where a span is: its file, and 1-based lines and columns (in characters; the end column is
/// the one just after the span).
pub(super) struct Region<'a> {
    pub(super) file: &'a str,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) end_line: usize,
    pub(super) end_column: usize,
}

pub(super) fn region(sources: &SourceSet, offset: usize, len: usize) -> Option<Region<'_>> {
    let start = sources.position(offset)?;
    let end = sources.position(offset + len)?;
    Some(Region {
        file: start.file,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    })
}

/// The code of a diagnostic (every diagnostic rulec reports has one).
pub(super) fn code_of(diagnostic: &dyn Diagnostic) -> Option<String> {
    diagnostic.code().map(|c| c.to_string())
}

/// `error` or `warning`, as JSON, GitHub and SARIF all name them.
pub(super) fn level(diagnostic: &dyn Diagnostic) -> &'static str {
    if check::is_error(diagnostic) {
        "error"
    } else {
        "warning"
    }
}
