//! The words every stage shares: event types, report levels and the `global` location.
//!
//! They belong to no stage: the syntax writes them, the checker resolves them, the catalog
//! stores them and the evaluator reports them. Keeping them here lets each stage depend only on
//! the stages before it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The location of events that belong to no region: a global service's, or an account's.
pub(crate) const GLOBAL: &str = "global";

/// How a `locate` line names an empty CRN location segment (`crn:v1:bluemix:public:iam-am::...`),
/// which global services send: `locate empty -> global`. Stored as the empty string.
pub(crate) const EMPTY: &str = "empty";

/// Whether an event reports a management action or touches customer data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventType {
    /// `dataEvent: false`: operational and CRUD actions that do not touch customer data.
    Management,
    /// `dataEvent: true`: reading or modifying customer data.
    Data,
}

impl EventType {
    /// The word the rules and the Activity Tracker documentation use.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Management => "management",
            EventType::Data => "data",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a broken constraint matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported; the event is still routed.
    Warning,
    /// Reported; the event is rejected.
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Allow => "allow",
            Level::Warning => "warning",
            Level::Error => "error",
        })
    }
}
