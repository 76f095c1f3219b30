//! The rules of the catalog stated once, for both evaluators: what a field's value must be,
//! when a condition holds, and what the `dataEvent` flag says.
//!
//! Each evaluator reads values its own way (the reference from a parsed tree, the fast path
//! from offsets into the event's bytes) and shows them here as a [`Shape`]. The fast path asks
//! only whether a value is clean; the reference words what is wrong, from the same answers.
//! Rules are destructured without `..`, so a constraint added to the catalog fails to compile
//! here until both evaluators apply it.

use serde_json::{Number, Value};

use super::timestamp;
use crate::catalog::{BaseType, Comparison, Conditional, EnumValue, FieldRule, Level, Pattern};
use crate::vocab::EventType;

/// A JSON value as the rules see it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape<'a> {
    /// No such key.
    Absent,
    Null,
    Bool(bool),
    Number(Num<'a>),
    /// A string, decoded.
    String(&'a str),
    /// An object; its tree when the evaluator has one.
    Object(Option<&'a Value>),
    /// An array; its tree when the evaluator has one.
    Array(Option<&'a Value>),
    /// A value the evaluator has not decoded (a string with escapes, for the fast path): no
    /// rule can be decided on it.
    Opaque,
}

/// A number, as its token or as parsed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Num<'a> {
    Token(&'a str),
    Parsed(&'a Number),
}

impl Num<'_> {
    /// The number as `serde_json` reads it; `None` for a token it would not read.
    #[inline]
    pub(crate) fn parse(self) -> Option<Number> {
        match self {
            Num::Token(token) => serde_json::from_str(token).ok(),
            Num::Parsed(number) => Some(number.clone()),
        }
    }

    #[inline]
    fn is_integer(self) -> bool {
        self.parse().is_some_and(|n| n.is_i64() || n.is_u64())
    }
}

impl<'a> Shape<'a> {
    /// The shape of a value in a parsed tree; `None` is an absent key.
    #[inline]
    pub(crate) fn of(value: Option<&'a Value>) -> Self {
        match value {
            None => Shape::Absent,
            Some(Value::Null) => Shape::Null,
            Some(Value::Bool(b)) => Shape::Bool(*b),
            Some(Value::Number(n)) => Shape::Number(Num::Parsed(n)),
            Some(Value::String(s)) => Shape::String(s),
            Some(object @ Value::Object(_)) => Shape::Object(Some(object)),
            Some(array @ Value::Array(_)) => Shape::Array(Some(array)),
        }
    }
}

/// How a value stands to a field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form<'a> {
    /// Absent or `null`: "not set", as many producers write it.
    Missing,
    /// Of the type; a string's text, for its enum and patterns.
    Fits(Option<&'a str>),
    /// A scalar of the type written as a JSON string (`"true"`, `"200"`).
    Quoted,
    /// Of another type, or a string that is not a timestamp or CRN as the type requires.
    Mismatch,
}

/// How a value stands to `ty`; `None` when the value is opaque. `is_crn` says whether a string
/// is a CRN (the fast path remembers the CRN it parsed).
#[inline]
pub(crate) fn form<'a>(
    ty: BaseType,
    value: Shape<'a>,
    is_crn: impl FnOnce(&'a str) -> bool,
) -> Option<Form<'a>> {
    let fits = |yes: bool| {
        if yes {
            Form::Fits(None)
        } else {
            Form::Mismatch
        }
    };
    Some(match value {
        Shape::Opaque => return None,
        Shape::Absent | Shape::Null => Form::Missing,
        Shape::String(text) => match ty {
            BaseType::String => Form::Fits(Some(text)),
            BaseType::Timestamp if timestamp::problem(text).is_none() => Form::Fits(Some(text)),
            BaseType::Crn if is_crn(text) => Form::Fits(Some(text)),
            BaseType::Timestamp | BaseType::Crn => Form::Mismatch,
            BaseType::Bool
            | BaseType::Integer
            | BaseType::Number
            | BaseType::Object
            | BaseType::Array => {
                if quoted_fits(ty, text) {
                    Form::Quoted
                } else {
                    Form::Mismatch
                }
            }
        },
        Shape::Bool(_) => fits(ty == BaseType::Bool),
        Shape::Number(n) => match ty {
            BaseType::Number => Form::Fits(None),
            BaseType::Integer => fits(n.is_integer()),
            _ => Form::Mismatch,
        },
        Shape::Object(_) => fits(ty == BaseType::Object),
        Shape::Array(_) => fits(ty == BaseType::Array),
    })
}

/// Whether a string holds a value of a non-string type.
#[inline]
fn quoted_fits(ty: BaseType, text: &str) -> bool {
    let text = text.trim();
    match ty {
        BaseType::Bool => text == "true" || text == "false",
        BaseType::Integer => text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok(),
        BaseType::Number => text.parse::<f64>().is_ok_and(f64::is_finite),
        BaseType::Object => {
            text.starts_with('{')
                && serde_json::from_str::<serde_json::Map<String, Value>>(text).is_ok()
        }
        BaseType::Array => {
            text.starts_with('[') && serde_json::from_str::<Vec<Value>>(text).is_ok()
        }
        BaseType::String | BaseType::Timestamp | BaseType::Crn => false,
    }
}

/// Whether a value draws no report at all (error or warning) from its rule; `None` when that
/// cannot be told (an opaque value).
#[inline]
pub(crate) fn is_clean<'a>(
    rule: &FieldRule,
    value: Shape<'a>,
    is_crn: impl FnOnce(&'a str) -> bool,
) -> Option<bool> {
    let FieldRule {
        path: _,
        path_id: _,
        missing,
        ty,
        quoted,
        // A wrong value is reported at any level but `allow`, which is refused.
        invalid: _,
        values,
        patterns,
        description: _,
    } = rule;
    Some(match form(*ty, value, is_crn)? {
        Form::Missing => *missing == Level::Allow,
        Form::Fits(None) => true,
        Form::Fits(Some(text)) => {
            matches!(
                membership(values, text),
                Membership::Unrestricted | Membership::Member(Level::Allow, _)
            ) && patterns
                .iter()
                .all(|p| p.level() == Level::Allow || p.is_match(text))
        }
        Form::Quoted => *quoted == Level::Allow,
        Form::Mismatch => false,
    })
}

/// Where a string stands to a field's enum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Membership<'r> {
    /// The field has no enum.
    Unrestricted,
    /// A member, accepted at this level (`allow`, or `warning` for a discouraged one).
    Member(Level, &'r EnumValue),
    /// Not a member.
    Stranger,
}

/// Where `text` stands to the enum `values`.
#[inline]
pub(crate) fn membership<'r>(values: &'r [EnumValue], text: &str) -> Membership<'r> {
    if values.is_empty() {
        return Membership::Unrestricted;
    }
    match values.iter().find(|v| v.value == text) {
        Some(member) => Membership::Member(member.level, member),
        None => Membership::Stranger,
    }
}

/// The patterns `text` does not match, at any level.
pub(crate) fn unmatched<'r>(
    patterns: &'r [Pattern],
    text: &'r str,
) -> impl Iterator<Item = &'r Pattern> {
    patterns.iter().filter(move |p| !p.is_match(text))
}

/// Whether every comparison of a condition holds; `None` when one cannot be told. `equals`
/// says whether the event's value at a comparison's path equals its literal.
#[inline]
pub(crate) fn condition_holds(
    conditional: &Conditional,
    mut equals: impl FnMut(&Comparison) -> Option<bool>,
) -> Option<bool> {
    let Conditional {
        condition: _,
        comparisons,
        fields: _,
    } = conditional;
    for comparison in comparisons {
        let Comparison {
            path: _,
            path_id: _,
            equal,
            value: _,
        } = comparison;
        if equals(comparison)? != *equal {
            return Some(false);
        }
    }
    Some(true)
}

/// JSON equality of a value with a condition's literal, numbers compared by value (`200`
/// equals `200.0`); an absent value equals nothing. `None` when it cannot be told.
#[inline]
pub(crate) fn literal_equals(value: Shape<'_>, literal: &Value) -> Option<bool> {
    let compound = literal.is_array() || literal.is_object();
    Some(match (value, literal) {
        (Shape::Opaque, _) => return None,
        (Shape::Null, literal) => literal.is_null(),
        (Shape::Bool(b), literal) => literal.as_bool() == Some(b),
        (Shape::Number(n), Value::Number(literal)) => n.parse()?.as_f64() == literal.as_f64(),
        (Shape::String(text), Value::String(literal)) => text == literal,
        (Shape::Object(Some(tree)) | Shape::Array(Some(tree)), literal) => tree == literal,
        (Shape::Object(None) | Shape::Array(None), _) if compound => return None,
        (
            Shape::Absent
            | Shape::Number(_)
            | Shape::String(_)
            | Shape::Object(None)
            | Shape::Array(None),
            _,
        ) => false,
    })
}

/// What the `dataEvent` flag says: `true` or `false`, as a bool or as the strings `"true"` and
/// `"false"`; `None` when it says neither (absent, or another value, which the envelope's rule
/// for `dataEvent` reports).
#[inline]
pub(crate) fn data_flag(value: Shape<'_>) -> Option<bool> {
    match value {
        Shape::Bool(b) => Some(b),
        Shape::String("true") => Some(true),
        Shape::String("false") => Some(false),
        _ => None,
    }
}

/// Whether a flag contradicts the action's event type.
#[inline]
pub(crate) fn contradicts(flag: bool, event_type: EventType) -> bool {
    flag != (event_type == EventType::Data)
}
