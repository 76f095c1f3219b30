//! Text to syntax tree: the pest parser for `grammar/rules.pest` and the lowering of its pairs.

mod error;
pub(crate) mod lexemes;
mod lower;
mod recover;

pub use error::SyntaxError;
#[cfg(feature = "lsp")]
pub(crate) use recover::expected_keywords;

use pest::Parser as _;

use crate::ast::File;
use crate::source::Span;

#[allow(
    missing_docs,
    unreachable_pub,
    clippy::pedantic,
    reason = "pest_derive generates the Rule enum; its docs come from the grammar's /// comments"
)]
mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/rules.pest"]
    pub struct RulesParser;
}

use grammar::{Rule, RulesParser};

/// Parses the text of one file whose first byte sits at global offset `base`; the first
/// syntax error, if any.
pub(crate) fn parse(text: &str, base: usize) -> Result<File, SyntaxError> {
    let parsed = parse_recovering(text, base);
    match parsed.errors.into_iter().next() {
        Some(first) => Err(first),
        None => Ok(parsed.file),
    }
}

/// A file parsed however broken it is.
#[derive(Debug)]
pub(crate) struct Parsed {
    /// The declarations that parsed.
    pub(crate) file: File,
    /// Every syntax error, in order of position.
    pub(crate) errors: Vec<SyntaxError>,
    /// The text that was not read, as global spans: references to names written there are
    /// not reported as unresolved.
    pub(crate) unparsed: Vec<Span>,
}

/// Parses the text of one file whose first byte sits at global offset `base`, however broken:
/// what parsed, every syntax error, and what was not read.
pub(crate) fn parse_recovering(text: &str, base: usize) -> Parsed {
    let Ok(mut pairs) = RulesParser::parse(Rule::file, text) else {
        // Syntax errors are worded from the attempts pest records only when asked to, at a
        // cost to every parse (about a third of it). So only a file with an error is parsed
        // again, with them. The switch is process-wide: it is turned on here and never off,
        // so that concurrent parses cannot take it from one another.
        pest::set_error_detail(true);
        return recover::parse(text, base);
    };
    let limit = base + text.len();
    let file = pairs
        .next()
        .map(|file| lower::Lowerer { base, limit }.file(file))
        .unwrap_or_default();
    Parsed {
        file,
        errors: Vec::new(),
        unparsed: Vec::new(),
    }
}
