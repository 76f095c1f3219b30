//! An event as a decision reads it: the values at the catalog's paths, from a parsed tree (the
//! reference evaluator, [`super::validate::Tree`]) or from one scan of its bytes (the fast
//! path). One decision procedure reads both, so an event with violations is worded the same
//! whichever read it.

use super::rules::Shape;
use crate::catalog::{Conditional, FieldRule};

/// The top-level keys a decision reads besides the field rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Top {
    Action,
    DataEvent,
    LogSourceCrn,
}

impl Top {
    /// The key, as the event writes it.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Top::Action => "action",
            Top::DataEvent => "dataEvent",
            Top::LogSourceCrn => "logSourceCRN",
        }
    }
}

/// The values of one event. Every method answers `None` when this reader cannot tell (a value
/// it has not decoded, say): the whole decision is then left to the reference evaluator.
pub(crate) trait Event<'a> {
    /// Calls `then` with the value at a field rule's path.
    fn with_field<R>(&self, rule: &FieldRule, then: impl FnOnce(Shape<'_>) -> R) -> Option<R>;

    /// A top-level value.
    fn top(&self, key: Top) -> Option<Shape<'a>>;

    /// Whether every comparison of a `when` condition holds.
    fn holds(&self, conditional: &Conditional) -> Option<bool>;
}
