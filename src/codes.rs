//! The registry of diagnostic codes: stable names, never renamed or reused.

/// A diagnostic code and what it means in one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The stable name, e.g. `rules::unknown_action`.
    pub name: &'static str,
    /// Whether it is reported as an error or a warning by default.
    pub warning: bool,
    /// One line on what it reports.
    pub summary: &'static str,
}

const fn error(name: &'static str, summary: &'static str) -> Code {
    Code {
        name,
        warning: false,
        summary,
    }
}

const fn warning(name: &'static str, summary: &'static str) -> Code {
    Code {
        name,
        warning: true,
        summary,
    }
}

/// Every code `rulec` reports.
pub const CODES: &[Code] = &[
    error("rules::syntax", "the text does not follow the grammar"),
    error(
        "rules::malformed_action",
        "an action name that is not `object.verb`",
    ),
    error(
        "rules::malformed_name",
        "a name with characters it cannot have",
    ),
    error(
        "rules::confusable_character",
        "a Unicode character that looks like an ASCII one",
    ),
    error(
        "rules::duplicate_action",
        "an action declared twice, in one file or two",
    ),
    error(
        "rules::duplicate_declaration",
        "a service, type, schema, location, target, route or group declared twice",
    ),
    error(
        "rules::unknown_action",
        "a reference to an action that is not declared",
    ),
    error(
        "rules::unknown_type",
        "a reference to a type that is not declared",
    ),
    error(
        "rules::unknown_schema",
        "a `use` of a schema that is not declared",
    ),
    error(
        "rules::unknown_location",
        "a reference to a location that is not declared",
    ),
    error(
        "rules::unknown_target",
        "a reference to a target that is not declared",
    ),
    error(
        "rules::unknown_target_type",
        "a target type Activity Tracker Event Routing does not have",
    ),
    error(
        "rules::missing_event_type",
        "an action with no management/data flag",
    ),
    error(
        "rules::conflicting_event_policy",
        "required event types that are not collected, or listed twice",
    ),
    error("rules::invalid_regex", "a pattern the regex crate rejects"),
    error(
        "rules::regex_too_large",
        "a pattern whose compiled form exceeds the size limit",
    ),
    error("rules::empty_enum", "an enum with no members"),
    error(
        "rules::duplicate_enum_member",
        "an enum member listed twice",
    ),
    error(
        "rules::invalid_constraint",
        "a constraint that cannot apply where it is written",
    ),
    error(
        "rules::conflicting_field",
        "one field path declared differently twice for one action",
    ),
    warning(
        "rules::shadowed_route_rule",
        "a route rule that earlier rules of its route always match first",
    ),
    warning(
        "rules::uncovered_location",
        "a declared region no route rule matches, with no default targets",
    ),
    warning(
        "rules::limit_exceeded",
        "an Activity Tracker Event Routing limit exceeded",
    ),
    warning("rules::unused_type", "a named type nothing uses"),
    warning("rules::unused_schema", "a schema nothing uses"),
    error(
        "eval::invalid_json",
        "an input that is not JSON, or not a JSON object",
    ),
    error(
        "eval::unknown_action",
        "an action the catalog does not declare",
    ),
    error(
        "eval::missing_field",
        "a required field that is absent (its level may be lowered to a warning)",
    ),
    error(
        "eval::type_mismatch",
        "a value of the wrong JSON type, or a quoted scalar (at the field's `quoted` level)",
    ),
    error(
        "eval::enum_mismatch",
        "a value that is not one of the field's enum members",
    ),
    warning(
        "eval::discouraged_value",
        "an enum member the rules accept only with a warning",
    ),
    error(
        "eval::pattern_mismatch",
        "a string that does not match the field's pattern (at the pattern's level)",
    ),
    error(
        "eval::data_flag_mismatch",
        "a `dataEvent` that disagrees with the catalog's event type",
    ),
    error(
        "eval::unroutable",
        "an event whose location is missing, malformed or unknown",
    ),
    error(
        "eval::duplicate_key",
        "an object with the same key twice: the event is ambiguous",
    ),
    error(
        "eval::event_too_large",
        "an event larger than the size limit",
    ),
    error(
        "eval::internal",
        "a decision rulec could not serialise (a bug: please report it)",
    ),
    error(
        "load::invalid_rules",
        "a catalog that cannot be loaded because its rules have errors",
    ),
    error(
        "artifact::foreign",
        "a file given as an artifact that is not one",
    ),
    error("artifact::newer", "an artifact written by a newer rulec"),
    error(
        "artifact::older",
        "an artifact in a layout this rulec no longer reads",
    ),
    error(
        "artifact::corrupt",
        "an artifact whose content does not match its hash or its format",
    ),
    error(
        "limit::declarations",
        "a catalog with more declarations than the limit",
    ),
    error(
        "artifact::too_large",
        "an artifact larger than the size limit",
    ),
    error(
        "io::too_large",
        "a `.rules` file larger than the size limit",
    ),
    error(
        "io::unreadable",
        "a path that does not exist or cannot be read",
    ),
    error("io::not_utf8", "a `.rules` file that is not UTF-8"),
    error("io::no_rules", "a directory with no `.rules` file"),
];

/// The runtime codes, as constants for the evaluator.
pub mod eval {
    /// Not JSON, or not an object.
    pub const INVALID_JSON: &str = "eval::invalid_json";
    /// Not in the catalog.
    pub const UNKNOWN_ACTION: &str = "eval::unknown_action";
    /// A required field is absent.
    pub const MISSING_FIELD: &str = "eval::missing_field";
    /// The wrong JSON type.
    pub const TYPE_MISMATCH: &str = "eval::type_mismatch";
    /// Not an enum member.
    pub const ENUM_MISMATCH: &str = "eval::enum_mismatch";
    /// An enum member accepted with a warning.
    pub const DISCOURAGED_VALUE: &str = "eval::discouraged_value";
    /// Does not match a pattern.
    pub const PATTERN_MISMATCH: &str = "eval::pattern_mismatch";
    /// `dataEvent` disagrees with the catalog.
    pub const DATA_FLAG_MISMATCH: &str = "eval::data_flag_mismatch";
    /// The same key twice in one object.
    pub const DUPLICATE_KEY: &str = "eval::duplicate_key";
    /// Larger than the size limit.
    pub const EVENT_TOO_LARGE: &str = "eval::event_too_large";
    /// A failure of rulec itself.
    pub const INTERNAL: &str = "eval::internal";
    /// No location to route by.
    pub const UNROUTABLE: &str = "eval::unroutable";
}

/// The code of that name.
#[must_use]
pub fn lookup(name: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.name == name)
}
