//! Invalid events: a valid event with exactly one rule broken.

use std::fmt;

use serde_json::Value;

use super::Sample;
use super::rng::Rng;
use super::value::{Draft, by_path, fits, get, remove, set};
use crate::catalog::{BaseType, Catalog, FieldRule, Level};
use crate::codes::eval;

/// The one rule an invalid sample breaks, named after the code it must be rejected with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flaw {
    /// The action's name with a typo: two letters swapped.
    UnknownAction,
    /// A required field removed.
    MissingField,
    /// A field given a value of another JSON type.
    TypeMismatch,
    /// An enum field given a value that is not a member.
    EnumMismatch,
    /// A string that no longer matches its field's pattern.
    PatternMismatch,
    /// A `logSourceCRN` whose location is not declared.
    Unroutable,
    /// The line cut short, so that it is not JSON.
    InvalidJson,
    /// A top-level key written twice.
    DuplicateKey,
}

impl Flaw {
    /// Every flaw, in the order invalid samples cycle through them.
    pub const ALL: [Flaw; 8] = [
        Flaw::UnknownAction,
        Flaw::MissingField,
        Flaw::TypeMismatch,
        Flaw::EnumMismatch,
        Flaw::PatternMismatch,
        Flaw::Unroutable,
        Flaw::InvalidJson,
        Flaw::DuplicateKey,
    ];

    /// The code the evaluator rejects such an event with.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Flaw::UnknownAction => eval::UNKNOWN_ACTION,
            Flaw::MissingField => eval::MISSING_FIELD,
            Flaw::TypeMismatch => eval::TYPE_MISMATCH,
            Flaw::EnumMismatch => eval::ENUM_MISMATCH,
            Flaw::PatternMismatch => eval::PATTERN_MISMATCH,
            Flaw::Unroutable => eval::UNROUTABLE,
            Flaw::InvalidJson => eval::INVALID_JSON,
            Flaw::DuplicateKey => eval::DUPLICATE_KEY,
        }
    }
}

impl fmt::Display for Flaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code().trim_start_matches("eval::"))
    }
}

/// How many actions past the round-robin one are tried for a flaw that the round-robin one
/// cannot carry (a pattern mismatch needs a field with a pattern).
const SEARCH: usize = 128;

/// Fields a flaw never touches: they decide the action and the location, which other flaws
/// break on purpose.
const PROTECTED: [&str; 3] = ["action", "dataEvent", "logSourceCRN"];

/// The `nth` invalid sample, built for the action at `position` or a nearby one; `None` when
/// no flaw fits any of them.
pub(crate) fn invalid(
    catalog: &Catalog,
    position: usize,
    nth: usize,
    rng: &mut Rng,
) -> Option<Sample> {
    let actions = catalog.actions();
    for k in 0..Flaw::ALL.len() {
        let Some(&flaw) = Flaw::ALL.get((nth + k) % Flaw::ALL.len()) else {
            continue;
        };
        for offset in 0..SEARCH.min(actions.len()) {
            let Some(action) = actions.get((position + offset) % actions.len()) else {
                continue;
            };
            let mut draft = Draft::build(catalog, action, rng);
            if let Some(text) = apply(flaw, &mut draft, catalog, rng) {
                return Some(Sample {
                    text,
                    action: action.name.to_string(),
                    flaw: Some(flaw),
                });
            }
        }
    }
    None
}

/// Breaks one rule of a valid draft; the event's text, or `None` if the draft has nothing
/// that flaw can break.
fn apply(flaw: Flaw, draft: &mut Draft<'_>, catalog: &Catalog, rng: &mut Rng) -> Option<String> {
    match flaw {
        Flaw::UnknownAction => {
            let typo = typo(&draft.scene.action.name, catalog, rng)?;
            set(&mut draft.event, "action", Value::String(typo));
        }
        Flaw::MissingField => {
            let path = pick_field(draft, rng, |rules, _| {
                rules.iter().any(|r| r.missing == Level::Error)
            })?;
            remove(&mut draft.event, path);
        }
        Flaw::TypeMismatch => {
            let path = pick_field(draft, rng, |rules, _| {
                rejects_invalid(rules) && wrong_type(rules).is_some()
            })?;
            let rules = rules_at(draft, path);
            set(&mut draft.event, path, wrong_type(&rules)?);
        }
        Flaw::EnumMismatch => {
            let path = pick_field(draft, rng, |rules, value| {
                rejects_invalid(rules) && non_member(rules, value).is_some()
            })?;
            let value = get(&draft.event, path)?.clone();
            let rules = rules_at(draft, path);
            set(&mut draft.event, path, non_member(&rules, &value)?);
        }
        Flaw::PatternMismatch => {
            let path = pick_field(draft, rng, |rules, value| mismatch(rules, value).is_some())?;
            let value = get(&draft.event, path)?.clone();
            let rules = rules_at(draft, path);
            set(&mut draft.event, path, mismatch(&rules, &value)?);
        }
        Flaw::Unroutable => {
            let crn = unroutable_crn(draft, catalog)?;
            set(&mut draft.event, "logSourceCRN", Value::String(crn));
        }
        Flaw::InvalidJson => return truncated(&draft.event.to_string()),
        Flaw::DuplicateKey => return duplicated(&draft.event, rng),
    }
    Some(draft.event.to_string())
}

/// The rules of the draft at one path.
fn rules_at<'c>(draft: &Draft<'c>, path: &str) -> Vec<&'c FieldRule> {
    draft
        .rules
        .iter()
        .copied()
        .filter(|r| r.path == path)
        .collect()
}

/// A present leaf field that the flaw can break (`usable`), chosen at random; never a
/// protected or compared field, nor one with fields below it.
fn pick_field<'c>(
    draft: &Draft<'c>,
    rng: &mut Rng,
    usable: impl Fn(&[&FieldRule], &Value) -> bool,
) -> Option<&'c str> {
    let groups = by_path(&draft.rules);
    let fields: Vec<&str> = groups
        .iter()
        .filter(|(path, rules)| {
            let below = format!("{path}.");
            !PROTECTED.contains(path)
                && !draft.compared.contains(path)
                && !draft.rules.iter().any(|r| r.path.starts_with(&below))
                && get(&draft.event, path).is_some_and(|value| usable(rules, value))
        })
        .map(|(path, _)| *path)
        .collect();
    rng.pick(&fields).copied()
}

/// Whether a wrong value at the path is an error for some rule of it (not `invalid warn`).
fn rejects_invalid(rules: &[&FieldRule]) -> bool {
    rules.iter().any(|r| r.invalid == Level::Error)
}

/// A value of another JSON type that no rule of the path accepts, even quoted.
fn wrong_type(rules: &[&FieldRule]) -> Option<Value> {
    let ty = rules.first()?.ty;
    let value = match ty {
        BaseType::String | BaseType::Timestamp | BaseType::Crn => Value::from(1_700_000_000),
        BaseType::Bool => Value::from(1),
        BaseType::Integer => Value::from(200.5),
        BaseType::Number => Value::Bool(true),
        BaseType::Object | BaseType::Array => Value::String("none".into()),
    };
    rules.iter().all(|r| r.ty == ty).then_some(value)
}

/// A string that is no member of any rule's enum but matches every pattern.
fn non_member(rules: &[&FieldRule], value: &Value) -> Option<Value> {
    let text = value.as_str()?;
    if rules.iter().all(|r| r.values.is_empty()) || !rules.iter().all(|r| r.ty.is_string()) {
        return None;
    }
    let mut capitalised = text.chars();
    let capitalised: String = capitalised
        .next()
        .map(|c| c.to_uppercase().chain(capitalised).collect())
        .unwrap_or_default();
    let lowered = text.to_lowercase();
    [
        capitalised,
        lowered,
        format!("{text}-legacy"),
        "other".into(),
    ]
    .into_iter()
    .find(|candidate| {
        rules.iter().all(|r| {
            r.values.iter().all(|v| v.value != *candidate)
                && r.patterns.iter().all(|p| p.is_match(candidate))
        })
    })
    .map(Value::String)
}

/// A plain string that breaks an error-level pattern of the path (no enums there).
fn mismatch(rules: &[&FieldRule], value: &Value) -> Option<Value> {
    let text = value.as_str()?;
    let eligible = rules
        .iter()
        .all(|r| r.ty == BaseType::String && r.values.is_empty());
    if !eligible {
        return None;
    }
    let before_digest = text.split('@').next().unwrap_or(text);
    [
        format!("{before_digest}:latest"),
        "x".to_owned(),
        String::new(),
        format!("{text} "),
        "-".to_owned(),
    ]
    .into_iter()
    .find(|candidate| {
        rules.iter().any(|r| {
            r.patterns
                .iter()
                .any(|p| p.level() == Level::Error && !p.is_match(candidate))
        })
    })
    .map(Value::String)
}

/// The action name with two adjacent letters of its last part swapped (or one dropped), as
/// long as the result is not another declared action.
fn typo(name: &str, catalog: &Catalog, rng: &mut Rng) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let verb_start = name
        .rsplit_once('.')
        .map_or(0, |(head, _)| head.chars().count() + 1);
    let verb_len = chars.len().saturating_sub(verb_start);
    let start = rng.below(verb_len.max(1));
    let swaps = (0..verb_len).map(|k| verb_start + (start + k) % verb_len.max(1));
    let mut candidates = swaps.filter_map(|i| {
        let (a, b) = (chars.get(i)?, chars.get(i + 1)?);
        (a != b && *b != '.').then(|| {
            let mut swapped = chars.clone();
            swapped.swap(i, i + 1);
            swapped.into_iter().collect::<String>()
        })
    });
    let unknown = |candidate: &String| catalog.action_id(candidate).is_none() && candidate != name;
    candidates
        .find(unknown)
        .or_else(|| Some(format!("{name}x")).filter(unknown))
}

/// The event's `logSourceCRN` with a location no catalog entry names.
fn unroutable_crn(draft: &Draft<'_>, catalog: &Catalog) -> Option<String> {
    let rules = rules_at(draft, "logSourceCRN");
    if draft.compared.contains(&"logSourceCRN") {
        return None;
    }
    let location = &draft.scene.location;
    [
        format!("{location}-9"),
        "in-mum".to_owned(),
        format!("{location}s"),
        "mars-north-1".to_owned(),
    ]
    .into_iter()
    .filter(|l| l != crate::vocab::GLOBAL && catalog.resolve(l).is_none())
    .map(|l| draft.scene.log_source_crn(&l))
    .find(|crn| {
        let value = Value::String(crn.clone());
        rules.iter().all(|r| fits(r, &value))
    })
}

/// The event's text cut at about 60%, so that it is not JSON.
fn truncated(text: &str) -> Option<String> {
    let cut = text.len() * 3 / 5;
    let end = (cut..text.len()).find(|i| text.is_char_boundary(*i))?;
    text.get(..end).map(str::to_owned)
}

/// The event's text with one top-level key written a second time, first.
fn duplicated(event: &Value, rng: &mut Rng) -> Option<String> {
    let map = event.as_object()?;
    let keys: Vec<&String> = map.keys().collect();
    let key = *rng.pick(&keys)?;
    let value = map.get(key)?;
    let text = event.to_string();
    let rest = text.strip_prefix('{')?;
    let key = Value::String(key.clone());
    Some(format!("{{{key}:{value},{rest}"))
}
