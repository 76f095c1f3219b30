//! GitHub Actions workflow commands, which annotate the lines of a pull request.

use std::io::{self, Write as _};

use rulec::{Diagnostics, Summary};

use std::fmt::Write as _;

use serde_json::Value;

use super::json::to_json;
use miette::Diagnostic as _;

use super::{level, summary_line};

/// GitHub Actions workflow commands on stdout, the summary on stderr.
pub(crate) fn github(diagnostics: &Diagnostics, summary: &Summary) -> io::Result<()> {
    let mut out = io::stdout().lock();
    for diagnostic in diagnostics.list() {
        let value = to_json(diagnostics.sources(), diagnostic);
        let kind = level(diagnostic);
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
        let code = value.get("code").and_then(Value::as_str).unwrap_or("rules");
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
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
