//! The fast path: the decision for an event that breaks no rule, read from one scan of its
//! bytes (see [`scan`]) and the engine's precomputed routing (see [`plan`]).
//!
//! It answers only when it is sure the event has no violation at all, errors or warnings. In
//! every other case (a violation, a value it would have to decode, input the scanner gives up
//! on) it answers `None` and the reference evaluator decides, with the full messages. So the
//! two agree by construction; the differential tests check it.

use std::borrow::Cow;
use std::cell::Cell;

use serde_json::Value;

pub(crate) mod plan;
pub(crate) mod scan;

use scan::{Found, Kind, Scanned};

use super::crn::Crn;
use super::decision::{Decision, DropReason};
use super::engine::{Engine, Plan};
use super::{Context, timestamp};
use crate::catalog::{Action, BaseType, Catalog, EventType, FieldRule, Level, PathId};

/// The decision for `event` if it breaks no rule; `None` when the reference evaluator must
/// decide.
pub(crate) fn decide<'c>(
    engine: &'c Engine,
    context: Context,
    event: &[u8],
    index: u64,
) -> Option<Decision<'c>> {
    let plan = engine.plan();
    scan::with_scanned(&plan.trie, event, |scanned| {
        let view = View {
            scanned,
            catalog: engine.catalog(),
            plan,
            crn: Cell::new(None),
        };
        view.decide(context, index)
    })
}

struct View<'s, 'a, 'c> {
    scanned: &'s Scanned<'a>,
    catalog: &'c Catalog,
    plan: &'c Plan,
    /// The last CRN value parsed, by its offset in the event: the envelope's type check on
    /// `logSourceCRN` parses it, and locating the event reads it again.
    crn: Cell<Option<(usize, Crn<'a>)>>,
}

impl<'a, 'c> View<'_, 'a, 'c> {
    fn decide(&self, context: Context, index: u64) -> Option<Decision<'c>> {
        let trie = &self.plan.trie;
        self.passes_all(self.catalog.envelope())?;
        let name = self.string(trie.action)?;
        let id = self.catalog.action_id(name)?;
        let action = self.catalog.action(id)?;
        self.passes_all(self.catalog.fields(action))?;
        for conditional in &action.conditionals {
            let conditional = self.catalog.conditionals().get(*conditional as usize)?;
            if self.holds(conditional)? {
                self.passes_all(&conditional.fields)?;
            }
        }
        self.data_flag_agrees(action, trie.data_event)?;
        let service = self.catalog.service(action.service)?;
        let crn = self.crn(self.get(trie.log_source_crn)?)?;
        let outcome = self
            .plan
            .routing
            .outcome(id, action.service, crn.location())?;
        let mut decision = Decision::rejected(index);
        decision.action = Some(Cow::Borrowed(&action.name));
        decision.service = Some(Cow::Borrowed(&service.name));
        decision.event_type = Some(action.event_type);
        if !context.enables(action, self.catalog, action.event_type) {
            decision.settle(Err(DropReason::disabled(action.event_type)));
            return Some(decision);
        }
        decision.location = Some(Cow::Borrowed(outcome.location));
        decision.settle(outcome.targets.map(Cow::Borrowed));
        Some(decision)
    }

    /// What is at `node`; `None` when a string stands where the path expects an object (the
    /// reference evaluator looks inside strings that hold JSON).
    fn get(&self, node: u32) -> Option<Found> {
        let found = self.scanned.get(node);
        if found.kind == Kind::Absent {
            let trie = &self.plan.trie;
            let mut at = node;
            while at != plan::ROOT {
                at = trie.parent(at);
                if matches!(self.scanned.get(at).kind, Kind::String | Kind::Escaped) {
                    return None;
                }
            }
        }
        Some(found)
    }

    /// What is at a catalog path.
    fn at(&self, path: PathId) -> Option<Found> {
        self.get(*self.plan.node_of.get(path.index())?)
    }

    /// The CRN in a found string, parsed once per event.
    fn crn(&self, found: Found) -> Option<Crn<'a>> {
        if found.kind != Kind::String {
            return None;
        }
        if let Some((start, crn)) = self.crn.get() {
            if start == found.start {
                return Some(crn);
            }
        }
        let crn = Crn::parse(scan::text(self.scanned, found)?)?;
        self.crn.set(Some((found.start, crn)));
        Some(crn)
    }

    /// The string at `node`, if it is one without escapes.
    fn string(&self, node: u32) -> Option<&'a str> {
        let found = self.get(node)?;
        (found.kind == Kind::String).then(|| scan::text(self.scanned, found))?
    }

    /// `Some` when no rule reports anything.
    fn passes_all(&self, rules: &[FieldRule]) -> Option<()> {
        rules
            .iter()
            .all(|rule| self.at(rule.path_id).is_some_and(|f| self.passes(rule, f)))
            .then_some(())
    }

    /// Whether a value draws no report (error or warning) from its rule.
    fn passes(&self, rule: &FieldRule, found: Found) -> bool {
        let text = || scan::text(self.scanned, found).unwrap_or_default();
        match found.kind {
            Kind::Absent | Kind::Null => rule.missing == Level::Allow,
            Kind::String => {
                let text = text();
                let form = match rule.ty {
                    BaseType::String => true,
                    BaseType::Timestamp => timestamp::problem(text).is_none(),
                    BaseType::Crn => self.crn(found).is_some(),
                    _ => false,
                };
                form && string_passes(rule, text)
            }
            Kind::True | Kind::False => rule.ty == BaseType::Bool,
            Kind::Number => match rule.ty {
                BaseType::Number => true,
                BaseType::Integer => number(text()).is_some_and(|n| n.is_i64() || n.is_u64()),
                _ => false,
            },
            Kind::Object => rule.ty == BaseType::Object,
            Kind::Array => rule.ty == BaseType::Array,
            Kind::Escaped => false,
        }
    }

    /// Whether every comparison of a condition holds; `None` if unsure.
    fn holds(&self, conditional: &crate::catalog::Conditional) -> Option<bool> {
        for comparison in &conditional.comparisons {
            let found = self.at(comparison.path_id)?;
            let text = || scan::text(self.scanned, found);
            let equal = match (found.kind, &comparison.value) {
                (Kind::Absent, _) => false,
                (Kind::Null, literal) => literal.is_null(),
                (Kind::True, literal) => *literal == Value::Bool(true),
                (Kind::False, literal) => *literal == Value::Bool(false),
                (Kind::Number, Value::Number(literal)) => {
                    number(text()?)?.as_f64() == literal.as_f64()
                }
                (Kind::String, Value::String(literal)) => text()? == literal,
                (Kind::Number | Kind::String | Kind::Object | Kind::Array, literal)
                    if !literal.is_array() && !literal.is_object() =>
                {
                    false
                }
                _ => return None,
            };
            if equal != comparison.equal {
                return Some(false);
            }
        }
        Some(true)
    }

    /// `Some` unless `dataEvent` contradicts the action's type.
    fn data_flag_agrees(&self, action: &Action, node: u32) -> Option<()> {
        let found = self.get(node)?;
        let flag = match found.kind {
            Kind::True => Some(true),
            Kind::False => Some(false),
            Kind::String => match scan::text(self.scanned, found)? {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            Kind::Escaped => return None,
            _ => None,
        };
        let expected = action.event_type == EventType::Data;
        flag.is_none_or(|flag| flag == expected).then_some(())
    }
}

/// Whether a string value draws no report from its rule's enum and patterns.
fn string_passes(rule: &FieldRule, text: &str) -> bool {
    let member = rule.values.is_empty()
        || rule
            .values
            .iter()
            .find(|v| v.value == text)
            .is_some_and(|v| v.level == Level::Allow);
    member
        && rule
            .patterns
            .iter()
            .all(|p| p.level() == Level::Allow || p.is_match(text))
}

/// A number token as `serde_json` reads it.
fn number(token: &str) -> Option<serde_json::Number> {
    serde_json::from_str(token).ok()
}

#[cfg(test)]
mod tests;
