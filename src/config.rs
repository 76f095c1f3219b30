//! Event-type configuration of an instance, with Cloudant's semantics and error strings
//! (`POST /_api/v2/user/activity_tracker/events`, docs/domain.md §6.2, decision §10.5).

use serde::Serialize;
use serde_json::Value;

use crate::vocab::EventType;

/// Cloudant's answer to a rejected configuration: `{"code":400,"error":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{error}")]
pub struct ConfigError {
    /// The HTTP status, always 400.
    pub code: u16,
    /// The message, exactly as Cloudant words it where Cloudant has words for it.
    pub error: String,
}

impl ConfigError {
    fn bad_request(error: impl Into<String>) -> Self {
        Self {
            code: 400,
            error: error.into(),
        }
    }

    /// The answer as Cloudant writes it.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::json!({"code": self.code, "error": self.error}).to_string()
    }
}

/// Parses a configuration body `{"types": [...]}` and returns the enabled types, in the
/// order `management`, `data`, duplicates collapsed.
///
/// Unknown members are reported first, all of them, in input order; then a missing
/// required type (`management` for Cloudant) as `Missing required events: "management"`.
///
/// ```
/// use rulec::catalog::EventType;
/// use rulec::config::check_event_types;
///
/// let required = [EventType::Management];
/// assert!(check_event_types(r#"{"types":["management","data"]}"#, &required).is_ok());
/// let error = check_event_types(r#"{"types":["data"]}"#, &required).unwrap_err();
/// assert_eq!(error.to_json(), r#"{"code":400,"error":"Missing required events: \"management\""}"#);
/// ```
pub fn check_event_types(
    body: &str,
    required: &[EventType],
) -> Result<Vec<EventType>, ConfigError> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| ConfigError::bad_request(format!("Invalid JSON body: {e}")))?;
    let Some(object) = value.as_object() else {
        return Err(ConfigError::bad_request(
            "The request body must be a JSON object with a \"types\" array",
        ));
    };
    let members = match object.get("types") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().ok_or(()))
            .collect::<Result<Vec<&str>, ()>>()
            .map_err(|()| ConfigError::bad_request("\"types\" must be an array of strings"))?,
        Some(_) => {
            return Err(ConfigError::bad_request(
                "\"types\" must be an array of strings",
            ));
        }
    };
    let mut unknown: Vec<&str> = Vec::new();
    let mut enabled = Vec::new();
    for member in members {
        match member {
            "management" => enabled.push(EventType::Management),
            "data" => enabled.push(EventType::Data),
            other if !unknown.contains(&other) => unknown.push(other),
            _ => {}
        }
    }
    if !unknown.is_empty() {
        return Err(ConfigError::bad_request(format!(
            "Unknown event types: {}",
            unknown.join(", ")
        )));
    }
    if let Some(missing) = required.iter().find(|r| !enabled.contains(r)) {
        return Err(ConfigError::bad_request(format!(
            "Missing required events: \"{missing}\""
        )));
    }
    enabled.sort();
    enabled.dedup();
    Ok(enabled)
}

#[cfg(test)]
mod tests {
    use super::check_event_types;
    use crate::catalog::EventType::{Data, Management};

    fn answer(body: &str) -> String {
        match check_event_types(body, &[Management]) {
            Ok(_) => r#"{"ok":true}"#.to_owned(),
            Err(e) => e.to_json(),
        }
    }

    #[test]
    fn follows_cloudant() {
        assert_eq!(
            answer(r#"{"types":["management","data"]}"#),
            r#"{"ok":true}"#
        );
        assert_eq!(answer(r#"{"types":["management"]}"#), r#"{"ok":true}"#);
        assert_eq!(
            answer(r#"{"types":["management","management"]}"#),
            r#"{"ok":true}"#
        );
        assert_eq!(
            answer("{}"),
            r#"{"code":400,"error":"Missing required events: \"management\""}"#
        );
        assert_eq!(
            answer(r#"{"types":[]}"#),
            r#"{"code":400,"error":"Missing required events: \"management\""}"#
        );
        assert_eq!(
            answer(r#"{"types":["data"]}"#),
            r#"{"code":400,"error":"Missing required events: \"management\""}"#
        );
        assert_eq!(
            answer(r#"{"types":["audit","management","x","audit"]}"#),
            r#"{"code":400,"error":"Unknown event types: audit, x"}"#
        );
        assert_eq!(
            answer(r#"{"types":"management"}"#),
            r#"{"code":400,"error":"\"types\" must be an array of strings"}"#
        );
        assert_eq!(
            answer(r#"{"types":[1]}"#),
            r#"{"code":400,"error":"\"types\" must be an array of strings"}"#
        );
    }

    #[test]
    fn collapses_duplicates() {
        assert_eq!(
            check_event_types(r#"{"types":["data","management","data"]}"#, &[Management]),
            Ok(vec![Management, Data])
        );
    }
}
