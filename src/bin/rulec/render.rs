//! How `rulec check` prints diagnostics: human, JSON or GitHub workflow commands.

use std::fmt::Write as _;
use std::io::{self, IsTerminal as _, Write as _};

use miette::{Diagnostic, GraphicalTheme};
use rulec::codes::{self, CODES};
use rulec::source::SourceSet;
use rulec::{Diagnostics, Summary, check, explain};
use serde_json::{Value, json};

use crate::cli::USAGE;

/// Compiles sources, or prints their diagnostics and says what was not done (`what`, e.g.
/// "not compiled") and returns the exit code.
pub(crate) fn compile(sources: Vec<rulec::Source>, what: &str) -> Result<rulec::Catalog, u8> {
    rulec::Catalog::compile(sources).map_err(|diagnostics| {
        eprint!("{}", diagnostics.render(&theme(), terminal_width()));
        eprintln!("error: {what}: {diagnostics}");
        crate::cli::FAILED
    })
}

/// Reads the `.rules` files under `paths` and compiles them, printing what went wrong.
pub(crate) fn load(paths: &[std::path::PathBuf], what: &str) -> Result<rulec::Catalog, u8> {
    let sources = rulec::source::read_sources(paths).map_err(|error| fatal(&error))?;
    compile(sources, what)
}

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

/// Where a span is: its file, and 1-based lines and columns (in characters; the end column is
/// the one just after the span).
struct Region<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn region(sources: &SourceSet, offset: usize, len: usize) -> Option<Region<'_>> {
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

/// A JSON object, built field by field.
type Object = serde_json::Map<String, Value>;

/// Where a diagnostic's spans are, as a JSON object of file, lines and columns.
fn location(sources: &SourceSet, offset: usize, len: usize) -> Object {
    let mut object = Object::new();
    if let Some(r) = region(sources, offset, len) {
        object.insert("file".into(), json!(r.file));
        object.insert("line".into(), json!(r.line));
        object.insert("column".into(), json!(r.column));
        object.insert("end_line".into(), json!(r.end_line));
        object.insert("end_column".into(), json!(r.end_column));
    }
    object
}

fn to_json(sources: &SourceSet, diagnostic: &dyn Diagnostic) -> Value {
    let labels: Vec<Value> = diagnostic
        .labels()
        .into_iter()
        .flatten()
        .map(|label| {
            let mut object = location(sources, label.offset(), label.len());
            object.insert("label".into(), json!(label.label()));
            Value::Object(object)
        })
        .collect();
    let mut object = diagnostic
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| location(sources, label.offset(), label.len()))
        .unwrap_or_default();
    object.insert("code".into(), json!(code_of(diagnostic)));
    object.insert("severity".into(), json!(level(diagnostic)));
    object.insert("message".into(), json!(diagnostic.to_string()));
    let help = diagnostic.help().map(|h| h.to_string());
    object.insert("help".into(), json!(help));
    object.insert("labels".into(), Value::Array(labels));
    Value::Object(object)
}

/// The code of a diagnostic (every diagnostic rulec reports has one).
fn code_of(diagnostic: &dyn Diagnostic) -> Option<String> {
    diagnostic.code().map(|c| c.to_string())
}

/// `error` or `warning`, as JSON, GitHub and SARIF all name them.
fn level(diagnostic: &dyn Diagnostic) -> &'static str {
    if check::is_error(diagnostic) {
        "error"
    } else {
        "warning"
    }
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
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The schema SARIF logs name.
const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// SARIF 2.1.0 on stdout: one run whose rules are the codes reported; the summary on stderr.
pub(crate) fn sarif(diagnostics: &Diagnostics, summary: &Summary) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &sarif_log(diagnostics))?;
    writeln!(out)?;
    eprintln!("{}", summary_line(summary));
    Ok(())
}

fn sarif_log(diagnostics: &Diagnostics) -> Value {
    let codes = reported_codes(diagnostics);
    let results: Vec<Value> = diagnostics
        .list()
        .iter()
        .map(|d| sarif_result(diagnostics.sources(), d, &codes))
        .collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": sarif_driver(&codes) },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// The `toolComponent` that is rulec, with a rule for each code reported.
fn sarif_driver(codes: &[String]) -> Value {
    let mut driver = Object::new();
    driver.insert("name".into(), json!("rulec"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    let uri = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty());
    if let Some(uri) = uri {
        driver.insert("informationUri".into(), json!(uri));
    }
    let rules: Vec<Value> = codes.iter().map(|c| sarif_rule(c)).collect();
    driver.insert("rules".into(), Value::Array(rules));
    Value::Object(driver)
}

/// The names of the codes the diagnostics report, each once, in registry order (a code not
/// in the registry last).
fn reported_codes(diagnostics: &Diagnostics) -> Vec<String> {
    let mut names: Vec<String> = diagnostics
        .list()
        .iter()
        .map(|d| sarif_rule_id(d))
        .collect();
    let rank = |name: &String| {
        CODES
            .iter()
            .position(|c| c.name == name)
            .unwrap_or(CODES.len())
    };
    names.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    names.dedup();
    names
}

fn sarif_rule_id(diagnostic: &dyn Diagnostic) -> String {
    code_of(diagnostic).unwrap_or_else(|| "rules".to_owned())
}

/// A `reportingDescriptor`: the code, its summary, and its explanation as help.
fn sarif_rule(name: &str) -> Value {
    let mut rule = Object::new();
    rule.insert("id".into(), json!(name));
    if let Some(code) = codes::lookup(name) {
        rule.insert("shortDescription".into(), json!({ "text": code.summary }));
        let level = if code.warning { "warning" } else { "error" };
        rule.insert("defaultConfiguration".into(), json!({ "level": level }));
    }
    if let Some(meaning) = explain::meaning(name) {
        rule.insert("fullDescription".into(), json!({ "text": meaning }));
    }
    if let Some(text) = explain::explanation(name) {
        rule.insert("help".into(), json!({ "text": text, "markdown": text }));
    }
    Value::Object(rule)
}

/// A `result`: the diagnostic's code, level and message, its first label as the location and
/// the others as related locations.
fn sarif_result(sources: &SourceSet, diagnostic: &dyn Diagnostic, codes: &[String]) -> Value {
    let id = sarif_rule_id(diagnostic);
    let mut text = diagnostic.to_string();
    if let Some(help) = diagnostic.help() {
        let _ = write!(text, "\nhelp: {help}");
    }
    let mut locations: Vec<Value> = diagnostic
        .labels()
        .into_iter()
        .flatten()
        .filter_map(|label| {
            let mut location = sarif_location(sources, label.offset(), label.len())?;
            if let Some(text) = label.label().filter(|t| !t.is_empty()) {
                location.insert("message".into(), json!({ "text": text }));
            }
            Some(Value::Object(location))
        })
        .collect();
    let related: Vec<Value> = locations
        .split_off(locations.len().min(1))
        .into_iter()
        .zip(1_u32..)
        .map(|(mut location, id)| {
            if let Some(object) = location.as_object_mut() {
                object.insert("id".into(), json!(id));
            }
            location
        })
        .collect();
    let mut result = Object::new();
    if let Some(index) = codes.iter().position(|c| *c == id) {
        result.insert("ruleIndex".into(), json!(index));
    }
    result.insert("ruleId".into(), json!(id));
    result.insert("level".into(), json!(level(diagnostic)));
    result.insert("message".into(), json!({ "text": text }));
    result.insert("locations".into(), Value::Array(locations));
    if !related.is_empty() {
        result.insert("relatedLocations".into(), Value::Array(related));
    }
    Value::Object(result)
}

/// A `location` with its `physicalLocation`: the file's URI and the region.
fn sarif_location(sources: &SourceSet, offset: usize, len: usize) -> Option<Object> {
    let r = region(sources, offset, len)?;
    let mut location = Object::new();
    location.insert(
        "physicalLocation".into(),
        json!({
            "artifactLocation": { "uri": artifact_uri(r.file) },
            "region": {
                "startLine": r.line,
                "startColumn": r.column,
                "endLine": r.end_line,
                "endColumn": r.end_column,
            },
        }),
    );
    Some(location)
}

/// A file path as a URI reference: forward slashes, relative to the current directory when
/// it can be, `file://` when it is absolute elsewhere, other characters percent-encoded.
fn artifact_uri(path: &str) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|dir| {
            let inside = std::path::Path::new(path).strip_prefix(dir).ok()?;
            Some(inside.display().to_string())
        })
        .unwrap_or_else(|| path.to_owned());
    let mut slashed = relative.replace('\\', "/");
    while let Some(rest) = slashed.strip_prefix("./") {
        slashed = rest.to_owned();
    }
    let drive = slashed.as_bytes().get(1) == Some(&b':');
    let absolute = slashed.starts_with('/') || drive;
    let mut uri = String::from(match (absolute, drive) {
        (false, _) => "",
        (true, false) => "file://",
        (true, true) => "file:///",
    });
    for byte in slashed.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if keep || (absolute && byte == b':') {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::artifact_uri;

    #[test]
    fn a_relative_path_keeps_its_segments_with_forward_slashes() {
        assert_eq!(artifact_uri("./rules/a b.rules"), "rules/a%20b.rules");
        assert_eq!(
            artifact_uri(r"rules\cloudant.rules"),
            "rules/cloudant.rules"
        );
        assert_eq!(artifact_uri("rules/100%.rules"), "rules/100%25.rules");
    }

    #[test]
    fn an_absolute_path_elsewhere_is_a_file_uri() {
        assert_eq!(
            artifact_uri("/nowhere/rules/x.rules"),
            "file:///nowhere/rules/x.rules"
        );
        assert_eq!(
            artifact_uri(r"C:\rules\x.rules"),
            "file:///C:/rules/x.rules"
        );
    }
}
