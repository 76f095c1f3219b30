//! One JSON document of every diagnostic, with files, lines and columns.

use std::io::{self, Write as _};

use miette::Diagnostic;
use rulec::source::SourceSet;
use rulec::{Diagnostics, Summary};
use serde_json::{Value, json};

use super::{code_of, level, region};

/// A JSON object, built field by field.
pub(super) type Object = serde_json::Map<String, Value>;

/// Where a diagnostic's spans are, as a JSON object of file, lines and columns.
pub(super) fn location(sources: &SourceSet, offset: usize, len: usize) -> Object {
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

pub(super) fn to_json(sources: &SourceSet, diagnostic: &dyn Diagnostic) -> Value {
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
