//! Everything the checker reports, each with a stable `rules::` code, labels and help.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::syntax::SyntaxError;

/// A problem in a catalog's sources. Warnings carry `severity(Warning)`.
#[allow(
    missing_docs,
    reason = "variant fields are named for the message and labels they fill"
)]
#[derive(Debug, Clone, Error, Diagnostic)]
pub enum CheckError {
    /// The text does not follow the grammar.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Syntax(#[from] SyntaxError),

    /// An action name that is not `object.verb`.
    #[error("`{name}` is not a valid action name")]
    #[diagnostic(code(rules::malformed_action))]
    MalformedAction {
        name: String,
        #[label("{problem}")]
        span: SourceSpan,
        problem: String,
        #[help]
        help: Option<String>,
    },

    /// A name with characters it cannot have.
    #[error("`{name}` is not a valid {kind} name")]
    #[diagnostic(code(rules::malformed_name))]
    MalformedName {
        kind: &'static str,
        name: String,
        #[label("{problem}")]
        span: SourceSpan,
        problem: String,
        #[help]
        help: Option<String>,
    },

    /// A Unicode character that looks like an ASCII one.
    #[error("`{name}` contains {character}, which looks like `{looks_like}`")]
    #[diagnostic(code(rules::confusable_character))]
    ConfusableCharacter {
        name: String,
        character: String,
        looks_like: char,
        #[label("not `{looks_like}`")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// A character that reorders or hides text, outside comments, strings and patterns.
    #[error("{character} in the rules, where it changes what the text means without showing")]
    #[diagnostic(
        code(rules::hidden_character),
        help("delete it: names, paths and keywords must be exactly what they look like")
    )]
    HiddenCharacter {
        character: String,
        #[label("here, invisible")]
        span: SourceSpan,
    },

    /// A character that reorders or hides text, in a comment, a string or a pattern.
    #[error("{character} in a {place}: the text may read differently from what it holds")]
    #[diagnostic(
        code(rules::hidden_text),
        severity(Warning),
        help("delete it, or write it as an escape (`\\u{{202E}}`) in a string if it is meant")
    )]
    HiddenText {
        character: String,
        place: &'static str,
        #[label("here, invisible")]
        span: SourceSpan,
    },

    /// A path compared in a `when` condition that no field declares.
    #[error("`{path}` is compared, but no field declares it")]
    #[diagnostic(code(rules::undeclared_path), severity(Warning))]
    UndeclaredPath {
        path: String,
        #[label("not declared in the envelope, a `fields` block or a schema")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// A path a `fields` block declares one typo away from an envelope path.
    #[error("`{path}` is declared here, and the envelope declares `{meant}`")]
    #[diagnostic(code(rules::undeclared_path), severity(Warning))]
    NearEnvelopePath {
        path: String,
        meant: String,
        #[label("no schema or envelope declares this path")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// The same action declared twice.
    #[error("action `{name}` is declared twice")]
    #[diagnostic(
        code(rules::duplicate_action),
        help("each action is declared once; remove one declaration or rename it")
    )]
    DuplicateAction {
        name: String,
        #[label("declared again here")]
        span: SourceSpan,
        #[label("first declared here")]
        first: SourceSpan,
    },

    /// Another name declared twice.
    #[error("{kind} `{name}` is declared twice")]
    #[diagnostic(code(rules::duplicate_declaration))]
    DuplicateDeclaration {
        kind: &'static str,
        name: String,
        #[label("declared again here")]
        span: SourceSpan,
        #[label("{first_label}")]
        first: Option<SourceSpan>,
        first_label: &'static str,
        #[help]
        help: String,
    },

    /// A reference to an action that is not declared.
    #[error("unknown action `{name}`")]
    #[diagnostic(code(rules::unknown_action))]
    UnknownAction {
        name: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: String,
    },

    /// A reference to a type that is not declared.
    #[error("unknown type `{name}`")]
    #[diagnostic(code(rules::unknown_type))]
    UnknownType {
        name: String,
        #[label("{label}")]
        span: SourceSpan,
        label: &'static str,
        #[help]
        help: String,
    },

    /// A reference to a schema that is not declared.
    #[error("unknown schema `{name}`")]
    #[diagnostic(code(rules::unknown_schema))]
    UnknownSchema {
        name: String,
        #[label("{label}")]
        span: SourceSpan,
        label: &'static str,
        #[help]
        help: String,
    },

    /// A reference to a location that is not declared.
    #[error("unknown location `{name}`")]
    #[diagnostic(code(rules::unknown_location))]
    UnknownLocation {
        name: String,
        #[label("not a declared region, zone or alias")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// A reference to a target that is not declared.
    #[error("unknown target `{name}`")]
    #[diagnostic(code(rules::unknown_target))]
    UnknownTarget {
        name: String,
        #[label("no target of this name")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// A target of a type Activity Tracker Event Routing does not have.
    #[error("unknown target type `{name}`")]
    #[diagnostic(code(rules::unknown_target_type))]
    UnknownTargetType {
        name: String,
        #[label("not a target type")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// An `action` line with no event type, in a group without a default.
    #[error("action `{name}` has no event type")]
    #[diagnostic(code(rules::missing_event_type))]
    MissingEventType {
        name: String,
        #[label("`action` takes its group's event type, and there is none")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// Event types required but not collected, or listed twice.
    #[error("{message}")]
    #[diagnostic(code(rules::conflicting_event_policy))]
    ConflictingEventPolicy {
        message: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: String,
    },

    /// A regex the `regex` crate rejects.
    #[error("invalid regular expression `/{pattern}/`")]
    #[diagnostic(code(rules::invalid_regex))]
    InvalidRegex {
        pattern: String,
        #[label("{reason}")]
        span: SourceSpan,
        reason: String,
        #[help]
        help: String,
    },

    /// A regex whose compiled form exceeds the size limit.
    #[error("regular expression `/{pattern}/` is too large")]
    #[diagnostic(code(rules::regex_too_large))]
    RegexTooLarge {
        pattern: String,
        #[label("compiles to more than {limit} bytes")]
        span: SourceSpan,
        limit: usize,
        #[help]
        help: String,
    },

    /// `enum { }`
    #[error("enum has no members")]
    #[diagnostic(
        code(rules::empty_enum),
        help("list the allowed values, e.g. `enum {{ OK, FAIL }}`, or use `string`")
    )]
    EmptyEnum {
        #[label("no value could ever match")]
        span: SourceSpan,
    },

    /// An enum member listed twice.
    #[error("enum member `{value}` is listed twice")]
    #[diagnostic(
        code(rules::duplicate_enum_member),
        help("remove the second one; members are compared exactly, case included")
    )]
    DuplicateEnumMember {
        value: String,
        #[label("listed again here")]
        span: SourceSpan,
        #[label("first listed here")]
        first: SourceSpan,
    },

    /// A constraint that cannot apply where it is written.
    #[error("{message}")]
    #[diagnostic(code(rules::invalid_constraint))]
    InvalidConstraint {
        message: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: String,
    },

    /// One field path declared twice, differently, or declared inside a field that is not an
    /// object, for one action.
    #[error("conflicting declarations of field `{path}` for `{action}`")]
    #[diagnostic(code(rules::conflicting_field))]
    ConflictingField {
        path: String,
        action: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[label("first declared here")]
        first: SourceSpan,
        #[help]
        help: String,
    },

    /// A route rule no event can reach.
    #[error("route rule can never match")]
    #[diagnostic(code(rules::shadowed_route_rule), severity(Warning))]
    ShadowedRouteRule {
        #[label("unreachable")]
        span: SourceSpan,
        #[label("{shadow_label}")]
        shadow: SourceSpan,
        shadow_label: String,
        #[help]
        help: String,
    },

    /// A declared location whose events no route and no default target receive.
    #[error("no route covers location `{name}`")]
    #[diagnostic(code(rules::uncovered_location), severity(Warning))]
    UncoveredLocation {
        name: String,
        #[label("events from here are dropped")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// An Activity Tracker Event Routing limit exceeded.
    #[error("{message}")]
    #[diagnostic(code(rules::limit_exceeded), severity(Warning))]
    LimitExceeded {
        message: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: String,
    },

    /// A type or schema defined through more than [`crate::limits::MAX_NESTING`] others.
    #[error("{kind} `{name}` is defined through more than {limit} {kind}s")]
    #[diagnostic(
        code(limit::nesting),
        help(
            "define it more directly: each level of `type a = b` or `use` adds one, and real catalogs need a few"
        )
    )]
    TooDeep {
        kind: &'static str,
        name: String,
        limit: usize,
        #[label("the chain passes the limit here")]
        span: SourceSpan,
    },

    /// Patterns whose compiled size together passes [`crate::limits::PATTERN_BUDGET`].
    #[error("the catalog's patterns together pass the budget of {budget} bytes")]
    #[diagnostic(
        code(limit::patterns),
        help(
            "share patterns (the same source is compiled once), simplify large ones, or split the catalog"
        )
    )]
    PatternBudget {
        budget: usize,
        #[label("this pattern passes it")]
        span: SourceSpan,
    },

    /// More declarations than [`crate::limits::MAX_DECLARATIONS`].
    #[error("the catalog has more than {limit} declarations")]
    #[diagnostic(
        code(limit::declarations),
        help(
            "a catalog this large is unlikely to be intended; split it into catalogs per team, or check for generated duplicates"
        )
    )]
    TooManyDeclarations {
        limit: usize,
        #[label("the limit is passed in this file")]
        span: SourceSpan,
    },

    /// A named type nothing refers to.
    #[error("type `{name}` is never used")]
    #[diagnostic(
        code(rules::unused_type),
        severity(Warning),
        help("use it in a field (`path: {name}`) or remove it")
    )]
    UnusedType {
        name: String,
        #[label("declared here")]
        span: SourceSpan,
    },

    /// A schema nothing uses.
    #[error("schema `{name}` is never used")]
    #[diagnostic(
        code(rules::unused_schema),
        severity(Warning),
        help("include it in a field block with `use {name}`, or remove it")
    )]
    UnusedSchema {
        name: String,
        #[label("declared here")]
        span: SourceSpan,
    },
}
