//! The checks of one field: its JSON type, allowed values, patterns and levels.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::Level;

/// The JSON types a field can be declared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaseType {
    /// A JSON string.
    String,
    /// `true` or `false`.
    Bool,
    /// A JSON number without fraction or exponent.
    Integer,
    /// Any JSON number.
    Number,
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
    /// A string in the Activity Tracker `eventTime` form (docs/domain.md §10.2).
    Timestamp,
    /// A string in the CRN form `crn:v1:...` with ten segments.
    Crn,
}

impl BaseType {
    /// The base types, by the name the rules use.
    pub const ALL: [(&'static str, BaseType); 8] = [
        ("string", BaseType::String),
        ("bool", BaseType::Bool),
        ("integer", BaseType::Integer),
        ("number", BaseType::Number),
        ("object", BaseType::Object),
        ("array", BaseType::Array),
        ("timestamp", BaseType::Timestamp),
        ("crn", BaseType::Crn),
    ];

    /// The base type of that name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<BaseType> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// The name the rules use.
    #[must_use]
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, t)| *t == self)
            .map_or("string", |(n, _)| n)
    }

    /// Whether values of this type are JSON strings.
    #[must_use]
    pub fn is_string(self) -> bool {
        matches!(self, BaseType::String | BaseType::Timestamp | BaseType::Crn)
    }
}

/// A regular expression, kept with its source so the catalog can be written out again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "PatternSource", into = "PatternSource")]
pub struct Pattern {
    source: String,
    level: Level,
    regex: Arc<Regex>,
}

#[derive(Serialize, Deserialize)]
struct PatternSource {
    pattern: String,
    level: Level,
}

thread_local! {
    /// While a catalog is read ([`sharing_regexes`]), the regexes compiled so far, by source.
    static REGEXES: RefCell<Option<HashMap<String, Arc<Regex>>>> = const { RefCell::new(None) };
}

/// Runs `read` so that every pattern it deserialises with the same source shares one compiled
/// regex, as the checker's patterns do: a catalog read from an artifact compiles each
/// distinct pattern once.
pub(crate) fn sharing_regexes<T>(read: impl FnOnce() -> T) -> T {
    REGEXES.with(|cache| *cache.borrow_mut() = Some(HashMap::new()));
    let out = read();
    REGEXES.with(|cache| *cache.borrow_mut() = None);
    out
}

impl TryFrom<PatternSource> for Pattern {
    type Error = regex::Error;

    fn try_from(value: PatternSource) -> Result<Self, Self::Error> {
        let cached = REGEXES.with(|cache| {
            let cache = cache.try_borrow().ok()?;
            cache.as_ref()?.get(&value.pattern).cloned()
        });
        let regex = if let Some(regex) = cached {
            regex
        } else {
            let regex = Arc::new(
                regex::RegexBuilder::new(&value.pattern)
                    .size_limit(crate::limits::REGEX_SIZE_LIMIT)
                    .build()?,
            );
            REGEXES.with(|cache| {
                if let Ok(mut cache) = cache.try_borrow_mut() {
                    if let Some(cache) = cache.as_mut() {
                        cache.insert(value.pattern.clone(), Arc::clone(&regex));
                    }
                }
            });
            regex
        };
        Ok(Pattern::new(value.pattern, value.level, regex))
    }
}

impl From<Pattern> for PatternSource {
    fn from(value: Pattern) -> Self {
        PatternSource {
            pattern: value.source,
            level: value.level,
        }
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.level == other.level
    }
}

impl Pattern {
    pub(crate) fn new(source: String, level: Level, regex: Arc<Regex>) -> Self {
        Self {
            source,
            level,
            regex,
        }
    }

    /// The pattern as written.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The level of a value that does not match.
    #[must_use]
    pub fn level(&self) -> Level {
        self.level
    }

    /// Whether the value matches (anywhere: patterns are unanchored unless they say otherwise).
    #[must_use]
    pub fn is_match(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

/// One allowed value of an enum, and the level at which it is accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumValue {
    /// The value.
    pub value: String,
    /// `allow` for an ordinary member, `warning` for one accepted with a warning.
    pub level: Level,
}

/// The checks one field path gets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldRule {
    /// The dotted path, e.g. `requestData.RequestParameters.name`.
    pub path: String,
    /// The level of a missing field: `allow` for an optional one.
    pub missing: Level,
    /// The JSON type.
    pub ty: BaseType,
    /// The level of a scalar written as a JSON string (`"true"`, `"200"`).
    pub quoted: Level,
    /// The allowed values; empty when any value of the type is allowed.
    pub values: Vec<EnumValue>,
    /// Patterns a string value must match.
    pub patterns: Vec<Pattern>,
    /// What the field means.
    pub description: Option<String>,
    /// The path's id among the catalog's paths (set when the catalog is built).
    #[serde(skip)]
    pub(crate) path_id: super::PathId,
}

impl FieldRule {
    /// The path's segments.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.path.split('.')
    }

    /// Whether the field may be absent without any report.
    #[must_use]
    pub fn is_optional(&self) -> bool {
        self.missing == Level::Allow
    }
}
