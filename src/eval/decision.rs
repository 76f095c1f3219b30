//! The decision for one event: verdict, what was found out about the event, and every reason.

use std::borrow::Cow;
use std::fmt;
use std::io;

use serde::{Deserialize, Serialize};

use super::json::special;
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

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
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

impl Violation {
    /// Writes the violation as JSON: the same bytes as `serde_json::to_writer`.
    fn write_json<W: io::Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(b"{\"code\":")?;
        write_str(out, self.code)?;
        write_field(out, b",\"path\":", Some(&self.path))?;
        write_field(out, b",\"level\":", Some(self.level.as_str()))?;
        write_field(out, b",\"message\":", Some(&self.message))?;
        write_field(out, b",\"help\":", self.help.as_deref())?;
        out.write_all(b"}")
    }
}

/// Writes `prefix` (`,"key":`) and the value, when there is one.
fn write_field<W: io::Write + ?Sized>(
    out: &mut W,
    prefix: &[u8],
    value: Option<&str>,
) -> io::Result<()> {
    let Some(value) = value else {
        return Ok(());
    };
    out.write_all(prefix)?;
    write_str(out, value)
}

/// Writes `text` as a JSON string: as it is when nothing in it needs escaping (the usual case
/// for names), else escaped by `serde_json`.
fn write_str<W: io::Write + ?Sized>(out: &mut W, text: &str) -> io::Result<()> {
    if special(text.as_bytes()).is_some() {
        return serde_json::to_writer(out, text).map_err(io::Error::other);
    }
    out.write_all(b"\"")?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\"")
}

/// Writes a JSON array of strings.
fn write_strs<W: io::Write + ?Sized>(out: &mut W, items: &[String]) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_str(out, item)?;
    }
    out.write_all(b"]")
}

/// Writes `n` in decimal.
fn write_u64<W: io::Write + ?Sized>(out: &mut W, mut n: u64) -> io::Result<()> {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(digit) = digits.get_mut(at) {
            *digit = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.write_all(digits.get(at..).unwrap_or_default())
}

/// A route that matched an event: its name, the rule that matched and the targets that rule
/// sends to (none for a rule that drops).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteMatch {
    /// The route's name.
    pub route: String,
    /// The rule that matched, counted from 1 in the route's order.
    pub rule: usize,
    /// Its targets, sorted by name; empty when the rule drops the event.
    pub targets: Vec<String>,
}

impl RouteMatch {
    fn write_json<W: io::Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(b"{\"route\":")?;
        write_str(out, &self.route)?;
        out.write_all(b",\"rule\":")?;
        write_u64(out, self.rule as u64)?;
        out.write_all(b",\"targets\":")?;
        write_strs(out, &self.targets)?;
        out.write_all(b"}")
    }
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
    /// `error` or `warning`, as in decisions.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationLevel::Error => "error",
            ViolationLevel::Warning => "warning",
        }
    }

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

impl fmt::Display for ViolationLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
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
    /// The location segment of `logSourceCRN` as the event writes it (a zone, an alias, a
    /// former name, `global`, or empty), whenever the CRN could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crn_location: Option<Cow<'c, str>>,
    /// The targets it is sent to (only with verdict `route`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets: Option<Cow<'c, [String]>>,
    /// Why it is dropped (only with verdict `drop`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<DropReason>,
    /// Once the event was routed: each route whose rule matched it, in catalog order (empty
    /// when none did). Absent for a reject, or an event whose type is not collected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routes: Option<Cow<'c, [RouteMatch]>>,
    /// Whether no route matched and the default targets were used.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub default_targets: bool,
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
            crn_location: None,
            targets: None,
            reason: None,
            routes: None,
            default_targets: false,
            violations: Vec::new(),
        }
    }

    /// Makes every warning an error, and so the decision a reject (strict mode).
    pub(crate) fn strict(&mut self) {
        if self.violations.is_empty() {
            return;
        }
        for violation in &mut self.violations {
            violation.level = ViolationLevel::Error;
        }
        self.verdict = Verdict::Reject;
        self.targets = None;
        self.reason = None;
        self.routes = None;
        self.default_targets = false;
    }

    /// Settles a routed event: its outcome, the routes that matched and whether the defaults
    /// applied.
    pub(crate) fn route(
        &mut self,
        outcome: Result<Cow<'c, [String]>, DropReason>,
        routes: Cow<'c, [RouteMatch]>,
        default_targets: bool,
    ) {
        self.settle(outcome);
        self.routes = Some(routes);
        self.default_targets = default_targets;
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
            crn_location: owned(self.crn_location),
            targets: self.targets.map(|t| Cow::Owned(t.into_owned())),
            reason: self.reason,
            routes: self.routes.map(|r| Cow::Owned(r.into_owned())),
            default_targets: self.default_targets,
            violations: self.violations,
        }
    }

    /// The decision as one line of JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        // Writing to a vector cannot fail, and the writer emits UTF-8 only.
        let _ = self.write_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes the decision as one line of JSON (without the newline): the same bytes as
    /// `serde_json::to_writer`, written without serde's machinery, for streams of decisions.
    ///
    /// # Errors
    ///
    /// The writer's errors.
    pub fn write_json<W: io::Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(b"{\"index\":")?;
        write_u64(out, self.index)?;
        write_field(out, b",\"verdict\":", Some(self.verdict.as_str()))?;
        write_field(out, b",\"action\":", self.action.as_deref())?;
        write_field(out, b",\"service\":", self.service.as_deref())?;
        write_field(
            out,
            b",\"event_type\":",
            self.event_type.map(EventType::as_str),
        )?;
        write_field(out, b",\"location\":", self.location.as_deref())?;
        write_field(out, b",\"crn_location\":", self.crn_location.as_deref())?;
        if let Some(targets) = &self.targets {
            out.write_all(b",\"targets\":")?;
            write_strs(out, targets)?;
        }
        write_field(out, b",\"reason\":", self.reason.map(DropReason::as_str))?;
        if let Some(routes) = &self.routes {
            out.write_all(b",\"routes\":[")?;
            for (i, route) in routes.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                route.write_json(out)?;
            }
            out.write_all(b"]")?;
        }
        if self.default_targets {
            out.write_all(b",\"default_targets\":true")?;
        }
        out.write_all(b",\"violations\":[")?;
        for (i, violation) in self.violations.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            violation.write_json(out)?;
        }
        out.write_all(b"]}")
    }
    /// Whether some violation is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.violations
            .iter()
            .any(|v| v.level == ViolationLevel::Error)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use proptest::prelude::*;

    use super::{Decision, DropReason, RouteMatch, Verdict, Violation, ViolationLevel};
    use crate::catalog::EventType;

    /// Names mostly plain, sometimes with what JSON escapes: quotes, backslashes, controls.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => "[a-z.-]{0,12}",
            1 => any::<String>(),
            1 => "[\"\\\\\u{0}-\u{1f}\u{7f}é😀a]{0,6}",
        ]
    }

    fn violation() -> impl Strategy<Value = Violation> {
        (
            text(),
            prop_oneof![Just(ViolationLevel::Error), Just(ViolationLevel::Warning)],
            text(),
            proptest::option::of(text()),
        )
            .prop_map(|(path, level, message, help)| Violation {
                code: "eval::missing_field",
                path,
                level,
                message,
                help,
            })
    }

    fn decision() -> impl Strategy<Value = Decision<'static>> {
        let verdict = prop_oneof![
            Just(Verdict::Route),
            Just(Verdict::Drop),
            Just(Verdict::Reject)
        ];
        let event_type = prop_oneof![Just(EventType::Management), Just(EventType::Data)];
        let reason = prop_oneof![
            Just(DropReason::DataEventsDisabled),
            Just(DropReason::ManagementEventsDisabled),
            Just(DropReason::DroppedByRoute),
            Just(DropReason::NoMatchingRoute),
        ];
        let name = || proptest::option::of(text().prop_map(Cow::Owned));
        (
            (any::<u64>(), verdict, name(), name()),
            (
                proptest::option::of(event_type),
                (name(), name()),
                proptest::option::of(prop::collection::vec(text(), 0..3)),
                proptest::option::of(reason),
                prop::collection::vec(violation(), 0..3),
            ),
            (
                proptest::option::of(prop::collection::vec(
                    (text(), 1..11usize, prop::collection::vec(text(), 0..3)).prop_map(
                        |(route, rule, targets)| RouteMatch {
                            route,
                            rule,
                            targets,
                        },
                    ),
                    0..3,
                )),
                any::<bool>(),
            ),
        )
            .prop_map(
                |(
                    (index, verdict, action, service),
                    (event_type, (location, crn_location), targets, reason, violations),
                    (routes, default_targets),
                )| {
                    Decision {
                        index,
                        verdict,
                        action,
                        service,
                        event_type,
                        location,
                        crn_location,
                        targets: targets.map(Cow::Owned),
                        reason,
                        routes: routes.map(Cow::Owned),
                        default_targets,
                        violations,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn write_json_writes_what_serde_writes(decision in decision()) {
            let mut written = Vec::new();
            decision.write_json(&mut written).ok();
            prop_assert_eq!(
                String::from_utf8_lossy(&written),
                serde_json::to_string(&decision).unwrap_or_default()
            );
            prop_assert_eq!(decision.to_json().into_bytes(), written);
        }
    }
}
