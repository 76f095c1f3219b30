//! Syntax errors, worded from what the parser expected at the point it stopped.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::grammar::Rule;
use crate::source::Span;

/// A file that does not follow the grammar.
#[derive(Debug, Clone, Error, Diagnostic)]
#[error("expected {expected}, found {found}")]
#[diagnostic(code(rules::syntax))]
pub struct SyntaxError {
    /// What would have been accepted, in words.
    pub expected: String,
    /// What was there instead, in words.
    pub found: String,
    /// Where the parser stopped.
    #[label("{label}")]
    pub span: SourceSpan,
    /// The label under the span.
    pub label: String,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
}

impl SyntaxError {
    /// The error for a file the parser returned nothing for (it cannot happen with this grammar).
    pub(super) fn empty(base: usize) -> Self {
        Self {
            expected: "a declaration".into(),
            found: "nothing".into(),
            span: Span::new(base, base).into(),
            label: "here".into(),
            help: None,
        }
    }

    /// Where the error is.
    #[must_use]
    pub fn span(&self) -> Span {
        Span::new(self.span.offset(), self.span.offset() + self.span.len())
    }
}

/// Converts pest's error into ours.
pub(super) fn from_pest(error: &pest::error::Error<Rule>, text: &str, base: usize) -> SyntaxError {
    let mut offset = match error.location {
        pest::error::InputLocation::Pos(p) | pest::error::InputLocation::Span((p, _)) => p,
    };
    let attempts = error.parse_attempts();
    let mut expected: Vec<String> = Vec::new();
    // pest places the error where the last rule failed; the tokens it recorded may have been
    // expected further on (a missing `{` after a service's name fails the whole service at
    // its first word). The furthest point reached is where the user has to look.
    let further = attempts
        .as_ref()
        .is_some_and(|a| a.max_position > offset && !a.expected_tokens().is_empty());
    if further {
        offset = attempts.as_ref().map_or(offset, |a| a.max_position);
    } else if let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant {
        expected.extend(positives.iter().filter_map(|r| describe(*r)));
    }
    if let Some(attempts) = attempts {
        expected.extend(
            attempts
                .expected_tokens()
                .into_iter()
                .map(|t| t.to_string())
                .filter(|t| {
                    let noise = t.chars().all(|c| c.is_whitespace() || c == '\u{FEFF}')
                        || ["//", "/*", "BUILTIN_RULE"].contains(&t.as_str())
                        || (t.chars().count() == 4 && t.contains(".."));
                    !noise
                })
                .map(|t| format!("`{t}`")),
        );
    }
    // A rule's own words make its first character redundant: "a string" covers `"`.
    for (rule, token) in [
        ("a string", "`\"`"),
        ("a regular expression `/.../`", "`/`"),
    ] {
        if expected.iter().any(|e| e == rule) {
            expected.retain(|e| e != token);
        }
    }
    expected.sort();
    expected.dedup();
    let rest = text.get(offset..).unwrap_or("");
    let help = help_for(rest, &expected);
    // When what is missing should have ended the previous line, point there, not at the
    // first token of the next line.
    let before = text.get(..offset).unwrap_or("");
    let line_end = before.trim_end().len();
    if offset > 0 && before.get(line_end..).is_some_and(|gap| gap.contains('\n')) {
        return SyntaxError {
            expected: one_of(&expected),
            found: if rest.trim().is_empty() {
                "end of file"
            } else {
                "end of line"
            }
            .into(),
            span: Span::new(base + line_end, base + line_end).into(),
            label: "expected here".into(),
            help,
        };
    }
    let (found, len) = found(rest);
    SyntaxError {
        expected: one_of(&expected),
        found,
        span: Span::new(base + offset, base + offset + len).into(),
        label: "unexpected here".into(),
        help,
    }
}

/// Words for the rules a user can meet in an error; `None` for rules that add nothing.
fn describe(rule: Rule) -> Option<String> {
    let debug = format!("{rule:?}");
    if let Some(keyword) = debug.strip_prefix("kw_") {
        return Some(format!("`{keyword}`"));
    }
    Some(
        match rule {
            Rule::EOI => "end of file",
            Rule::name => "a name",
            Rule::action_name => "an action name",
            Rule::action_ref => "an action name or pattern",
            Rule::path => "a field path",
            Rule::string => "a string",
            Rule::regex => "a regular expression `/.../`",
            Rule::literal => "a string, number or `true`/`false`",
            Rule::event_type => "`management` or `data`",
            Rule::level => "a level (`error`, `warn` or `allow`)",
            Rule::service => "`service`",
            Rule::type_decl => "`type`",
            Rule::schema_decl => "`schema`",
            Rule::envelope => "`envelope`",
            Rule::when_block => "`when`",
            Rule::region => "`region`",
            Rule::target => "`target`",
            Rule::route => "`route`",
            Rule::defaults => "`default targets`",
            Rule::collect => "`collect`",
            Rule::require => "`require`",
            Rule::group => "`group`",
            Rule::fields => "`fields`",
            Rule::locate => "`locate`",
            Rule::domain => "`domain`",
            Rule::locations => "`locations`",
            Rule::field => "a field (`path: type`)",
            Rule::use_schema => "`use`",
            Rule::type_expr => "a type",
            Rule::enum_member => "an enum member",
            Rule::clause => "a constraint (`matches`, `quoted`, `missing`)",
            Rule::comparator => "`==` or `!=`",
            Rule::condition => "a condition",
            Rule::route_rule => "a route rule (`locations -> targets`)",
            Rule::route_types => "`types`",
            Rule::route_actions => "`actions`",
            Rule::zones => "`zones`",
            Rule::aliases => "`aliases`",
            Rule::optional => "`?`",
            _ => return None,
        }
        .to_owned(),
    )
}

fn one_of(expected: &[String]) -> String {
    match expected {
        [] => "something else".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Describes the text at the error: a token, a character, a line end, or the end of file.
fn found(rest: &str) -> (String, usize) {
    let Some(first) = rest.chars().next() else {
        return ("end of file".into(), 0);
    };
    if first == '\n' || first == '\r' {
        return ("end of line".into(), 0);
    }
    let token: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(40)
        .collect();
    let token = if token.is_empty() {
        first.to_string()
    } else {
        token
    };
    if first.is_ascii_punctuation() {
        return (format!("`{first}`"), first.len_utf8());
    }
    let len = token.len();
    (format!("`{token}`"), len)
}

fn help_for(rest: &str, expected: &[String]) -> Option<String> {
    if rest.starts_with('"') && expected.iter().any(|e| e == "a name") {
        return Some("names are written without quotes".into());
    }
    if expected.iter().any(|e| e == "a string") {
        return Some("descriptions and display names are double-quoted strings: \"...\"".into());
    }
    if expected == ["`{`"] {
        return Some("open the block with `{` after its header, and close it with `}`".into());
    }
    None
}
