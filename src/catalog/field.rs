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

/// Compiles the patterns of one catalog, each distinct source once, within a budget for all
/// of them together ([`crate::limits::PATTERN_BUDGET`]), so that many patterns each just under
/// the per-pattern limit cannot take the memory the limit was meant to protect.
///
/// The `regex` crate does not report what a compiled pattern holds, so each is charged the
/// size limit it compiled under: tried at 16 KiB, then four times more, up to
/// [`crate::limits::REGEX_SIZE_LIMIT`]. Small patterns cost one try and 16 KiB.
#[derive(Debug, Default)]
pub(crate) struct PatternCompiler {
    compiled: HashMap<String, Arc<Regex>>,
    spent: usize,
}

/// Why a pattern was not compiled.
#[derive(Debug)]
pub(crate) enum PatternError {
    /// Larger than the per-pattern limit, which it names.
    TooLarge(usize),
    /// The catalog's patterns together would pass the budget, which it names.
    OverBudget(usize),
    /// Not a regular expression the `regex` crate reads.
    Invalid(regex::Error),
}

/// The size limit a pattern is tried under first.
const FIRST_CHARGE: usize = 16 << 10;

impl PatternCompiler {
    /// The compiled pattern, shared with every earlier pattern of the same source.
    pub(crate) fn compile(&mut self, source: &str) -> Result<Arc<Regex>, PatternError> {
        if let Some(regex) = self.compiled.get(source) {
            return Ok(Arc::clone(regex));
        }
        let (limit, budget) = (
            crate::limits::REGEX_SIZE_LIMIT,
            crate::limits::PATTERN_BUDGET,
        );
        let mut charge = FIRST_CHARGE.min(limit);
        loop {
            if self.spent + charge > budget {
                return Err(PatternError::OverBudget(budget));
            }
            match regex::RegexBuilder::new(source).size_limit(charge).build() {
                Ok(regex) => {
                    self.spent += charge;
                    let regex = Arc::new(regex);
                    self.compiled.insert(source.to_owned(), Arc::clone(&regex));
                    return Ok(regex);
                }
                Err(regex::Error::CompiledTooBig(_)) if charge < limit => {
                    charge = (charge * 4).min(limit);
                }
                Err(regex::Error::CompiledTooBig(_)) => return Err(PatternError::TooLarge(limit)),
                Err(error) => return Err(PatternError::Invalid(error)),
            }
        }
    }
}

thread_local! {
    /// While a catalog is read ([`sharing_regexes`]), its pattern compiler.
    static REGEXES: RefCell<Option<PatternCompiler>> = const { RefCell::new(None) };
    /// Whether the catalog read last went over the pattern budget.
    static OVER_BUDGET: RefCell<bool> = const { RefCell::new(false) };
}

/// Runs `read` so that every pattern it deserialises with the same source shares one compiled
/// regex, as the checker's patterns do, all within one budget; also says whether `read` failed
/// because the patterns went over it.
pub(crate) fn sharing_regexes<T>(read: impl FnOnce() -> T) -> (T, bool) {
    REGEXES.with(|cache| *cache.borrow_mut() = Some(PatternCompiler::default()));
    OVER_BUDGET.with(|over| *over.borrow_mut() = false);
    let out = read();
    REGEXES.with(|cache| *cache.borrow_mut() = None);
    (out, OVER_BUDGET.with(|over| *over.borrow()))
}

impl TryFrom<PatternSource> for Pattern {
    type Error = String;

    fn try_from(value: PatternSource) -> Result<Self, Self::Error> {
        let compiled = REGEXES.with(|cache| {
            let mut cache = cache.try_borrow_mut().ok()?;
            cache
                .as_mut()
                .map(|compiler| compiler.compile(&value.pattern))
        });
        let compiled =
            compiled.unwrap_or_else(|| PatternCompiler::default().compile(&value.pattern));
        match compiled {
            Ok(regex) => Ok(Pattern::new(value.pattern, value.level, regex)),
            Err(PatternError::OverBudget(budget)) => {
                OVER_BUDGET.with(|over| *over.borrow_mut() = true);
                Err(format!(
                    "the patterns together pass the budget of {budget} bytes"
                ))
            }
            Err(PatternError::TooLarge(limit)) => Err(format!(
                "pattern `{}` compiles to more than {limit} bytes",
                value.pattern
            )),
            Err(PatternError::Invalid(error)) => Err(error.to_string()),
        }
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
    /// The level of a value of the wrong type or outside the enum (`invalid warn`); a pattern
    /// has its own level. Artifacts of format 2 have none: `error`.
    #[serde(default = "error_level")]
    pub invalid: Level,
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

/// The level of what format 2 artifacts did not record.
fn error_level() -> Level {
    Level::Error
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
