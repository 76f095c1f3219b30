//! Valid events: a value for every field rule that applies, chosen to satisfy all of them.

use serde_json::{Map, Value};

use super::rng::Rng;
use super::scene::Scene;
use crate::catalog::{Action, BaseType, Catalog, FieldRule, Level};
use crate::eval::Crn;
use crate::eval::holds_on_tree;

/// How often an optional field is present, in percent.
const OPTIONAL_PERCENT: u64 = 70;

/// A valid event under construction, with what the flaws need to know about it.
#[derive(Debug, Clone)]
pub(crate) struct Draft<'c> {
    /// The event.
    pub(crate) event: Value,
    /// The scene its values were drawn from.
    pub(crate) scene: Scene<'c>,
    /// The field rules that apply to it: the envelope's, the action's, and those of the
    /// conditionals that hold.
    pub(crate) rules: Vec<&'c FieldRule>,
    /// Paths that the action's conditionals compare: changing them could change which rules
    /// apply, so flaws leave them alone.
    pub(crate) compared: Vec<&'c str>,
}

impl<'c> Draft<'c> {
    /// A valid event of `action`: every required field, most optional ones, `dataEvent` and
    /// `logSourceCRN` even when the catalog does not declare them.
    pub(crate) fn build(catalog: &'c Catalog, action: &'c Action, rng: &mut Rng) -> Self {
        let scene = Scene::new(catalog, action, rng);
        let mut draft = Draft {
            event: Value::Object(Map::new()),
            scene,
            rules: catalog
                .envelope_for(action.service)
                .iter()
                .chain(catalog.fields(action))
                .collect(),
            compared: Vec::new(),
        };
        for path in ["action", "dataEvent", "logSourceCRN"] {
            if let Some(value) = draft.scene.value(path, &draft.event, rng) {
                set(&mut draft.event, path, value);
            }
        }
        let rules = draft.rules.clone();
        draft.fill(&rules, rng);
        let conditionals: Vec<_> = action
            .conditionals
            .iter()
            .filter_map(|i| catalog.conditionals().get(*i as usize))
            .collect();
        for conditional in &conditionals {
            draft
                .compared
                .extend(conditional.comparisons.iter().map(|c| c.path.as_str()));
        }
        let held: Vec<&FieldRule> = conditionals
            .iter()
            .filter(|c| holds_on_tree(c, &draft.event))
            .flat_map(|c| &c.fields)
            .collect();
        if !held.is_empty() {
            draft.rules.extend(&held);
            let touched: Vec<&FieldRule> = draft
                .rules
                .iter()
                .copied()
                .filter(|r| held.iter().any(|h| h.path == r.path))
                .collect();
            draft.fill(&touched, rng);
        }
        draft
    }

    /// Sets a value for each path of `rules` that satisfies every rule of that path, unless
    /// the value already there does.
    fn fill(&mut self, rules: &[&'c FieldRule], rng: &mut Rng) {
        for (path, group) in by_path(rules) {
            let present = get(&self.event, path);
            if present.is_some_and(|value| group.iter().all(|r| fits(r, value))) {
                continue;
            }
            let required = group.iter().any(|r| r.missing != Level::Allow);
            if present.is_none() && !required && !rng.percent(OPTIONAL_PERCENT) {
                continue;
            }
            if let Some(value) = self.choose(path, &group, rng) {
                set(&mut self.event, path, value);
            }
        }
    }

    /// The first candidate that fits every rule: the realistic value, the enum members, then
    /// values of the right type that often match patterns.
    fn choose(&self, path: &str, rules: &[&FieldRule], rng: &mut Rng) -> Option<Value> {
        let ty = rules.first()?.ty;
        let realistic = self.scene.value(path, &self.event, rng);
        let mut candidates: Vec<Value> = realistic.iter().cloned().collect();
        let members: Vec<&str> = rules
            .iter()
            .flat_map(|r| &r.values)
            .filter(|v| v.level == Level::Allow)
            .map(|v| v.value.as_str())
            .collect();
        let start = rng.below(members.len());
        let rotated = members.iter().skip(start).chain(members.iter().take(start));
        candidates.extend(rotated.map(|m| Value::String((*m).to_owned())));
        let base = realistic
            .as_ref()
            .and_then(Value::as_str)
            .map_or_else(|| last_segment(path).to_owned(), str::to_owned);
        candidates.extend(fallbacks(ty, &base, &self.scene, rng));
        candidates
            .into_iter()
            .find(|c| rules.iter().all(|r| fits(r, c)))
    }
}

/// The rules grouped by path, in order of first appearance.
pub(crate) fn by_path<'c>(rules: &[&'c FieldRule]) -> Vec<(&'c str, Vec<&'c FieldRule>)> {
    let mut groups: Vec<(&str, Vec<&FieldRule>)> = Vec::new();
    for rule in rules {
        match groups.iter_mut().find(|(p, _)| *p == rule.path) {
            Some((_, group)) => group.push(rule),
            None => groups.push((rule.path.as_str(), vec![rule])),
        }
    }
    groups
}

/// Values of the type that satisfy common patterns, when the realistic one does not.
fn fallbacks(ty: BaseType, base: &str, scene: &Scene<'_>, rng: &mut Rng) -> Vec<Value> {
    let digest = rng.hex(64);
    let strings = |list: Vec<String>| list.into_iter().map(Value::String).collect();
    match ty {
        BaseType::String => strings(vec![
            format!("{base}@sha256:{digest}"),
            format!("{}-{}", last_segment(base), rng.hex(6)),
            digest.clone(),
            rng.uuid(),
            "a".into(),
            "A".into(),
            "0".into(),
            String::new(),
        ]),
        BaseType::Timestamp => strings(vec!["2026-01-15T08:30:00.00+0000".into()]),
        BaseType::Crn => strings(vec![
            scene.log_source_crn(&scene.location),
            format!(
                "{}image:{base}@sha256:{digest}",
                scene.log_source_crn(&scene.location)
            ),
        ]),
        BaseType::Bool => vec![Value::Bool(true)],
        BaseType::Integer => vec![Value::from(rng.between(0, 999))],
        BaseType::Number => vec![Value::from(12.5)],
        BaseType::Object => vec![Value::Object(Map::new())],
        BaseType::Array => vec![Value::Array(Vec::new())],
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit(['.', '/']).next().unwrap_or(path)
}

/// Whether a value satisfies a rule without any report: the exact type, an `allow` enum
/// member, every pattern.
pub(crate) fn fits(rule: &FieldRule, value: &Value) -> bool {
    let typed = match (rule.ty, value) {
        (BaseType::String, Value::String(_))
        | (BaseType::Bool, Value::Bool(_))
        | (BaseType::Number, Value::Number(_))
        | (BaseType::Object, Value::Object(_))
        | (BaseType::Array, Value::Array(_)) => true,
        (BaseType::Crn, Value::String(s)) => Crn::parse(s).is_some(),
        (BaseType::Timestamp, Value::String(s)) => looks_like_timestamp(s),
        (BaseType::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    };
    let Some(text) = value.as_str() else {
        return typed;
    };
    typed
        && (rule.values.is_empty()
            || rule
                .values
                .iter()
                .any(|v| v.value == text && v.level == Level::Allow))
        && rule.patterns.iter().all(|p| p.is_match(text))
}

/// Whether a string has the shape of the timestamps this module writes
/// (`YYYY-MM-DDTHH:mm:ss[.ff](+0000|Z)`, days up to 28): enough to keep other strings out.
fn looks_like_timestamp(text: &str) -> bool {
    let shape = text.bytes().take(19).enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        10 => b == b'T',
        13 | 16 => b == b':',
        _ => b.is_ascii_digit(),
    });
    shape && text.len() >= 20 && (text.ends_with("+0000") || text.ends_with('Z'))
}

/// The value at a dotted path, through objects only.
pub(crate) fn get<'v>(event: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.')
        .try_fold(event, |value, segment| value.get(segment))
}

/// Sets the value at a dotted path, making the objects on the way. An object set where an
/// object already is keeps the existing keys (fields below it may have been set first).
pub(crate) fn set(event: &mut Value, path: &str, value: Value) {
    let mut node = event;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(map) = node else {
            return;
        };
        if segments.peek().is_none() {
            match (map.get_mut(segment), value) {
                (Some(Value::Object(existing)), Value::Object(new)) => {
                    for (key, item) in new {
                        existing.entry(key).or_insert(item);
                    }
                }
                (_, value) => {
                    map.insert(segment.to_owned(), value);
                }
            }
            return;
        }
        node = map
            .entry(segment.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// Removes the value at a dotted path; whether there was one.
pub(crate) fn remove(event: &mut Value, path: &str) -> bool {
    let (parent, last) = match path.rsplit_once('.') {
        Some((parent, last)) => (
            parent
                .split('.')
                .try_fold(&mut *event, |value, segment| value.get_mut(segment)),
            last,
        ),
        None => (Some(event), path),
    };
    parent
        .and_then(Value::as_object_mut)
        .and_then(|map| map.remove(last))
        .is_some()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{get, remove, set};

    #[test]
    fn sets_gets_and_removes_dotted_paths() {
        let mut event = json!({"a": {"keep": 1}});
        set(&mut event, "a.b.c", json!("x"));
        set(&mut event, "a", json!({"new": 2}));
        assert_eq!(event, json!({"a": {"keep": 1, "new": 2, "b": {"c": "x"}}}));
        assert_eq!(get(&event, "a.b.c"), Some(&json!("x")));
        assert!(remove(&mut event, "a.b.c"));
        assert!(!remove(&mut event, "a.b.c"));
        assert_eq!(get(&event, "a.b"), Some(&json!({})));
    }
}
