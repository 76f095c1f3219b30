//! A unified diff of two texts, line by line, as `rulec fmt --check` shows it. The edit script
//! and its hunks come from `similar` (Myers' algorithm); this module only prints them.

use std::fmt::Write as _;
use std::ops::Range;
use std::time::Duration;

use similar::{Algorithm, ChangeTag, DiffOp, TextDiff};

/// Unchanged lines shown around each change.
const CONTEXT: usize = 3;

/// How long the diff may search for the shortest edit script; past it, a longer but correct
/// script is shown.
const TIMEOUT: Duration = Duration::from_secs(1);

/// The diff of `old` and `new` in unified format, with `name` in the headers; empty when they
/// are equal.
pub(crate) fn unified(name: &str, old: &str, new: &str) -> String {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .timeout(TIMEOUT)
        .diff_lines(old, new);
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
}
