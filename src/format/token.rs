//! The text of tokens and short runs of them: strings, regexes, literals, lists, clauses.

use std::fmt::Write as _;

use crate::ast::{Clause, ClauseKind, Literal, Name};
use crate::source::Spanned;
use crate::vocab::{EventType, Level};

/// A string literal: `"`, `\` and line breaks escaped as `\"`, `\\`, `\n`, `\t`; other control
/// characters as `\u{...}`; every other character as it is.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A regex between slashes, each `/` of the pattern escaped as `\/`.
pub(crate) fn regex(pattern: &str) -> String {
    format!("/{}/", pattern.replace('/', "\\/"))
}

/// A literal of a condition.
pub(super) fn literal(literal: &Literal) -> String {
    match literal {
        Literal::String(text) => quote(text),
        Literal::Bool(value) => value.to_string(),
        Literal::Number(value) => value.to_string(),
    }
}

/// The word a level is written as.
pub(super) fn level_word(level: Level) -> &'static str {
    match level {
        Level::Allow => "allow",
        Level::Warning => "warn",
        Level::Error => "error",
    }
}

/// Names separated by `, `.
pub(super) fn list(names: &[Name]) -> String {
    let names: Vec<&str> = names.iter().map(|n| n.node.as_str()).collect();
    names.join(", ")
}

/// Event types separated by `, `.
pub(super) fn event_types(types: &[Spanned<EventType>]) -> String {
    let types: Vec<&str> = types.iter().map(|t| t.node.as_str()).collect();
    types.join(", ")
}

/// Clauses, each after a space: ` matches /x/ warn quoted allow`.
pub(super) fn clauses(clauses: &[Clause]) -> String {
    let mut out = String::new();
    for clause in clauses {
        out.push(' ');
        match &clause.kind {
            ClauseKind::Matches(pattern) => {
                out.push_str("matches ");
                out.push_str(&regex(&pattern.node));
            }
            ClauseKind::Quoted => out.push_str("quoted"),
            ClauseKind::Missing => out.push_str("missing"),
            ClauseKind::Invalid => out.push_str("invalid"),
        }
        if let Some(level) = &clause.level {
            out.push(' ');
            out.push_str(level_word(level.node));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{quote, regex};

    #[test]
    fn quotes_with_the_escapes_the_grammar_admits() {
        assert_eq!(
            quote("a\"b\\c\nd\te\u{e9}\u{1}"),
            r#""a\"b\\c\nd\te\u{e9}\u{1}""#.replace(r"\u{e9}", "\u{e9}")
        );
    }

    #[test]
    fn escapes_slashes_in_regexes() {
        assert_eq!(regex(r"^https?://x\.io/"), r"/^https?:\/\/x\.io\//");
    }
}
