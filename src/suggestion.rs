//! What the user probably meant: the closest known name, and ASCII for Unicode look-alikes.

/// The candidate closest to `name`, if it is close enough to be a likely typo.
///
/// Distance is Damerau-Levenshtein (a swap of two letters counts once); a candidate qualifies
/// when at most a third of the name's characters differ.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let length = name.chars().count();
    let budget = length.max(3) / 3;
    let letters = Letters::of(name);
    // Lower bounds of the distance, cheap to compute: skip what cannot be close, then compute
    // distances from the most promising candidate on, stopping where the bound exceeds the best
    // distance found.
    let mut bounded: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| {
            *c != name
                && c.len().abs_diff(name.len()) <= budget * 4
                && c.chars().count().abs_diff(length) <= budget
        })
        .map(|c| (letters.distance_bound(&Letters::of(c)), c))
        .filter(|(bound, _)| *bound <= budget)
        .collect();
    bounded.sort_unstable();
    let mut best: Option<(usize, &str)> = None;
    for (bound, candidate) in bounded {
        if best.is_some_and(|(distance, _)| bound > distance) {
            break;
        }
        let distance = strsim::damerau_levenshtein(name, candidate);
        if distance <= budget && best.is_none_or(|b| (distance, candidate) < b) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// How many characters of a name fall in each of 64 buckets. One edit (insertion, deletion,
/// substitution or swap) changes at most two counts by one each, so half the difference of
/// two names' counts is a lower bound of their Damerau-Levenshtein distance.
struct Letters([u8; 64]);

impl Letters {
    fn of(name: &str) -> Self {
        let mut counts = [0u8; 64];
        for c in name.chars() {
            if let Some(count) = counts.get_mut(c as usize % 64) {
                *count = count.saturating_add(1);
            }
        }
        Letters(counts)
    }

    fn distance_bound(&self, other: &Letters) -> usize {
        let differences: usize = self
            .0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| usize::from(a.abs_diff(*b)))
            .sum();
        differences.div_ceil(2)
    }
}

/// `did you mean `x`?`, or the fallback when nothing is close.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    fallback: impl FnOnce() -> String,
) -> String {
    closest(name, candidates).map_or_else(fallback, |c| format!("did you mean `{c}`?"))
}

/// Characters that look like ASCII punctuation or letters used in names, and what they look like.
const CONFUSABLES: &[(char, char, &str)] = &[
    ('\u{2010}', '-', "HYPHEN"),
    ('\u{2011}', '-', "NON-BREAKING HYPHEN"),
    ('\u{2012}', '-', "FIGURE DASH"),
    ('\u{2013}', '-', "EN DASH"),
    ('\u{2014}', '-', "EM DASH"),
    ('\u{2015}', '-', "HORIZONTAL BAR"),
    ('\u{2212}', '-', "MINUS SIGN"),
    ('\u{FE63}', '-', "SMALL HYPHEN-MINUS"),
    ('\u{FF0D}', '-', "FULLWIDTH HYPHEN-MINUS"),
    ('\u{00AD}', '-', "SOFT HYPHEN"),
    ('\u{2024}', '.', "ONE DOT LEADER"),
    ('\u{FF0E}', '.', "FULLWIDTH FULL STOP"),
    ('\u{3002}', '.', "IDEOGRAPHIC FULL STOP"),
    ('\u{00B7}', '.', "MIDDLE DOT"),
    ('\u{FF0C}', ',', "FULLWIDTH COMMA"),
    ('\u{FF3F}', '_', "FULLWIDTH LOW LINE"),
    ('\u{0430}', 'a', "CYRILLIC SMALL LETTER A"),
    ('\u{0435}', 'e', "CYRILLIC SMALL LETTER IE"),
    ('\u{043E}', 'o', "CYRILLIC SMALL LETTER O"),
    ('\u{0440}', 'p', "CYRILLIC SMALL LETTER ER"),
    ('\u{0441}', 'c', "CYRILLIC SMALL LETTER ES"),
    ('\u{0445}', 'x', "CYRILLIC SMALL LETTER HA"),
    ('\u{0443}', 'y', "CYRILLIC SMALL LETTER U"),
    (
        '\u{0456}',
        'i',
        "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I",
    ),
    ('\u{0455}', 's', "CYRILLIC SMALL LETTER DZE"),
    ('\u{03BF}', 'o', "GREEK SMALL LETTER OMICRON"),
    ('\u{03B1}', 'a', "GREEK SMALL LETTER ALPHA"),
    ('\u{0131}', 'i', "LATIN SMALL LETTER DOTLESS I"),
    ('\u{200B}', ' ', "ZERO WIDTH SPACE"),
    ('\u{00A0}', ' ', "NO-BREAK SPACE"),
];

/// Characters that reorder how text displays (bidirectional controls: the "Trojan Source"
/// attack) or that show as nothing at all, with their Unicode names.
const HIDDEN: &[(char, &str)] = &[
    ('\u{202A}', "LEFT-TO-RIGHT EMBEDDING"),
    ('\u{202B}', "RIGHT-TO-LEFT EMBEDDING"),
    ('\u{202C}', "POP DIRECTIONAL FORMATTING"),
    ('\u{202D}', "LEFT-TO-RIGHT OVERRIDE"),
    ('\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
    ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
    ('\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
    ('\u{2068}', "FIRST STRONG ISOLATE"),
    ('\u{2069}', "POP DIRECTIONAL ISOLATE"),
    ('\u{200E}', "LEFT-TO-RIGHT MARK"),
    ('\u{200F}', "RIGHT-TO-LEFT MARK"),
    ('\u{061C}', "ARABIC LETTER MARK"),
    ('\u{200B}', "ZERO WIDTH SPACE"),
    ('\u{200C}', "ZERO WIDTH NON-JOINER"),
    ('\u{200D}', "ZERO WIDTH JOINER"),
    ('\u{2060}', "WORD JOINER"),
    ('\u{00AD}', "SOFT HYPHEN"),
    ('\u{00A0}', "NO-BREAK SPACE"),
    ('\u{FEFF}', "ZERO WIDTH NO-BREAK SPACE (byte-order mark)"),
];

/// `U+202E RIGHT-TO-LEFT OVERRIDE` when `c` reorders or hides text.
pub(crate) fn hidden(c: char) -> Option<String> {
    HIDDEN
        .iter()
        .find(|(h, _)| *h == c)
        .map(|(_, name)| format!("U+{:04X} {name}", u32::from(c)))
}

/// Whether `c` is a look-alike that the name checks report on their own.
pub(crate) fn is_confusable(c: char) -> bool {
    CONFUSABLES.iter().any(|(u, _, _)| *u == c)
}

/// A look-alike character in a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Confusable {
    /// Byte offset of the character in the name.
    pub(crate) offset: usize,
    /// The character.
    pub(crate) found: char,
    /// The ASCII character it looks like.
    pub(crate) looks_like: char,
    /// Its Unicode name.
    pub(crate) unicode_name: &'static str,
    /// The name with every look-alike replaced by its ASCII twin.
    pub(crate) ascii: String,
}

impl Confusable {
    /// `U+2010 HYPHEN (`‐`)`
    pub(crate) fn describe(&self) -> String {
        format!("U+{:04X} {}", u32::from(self.found), self.unicode_name)
    }
}

/// The first look-alike character in `name`, if any.
pub(crate) fn confusable(name: &str) -> Option<Confusable> {
    let lookup = |c: char| CONFUSABLES.iter().find(|(u, _, _)| *u == c);
    let (offset, found) = name.char_indices().find(|(_, c)| lookup(*c).is_some())?;
    let &(_, looks_like, unicode_name) = lookup(found)?;
    let ascii = name
        .chars()
        .map(|c| lookup(c).map_or(c, |(_, a, _)| *a))
        .filter(|c| *c != ' ')
        .collect();
    Some(Confusable {
        offset,
        found,
        looks_like,
        unicode_name,
        ascii,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{closest, confusable};

    /// Every candidate's distance, the smallest within the budget, ties to the first name.
    fn closest_by_brute_force<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let budget = name.chars().count().max(3) / 3;
        candidates
            .iter()
            .filter(|c| **c != name)
            .map(|c| (strsim::damerau_levenshtein(name, c), *c))
            .filter(|(d, _)| *d <= budget)
            .min()
            .map(|(_, c)| c)
    }

    proptest! {
        #[test]
        fn the_bounds_only_skip_what_cannot_win(
            name in "[a-eé.-]{0,14}",
            candidates in prop::collection::vec("[a-eé.-]{0,14}", 0..40),
        ) {
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            prop_assert_eq!(
                closest(&name, candidates.iter().copied()),
                closest_by_brute_force(&name, &candidates)
            );
        }
    }

    #[test]
    fn suggests_a_swapped_pair() {
        let names = [
            "container-registry.image.push",
            "container-registry.image.pull",
        ];
        assert_eq!(
            closest("container-registry.image.psuh", names),
            Some("container-registry.image.push")
        );
    }

    #[test]
    fn does_not_suggest_a_distant_name() {
        assert_eq!(closest("eu", ["us-south", "jp-tok"]), None);
    }

    #[test]
    fn finds_a_unicode_hyphen() {
        let found = confusable("container\u{2010}registry").map(|c| (c.offset, c.ascii));
        assert_eq!(found, Some((9, "container-registry".to_owned())));
    }
}
