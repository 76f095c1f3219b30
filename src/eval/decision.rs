//! The decision for one event: verdict, what was found out about the event, and every reason.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::catalog::{EventType, Level};

/// What happens to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Valid (warnings allowed) and sent to at least one target.
    Route,
    /// Valid, but not delivered anywhere; `reason` says why.
    Drop,
    /// Invalid: at least one error-level violation.
    Reject,
}

impl Verdict {
    /// `route`, `drop` or `reject`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Route => "route",
            Verdict::Drop => "drop",
            Verdict::Reject => "reject",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Why a valid event is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// A data event from an instance that has not enabled data events.
    DataEventsDisabled,
    /// A management event from an instance that has not enabled management events.
    ManagementEventsDisabled,
    /// Every route that matched sent it to a `drop` rule.
    DroppedByRoute,
    /// No route matched and there are no default targets.
    NoMatchingRoute,
}

impl DropReason {
    /// The reason as it appears in decisions, e.g. `data-events-disabled`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::DataEventsDisabled => "data-events-disabled",
            DropReason::ManagementEventsDisabled => "management-events-disabled",
            DropReason::DroppedByRoute => "dropped-by-route",
            DropReason::NoMatchingRoute => "no-matching-route",
        }
    }

    pub(crate) fn disabled(event_type: EventType) -> Self {
        match event_type {
            EventType::Data => DropReason::DataEventsDisabled,
            EventType::Management => DropReason::ManagementEventsDisabled,
        }
    }
}

/// One broken constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Stable code, e.g. `eval::missing_field`.
    pub code: &'static str,
    /// JSON pointer to the offending value (`/reason/reasonCode`); `""` for the whole event.
    pub path: String,
    /// `error` rejects the event; `warning` does not.
    pub level: ViolationLevel,
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it, when there is something to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// The level of a violation: the two of [`Level`] that are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ViolationLevel {
    /// The event is rejected.
    Error,
    /// Reported; the event is still routed.
    Warning,
}

impl ViolationLevel {
    /// The reported level of a rule level, `None` for `allow`.
    #[must_use]
    pub fn of(level: Level) -> Option<Self> {
        match level {
            Level::Allow => None,
            Level::Warning => Some(ViolationLevel::Warning),
            Level::Error => Some(ViolationLevel::Error),
        }
    }
}

/// The decision for one event. Its JSON form is a contract: see `docs/decisions.md`.
///
/// Names that come from the catalog (the action, service, location and targets) are borrowed
/// from it, so deciding a valid event allocates nothing; [`Decision::into_owned`] detaches a
/// decision from its catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision<'c> {
    /// 0-based position of the event in its input.
    pub index: u64,
    /// Route, drop or reject.
    pub verdict: Verdict,
    /// The `action` as the event gives it, when it is a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Cow<'c, str>>,
    /// The action's service, when the action is in the catalog.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<Cow<'c, str>>,
    /// The action's event type, from the catalog.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
    /// Where the event is located, after zone, alias and service overrides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Cow<'c, str>>,
    /// The targets it is sent to (only with verdict `route`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets: Option<Cow<'c, [String]>>,
    /// Why it is dropped (only with verdict `drop`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<DropReason>,
    /// Every broken constraint, errors and warnings, in the order found.
    pub violations: Vec<Violation>,
}

impl<'c> Decision<'c> {
    /// The decision for an event the evaluator failed on (a bug): a reject with
    /// `eval::internal`, so that the event still gets its one decision.
    #[must_use]
    pub fn internal(index: u64) -> Self {
        let mut decision = Self::rejected(index);
        decision.violations.push(Violation {
            code: crate::codes::eval::INTERNAL,
            path: String::new(),
            level: ViolationLevel::Error,
            message: "the evaluator failed on this event (a bug: please report it)".into(),
            help: None,
        });
        decision
    }

    /// A reject that knows nothing yet about the event at `index`.
    pub(crate) fn rejected(index: u64) -> Self {
        Self {
            index,
            verdict: Verdict::Reject,
            action: None,
            service: None,
            event_type: None,
            location: None,
            targets: None,
            reason: None,
            violations: Vec::new(),
        }
    }

    /// Settles a valid event: routed to `targets`, or dropped for `reason`.
    pub(crate) fn settle(&mut self, outcome: Result<Cow<'c, [String]>, DropReason>) {
        match outcome {
            Ok(targets) => {
                self.verdict = Verdict::Route;
                self.targets = Some(targets);
            }
            Err(reason) => {
                self.verdict = Verdict::Drop;
                self.reason = Some(reason);
            }
        }
    }

    /// The same decision, owning its names.
    #[must_use]
    pub fn into_owned(self) -> Decision<'static> {
        let owned = |name: Option<Cow<'_, str>>| name.map(|n| Cow::Owned(n.into_owned()));
        Decision {
            index: self.index,
            verdict: self.verdict,
            action: owned(self.action),
            service: owned(self.service),
            event_type: self.event_type,
            location: owned(self.location),
            targets: self.targets.map(|t| Cow::Owned(t.into_owned())),
            reason: self.reason,
            violations: self.violations,
        }
    }

    /// The decision as one line of JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"index":{},"verdict":"reject","violations":[{{"code":"eval::internal","path":"","level":"error","message":"cannot serialise the decision: {e}"}}]}}"#, self.index)
        })
    }

    /// Whether some violation is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.violations
            .iter()
            .any(|v| v.level == ViolationLevel::Error)
    }
}
