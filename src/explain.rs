//! The long form of every diagnostic code, as `rulec explain CODE` prints it.
//!
//! Each explanation is Markdown with four sections: `## What it means`, `## Why it matters`,
//! `## Wrong` and `## Corrected`, the last two with fenced examples. `rules::` examples are
//! `.rules` text, `eval::` examples a catalog and an event, the others a command line. The
//! tests check every `rules::` and `eval::` example against the checker and the evaluator, so
//! an example cannot drift from what rulec does. The texts are `docs/codes/<prefix>/<name>.md`,
//! read at build time by the code registry ([`crate::codes`]).

use crate::codes::{CODES, Code};

/// The heading of the section that says what a code means.
pub const MEANING: &str = "## What it means";
/// The heading of the section that says why a code matters.
pub const IMPACT: &str = "## Why it matters";
/// The heading of the example that reports the code.
pub const WRONG: &str = "## Wrong";
/// The heading of the example that fixes it.
pub const CORRECTED: &str = "## Corrected";

/// The long explanation of a code, in Markdown, or `None` for an unknown code.
///
/// ```
/// let text = rulec::explain::explanation("rules::unknown_action").unwrap_or_default();
/// assert!(text.contains("## Corrected"));
/// ```
#[must_use]
pub fn explanation(code: &str) -> Option<&'static str> {
    crate::codes::lookup(code).map(|c| c.explanation.trim())
}

/// The first paragraph of what a code means, as one line of plain text.
///
/// ```
/// let meaning = rulec::explain::meaning("rules::syntax").unwrap_or_default();
/// assert!(!meaning.contains('\n'));
/// ```
#[must_use]
pub fn meaning(code: &str) -> Option<String> {
    let text = explanation(code)?;
    let section = text.split_once(MEANING)?.1.trim_start();
    let paragraph = section.split("\n\n").next()?;
    Some(paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// What a name given by a user stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Exactly one code.
    Found(&'static Code),
    /// A name without its prefix that more than one code has, e.g. `unknown_action`.
    Ambiguous(Vec<&'static Code>),
    /// No code; the closest ones, if any is close (several when they tie).
    Unknown(Vec<&'static Code>),
}

/// Finds a code by its full name (`rules::unknown_action`) or, when only one code has it, by
/// its name without the prefix (`unused_type`). Case and surrounding white space are ignored.
///
/// ```
/// use rulec::explain::{Lookup, lookup};
///
/// assert!(matches!(lookup("unused_type"), Lookup::Found(c) if c.name == "rules::unused_type"));
/// assert!(matches!(lookup("unknown_action"), Lookup::Ambiguous(c) if c.len() == 2));
/// assert!(matches!(lookup("rules::unusd_type"), Lookup::Unknown(c) if c.len() == 1));
/// ```
#[must_use]
pub fn lookup(name: &str) -> Lookup {
    let name = name.trim().to_ascii_lowercase();
    if let Some(code) = CODES.iter().find(|c| c.name == name) {
        return Lookup::Found(code);
    }
    if !name.contains("::") {
        let matching: Vec<&'static Code> = CODES.iter().filter(|c| short_name(c) == name).collect();
        match matching.as_slice() {
            [] => {}
            [code] => return Lookup::Found(code),
            _ => return Lookup::Ambiguous(matching),
        }
    }
    Lookup::Unknown(closest(&name))
}

/// The codes nearest to an unknown name: compared in full when it has a prefix, by their name
/// without the prefix when it has none. Only names within a third of the length qualify.
fn closest(name: &str) -> Vec<&'static Code> {
    let compared = |code: &'static Code| {
        if name.contains("::") {
            code.name
        } else {
            short_name(code)
        }
    };
    let budget = name.chars().count().max(3) / 3;
    let distances: Vec<(usize, &'static Code)> = CODES
        .iter()
        .map(|c| (strsim::damerau_levenshtein(name, compared(c)), c))
        .filter(|(d, _)| *d <= budget)
        .collect();
    let Some(best) = distances.iter().map(|(d, _)| *d).min() else {
        return Vec::new();
    };
    distances
        .into_iter()
        .filter(|(d, _)| *d == best)
        .map(|(_, c)| c)
        .collect()
}

/// A code's name without its prefix: `unknown_action` for `rules::unknown_action`.
#[must_use]
pub fn short_name(code: &Code) -> &'static str {
    code.name
        .split_once("::")
        .map_or(code.name, |(_, short)| short)
}
