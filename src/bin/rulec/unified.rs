//! A unified diff of two texts, line by line, as `rulec fmt --check` shows it. The edit script
//! and its hunks come from `similar` (Myers' algorithm); this module bounds the work and prints
//! them.

use std::fmt::Write as _;
use std::ops::Range;
use std::time::Duration;

use similar::{Algorithm, ChangeTag, DiffOp, TextDiff};

/// Unchanged lines shown around each change.
const CONTEXT: usize = 3;

/// The largest product of the two texts' line counts diffed line by line (Myers' search then
/// takes at most a few times as many steps); past it, the lines between the common start and
/// end are shown replaced whole, which is correct but longer. Deterministic, unlike a time
/// limit.
const MAX_CELLS: usize = 1 << 22;

/// The diff of `old` and `new` in unified format, with `name` in the headers; empty when they
/// are equal.
pub(crate) fn unified(name: &str, old: &str, new: &str) -> String {
    let cells = old.lines().count().saturating_mul(new.lines().count());
    let mut config = TextDiff::configure();
    config.algorithm(Algorithm::Myers);
    if cells > MAX_CELLS {
        // An expired limit: similar keeps the common start and end and replaces the rest.
        config.timeout(Duration::ZERO);
    }
    let diff = config.diff_lines(old, new);
    let mut out = String::new();
    for hunk in diff.grouped_ops(CONTEXT) {
        if out.is_empty() {
            let _ = write!(out, "--- {name}\n+++ {name}\n");
        }
        let (old_start, old_len) = range(&hunk, DiffOp::old_range);
        let (new_start, new_len) = range(&hunk, DiffOp::new_range);
        let _ = writeln!(out, "@@ -{old_start},{old_len} +{new_start},{new_len} @@");
        for change in hunk.iter().flat_map(|op| diff.iter_changes(op)) {
            out.push(match change.tag() {
                ChangeTag::Equal => ' ',
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
            });
            let line = change.value();
            out.push_str(line.strip_suffix('\n').unwrap_or(line));
            out.push('\n');
            if change.missing_newline() {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// The 1-based start and the length of a hunk's lines on one side; `0,0` when it has none
/// there (which happens only when that side is empty: any other hunk has context lines).
fn range(hunk: &[DiffOp], side: impl Fn(&DiffOp) -> Range<usize>) -> (usize, usize) {
    let start = hunk.first().map_or(0, |op| side(op).start);
    let end = hunk.last().map_or(0, |op| side(op).end);
    if end > start {
        (start + 1, end - start)
    } else {
        (0, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("f", "a\nb\n", "a\nb\n"), "");
    }

    #[test]
    fn shows_changes_with_context() {
        let old = "1\n2\n3\n4\n5\nold\n7\n8\n9\n10\n11\n";
        let new = "1\n2\n3\n4\n5\nnew\n7\n8\n9\n10\n11\nadded\n";
        let expected = "--- f\n+++ f\n@@ -3,9 +3,10 @@\n 3\n 4\n 5\n-old\n+new\n 7\n 8\n 9\n 10\n 11\n+added\n";
        assert_eq!(unified("f", old, new), expected);
    }

    #[test]
    fn separates_distant_changes_and_marks_a_missing_newline() {
        let old = "a\n1\n2\n3\n4\n5\n6\n7\nz";
        let new = "A\n1\n2\n3\n4\n5\n6\n7\nz\n";
        let expected = "--- f\n+++ f\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n\
                        @@ -6,4 +6,4 @@\n 5\n 6\n 7\n-z\n\\ No newline at end of file\n+z\n";
        assert_eq!(unified("f", old, new), expected);
    }

    #[test]
    fn past_the_cell_limit_the_middle_is_replaced_whole_and_quickly() {
        let lines =
            |word: &str| (0..3000).fold(String::new(), |text, i| text + &format!("{word} {i}\n"));
        let (old, new) = (lines("old"), lines("new"));
        let (old, new) = (format!("same\n{old}end\n"), format!("same\n{new}end\n"));
        let diff = unified("f", &old, &new);
        assert!(
            diff.starts_with("--- f\n+++ f\n@@ -1,3002 +1,3002 @@\n same\n-old 0\n"),
            "{}",
            &diff[..80]
        );
        assert_eq!(diff.lines().filter(|l| l.starts_with('-')).count(), 3001);
        assert_eq!(diff.lines().filter(|l| l.starts_with('+')).count(), 3001);
    }
}
