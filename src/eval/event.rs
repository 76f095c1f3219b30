//! An event as a decision reads it: the values at the catalog's paths, from a parsed tree (the
//! reference evaluator) or from one scan of its bytes (the fast path). One decision procedure
//! reads both, so an event with violations is worded the same whichever read it.

use serde_json::Value;

use super::rules::Shape;
use super::validate::{holds_on_tree, lookup};
use crate::catalog::{Conditional, FieldRule};

/// The top-level keys a decision reads besides the field rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Top {
    Action,
    DataEvent,
    LogSourceCrn,
}

impl Top {
    fn key(self) -> &'static str {
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

/// An event parsed into a tree, which answers every question.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tree<'v>(pub(crate) &'v Value);

impl<'v> Event<'v> for Tree<'v> {
    fn with_field<R>(&self, rule: &FieldRule, then: impl FnOnce(Shape<'_>) -> R) -> Option<R> {
        let found = lookup(self.0, &rule.path);
        Some(then(Shape::of(found.as_deref())))
    }

    fn top(&self, key: Top) -> Option<Shape<'v>> {
        Some(Shape::of(self.0.get(key.key())))
    }

    fn holds(&self, conditional: &Conditional) -> Option<bool> {
        Some(holds_on_tree(conditional, self.0))
    }
}
