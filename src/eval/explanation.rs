//! A human-readable account of how one event was decided: every constraint checked (passed,
//! warning or failed), where the event was located, every route and rule tried and which
//! matched. `rulec eval --explain` prints it.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde_json::Value;

use super::decision::{Decision, DropReason, Verdict, Violation, ViolationLevel};
use super::json::shorten;
use super::{Evaluator, legacy, location, parse, route, rules, validate};
use crate::catalog::{Action, Catalog, EventType, FieldRule, LocationMatch, Route};

/// How one event was decided, in words ([`Evaluator::explain`]).
#[derive(Debug, Clone)]
pub struct Explanation<'c> {
    /// The decision, as [`Evaluator::evaluate`] makes it.
    pub decision: Decision<'c>,
    lines: Vec<String>,
}

impl fmt::Display for Explanation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

impl<'c> Evaluator<'c> {
    /// The decision for an event and an account of how it was reached.
    #[must_use]
    pub fn explain(&self, event: &[u8], index: u64) -> Explanation<'c> {
        self.explain_decision(event, self.evaluate(event, index))
    }

    /// An account of a decision already made for `event` by this evaluator (such as
    /// [`Evaluator::too_large`] for an event its input cut short).
    #[must_use]
    pub fn explain_decision(&self, event: &[u8], decision: Decision<'c>) -> Explanation<'c> {
        let index = decision.index;
        let mut lines = vec![format!("event {index}: {}", verdict(&decision))];
        match parse::parse(event) {
            Ok(value)
                if value.is_object()
                    && event.len() <= self.max_event_bytes
                    && !decision.violations.iter().any(|v| v.path.is_empty()) =>
            {
                let unwrapped = legacy::unwrap(&value);
                if unwrapped.is_some() {
                    lines.push("  read from its legacy `payload` wrapper".into());
                }
                let value = unwrapped.map_or(value, |u| u.event);
                Account {
                    catalog: self.catalog,
                    event: &value,
                    lines: &mut lines,
                }
                .checks(self, &decision);
            }
            _ => {
                for violation in &decision.violations {
                    lines.push(format!("  {}", violation_words(violation)));
                }
            }
        }
        lines.push(format!("  verdict: {}", verdict(&decision)));
        Explanation { decision, lines }
    }
}

/// `route -> a, b`, `drop (no-matching-route)`, `reject`.
fn verdict(decision: &Decision<'_>) -> String {
    match decision.verdict {
        Verdict::Route => format!(
            "route -> {}",
            decision.targets.as_deref().unwrap_or_default().join(", ")
        ),
        Verdict::Drop => format!(
            "drop ({})",
            decision.reason.map_or("dropped", |r| r.as_str())
        ),
        Verdict::Reject => {
            let errors = decision
                .violations
                .iter()
                .filter(|v| v.level == ViolationLevel::Error)
                .map(|v| v.code)
                .collect::<Vec<_>>();
            format!("reject ({})", errors.join(", "))
        }
    }
}

fn violation_words(violation: &Violation) -> String {
    let status = match violation.level {
        ViolationLevel::Error => "failed ",
        ViolationLevel::Warning => "warning",
    };
    format!("{status}  {} ({})", violation.message, violation.code)
}

/// The account of a readable event.
struct Account<'a, 'c> {
    catalog: &'c Catalog,
    event: &'a Value,
    lines: &'a mut Vec<String>,
}

impl Account<'_, '_> {
    fn checks(&mut self, evaluator: &Evaluator<'_>, decision: &Decision<'_>) {
        let catalog = self.catalog;
        let action = self
            .event
            .get("action")
            .and_then(Value::as_str)
            .and_then(|name| catalog.action_id(name))
            .and_then(|id| catalog.action(id));
        let Some(action) = action else {
            self.rules("envelope", catalog.envelope(), None);
            let unknown = decision
                .violations
                .iter()
                .filter(|v| v.path == "/action" && v.level == ViolationLevel::Error);
            for violation in unknown {
                let line = format!("  action: {}", violation_words(violation));
                self.lines.push(line);
            }
            return;
        };
        let service = catalog.service(action.service);
        let own = service.is_some_and(|s| s.envelope.is_some());
        self.lines.push(format!(
            "  action `{}`: a {} event of `{}`",
            action.name,
            action.event_type,
            service.map_or("?", |s| s.name.as_str())
        ));
        let envelope = if own {
            "envelope (as the service declares it)"
        } else {
            "envelope"
        };
        self.rules(envelope, catalog.envelope_for(action.service), None);
        self.rules(
            &format!("fields of `{}`", action.name),
            catalog.fields(action),
            None,
        );
        for index in &action.conditionals {
            let Some(conditional) = catalog.conditionals().get(*index as usize) else {
                continue;
            };
            if validate::holds_on_tree(conditional, self.event) {
                let head = format!("when {} (holds)", conditional.condition);
                self.rules(&head, &conditional.fields, Some(&conditional.condition));
            } else {
                self.lines
                    .push(format!("  when {}: does not hold", conditional.condition));
            }
        }
        self.data_flag(action);
        let place = self.location(evaluator, action, decision);
        if let Some(place) = place {
            if decision.verdict != Verdict::Reject
                && decision.reason.is_none_or(|r| {
                    !matches!(
                        r.as_str(),
                        "data-events-disabled" | "management-events-disabled"
                    )
                })
            {
                self.routes(action, &place, decision);
            } else if decision.verdict == Verdict::Drop {
                self.lines.push(format!(
                    "  collected: no, this instance has not enabled {} events",
                    action.event_type
                ));
            }
        }
    }

    /// Each rule of a list, checked alone against the event.
    fn rules(&mut self, head: &str, list: &[FieldRule], when: Option<&str>) {
        if list.is_empty() {
            return;
        }
        self.lines.push(format!("  {head}:"));
        for rule in list {
            let mut found = Vec::new();
            validate::check(self.event, std::slice::from_ref(rule), when, &mut found);
            let value = validate::lookup(self.event, &rule.path);
            if found.is_empty() {
                let line = match value {
                    Some(value) => format!(
                        "    passed   {}: {} = {}",
                        rule.path,
                        constraint(rule),
                        shorten(&value.to_string())
                    ),
                    None => format!(
                        "    absent   {}: {} (optional)",
                        rule.path,
                        constraint(rule)
                    ),
                };
                self.lines.push(line);
            }
            for violation in &found {
                self.lines
                    .push(format!("    {}", violation_words(violation)));
            }
        }
    }

    fn data_flag(&mut self, action: &Action) {
        let flag = rules::data_flag(rules::Shape::of(self.event.get("dataEvent")));
        let line = match flag {
            None => "  dataEvent: not given as a bool; the catalog's type decides".to_owned(),
            Some(flag) if rules::contradicts(flag, action.event_type) => format!(
                "  dataEvent: `{flag}` disagrees with the catalog ({} event): a warning; the catalog's type decides",
                action.event_type
            ),
            Some(flag) => format!("  dataEvent: `{flag}` agrees with the catalog"),
        };
        self.lines.push(line);
    }

    /// Where the event is located: its location, and the zone its CRN named.
    fn location(
        &mut self,
        evaluator: &Evaluator<'_>,
        action: &Action,
        decision: &Decision<'_>,
    ) -> Option<(String, Option<String>)> {
        let service = evaluator.catalog.service(action.service)?;
        let mut ignored = Vec::new();
        let mut written = None;
        let place = location::locate(
            evaluator.catalog,
            service,
            rules::Shape::of(self.event.get("logSourceCRN")),
            &mut ignored,
            &mut written,
            None,
        );
        let Some(place) = place else {
            for violation in decision
                .violations
                .iter()
                .filter(|v| v.code == "eval::unroutable")
            {
                self.lines
                    .push(format!("  location: {}", violation_words(violation)));
            }
            return None;
        };
        let written = written.unwrap_or_default();
        let mut line = format!("  location: logSourceCRN says `{written}`");
        match evaluator.catalog.resolve(written) {
            Some(resolution) if resolution.zone => {
                let _ = write!(line, ", a zone of `{}`", resolution.region);
            }
            Some(resolution) if resolution.region != written => {
                let _ = write!(line, ", another name of `{}`", resolution.region);
            }
            _ => {}
        }
        let region = evaluator
            .catalog
            .resolve(written)
            .map_or(written, |r| r.region.as_str());
        if place.location != region {
            let _ = write!(
                line,
                "; `{}` locates its events from there in `{}`",
                service.name, place.location
            );
        }
        self.lines.push(line);
        Some((place.location.to_owned(), place.zone.map(str::to_owned)))
    }

    /// Every route, its filters and its rules up to the one that matched.
    fn routes(
        &mut self,
        action: &Action,
        place: &(String, Option<String>),
        decision: &Decision<'_>,
    ) {
        let (location, zone) = (place.0.as_str(), place.1.as_deref());
        let catalog = self.catalog;
        if catalog.routes().is_empty() {
            self.lines.push("  routes: none declared".into());
        } else {
            self.lines.push("  routes:".into());
        }
        for route in catalog.routes() {
            let filters = filters(route);
            if !route::admits(route, action) {
                self.lines
                    .push(format!("    {}{filters}: not for this event", route.name));
                continue;
            }
            let mut tried = Vec::new();
            let mut matched = false;
            for (i, rule) in route.rules.iter().enumerate() {
                let text = rule_text(catalog, &rule.locations, &rule.targets);
                if rule.locations.iter().any(|l| l.matches(location, zone)) {
                    tried.push(format!("rule {} `{text}` matched", i + 1));
                    matched = true;
                    break;
                }
                tried.push(format!("rule {} `{text}` no", i + 1));
            }
            if !matched {
                tried.push("no rule matched".into());
            }
            self.lines
                .push(format!("    {}{filters}: {}", route.name, tried.join("; ")));
        }
        if decision.default_targets {
            self.lines
                .push("  no route matched: the default targets apply".into());
        }
    }
}

/// What a field rule asks for: `timestamp`, `enum { a, b }`, `string matches /x/`.
fn constraint(rule: &FieldRule) -> String {
    let mut text = if rule.values.is_empty() {
        rule.ty.name().to_owned()
    } else {
        let members: Vec<&str> = rule.values.iter().map(|v| v.value.as_str()).collect();
        format!("enum {{ {} }}", members.join(", "))
    };
    for pattern in &rule.patterns {
        let _ = write!(text, " matches /{}/", pattern.source());
    }
    text
}

/// ` (types data; actions x.*)`, or nothing for a route without filters.
fn filters(route: &Route) -> String {
    let mut parts = Vec::new();
    if !route.types.is_empty() {
        let types: Vec<&str> = route.types.iter().map(|t| t.as_str()).collect();
        parts.push(format!("types {}", types.join(", ")));
    }
    if !route.actions.is_empty() {
        parts.push(format!("actions {}", route.actions.join(", ")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

/// A route rule as the rules write it: `us-south, eu-de -> logs, archive` or `... -> drop`.
#[must_use]
pub fn rule_text(
    catalog: &Catalog,
    locations: &[LocationMatch],
    targets: &[crate::catalog::TargetId],
) -> String {
    let locations: Vec<String> = locations.iter().map(ToString::to_string).collect();
    let targets: Vec<&str> = targets
        .iter()
        .filter_map(|id| catalog.targets().get(id.index()))
        .map(|t| t.name.as_str())
        .collect();
    let targets = if targets.is_empty() {
        "drop".to_owned()
    } else {
        targets.join(", ")
    };
    format!("{} -> {targets}", locations.join(", "))
}

impl<'c> Evaluator<'c> {
    /// Where an event of `action` from the CRN location `location` would go, without an event:
    /// the decision routing gives it (its location, targets or drop reason, the routes and
    /// rules that matched), as if every constraint held. `event_type` asks about the other
    /// type than the catalog's. An unknown action or location is an error, with the closest
    /// declared one.
    ///
    /// # Errors
    ///
    /// What is wrong with the action or the location, in words.
    pub fn route_query(
        &self,
        action: &str,
        location: &str,
        event_type: Option<EventType>,
    ) -> Result<Decision<'c>, String> {
        let catalog = self.catalog;
        let Some(found) = catalog.action_id(action).and_then(|id| catalog.action(id)) else {
            let help = catalog.suggest_action(action).map_or_else(
                || "the catalog declares no such action".to_owned(),
                |c| format!("did you mean `{c}`?"),
            );
            return Err(format!("unknown action `{action}`: {help}"));
        };
        let mut asked = found.clone();
        if let Some(event_type) = event_type {
            asked.event_type = event_type;
        }
        let service = catalog
            .service(found.service)
            .ok_or_else(|| format!("`{action}` has no service"))?;
        let crn = format!("crn:v1:bluemix:public:{}:{location}:a/0:::", service.name);
        let event = serde_json::json!({ "logSourceCRN": crn });
        let mut violations = Vec::new();
        let mut written = None;
        let place = location::locate(
            catalog,
            service,
            rules::Shape::of(event.get("logSourceCRN")),
            &mut violations,
            &mut written,
            None,
        );
        let Some(place) = place else {
            let reason = violations.first().map_or_else(
                || format!("`{location}` is not a location"),
                |v| match &v.help {
                    Some(help) => format!("{}: {help}", v.message),
                    None => v.message.clone(),
                },
            );
            return Err(reason.replace("`logSourceCRN`", "the CRN"));
        };
        let mut decision = Decision::rejected(0);
        decision.action = Some(Cow::Borrowed(&*found.name));
        decision.service = Some(Cow::Borrowed(&*service.name));
        decision.event_type = Some(asked.event_type);
        decision.crn_location = written.map(|w| Cow::Owned(w.to_owned()));
        if !self.context.enables(&asked, catalog, asked.event_type) {
            decision.settle(Err(DropReason::disabled(asked.event_type)));
            return Ok(decision);
        }
        decision.location = Some(Cow::Owned(place.location.to_owned()));
        let routing = route::route(catalog, &asked, &place, None);
        decision.route(
            routing.outcome.map(Cow::Owned),
            Cow::Owned(routing.matches),
            routing.defaults,
        );
        Ok(decision)
    }
}
