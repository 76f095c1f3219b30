//! `rulec explain`: the long form of a diagnostic code, or the list of every code.

use std::io::{self, Write as _};

use rulec::codes::{CODES, Code};
use rulec::explain::{self, Lookup};

use crate::cli::{ExplainArgs, OK, USAGE};

/// Explains `CODE`, or lists every code with `--list` (clap allows exactly one of them).
pub(crate) fn run(args: &ExplainArgs) -> u8 {
    match &args.code {
        Some(name) => explain(name),
        None => finish(list()),
    }
}

/// Prints one code's explanation, or says why there is none.
fn explain(name: &str) -> u8 {
    match explain::lookup(name) {
        Lookup::Found(code) => finish(print(code)),
        Lookup::Ambiguous(codes) => {
            eprintln!(
                "error: `{}` is the name of more than one code:",
                name.trim()
            );
            let width = codes.iter().map(|c| c.name.len()).max().unwrap_or(0);
            for code in &codes {
                eprintln!("  {:width$}  {}", code.name, code.summary);
            }
            if let Some(first) = codes.first() {
                eprintln!(
                    "help: give the code in full, e.g. `rulec explain {}`",
                    first.name
                );
            }
            USAGE
        }
        Lookup::Unknown(close) => {
            eprintln!("error: unknown code `{}`", name.trim());
            if !close.is_empty() {
                let names: Vec<String> = close.iter().map(|c| format!("`{}`", c.name)).collect();
                eprintln!("help: did you mean {}?", names.join(" or "));
            }
            eprintln!("help: `rulec explain --list` lists every code");
            USAGE
        }
    }
}

/// `# CODE (level)`, the summary, then the explanation.
fn print(code: &Code) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "# {} ({})\n", code.name, level(code))?;
    writeln!(out, "{}.\n", sentence(code.summary))?;
    match explain::explanation(code.name) {
        Some(text) => writeln!(out, "{text}"),
        None => writeln!(out, "No long explanation is written for this code yet."),
    }
}

/// Every code, its level and its summary, one per line, aligned.
fn list() -> io::Result<()> {
    let width = CODES.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut out = io::stdout().lock();
    for code in CODES {
        writeln!(
            out,
            "{:width$}  {:7}  {}",
            code.name,
            level(code),
            code.summary
        )?;
    }
    Ok(())
}

fn level(code: &Code) -> &'static str {
    if code.warning { "warning" } else { "error" }
}

/// The summary as a sentence: capitalised (it starts with ASCII).
fn sentence(summary: &str) -> String {
    let mut chars = summary.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// `OK`, or `USAGE` when standard output could not be written.
fn finish(written: io::Result<()>) -> u8 {
    match written.and_then(|()| io::stdout().flush()) {
        Ok(()) => OK,
        Err(error) => {
            eprintln!("error: cannot write the explanation: {error}");
            USAGE
        }
    }
}
