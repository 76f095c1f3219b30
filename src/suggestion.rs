//! What the user probably meant: the closest known name, and ASCII for Unicode look-alikes.

use std::borrow::Borrow;

/// The candidate closest to `name`, if it is close enough to be a likely typo.
///
/// Distance is Damerau-Levenshtein (a swap of two letters counts once); a candidate qualifies
/// when at most a third of the name's characters differ.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let budget = name.chars().count().max(3) / 3;
    search(
        name,
        candidates
            .into_iter()
            .filter(|c| c.len().abs_diff(name.len()) <= budget * 4)
            .map(|c| (c, Fingerprint::of(c))),
    )
}

/// [`closest`] among candidates whose fingerprints were taken once, for a list searched
/// again and again (a catalog's actions and locations).
pub(crate) fn closest_fingerprinted<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = (&'a str, &'a Fingerprint)>,
) -> Option<&'a str> {
    search(name, candidates.into_iter())
}

/// What [`closest`] knows of a candidate before it computes a distance: its length in
/// characters and its letter counts.
#[derive(Debug, Clone)]
pub(crate) struct Fingerprint {
    chars: usize,
    letters: Letters,
}

impl Fingerprint {
    pub(crate) fn of(name: &str) -> Self {
        Fingerprint {
            chars: name.chars().count(),
            letters: Letters::of(name),
        }
    }
}

fn search<'a, F: Borrow<Fingerprint>>(
    name: &str,
    candidates: impl Iterator<Item = (&'a str, F)>,
) -> Option<&'a str> {
    let of_name = Fingerprint::of(name);
    let budget = of_name.chars.max(3) / 3;
    // Lower bounds of the distance, cheap to compute: skip what cannot be close, then compute
    // distances from the most promising candidate on, stopping where the bound exceeds the best
    // distance found.
    let mut bounded: Vec<(usize, &str)> = candidates
        .filter(|(c, print)| {
            *c != name
                && c.len().abs_diff(name.len()) <= budget * 4
                && print.borrow().chars.abs_diff(of_name.chars) <= budget
        })
        .map(|(c, print)| (of_name.letters.distance_bound(&print.borrow().letters), c))
        .filter(|(bound, _)| *bound <= budget)
        .collect();
    bounded.sort_unstable();
    let mut best: Option<(usize, &str)> = None;
    for (bound, candidate) in bounded {
        if best.is_some_and(|(distance, _)| bound > distance) {
            break;
        }
        let distance = damerau_levenshtein(name, candidate);
        if distance <= budget && best.is_none_or(|b| (distance, candidate) < b) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// How many characters of a name fall in each of 64 buckets. One edit (insertion, deletion,
/// substitution or swap) changes at most two counts by one each, so half the difference of
/// two names' counts is a lower bound of their Damerau-Levenshtein distance.
#[derive(Debug, Clone)]
struct Letters([u8; 64]);

impl Letters {
    fn of(name: &str) -> Self {
        let mut counts = [0u8; 64];
        if name.is_ascii() {
            for b in name.bytes() {
                if let Some(count) = counts.get_mut(usize::from(b) % 64) {
                    *count = count.saturating_add(1);
                }
            }
        } else {
            for c in name.chars() {
                if let Some(count) = counts.get_mut(c as usize % 64) {
                    *count = count.saturating_add(1);
                }
            }
        }
        Letters(counts)
    }

    fn distance_bound(&self, other: &Letters) -> usize {
        // `max - min` of bytes, summed in 16 bits, is what the compiler turns into vector
        // instructions (`abs_diff` summed in a `usize` stayed a loop of bytes).
        let differences: u16 = self
            .0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| u16::from(*a.max(b) - *a.min(b)))
            .fold(0u16, u16::wrapping_add);
        usize::from(differences).div_ceil(2)
    }
}

/// The Damerau-Levenshtein distance, as `strsim::damerau_levenshtein` computes it; names are
/// mostly ASCII, and for them the same algorithm runs on bytes with a table for the last row
/// of each byte, on the part of the names that differs.
pub(crate) fn damerau_levenshtein(a: &str, b: &str) -> usize {
    if !(a.is_ascii() && b.is_ascii()) {
        return strsim::damerau_levenshtein(a, b);
    }
    // A common prefix and suffix never change the distance (names of one service share
    // theirs), so the matrix is only as large as the part that differs.
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    (a, b) = (
        a.get(prefix..).unwrap_or_default(),
        b.get(prefix..).unwrap_or_default(),
    );
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (a, b) = (
        a.get(..a.len() - suffix).unwrap_or_default(),
        b.get(..b.len() - suffix).unwrap_or_default(),
    );
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len());
    }
    ascii_distance(a, b)
}

/// Zhao and Sahni's linear-space Damerau-Levenshtein (as in `strsim`), on two non-empty ASCII
/// byte strings.
#[allow(
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::indexing_slicing,
    clippy::many_single_char_names,
    reason = "strsim's algorithm with its names; indices are below the lengths of the rows, which are sized len2 + 2, and lengths of names fit an isize"
)]
fn ascii_distance(a: &[u8], b: &[u8]) -> usize {
    let (len1, len2) = (a.len(), b.len());
    let max_val = len1.max(len2) as isize + 1;
    let mut last_row = [-1isize; 128];
    let size = len2 + 2;
    let mut fr = vec![max_val; size];
    let mut r1 = vec![max_val; size];
    let mut r: Vec<isize> = std::iter::once(max_val)
        .chain(0..(size - 1) as isize)
        .collect();
    for (i, &ch1) in a.iter().enumerate().map(|(i, c)| (i as isize + 1, c)) {
        std::mem::swap(&mut r, &mut r1);
        let mut last_col: isize = -1;
        let mut last_i2l1 = r[1];
        r[1] = i;
        let mut t = max_val;
        for (j, &ch2) in b.iter().enumerate().map(|(j, c)| (j + 1, c)) {
            let diag = r1[j] + isize::from(ch1 != ch2);
            let left = r[j] + 1;
            let up = r1[j + 1] + 1;
            let mut temp = diag.min(left).min(up);
            if ch1 == ch2 {
                last_col = j as isize;
                fr[j + 1] = r1[j - 1];
                t = last_i2l1;
            } else {
                let k = last_row[usize::from(ch2 & 0x7f)];
                let l = last_col;
                if j as isize - l == 1 {
                    temp = temp.min(fr[j + 1] + (i - k));
                } else if i - k == 1 {
                    temp = temp.min(t + (j as isize - l));
                }
            }
            last_i2l1 = r[j + 1];
            r[j + 1] = temp;
        }
        last_row[usize::from(ch1 & 0x7f)] = i;
    }
    r[len2 + 1] as usize
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

    use super::{closest, confusable, damerau_levenshtein};

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

        #[test]
        fn the_distance_is_strsims(a in "[abc.é]{0,12}", b in "[abc.é]{0,12}") {
            prop_assert_eq!(damerau_levenshtein(&a, &b), strsim::damerau_levenshtein(&a, &b));
        }

        #[test]
        fn the_distance_is_strsims_on_names(
            a in "[a-z]{1,3}\\.[a-z-]{0,12}\\.[a-z]{1,6}",
            b in "[a-z]{1,3}\\.[a-z-]{0,12}\\.[a-z]{1,6}",
        ) {
            prop_assert_eq!(damerau_levenshtein(&a, &b), strsim::damerau_levenshtein(&a, &b));
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
