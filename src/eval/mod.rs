//! Catalog + event -> decision: look up the action, validate, filter by event type, locate,
//! route.

mod crn;
mod decision;
mod engine;
mod event;
mod explanation;
mod fast;
mod input;
mod json;
mod legacy;
mod location;
mod parse;
mod route;
mod rules;
mod timestamp;
mod trace;
mod validate;

use std::borrow::Cow;

use serde_json::Value;

pub use crn::Crn;
pub use decision::{Decision, DropReason, RouteMatch, Verdict, Violation, ViolationLevel};
pub use engine::Engine;
pub use explanation::{Explanation, rule_text};
pub use input::{Buffered, EventReader, InputForm, LINE_CAP};
pub use parse::MAX_EVENT_BYTES;
pub use trace::{FieldHit, Owner, Trace};
/// For the sampler, which makes events that meet the conditions it picks.
pub(crate) use validate::holds_on_tree;

use event::{Event, Top};
use parse::ParseError;
use validate::Tree;

use crate::catalog::{Action, ActionId, Catalog, EventType};
use crate::codes::eval;
use crate::suggestion;

/// Which event types an instance has enabled, and whether warnings reject.
///
/// By default each service's types are its `collect` ones (a service's `require` types are
/// always enabled), and an event is rejected only when it cannot be decided or breaks a
/// constraint at error level: guideline breaches the catalog marks `warn` are carried as
/// warnings. [`Context::strict`] rejects on any warning instead, for a team checking its
/// own events before release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Context {
    types: Option<[bool; 2]>,
    strict: bool,
}

impl Context {
    /// Each service's default event types.
    #[must_use]
    pub fn defaults() -> Self {
        Self::default()
    }

    /// These event types enabled, for every service (plus each service's required types).
    #[must_use]
    pub fn with_types(types: &[EventType]) -> Self {
        Self {
            types: Some([
                types.contains(&EventType::Management),
                types.contains(&EventType::Data),
            ]),
            strict: false,
        }
    }

    /// The same context, strict or not: in strict mode every warning is an error, so an
    /// event with any violation is rejected.
    #[must_use]
    pub fn strict(self, strict: bool) -> Self {
        Self { strict, ..self }
    }

    /// Whether warnings reject.
    #[must_use]
    pub fn is_strict(self) -> bool {
        self.strict
    }

    fn enables(self, action: &Action, catalog: &Catalog, ty: EventType) -> bool {
        let service = catalog.service(action.service);
        if service.is_some_and(|s| s.require.contains(&ty)) {
            return true;
        }
        match self.types {
            Some([management, data]) => {
                if ty == EventType::Data {
                    data
                } else {
                    management
                }
            }
            None => service.is_some_and(|s| s.collect.contains(&ty)),
        }
    }
}

/// Evaluates events with one [`Engine`] in one context. Cheap to create; `Send + Sync`.
#[derive(Debug, Clone, Copy)]
pub struct Evaluator<'c> {
    engine: &'c Engine,
    catalog: &'c Catalog,
    context: Context,
    max_event_bytes: usize,
}

impl<'c> Evaluator<'c> {
    /// An evaluator with each service's default event types.
    #[must_use]
    pub fn new(engine: &'c Engine) -> Self {
        Self {
            engine,
            catalog: engine.catalog(),
            context: Context::defaults(),
            max_event_bytes: MAX_EVENT_BYTES,
        }
    }

    /// The same evaluator in another context.
    #[must_use]
    pub fn with_context(self, context: Context) -> Self {
        Self { context, ..self }
    }

    /// The decision for an event given as JSON text; `index` is its position in its input.
    ///
    /// A valid event is decided in one pass over its bytes, without building a JSON tree or
    /// allocating. An event with violations is worded from the same pass by the reference
    /// procedure; what that pass cannot read (an escaped string at a catalog path, input that
    /// is not JSON) is parsed and decided by [`Evaluator::evaluate_value`]. All give the same
    /// decision.
    #[must_use]
    pub fn evaluate(&self, event: &[u8], index: u64) -> Decision<'c> {
        if event.len() <= self.max_event_bytes {
            let decided = fast::decide(self.engine, self.context, event, index, |view| {
                self.decide_read(view, index, None).map(|mut decision| {
                    if self.context.strict {
                        decision.strict();
                    }
                    decision
                })
            });
            match decided {
                Ok(Some(decision)) => return decision,
                Ok(None) => {}
                // Most often not JSON, which a check finds without building the tree.
                Err(fast::Refused) => {
                    if let Err(error) = parse::check(event) {
                        return unparsed(index, error);
                    }
                }
            }
        }
        self.evaluate_reference(event, index)
    }

    /// The decision for one event on its own, in this evaluator's context: [`Self::evaluate`]
    /// with the index 0, for a host that decides events one at a time.
    #[must_use]
    pub fn evaluate_one(&self, event: &[u8]) -> Decision<'c> {
        self.evaluate(event, 0)
    }

    /// The decision as the reference evaluator makes it: a strict parse into a tree, then
    /// every check, without the fast path. [`Evaluator::evaluate`] gives the same decision
    /// on every input (the differential tests and the `eval` fuzz target check it); this is
    /// for checking that, and for measuring the fast path against it.
    #[must_use]
    pub fn evaluate_reference(&self, event: &[u8], index: u64) -> Decision<'c> {
        self.reference(event, index, None)
    }

    /// The decision as [`Evaluator::evaluate`] makes it, and what it exercised of the catalog:
    /// the reference evaluator, recording each item where it decides it. For coverage.
    #[must_use]
    pub fn evaluate_traced(&self, event: &[u8], index: u64) -> (Decision<'c>, Trace) {
        let mut trace = Trace::default();
        let decision = self.reference(event, index, Some(&mut trace));
        (decision, trace)
    }

    fn reference(&self, event: &[u8], index: u64, trace: Option<&mut Trace>) -> Decision<'c> {
        if event.len() > self.max_event_bytes {
            return self.too_large(event.len() as u64, index);
        }
        match parse::parse(event) {
            Ok(value) => self.decide_value(&value, index, trace),
            Err(error) => unparsed(index, error),
        }
    }

    /// The decision for an event of `size` bytes over the size limit, which the input kept only
    /// part of (a line longer than [`LINE_CAP`]): the reject [`Evaluator::evaluate`] gives a
    /// large event, with the event's real size.
    #[must_use]
    pub fn too_large(&self, size: u64, index: u64) -> Decision<'c> {
        unreadable(
            index,
            eval::EVENT_TOO_LARGE,
            String::new(),
            format!(
                "the event is {size} bytes, more than the limit of {}",
                self.max_event_bytes
            ),
            "split or trim the event at its producer, or raise the limit (`--max-event-bytes`)",
        )
    }

    /// The event size limit: larger events are rejected with `eval::event_too_large`.
    #[must_use]
    pub fn max_event_bytes(&self) -> usize {
        self.max_event_bytes
    }

    /// The same evaluator with another event size limit (default [`MAX_EVENT_BYTES`]).
    #[must_use]
    pub fn with_max_event_bytes(self, max_event_bytes: usize) -> Self {
        Self {
            max_event_bytes,
            ..self
        }
    }

    /// The decision for an event already parsed.
    #[must_use]
    pub fn evaluate_value(&self, event: &Value, index: u64) -> Decision<'c> {
        self.decide_value(event, index, None)
    }

    fn decide_value(&self, event: &Value, index: u64, trace: Option<&mut Trace>) -> Decision<'c> {
        let mut decision = match legacy::unwrap(event) {
            Some(unwrapped) => {
                let mut decision = self.decide_leniently(&unwrapped.event, index, trace);
                unwrapped.repoint(&mut decision.violations);
                decision
            }
            None => self.decide_leniently(event, index, trace),
        };
        if self.context.strict {
            decision.strict();
        }
        decision
    }

    /// The decision of [`Evaluator::decide_value`] with warnings left as warnings.
    fn decide_leniently(
        &self,
        event: &Value,
        index: u64,
        trace: Option<&mut Trace>,
    ) -> Decision<'c> {
        if !event.is_object() {
            return invalid_json(
                index,
                &format!(
                    "an event is a JSON object, not {}",
                    validate::describe(rules::Shape::of(Some(event)))
                ),
            );
        }
        // A tree answers every question, so there is always a decision.
        self.decide_read(&Tree(event), index, trace)
            .unwrap_or_else(|| Decision::rejected(index))
    }

    /// The decision for an event object however it was read, warnings left as warnings;
    /// `None` when the reader could not tell a value the decision needs.
    fn decide_read<'a>(
        &self,
        event: &impl Event<'a>,
        index: u64,
        mut trace: Option<&mut Trace>,
    ) -> Option<Decision<'c>> {
        let mut decision = Decision::rejected(index);
        let named = event.top(Top::Action)?;
        // A service can declare envelope fields again for its events.
        let envelope = match named {
            rules::Shape::String(name) => self
                .catalog
                .action_id(name)
                .and_then(|id| self.catalog.action(id)),
            _ => None,
        }
        .map_or(self.catalog.envelope(), |a| {
            self.catalog.envelope_for(a.service)
        });
        validate::check_read(
            event,
            envelope,
            None,
            &mut decision.violations,
            trace
                .as_deref_mut()
                .map(|t| (Owner::Envelope, &mut t.fields)),
        )?;
        let action = self.action(named, &mut decision);
        let Some((id, action)) = action else {
            return Some(decision);
        };
        if let Some(trace) = trace.as_deref_mut() {
            trace.action = Some(id);
        }
        self.validate_action(event, id, action, &mut decision, trace.as_deref_mut())?;
        let mut written = None;
        let log_source_crn = event.top(Top::LogSourceCrn)?;
        let place = self.catalog.service(action.service).and_then(|service| {
            location::locate(
                self.catalog,
                service,
                log_source_crn,
                &mut decision.violations,
                &mut written,
                trace.as_deref_mut(),
            )
        });
        decision.crn_location = written.map(|w| Cow::Owned(w.to_owned()));
        if self.context.strict {
            // Before the verdict, so that a strict reject keeps what a reject knows.
            decision.strict();
        }
        if decision.has_errors() {
            decision.location = place.map(|p| Cow::Owned(p.location.to_owned()));
            return Some(decision);
        }
        let event_type = action.event_type;
        if !self.context.enables(action, self.catalog, event_type) {
            decision.settle(Err(DropReason::disabled(event_type)));
            return Some(decision);
        }
        let Some(place) = place else {
            return Some(decision);
        };
        decision.location = Some(Cow::Owned(place.location.to_owned()));
        let routing = route::route(self.catalog, action, &place, trace);
        decision.route(
            routing.outcome.map(Cow::Owned),
            Cow::Owned(routing.matches),
            routing.defaults,
        );
        Some(decision)
    }

    /// Finds the event's action in the catalog, recording what the decision learns.
    fn action(
        &self,
        named: rules::Shape<'_>,
        decision: &mut Decision<'c>,
    ) -> Option<(ActionId, &'c Action)> {
        let rules::Shape::String(name) = named else {
            if !decision.violations.iter().any(|v| v.path == "/action") {
                let (code, message) = match named {
                    rules::Shape::Absent => (
                        eval::MISSING_FIELD,
                        "missing required field `action`".to_owned(),
                    ),
                    other => (
                        eval::TYPE_MISMATCH,
                        format!(
                            "`action` is {}, expected a string",
                            validate::describe(other)
                        ),
                    ),
                };
                decision.violations.push(Violation {
                    code,
                    path: "/action".into(),
                    level: ViolationLevel::Error,
                    message,
                    help: Some("every event names its action, `service.object.verb`".into()),
                });
            }
            return None;
        };
        decision.action = Some(Cow::Owned(name.to_owned()));
        let found = self
            .catalog
            .action_id(name)
            .and_then(|id| Some((id, self.catalog.action(id)?)));
        let Some((id, action)) = found else {
            let dotted = name.replace(',', ".");
            let help = self
                .catalog
                .action_id(&dotted)
                .and_then(|id| self.catalog.action(id))
                .map(|a| &*a.name)
                .or_else(|| {
                    let ascii = suggestion::confusable(name).map(|c| c.ascii);
                    ascii
                        .as_deref()
                        .and_then(|a| self.catalog.action_id(a))
                        .and_then(|id| self.catalog.action(id))
                        .map(|a| &*a.name)
                })
                .or_else(|| self.catalog.suggest_action(name))
                .map_or_else(
                    || {
                        "the catalog declares no such action; check the service's `.rules` file"
                            .to_owned()
                    },
                    |c| format!("did you mean `{c}`?"),
                );
            let help = match suggestion::confusable(name) {
                Some(c) => format!(
                    "it contains `{}` ({}), which looks like `{}`: {help}",
                    c.found,
                    c.describe(),
                    c.looks_like
                ),
                None => help,
            };
            decision.violations.push(Violation {
                code: eval::UNKNOWN_ACTION,
                path: "/action".into(),
                level: ViolationLevel::Error,
                message: format!("unknown action `{name}`"),
                help: Some(help),
            });
            return None;
        };
        decision.action = Some(Cow::Borrowed(&action.name));
        decision.service = self
            .catalog
            .service(action.service)
            .map(|s| Cow::Borrowed(s.name.as_str()));
        decision.event_type = Some(action.event_type);
        Some((id, action))
    }

    /// The action's fields, its conditional constraints, and the `dataEvent` flag; `None` when
    /// the reader could not tell a value.
    fn validate_action<'a>(
        &self,
        event: &impl Event<'a>,
        id: ActionId,
        action: &Action,
        decision: &mut Decision<'_>,
        mut trace: Option<&mut Trace>,
    ) -> Option<()> {
        validate::check_read(
            event,
            self.catalog.fields(action),
            None,
            &mut decision.violations,
            trace
                .as_deref_mut()
                .map(|t| (Owner::Action(id), &mut t.fields)),
        )?;
        for index in &action.conditionals {
            let Some(conditional) = self.catalog.conditionals().get(*index as usize) else {
                continue;
            };
            if event.holds(conditional)? {
                if let Some(trace) = trace.as_deref_mut() {
                    trace.conditionals.push(*index);
                }
                validate::check_read(
                    event,
                    &conditional.fields,
                    Some(&conditional.condition),
                    &mut decision.violations,
                    None,
                )?;
            }
        }
        if let Some(flag) = rules::data_flag(event.top(Top::DataEvent)?) {
            if rules::contradicts(flag, action.event_type) {
                let expected = !flag;
                decision.violations.push(Violation {
                    code: eval::DATA_FLAG_MISMATCH,
                    path: "/dataEvent".into(),
                    // The catalog's type decides routing: the event can still be decided.
                    level: ViolationLevel::Warning,
                    message: format!(
                        "`dataEvent` is `{flag}`, but `{}` is a {} event",
                        action.name, action.event_type
                    ),
                    help: Some(format!(
                        "set `\"dataEvent\": {expected}`, or fix the action's flag in the catalog"
                    )),
                });
            }
        }
        Some(())
    }
}

/// The reject for an input that does not parse.
fn unparsed(index: u64, error: ParseError) -> Decision<'static> {
    match error {
        ParseError::Json(error) => invalid_json(index, &format!("not JSON: {error}")),
        ParseError::DuplicateKey { object, key } => unreadable(
            index,
            eval::DUPLICATE_KEY,
            {
                let mut path = object.clone();
                path.push('/');
                json::push_pointer_token(&mut path, &key);
                path
            },
            if object.is_empty() {
                format!("key `{key}` appears twice in the event, so the event is ambiguous")
            } else {
                format!(
                    "key `{key}` appears twice in the object at `{object}`, so the event is ambiguous"
                )
            },
            "send each key once; JSON readers disagree on which of two values wins",
        ),
    }
}

fn invalid_json(index: u64, message: &str) -> Decision<'static> {
    unreadable(
        index,
        eval::INVALID_JSON,
        String::new(),
        message.to_owned(),
        "each input is one JSON object: one per line (NDJSON), one object, or an array of objects",
    )
}

/// A reject for an input that could not be read as an event.
fn unreadable(
    index: u64,
    code: &'static str,
    path: String,
    message: String,
    help: &str,
) -> Decision<'static> {
    let mut decision = Decision::rejected(index);
    decision.violations.push(Violation {
        code,
        path,
        level: ViolationLevel::Error,
        message,
        help: Some(help.to_owned()),
    });
    decision
}
