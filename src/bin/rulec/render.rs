//! How `rulec check` prints diagnostics: human, JSON or GitHub workflow commands.

use std::fmt::Write as _;
use std::io::{self, IsTerminal as _, Write as _};

use miette::{Diagnostic, GraphicalTheme};
use rulec::source::SourceSet;
use rulec::{Diagnostics, Summary, check};
use serde_json::{Value, json};

use crate::cli::USAGE;

/// Prints an error that stops the command (unreadable input) and returns the usage exit code.
pub(crate) fn fatal(error: impl Diagnostic + Send + Sync + 'static) -> u8 {
    let report = miette::Report::new(error);
    eprintln!("{report:?}");
    USAGE
}

fn summary_line(summary: &Summary) -> String {
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

/// miette's graphical reports on stderr, coloured on a terminal unless `NO_COLOR` is set.
pub(crate) fn human(diagnostics: &Diagnostics, summary: &Summary) -> io::Result<()> {
    let mut out = io::stderr().lock();
    out.write_all(diagnostics.render(&theme(), terminal_width()).as_bytes())?;
    writeln!(out, "{}", summary_line(summary))
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

/// Where a diagnostic's spans are, as a JSON object of file, lines and columns.
fn location(sources: &SourceSet, offset: usize, len: usize) -> Value {
    let start = sources.position(offset);
    let end = sources.position(offset + len);
    match (start, end) {
        (Some(start), Some(end)) => json!({
            "file": start.file,
            "line": start.line,
            "column": start.column,
            "end_line": end.line,
            "end_column": end.column,
        }),
        _ => json!({}),
    }
}

fn to_json(sources: &SourceSet, diagnostic: &dyn Diagnostic) -> Value {
    let labels: Vec<Value> = diagnostic
        .labels()
        .into_iter()
        .flatten()
        .map(|label| {
            let mut value = location(sources, label.offset(), label.len());
            value["label"] = json!(label.label());
            value
        })
        .collect();
    let mut value = labels.first().cloned().unwrap_or_else(|| json!({}));
    if let Some(object) = value.as_object_mut() {
        object.remove("label");
    }
    value["code"] = json!(diagnostic.code().map(|c| c.to_string()));
    value["severity"] = json!(if check::is_error(diagnostic) {
        "error"
    } else {
        "warning"
    });
    value["message"] = json!(diagnostic.to_string());
    value["help"] = json!(diagnostic.help().map(|h| h.to_string()));
    value["labels"] = Value::Array(labels);
    value
}

/// One JSON document on stdout: `{"diagnostics": [...], "summary": {...}}`.
pub(crate) fn json(diagnostics: &Diagnostics, summary: &Summary) -> io::Result<()> {
    let list: Vec<Value> = diagnostics
        .list()
        .iter()
        .map(|d| to_json(diagnostics.sources(), d))
        .collect();
    let document = json!({ "diagnostics": list, "summary": summary });
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &document)?;
    writeln!(out)
}

/// GitHub Actions workflow commands on stdout, the summary on stderr.
pub(crate) fn github(diagnostics: &Diagnostics, summary: &Summary) -> io::Result<()> {
    let mut out = io::stdout().lock();
    for diagnostic in diagnostics.list() {
        let value = to_json(diagnostics.sources(), diagnostic);
        let kind = if check::is_error(diagnostic) {
            "error"
        } else {
            "warning"
        };
        let mut properties = String::new();
        for (key, field) in [
            ("file", "file"),
            ("line", "line"),
            ("col", "column"),
            ("endLine", "end_line"),
            ("endColumn", "end_column"),
        ] {
            if let Some(v) = value.get(field).filter(|v| !v.is_null()) {
                let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                let _ = write!(
                    properties,
                    "{}{key}={}",
                    if properties.is_empty() { "" } else { "," },
                    escape_property(&text)
                );
            }
        }
        let code = value["code"].as_str().unwrap_or("rules");
        let _ = write!(
            properties,
            "{}title={}",
            if properties.is_empty() { "" } else { "," },
            escape_property(code)
        );
        let mut message = diagnostic.to_string();
        if let Some(help) = diagnostic.help() {
            let _ = write!(message, "\nhelp: {help}");
        }
        writeln!(out, "::{kind} {properties}::{}", escape_data(&message))?;
    }
    eprintln!("{}", summary_line(summary));
    Ok(())
}

/// Escapes a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
