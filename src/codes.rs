//! The registry of diagnostic codes: stable names, never renamed or reused.
//!
//! One table below is the only place a code is written: it gives [`CODES`] (with each code's
//! level, summary and long explanation, read at build time from
//! `docs/codes/<prefix>/<name>.md`, so a code without one does not compile) and a constant per
//! code, grouped by prefix (`codes::eval::INVALID_JSON`
//! is `"eval::invalid_json"`). `#[diagnostic(code(...))]` attributes cannot name a constant;
//! a test checks that every code the sources report is in the table, and every code in the
//! table is reported somewhere.

/// A diagnostic code and what it means in one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The stable name, e.g. `rules::unknown_action`.
    pub name: &'static str,
    /// Whether it is reported as an error or a warning by default.
    pub warning: bool,
    /// One line on what it reports.
    pub summary: &'static str,
    /// The long form, in Markdown (`docs/codes/<prefix>/<name>.md`), as `rulec explain`
    /// prints it.
    pub explanation: &'static str,
}

/// The table: per prefix, each code as `name => CONSTANT, level, "summary";`.
macro_rules! registry {
    ($($group:ident { $($name:ident => $constant:ident, $level:ident, $summary:literal;)* })*) => {
        /// Every code `rulec` reports, in the order `rulec explain --list` prints them.
        pub const CODES: &[Code] = &[
            $($(Code {
                name: concat!(stringify!($group), "::", stringify!($name)),
                warning: registry!(@warning $level),
                summary: $summary,
                explanation: include_str!(concat!(
                    "../docs/codes/", stringify!($group), "/", stringify!($name), ".md"
                )),
            },)*)*
        ];

        $(
            #[doc = concat!("The `", stringify!($group), "::` codes.")]
            pub mod $group {
                $(
                    #[doc = $summary]
                    pub const $constant: &str = concat!(stringify!($group), "::", stringify!($name));
                )*
            }
        )*
    };
    (@warning error) => { false };
    (@warning warning) => { true };
}

registry! {
    rules {
        syntax => SYNTAX, error, "the text does not follow the grammar";
        malformed_action => MALFORMED_ACTION, error, "an action name that is not `object.verb` or `object.path.verb`";
        malformed_name => MALFORMED_NAME, error, "a name with characters it cannot have";
        confusable_character => CONFUSABLE_CHARACTER, error, "a Unicode character that looks like an ASCII one";
        hidden_character => HIDDEN_CHARACTER, error, "a character that reorders or hides text, outside comments, strings and patterns";
        hidden_text => HIDDEN_TEXT, warning, "a character that reorders or hides text, in a comment, a string or a pattern";
        undeclared_path => UNDECLARED_PATH, warning, "a path compared in a `when` condition that no field declares, or declared in a `fields` block one typo away from an envelope path";
        duplicate_action => DUPLICATE_ACTION, error, "an action declared twice, in one file or two";
        duplicate_declaration => DUPLICATE_DECLARATION, error, "a service, type, schema, location, target, route or group declared twice";
        unknown_action => UNKNOWN_ACTION, error, "a reference to an action that is not declared";
        unknown_type => UNKNOWN_TYPE, error, "a reference to a type that is not declared";
        unknown_schema => UNKNOWN_SCHEMA, error, "a `use` of a schema that is not declared";
        unknown_location => UNKNOWN_LOCATION, error, "a reference to a location that is not declared";
        unknown_target => UNKNOWN_TARGET, error, "a reference to a target that is not declared";
        unknown_target_type => UNKNOWN_TARGET_TYPE, error, "a target type Activity Tracker Event Routing does not have";
        missing_event_type => MISSING_EVENT_TYPE, error, "an action with no management/data flag";
        conflicting_event_policy => CONFLICTING_EVENT_POLICY, error, "required event types that are not collected, or listed twice";
        invalid_regex => INVALID_REGEX, error, "a pattern the regex crate rejects";
        regex_too_large => REGEX_TOO_LARGE, error, "a pattern whose compiled form exceeds the size limit";
        empty_enum => EMPTY_ENUM, error, "an enum with no members";
        duplicate_enum_member => DUPLICATE_ENUM_MEMBER, error, "an enum member listed twice";
        invalid_constraint => INVALID_CONSTRAINT, error, "a constraint that cannot apply where it is written";
        conflicting_field => CONFLICTING_FIELD, error, "one field path declared differently twice for one action";
        shadowed_route_rule => SHADOWED_ROUTE_RULE, warning, "a route rule that earlier rules of its route always match first";
        uncovered_location => UNCOVERED_LOCATION, warning, "a declared region no route rule matches, with no default targets";
        limit_exceeded => LIMIT_EXCEEDED, warning, "an Activity Tracker Event Routing limit exceeded";
        unused_type => UNUSED_TYPE, warning, "a named type nothing uses";
        unused_schema => UNUSED_SCHEMA, warning, "a schema nothing uses";
    }
    eval {
        invalid_json => INVALID_JSON, error, "an input that is not JSON, or not a JSON object";
        unknown_action => UNKNOWN_ACTION, error, "an action the catalog does not declare";
        missing_field => MISSING_FIELD, error, "a required field that is absent (its level may be lowered to a warning)";
        type_mismatch => TYPE_MISMATCH, error, "a value of the wrong JSON type (at the field's `invalid` level), or a quoted scalar (at its `quoted` level)";
        enum_mismatch => ENUM_MISMATCH, error, "a value that is not one of the field's enum members (at the field's `invalid` level)";
        discouraged_value => DISCOURAGED_VALUE, warning, "an enum member the rules accept only with a warning";
        pattern_mismatch => PATTERN_MISMATCH, error, "a string that does not match the field's pattern (at the pattern's level)";
        data_flag_mismatch => DATA_FLAG_MISMATCH, warning, "a `dataEvent` that disagrees with the catalog's event type";
        legacy_payload => LEGACY_PAYLOAD, warning, "an event in the legacy `payload` wrapper, decided on the fields inside it";
        unroutable => UNROUTABLE, error, "an event whose location is missing, malformed or unknown";
        duplicate_key => DUPLICATE_KEY, error, "an object with the same key twice: the event is ambiguous";
        event_too_large => EVENT_TOO_LARGE, error, "an event larger than the size limit";
        internal => INTERNAL, error, "an event rulec itself failed on (a bug: please report it)";
    }
    load {
        invalid_rules => INVALID_RULES, error, "a catalog that cannot be loaded because its rules have errors";
    }
    artifact {
        foreign => FOREIGN, error, "a file given as an artifact that is not one";
        newer => NEWER, error, "an artifact written by a newer rulec";
        older => OLDER, error, "an artifact in a layout this rulec no longer reads";
        corrupt => CORRUPT, error, "an artifact whose content does not match its hash or its format";
        too_large => TOO_LARGE, error, "an artifact larger than the size limit";
        no_yaml => NO_YAML, error, "a YAML artifact, in a build without YAML support";
    }
    limit {
        declarations => DECLARATIONS, error, "a catalog with more declarations than the limit";
        nesting => NESTING, error, "a type or schema defined through more named types or schemas than the limit";
        patterns => PATTERNS, error, "patterns whose compiled size together passes the limit";
    }
    io {
        too_large => TOO_LARGE, error, "a `.rules` file larger than the size limit";
        unreadable => UNREADABLE, error, "a path that does not exist or cannot be read";
        not_utf8 => NOT_UTF8, error, "a `.rules` file that is not UTF-8";
        not_a_file => NOT_A_FILE, error, "a path that is a FIFO, a device or a socket, not a regular file";
        no_rules => NO_RULES, error, "a directory with no `.rules` file";
    }
    suite {
        invalid => INVALID, error, "a `rulec test` suite that is not valid YAML of the expected shape";
    }
    diff {
        action_removed => ACTION_REMOVED, error, "an action the new catalog no longer declares (removed or renamed)";
        action_added => ACTION_ADDED, warning, "an action the new catalog declares and the old did not";
        event_type_changed => EVENT_TYPE_CHANGED, error, "an action whose event type flipped between management and data";
        field_required => FIELD_REQUIRED, error, "a field that is now required, or whose missing level was raised";
        field_optional => FIELD_OPTIONAL, warning, "a field that is now optional, or no longer declared";
        type_changed => TYPE_CHANGED, error, "a field whose base type changed";
        enum_member_removed => ENUM_MEMBER_REMOVED, error, "an enum member removed, or an enum where any value was allowed";
        enum_member_added => ENUM_MEMBER_ADDED, warning, "an enum member added, or any value allowed where an enum was";
        pattern_changed => PATTERN_CHANGED, error, "a pattern added or changed, which may fail values the old ones accepted";
        pattern_widened => PATTERN_WIDENED, warning, "a pattern removed: every value the old patterns accepted still passes";
        constraint_tightened => CONSTRAINT_TIGHTENED, error, "a field declared where none was: its constraints now apply";
        level_raised => LEVEL_RAISED, error, "a warning made an error";
        level_lowered => LEVEL_LOWERED, warning, "an error made a warning";
        policy_changed => POLICY_CHANGED, error, "a service whose `collect` or `require` policy changed";
        conditional_changed => CONDITIONAL_CHANGED, error, "a `when` block added (breaking) or removed (widening)";
        reroute => REROUTE, warning, "events of some service, event type and locations that go to other targets";
        description_changed => DESCRIPTION_CHANGED, warning, "a description, caption or display name changed";
    }
    import {
        malformed_action => MALFORMED_ACTION, warning, "an action name the page writes wrongly (imported corrected, or left out)";
        foreign_action => FOREIGN_ACTION, warning, "an action of another service than the page's (left out)";
        duplicate_action => DUPLICATE_ACTION, warning, "an action the page lists twice (the first imported)";
        unknown_event_type => UNKNOWN_EVENT_TYPE, warning, "an action the page does not mark as a management or a data event (left out)";
        unknown_location => UNKNOWN_LOCATION, warning, "a location the catalog's regions do not name (left out)";
        misspelled_location => MISSPELLED_LOCATION, warning, "a city the page misspells (imported as the region it means)";
        unknown_placeholder => UNKNOWN_PLACEHOLDER, warning, "a `{{site.data.keyword.*}}` placeholder the importer does not render (kept as written)";
        unknown_type => UNKNOWN_TYPE, warning, "a field type with no base type in the rules (left out)";
        unattached_fields => UNATTACHED_FIELDS, warning, "a custom event field table that names no action (left out)";
        no_actions => NO_ACTIONS, error, "a page with no action to import";
    }
    export {
        route_filter => ROUTE_FILTER, error, "a route with a `types` or `actions` filter, which Activity Tracker Event Routing cannot express";
        target_id => TARGET_ID, error, "a target used by routes but without the id Activity Tracker Event Routing knows it by";
        limit_exceeded => LIMIT_EXCEEDED, error, "routes, rules, locations or targets past Activity Tracker Event Routing's limits, or a route name it refuses";
    }
}

/// The code of that name.
#[must_use]
pub fn lookup(name: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::CODES;

    /// Every `.rs` file under `src`, with its text.
    fn sources() -> Vec<(String, String)> {
        fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path.display().to_string(), text));
                }
            }
        }
        let mut out = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
        out
    }

    /// The codes a text reports: `code(prefix::name)` in a `#[diagnostic]` attribute, or a
    /// registry constant `prefix::CONSTANT` of this module.
    fn reported(text: &str) -> Vec<String> {
        let attribute = regex::Regex::new(r"code\(([a-z]+::[a-z0-9_]+)\)").unwrap();
        // `eval::MISSING_FIELD` as the evaluator writes it, or `codes::eval::INTERNAL`; not another
        // module's constant such as `rulec::eval::MAX_EVENT_BYTES`.
        let constant =
            regex::Regex::new(r"(?:codes::|[^:\w])([a-z]+)::([A-Z][A-Z0-9_]+)\b").unwrap();
        let mut out: Vec<String> = attribute
            .captures_iter(text)
            .map(|c| c[1].to_owned())
            .collect();
        out.extend(
            constant
                .captures_iter(text)
                .map(|c| format!("{}::{}", &c[1], c[2].to_ascii_lowercase())),
        );
        out
    }

    #[test]
    fn every_code_the_sources_report_is_registered_and_every_registered_code_is_reported() {
        let registered: Vec<&str> = CODES.iter().map(|c| c.name).collect();
        let prefixes: Vec<&str> = registered
            .iter()
            .filter_map(|n| n.split("::").next())
            .collect();
        let mut seen = Vec::new();
        for (file, text) in sources().iter().filter(|(f, _)| !f.ends_with("codes.rs")) {
            for code in reported(text) {
                let prefix = code.split("::").next().unwrap_or_default();
                if !prefixes.contains(&prefix) {
                    continue;
                }
                assert!(
                    registered.contains(&code.as_str()),
                    "{file} reports `{code}`, which the registry does not list"
                );
                seen.push(code);
            }
        }
        let unreported: Vec<&&str> = registered
            .iter()
            .filter(|name| !seen.iter().any(|s| s == *name))
            .collect();
        assert!(
            unreported.is_empty(),
            "registered but never reported: {unreported:?}"
        );
    }

    #[test]
    fn names_are_unique_and_every_explanation_has_its_four_sections() {
        for (i, code) in CODES.iter().enumerate() {
            assert!(
                CODES.iter().skip(i + 1).all(|c| c.name != code.name),
                "`{}` twice",
                code.name
            );
            for heading in [
                "## What it means",
                "## Why it matters",
                "## Wrong",
                "## Corrected",
            ] {
                assert!(
                    code.explanation.contains(heading),
                    "{}: {heading}",
                    code.name
                );
            }
        }
    }
}
