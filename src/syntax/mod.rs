//! Text to syntax tree: the pest parser for `grammar/rules.pest` and the lowering of its pairs.

mod error;
pub(crate) mod lexemes;
mod lower;

pub use error::SyntaxError;

use pest::Parser as _;

use crate::ast::File;

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

/// Parses the text of one file whose first byte sits at global offset `base`.
pub(crate) fn parse(text: &str, base: usize) -> Result<File, SyntaxError> {
    let mut pairs = RulesParser::parse(Rule::file, text).map_err(|first| {
        // Syntax errors are worded from the attempts pest records only when asked to, at a
        // cost to every parse (about a third of it). So only a file with an error is parsed
        // again, with them. The switch is process-wide: it is turned on here and never off,
        // so that concurrent parses cannot take it from one another.
        let error = if first.parse_attempts().is_some() {
            first
        } else {
            pest::set_error_detail(true);
            RulesParser::parse(Rule::file, text).err().unwrap_or(first)
        };
        error::from_pest(&error, text, base)
    })?;
    let file = pairs.next().ok_or_else(|| SyntaxError::empty(base))?;
    Ok(lower::Lowerer { base }.file(file))
}
