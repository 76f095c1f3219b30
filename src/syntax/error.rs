//! Syntax errors, worded from what the parser expected at the point it stopped, and placed on
//! the mistake: the unexpected token, or the last token of a statement that stopped short.

use miette::{Diagnostic, LabeledSpan, SourceSpan};
use thiserror::Error;

use super::grammar::Rule;
use crate::source::Span;

/// A file that does not follow the grammar.
#[derive(Debug, Clone, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(rules::syntax))]
pub struct SyntaxError {
    message: String,
    #[label(primary, "{label}")]
    span: SourceSpan,
    label: String,
    #[label(collection)]
    related: Vec<LabeledSpan>,
    #[help]
    help: Option<String>,
}

impl SyntaxError {
    /// Where the error is: the primary label's span.
    #[must_use]
    pub fn span(&self) -> Span {
        Span::new(self.span.offset(), self.span.offset() + self.span.len())
    }

    /// The global offset of the primary label.
    pub(super) fn offset(&self) -> usize {
        self.span.offset()
    }

    /// An opening `{` whose `}` is missing, found by the outline of the text: `owner` is the
    /// header it opens (`service cloud-object-storage`), `next` where the next declaration or
    /// the end of the file was found instead, `what` those words.
    pub(super) fn unclosed(owner: &str, open: usize, next: usize, what: &str) -> Self {
        let of = if owner.is_empty() {
            String::new()
        } else {
            format!(" of `{owner}`")
        };
        Self {
            message: format!("this `{{`{of} is never closed"),
            span: Span::new(open, open + 1).into(),
            label: "opened here, never closed".into(),
            related: vec![LabeledSpan::new(Some(what.into()), next, 0)],
            help: Some(format!(
                "add the `}}` that closes it{}",
                if what.contains("end") {
                    " before the end of the file"
                } else {
                    " before the next declaration"
                }
            )),
        }
    }

    /// A string (or, if not `string`, a pattern) that its line ends inside.
    pub(super) fn unterminated(string: bool, start: usize, end: usize) -> Self {
        let (what, close) = if string {
            ("string", '"')
        } else {
            ("pattern", '/')
        };
        Self {
            message: format!("this {what} is never closed"),
            span: Span::new(start, start + 1).into(),
            label: format!("the {what} starts here"),
            related: vec![LabeledSpan::new(
                Some("and the line ends here".into()),
                end,
                0,
            )],
            help: Some(format!(
                "end it with `{close}` on the same line: a {what} cannot span lines"
            )),
        }
    }

    /// A `}` that closes nothing.
    pub(super) fn stray(at: usize) -> Self {
        Self {
            message: "this `}` closes nothing".into(),
            span: Span::new(at, at + 1).into(),
            label: "no `{` is open here".into(),
            related: Vec::new(),
            help: Some("remove it, or add the `{` it was meant to close".into()),
        }
    }
}

/// A syntax error and where its statement is, for recovery.
pub(super) struct Mistake {
    pub(super) error: SyntaxError,
    /// The unexpected token, relative to the parsed text.
    pub(super) token: usize,
    /// When the statement before the token stopped short (the token starts another line):
    /// the end of that statement's last token.
    pub(super) short: Option<usize>,
    /// Whether the parser stood between two statements (it would have taken a `}`, or the
    /// end of the text): the token starts a statement of its own.
    pub(super) between: bool,
    /// Whether a `{` was among the things expected.
    pub(super) wants_block: bool,
    /// Whether the parser stood between two top-level declarations.
    pub(super) top_level: bool,
    /// What was expected, in words.
    pub(super) wanted: String,
}

/// Words a statement can start with or a block header can hold; a misspelled one is named.
fn keyword_of(expected: &str) -> impl Iterator<Item = &str> {
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| w.len() > 1 && w.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Converts pest's error on `text`, whose first byte sits at global offset `base`; `text` is
/// the start of `whole`, which shows what follows it.
pub(super) fn from_pest(
    error: &pest::error::Error<Rule>,
    text: &str,
    whole: &str,
    base: usize,
) -> Mistake {
    let (offset, expected) = expectation(error);
    let between = expected.iter().any(|e| e == "`}`" || e == "end of file");
    let wants_block = expected.iter().any(|e| e == "`{`");
    let top_level = expected.iter().any(|e| e == "end of file");
    let rest = whole.get(offset..).unwrap_or("");
    let keywords: Vec<&str> = expected.iter().flat_map(|e| keyword_of(e)).collect();
    let word = rest
        .split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '-'))
        .next()
        .unwrap_or("");
    let suggestion = crate::suggestion::closest(word, keywords.iter().copied())
        .map(|k| format!("did you mean `{k}`?"));
    let before = text.get(..offset).unwrap_or("");
    let help = suggestion
        .or_else(|| help_for(rest, &expected))
        .or_else(|| help_in_line(before, rest, &expected));
    let wanted = one_of(&expected);
    let previous = before.trim_end();
    let starts_line = previous.len() < before.len()
        && before
            .get(previous.len()..)
            .is_some_and(|gap| gap.contains('\n'));
    if !between && !previous.is_empty() && (starts_line || rest.trim().is_empty()) {
        // The statement before stopped short: what is missing belongs after its last token,
        // which is where the user has to look; the token that came instead is shown too.
        let start = last_token(previous);
        let token = previous.get(start..).unwrap_or("");
        let shown = shorten(token);
        // What the user wrote next, as written: the parser may have been past blanked text.
        let offset = next_token(whole, previous.len());
        let rest = whole.get(offset..).unwrap_or("");
        let (found, len) = found(rest);
        // The parser took the token, and failed after it: it is not what is missing.
        let wanted = one_of(
            &expected
                .iter()
                .filter(|e| **e != found)
                .cloned()
                .collect::<Vec<_>>(),
        );
        let found_where = if rest.trim().is_empty() {
            "the file ends here".to_owned()
        } else {
            format!("{found} starts the next line")
        };
        return Mistake {
            error: SyntaxError {
                message: format!("expected {wanted} after `{shown}`, found {found}"),
                span: Span::new(base + start, base + previous.len()).into(),
                label: "expected after this".into(),
                related: vec![LabeledSpan::new(
                    Some(found_where),
                    base + offset,
                    len.min(rest.len()),
                )],
                help,
            },
            token: offset,
            short: Some(previous.len()),
            between,
            wants_block,
            top_level,
            wanted,
        };
    }
    let (found, len) = found(rest);
    Mistake {
        error: SyntaxError {
            message: format!("expected {wanted}, found {found}"),
            span: Span::new(base + offset, base + offset + len).into(),
            label: "unexpected here".into(),
            related: Vec::new(),
            help,
        },
        token: offset,
        short: None,
        between,
        wants_block,
        top_level,
        wanted,
    }
}

/// Where the parser got furthest, and what it would have taken there, in words: each
/// alternative once, sorted.
pub(super) fn expectation(error: &pest::error::Error<Rule>) -> (usize, Vec<String>) {
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
    // Alternatives written as one phrase (`==` or `!=`) count as their parts.
    let mut atoms: Vec<String> = Vec::new();
    for entry in expected {
        let parts: Vec<&str> = entry.split(" or ").collect();
        if parts.len() > 1 && parts.iter().all(|p| p.starts_with('`') && p.ends_with('`')) {
            atoms.extend(parts.into_iter().map(str::to_owned));
        } else {
            atoms.push(entry);
        }
    }
    // A rule's own words make its first character or its members redundant.
    for (rule, covered) in [
        ("a string", &["`\"`"][..]),
        ("a regular expression `/.../`", &["`/`"]),
        (LITERAL, &["a string", "`\"`", "`true`", "`false`", "`-`"]),
        (LEVEL, &["`error`", "`warn`", "`allow`"]),
        (CLAUSE, &["`matches`", "`quoted`", "`missing`", "`invalid`"]),
    ] {
        if atoms.iter().any(|e| e == rule) {
            atoms.retain(|e| !covered.contains(&e.as_str()));
        }
    }
    atoms.sort();
    atoms.dedup();
    (offset, atoms)
}

const LITERAL: &str = "a string, number or `true`/`false`";
const CLAUSE: &str = "a constraint (`matches`, `quoted`, `missing`, `invalid`)";
const LEVEL: &str = "a level (`error`, `warn` or `allow`)";

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
            Rule::literal => LITERAL,
            Rule::event_type => "`management` or `data`",
            Rule::level => LEVEL,
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
            Rule::clause => CLAUSE,
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

/// The start of the last token of `text` (which ends in one): a whole string if it ends in a
/// quote, else the last run of non-white-space characters.
fn last_token(text: &str) -> usize {
    let line_start = text.rfind('\n').map_or(0, |n| n + 1);
    if text.ends_with('"') {
        // Find the string that ends here by reading the line's strings from its start.
        let line = text.get(line_start..).unwrap_or("");
        let mut open: Option<usize> = None;
        let mut escaped = false;
        for (at, c) in line.char_indices() {
            match c {
                '\\' if open.is_some() && !escaped => {
                    escaped = true;
                    continue;
                }
                '"' if !escaped => {
                    if let Some(start) = open.take() {
                        if line_start + at + 1 == text.len() {
                            return line_start + start;
                        }
                    } else {
                        open = Some(at);
                    }
                }
                _ => {}
            }
            escaped = false;
        }
    }
    text.rfind(char::is_whitespace).map_or(0, |n| n + 1)
}

/// The offset of the first token at or after `from`, past white space and comments.
fn next_token(text: &str, mut from: usize) -> usize {
    loop {
        let rest = text.get(from..).unwrap_or("");
        let trimmed = rest.trim_start();
        from += rest.len() - trimmed.len();
        let skip = if trimmed.starts_with("//") {
            trimmed.find('\n').unwrap_or(trimmed.len())
        } else if let Some(comment) = trimmed.strip_prefix("/*") {
            comment.find("*/").map_or(trimmed.len(), |n| n + 4)
        } else {
            return from;
        };
        from += skip;
    }
}

/// A token as quoted in a message: at most 40 characters.
fn shorten(token: &str) -> String {
    if token.chars().count() <= 40 {
        return token.to_owned();
    }
    let head: String = token.chars().take(39).collect();
    format!("{head}…")
}

/// Describes the text at the error: a token, a character, or the end of file.
fn found(rest: &str) -> (String, usize) {
    let Some(first) = rest.chars().next() else {
        return ("end of file".into(), 0);
    };
    if first.is_whitespace() {
        return if rest.trim().is_empty() {
            ("end of file".into(), 0)
        } else {
            ("end of line".into(), 0)
        };
    }
    if first.is_ascii_punctuation() && first != '"' {
        return (format!("`{first}`"), first.len_utf8());
    }
    let end = if first == '"' {
        rest.get(1..)
            .and_then(|r| r.find(['"', '\n']))
            .map_or(rest.len(), |n| n + 2)
    } else {
        rest.find(|c: char| c.is_whitespace() || "{}(),:;=".contains(c))
            .unwrap_or(rest.len())
    };
    let token = rest.get(..end).unwrap_or(rest);
    (format!("`{}`", shorten(token)), token.len())
}

/// Help that the line so far explains: a misspelled `use` read as a field path, a
/// comparison with one `=`, a target without its type.
fn help_in_line(before: &str, rest: &str, expected: &[String]) -> Option<String> {
    let wants = |token: &str| expected.iter().any(|e| e == token);
    if wants("`==`") && rest.starts_with('=') && !rest.starts_with("==") {
        return Some("a condition compares with `==` or `!=`: did you mean `==`?".into());
    }
    let before = before.trim_end();
    let line = before.rsplit('\n').next().unwrap_or(before);
    let mut words = line.split_whitespace();
    let (first, second) = (words.next(), words.next());
    if wants("`:`")
        && second.is_none()
        && first.is_some_and(|w| w != "use" && crate::suggestion::closest(w, ["use"]).is_some())
    {
        return Some("did you mean `use`? A schema's fields are included with `use NAME`".into());
    }
    if first == Some("target") && second.is_some() && words.next().is_none() {
        let kinds: Vec<String> = crate::catalog::TargetKind::ALL
            .iter()
            .map(|(name, _)| format!("`{name}`"))
            .collect();
        return Some(format!(
            "a target is `target NAME TYPE`, with TYPE one of {}",
            kinds.join(", ")
        ));
    }
    None
}

fn help_for(rest: &str, expected: &[String]) -> Option<String> {
    let names = [
        "a name",
        "an action name",
        "an action name or pattern",
        "a field path",
    ];
    if rest.starts_with('"') && expected.iter().any(|e| names.contains(&e.as_str())) {
        return Some("names are written without quotes".into());
    }
    if rest.starts_with('?') {
        return Some("an optional field puts `?` after its path: `path?: type`".into());
    }
    if expected == ["a string"] {
        return Some("descriptions and display names are double-quoted strings: \"...\"".into());
    }
    if expected == ["`{`"] {
        return Some("open the block with `{` after its header, and close it with `}`".into());
    }
    None
}
