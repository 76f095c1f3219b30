//! Events in the legacy `payload` wrapper, which older onboarding guidelines had services send:
//! `{"payload": {CADF event}, "logSourceCRN": "...", "saveServiceCopy": true}`. Such an event
//! is decided on the payload's fields together with the top level's, with a warning.

use serde_json::{Map, Value};

use super::decision::{Violation, ViolationLevel};
use super::json;
use crate::codes::eval;

/// An event read out of its `payload` wrapper.
pub(crate) struct Unwrapped {
    /// The payload's fields and the top level's (the top level's win: they are what the
    /// ingestion read).
    pub(crate) event: Value,
    /// The JSON pointers of the top-level keys that came from the payload.
    from_payload: Vec<String>,
}

/// The event inside a `payload` wrapper: only for an event with no `action` of its own whose
/// `payload` is an object that has one.
pub(crate) fn unwrap(event: &Value) -> Option<Unwrapped> {
    let object = event.as_object()?;
    if object.contains_key("action") {
        return None;
    }
    let payload = object.get("payload")?.as_object()?;
    if !payload.contains_key("action") {
        return None;
    }
    let mut merged: Map<String, Value> = payload.clone();
    let mut from_payload = Vec::new();
    for key in payload.keys() {
        if !object.contains_key(key) {
            let mut pointer = String::new();
            json::push_pointer_token(&mut pointer, key);
            from_payload.push(pointer);
        }
    }
    for (key, value) in object {
        if key != "payload" {
            merged.insert(key.clone(), value.clone());
        }
    }
    Some(Unwrapped {
        event: Value::Object(merged),
        from_payload,
    })
}

impl Unwrapped {
    /// Points the violations at the event as it was written: a field read from the payload is
    /// under `/payload`. Puts the wrapper's own warning first.
    pub(crate) fn repoint(&self, violations: &mut Vec<Violation>) {
        for violation in violations.iter_mut() {
            let path = &violation.path;
            let inside = self.from_payload.iter().any(|key| {
                path.strip_prefix('/')
                    .and_then(|p| p.strip_prefix(key.as_str()))
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            });
            if inside {
                violation.path.insert_str(0, "/payload");
            }
        }
        violations.insert(
            0,
            Violation {
                code: eval::LEGACY_PAYLOAD,
                path: "/payload".into(),
                level: ViolationLevel::Warning,
                message: "the event is wrapped in a legacy `payload` object; it is decided on the fields inside it".into(),
                help: Some(
                    "send the event's fields at the top level, beside `logSourceCRN`: the `payload` wrapper is legacy"
                        .into(),
                ),
            },
        );
    }
}
