//! Field rules applied to an event: presence, type, quoted scalars, enums and patterns.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::Value;

use super::crn::Crn;
use super::decision::{Violation, ViolationLevel};
use super::event::{Event, Top};
use super::json::pointer;
use super::json::shorten;
use super::rules::{self, Form, Membership, Num, Shape};
use super::timestamp;
use super::trace::{FieldHit, Owner};
use crate::catalog::{BaseType, Conditional, FieldRule, Level};
use crate::codes::eval;
use crate::suggestion;

/// The value at a dotted path. A string met on the way that holds a JSON object (a legacy
/// `requestData` sent as a string) is parsed and searched too.
pub(crate) fn lookup<'v>(value: &'v Value, path: &str) -> Option<Cow<'v, Value>> {
    let (head, rest) = match path.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    };
    let child = match value {
        Value::Object(map) => Cow::Borrowed(map.get(head)?),
        Value::String(text) if text.trim_start().starts_with('{') => {
            let parsed: Value = serde_json::from_str(text).ok()?;
            let found = lookup(&parsed, path)?.into_owned();
            return Some(Cow::Owned(found));
        }
        _ => return None,
    };
    match (rest, child) {
        (None, child) => Some(child),
        (Some(rest), Cow::Borrowed(child)) => lookup(child, rest),
        (Some(rest), Cow::Owned(child)) => lookup(&child, rest).map(|v| Cow::Owned(v.into_owned())),
    }
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

/// Whether a condition holds for an event in a parsed tree (a legacy `requestData` sent as a
/// string is searched too, as for field rules).
pub(crate) fn holds_on_tree(conditional: &Conditional, event: &Value) -> bool {
    rules::condition_holds(conditional, |c| {
        let found = lookup(event, &c.path);
        rules::literal_equals(Shape::of(found.as_deref()), &c.value)
    })
    .unwrap_or(false)
}

/// Checks `rules` against a parsed `event`, adding a violation for each broken constraint.
/// `when` is the condition that made the rules apply, quoted in messages.
pub(crate) fn check(
    event: &Value,
    rules: &[FieldRule],
    when: Option<&str>,
    out: &mut Vec<Violation>,
) {
    // A tree answers every question, so this always completes.
    let _complete = check_read(&Tree(event), rules, when, out, None);
}

/// [`check`] on an event however it was read; `None` when the reader could not tell a value
/// (the violations are then incomplete).
///
/// With `hits`, each field the event has is recorded for its owner.
pub(crate) fn check_read<'a>(
    event: &impl Event<'a>,
    rules: &[FieldRule],
    when: Option<&str>,
    out: &mut Vec<Violation>,
    mut hits: Option<(Owner, &mut Vec<FieldHit>)>,
) -> Option<()> {
    for (field, rule) in rules.iter().enumerate() {
        event.with_field(rule, |value| {
            if let (Some((owner, hits)), false) = (hits.as_mut(), matches!(value, Shape::Absent)) {
                hits.push(hit(*owner, field, rule, value));
            }
            if rules::is_clean(rule, value, is_crn) != Some(true) {
                FieldCheck { rule, when, out }.word(value);
            }
        })?;
    }
    Some(())
}

fn is_crn(text: &str) -> bool {
    Crn::parse(text).is_some()
}

/// What a present value exercised of its rule: the enum member it is, and whether it reached
/// the patterns.
fn hit(owner: Owner, field: usize, rule: &FieldRule, value: Shape<'_>) -> FieldHit {
    let text = match rules::form(rule.ty, value, is_crn) {
        Some(Form::Fits(text)) => text,
        _ => None,
    };
    let member = text.and_then(|text| match rules::membership(&rule.values, text) {
        Membership::Member(_, member) => rule.values.iter().position(|v| std::ptr::eq(v, member)),
        Membership::Unrestricted | Membership::Stranger => None,
    });
    FieldHit {
        owner,
        field,
        member,
        patterns_tested: text.is_some() && !rule.patterns.is_empty(),
    }
}

/// Words what is wrong with one value: the violations its rule reports.
struct FieldCheck<'r, 'o> {
    rule: &'r FieldRule,
    when: Option<&'r str>,
    out: &'o mut Vec<Violation>,
}

impl FieldCheck<'_, '_> {
    fn report(
        &mut self,
        code: &'static str,
        level: Level,
        mut message: String,
        help: Option<String>,
    ) {
        let Some(level) = ViolationLevel::of(level) else {
            return;
        };
        if let Some(when) = self.when {
            let _ = write!(message, " (required when {when})");
        }
        self.out.push(Violation {
            code,
            path: pointer(&self.rule.path),
            level,
            message,
            help,
        });
    }

    fn word(&mut self, value: Shape<'_>) {
        let FieldRule {
            path,
            path_id: _,
            missing: _,
            ty,
            quoted,
            invalid,
            values: _,
            patterns: _,
            description: _,
        } = self.rule;
        match rules::form(*ty, value, is_crn) {
            Some(Form::Missing) => self.missing(),
            Some(Form::Fits(None)) => {}
            Some(Form::Fits(Some(text))) => self.string(text),
            Some(Form::Quoted) => {
                let message = format!("`{path}` is {}, expected {}", describe(value), article(*ty));
                let text = match value {
                    Shape::String(text) => text.trim(),
                    _ => "",
                };
                let help = Some(format!("send it unquoted: `{text}`"));
                self.report(eval::TYPE_MISMATCH, *quoted, message, help);
            }
            Some(Form::Mismatch) | None => {
                let help = match (ty, value) {
                    (BaseType::Timestamp, Shape::String(text)) => timestamp::problem(text)
                        .map(|problem| format!("{problem}; e.g. `2017-10-19T19:07:50.32+0000`")),
                    (BaseType::Crn, Shape::String(_)) => Some("a CRN is `crn:v1:<cname>:<ctype>:<service>:<location>:<scope>:<instance>:<type>:<resource>`".into()),
                    _ => None,
                };
                let message = format!("`{path}` is {}, expected {}", describe(value), article(*ty));
                self.report(eval::TYPE_MISMATCH, *invalid, message, help);
            }
        }
    }

    fn missing(&mut self) {
        let rule = self.rule;
        if rule.missing == Level::Allow {
            return;
        }
        // Several rule sets (envelope, conditionals) may require one field: say it once.
        let path = pointer(&rule.path);
        if self
            .out
            .iter()
            .any(|v| v.code == eval::MISSING_FIELD && v.path == path)
        {
            return;
        }
        let help = rule
            .description
            .as_ref()
            .map(|d| format!("`{}`: {d}", rule.path));
        self.report(
            eval::MISSING_FIELD,
            rule.missing,
            format!("missing required field `{}`", rule.path),
            help,
        );
    }

    fn string(&mut self, text: &str) {
        let rule = self.rule;
        match rules::membership(&rule.values, text) {
            Membership::Unrestricted | Membership::Member(Level::Allow, _) => {}
            Membership::Member(level, _) => {
                let message = format!(
                    "`{}` is `{text}`, which is accepted but discouraged",
                    rule.path
                );
                let preferred: Vec<String> = rule
                    .values
                    .iter()
                    .filter(|v| v.level == Level::Allow)
                    .map(|v| format!("`{}`", v.value))
                    .collect();
                self.report(
                    eval::DISCOURAGED_VALUE,
                    level,
                    message,
                    Some(format!("prefer one of {}", preferred.join(", "))),
                );
            }
            Membership::Stranger => {
                let allowed: Vec<String> = rule
                    .values
                    .iter()
                    .map(|v| format!("`{}`", v.value))
                    .collect();
                let message = format!(
                    "`{}` is `{text}`, expected one of {}",
                    rule.path,
                    allowed.join(", ")
                );
                let exact_but_case = rule
                    .values
                    .iter()
                    .find(|v| v.value.eq_ignore_ascii_case(text));
                let help = match exact_but_case {
                    Some(v) => Some(format!(
                        "values are case-sensitive: did you mean `{}`?",
                        v.value
                    )),
                    None => suggestion::closest(text, rule.values.iter().map(|v| v.value.as_str()))
                        .map(|c| format!("did you mean `{c}`?")),
                };
                self.report(eval::ENUM_MISMATCH, rule.invalid, message, help);
            }
        }
        for pattern in rules::unmatched(&rule.patterns, text) {
            let message = format!(
                "`{}` is `{}`, which does not match `/{}/`",
                rule.path,
                shorten(text),
                pattern.source()
            );
            self.report(
                eval::PATTERN_MISMATCH,
                pattern.level(),
                message,
                rule.description.clone(),
            );
        }
    }
}

fn article(ty: BaseType) -> &'static str {
    match ty {
        BaseType::String => "a string",
        BaseType::Bool => "a bool",
        BaseType::Integer => "an integer",
        BaseType::Number => "a number",
        BaseType::Object => "an object",
        BaseType::Array => "an array",
        BaseType::Timestamp => "a timestamp",
        BaseType::Crn => "a CRN",
    }
}

/// `the string "x"`, `the number 3`, `an object`, ...: what a value is, for messages.
pub(crate) fn describe(value: Shape<'_>) -> String {
    match value {
        Shape::Absent | Shape::Null => "null".into(),
        Shape::Bool(b) => format!("`{b}`"),
        Shape::Number(Num::Parsed(n)) => format!("the number `{n}`"),
        // As the tree shows it: `1.50` is the number `1.5`.
        Shape::Number(number @ Num::Token(token)) => match number.parse() {
            Some(parsed) => format!("the number `{parsed}`"),
            None => format!("the number `{token}`"),
        },
        Shape::String(s) => format!("the string `\"{}\"`", shorten(s)),
        Shape::Array(_) => "an array".into(),
        Shape::Object(_) => "an object".into(),
        Shape::Opaque => "a value".into(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::lookup;

    #[test]
    fn looks_through_a_requestdata_string() {
        let event =
            json!({"requestData": "{\"RequestParameters\":{\"name\":\"us.icr.io/a/b:1\"}}"});
        let found = lookup(&event, "requestData.RequestParameters.name");
        assert_eq!(found.as_deref(), Some(&json!("us.icr.io/a/b:1")));
    }
}
