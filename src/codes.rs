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
        "io::unreadable",
        "a path that does not exist or cannot be read",
    ),
    error("io::not_utf8", "a `.rules` file that is not UTF-8"),
    error("io::no_rules", "a directory with no `.rules` file"),
];

/// The code of that name.
#[must_use]
pub fn lookup(name: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.name == name)
}
