//! The fast path: the decision for an event that breaks no rule, read from one scan of its
//! bytes (see [`scan`]) and the engine's precomputed routing (see [`plan`]).
//!
//! It answers only when it is sure the event has no violation at all, errors or warnings. In
//! every other case (a violation, a value it would have to decode, input the scanner gives up
//! on) it answers `None` and the reference evaluator decides, with the full messages. So the
//! two agree by construction; the differential tests check it.

use std::borrow::Cow;
use std::cell::Cell;

pub(crate) mod plan;
pub(crate) mod scan;

pub(crate) use scan::Refused;
use scan::{Found, Kind, Scanned};

use super::Context;
use super::crn::Crn;
use super::decision::{Decision, DropReason};
use super::engine::{Engine, Plan};
use super::event::{Event, Top};
use super::rules::{self, Num, Shape};
use crate::catalog::{Action, Catalog, Conditional, FieldRule, PathId};

/// The decision for `event` if it breaks no rule; else what `otherwise` decides from the same
/// scan (the reference procedure, reading the scanned values). `Ok(None)` when `otherwise`
/// cannot tell, and [`Refused`] when the scanner gives up: then the reference evaluator must
/// decide.
pub(crate) fn decide<'c>(
    engine: &'c Engine,
    context: Context,
    event: &[u8],
    index: u64,
    otherwise: impl FnOnce(&View<'_, '_, 'c>) -> Option<Decision<'c>>,
) -> Result<Option<Decision<'c>>, Refused> {
    let plan = engine.plan();
    scan::with_scanned(&plan.trie, event, |scanned| {
        let view = View {
            scanned,
            catalog: engine.catalog(),
            plan,
            crn: Cell::new(None),
        };
        view.decide(context, index).or_else(|| otherwise(&view))
    })
}

/// The values of one scanned event, read at the catalog's paths.
pub(crate) struct View<'s, 'a, 'c> {
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
        let name = self.string(trie.action)?;
        let id = self.catalog.action_id(name)?;
        let action = self.catalog.action(id)?;
        self.passes_all(self.catalog.envelope_for(action.service))?;
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
        decision.crn_location = Some(Cow::Borrowed(outcome.written));
        if !context.enables(action, self.catalog, action.event_type) {
            decision.settle(Err(DropReason::disabled(action.event_type)));
            return Some(decision);
        }
        decision.location = Some(Cow::Borrowed(outcome.location));
        decision.route(
            outcome.targets.map(Cow::Borrowed),
            Cow::Borrowed(outcome.matches),
            outcome.defaults,
        );
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
    #[inline]
    fn passes(&self, rule: &FieldRule, found: Found) -> bool {
        rules::is_clean(rule, self.shape(found), |_| self.crn(found).is_some()) == Some(true)
    }

    /// A found value as the rules see it.
    #[inline]
    fn shape(&self, found: Found) -> Shape<'a> {
        let text = || scan::text(self.scanned, found).unwrap_or_default();
        match found.kind {
            Kind::Absent => Shape::Absent,
            Kind::Null => Shape::Null,
            Kind::True => Shape::Bool(true),
            Kind::False => Shape::Bool(false),
            Kind::Number => Shape::Number(Num::Token(text())),
            Kind::String => Shape::String(text()),
            Kind::Object => Shape::Object(None),
            Kind::Array => Shape::Array(None),
            Kind::Escaped => Shape::Opaque,
        }
    }

    /// Whether every comparison of a condition holds; `None` if unsure.
    fn holds(&self, conditional: &Conditional) -> Option<bool> {
        rules::condition_holds(conditional, |comparison| {
            let found = self.at(comparison.path_id)?;
            rules::literal_equals(self.shape(found), &comparison.value)
        })
    }

    /// `Some` unless `dataEvent` contradicts the action's type, or is a value not decoded.
    fn data_flag_agrees(&self, action: &Action, node: u32) -> Option<()> {
        let value = self.shape(self.get(node)?);
        if matches!(value, Shape::Opaque) {
            return None;
        }
        let flag = rules::data_flag(value);
        flag.is_none_or(|flag| !rules::contradicts(flag, action.event_type))
            .then_some(())
    }
}

/// The scanned values for the reference procedure, which words violations; whatever the scan
/// did not decode (an escaped string, a string that may hold JSON) is left to the reference
/// evaluator, and so is an event without `action`, which may be in the legacy wrapper.
impl<'a> Event<'a> for View<'_, 'a, '_> {
    fn with_field<R>(&self, rule: &FieldRule, then: impl FnOnce(Shape<'_>) -> R) -> Option<R> {
        match self.shape(self.at(rule.path_id)?) {
            Shape::Opaque => None,
            shape => Some(then(shape)),
        }
    }

    fn top(&self, key: Top) -> Option<Shape<'a>> {
        let trie = &self.plan.trie;
        let node = match key {
            Top::Action => trie.action,
            Top::DataEvent => trie.data_event,
            Top::LogSourceCrn => trie.log_source_crn,
        };
        match self.shape(self.get(node)?) {
            Shape::Opaque => None,
            Shape::Absent if key == Top::Action => None,
            shape => Some(shape),
        }
    }

    fn holds(&self, conditional: &Conditional) -> Option<bool> {
        View::holds(self, conditional)
    }
}

#[cfg(test)]
mod tests;
