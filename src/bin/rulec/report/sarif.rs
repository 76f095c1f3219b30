//! SARIF 2.1.0, for code-scanning tools such as GitHub code scanning.

use std::fmt::Write as _;
use std::io::{self, Write as _};

use miette::Diagnostic;
use rulec::codes::{self, CODES};
use rulec::source::SourceSet;
use rulec::{Diagnostics, Summary, explain};
use serde_json::{Value, json};

use super::json::Object;
use super::{code_of, level, region, summary_line};

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
pub(crate) fn sarif_rule(name: &str) -> Value {
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
pub(crate) fn artifact_uri(path: &str) -> String {
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
