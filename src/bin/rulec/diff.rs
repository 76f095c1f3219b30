//! A unified diff of two texts, line by line, as `rulec fmt --check` shows it.

use std::fmt::Write as _;

/// Unchanged lines shown around each change.
const CONTEXT: usize = 3;

/// The largest table (lines of one text times lines of the other, once their common start and
/// end are set aside) matched line by line; past it, the differing middle is shown replaced
/// whole, which is correct but longer.
const MAX_CELLS: usize = 1 << 22;

/// One step from the old text to the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// A line of both, at these indices.
    Keep(usize, usize),
    /// A line of the old text only.
    Delete(usize),
    /// A line of the new text only.
    Insert(usize),
}

/// The diff of `old` and `new` in unified format, with `name` in the headers; empty when they
/// are equal.
pub(crate) fn unified(name: &str, old: &str, new: &str) -> String {
    let old: Vec<&str> = old.split_inclusive('\n').collect();
    let new: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = script(&old, &new);
    let mut out = String::new();
    for (first, last) in hunks(&ops) {
        if out.is_empty() {
            let _ = write!(out, "--- {name}\n+++ {name}\n");
        }
        let hunk = ops.get(first..=last).unwrap_or_default();
        let (old_start, old_len) = range(hunk, |op| match op {
            Op::Keep(i, _) | Op::Delete(i) => Some(i),
            Op::Insert(_) => None,
        });
        let (new_start, new_len) = range(hunk, |op| match op {
            Op::Keep(_, j) | Op::Insert(j) => Some(j),
            Op::Delete(_) => None,
        });
        let _ = writeln!(out, "@@ -{old_start},{old_len} +{new_start},{new_len} @@");
        for op in hunk {
            let (mark, line) = match *op {
                Op::Keep(i, _) => (' ', old.get(i)),
                Op::Delete(i) => ('-', old.get(i)),
                Op::Insert(j) => ('+', new.get(j)),
            };
            let line = line.copied().unwrap_or("");
            out.push(mark);
            out.push_str(line.strip_suffix('\n').unwrap_or(line));
            out.push('\n');
            if !line.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// The 1-based start and the length of a hunk's lines on one side; `0,0` when it has none
/// there (which happens only when that side is empty: any other hunk has context lines).
fn range(hunk: &[Op], side: impl Fn(Op) -> Option<usize>) -> (usize, usize) {
    let lines: Vec<usize> = hunk.iter().filter_map(|op| side(*op)).collect();
    lines
        .first()
        .map_or((0, 0), |first| (first + 1, lines.len()))
}

/// The edit script: common start and end kept, the middle matched by longest common
/// subsequence.
fn script(old: &[&str], new: &[&str]) -> Vec<Op> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let rest = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(rest)
        .take_while(|(a, b)| a == b)
        .count();
    let (a_end, b_end) = (old.len() - suffix, new.len() - suffix);
    let mut ops: Vec<Op> = (0..prefix).map(|i| Op::Keep(i, i)).collect();
    let a = old.get(prefix..a_end).unwrap_or_default();
    let b = new.get(prefix..b_end).unwrap_or_default();
    ops.extend(middle(a, b).into_iter().map(|op| match op {
        Op::Keep(i, j) => Op::Keep(i + prefix, j + prefix),
        Op::Delete(i) => Op::Delete(i + prefix),
        Op::Insert(j) => Op::Insert(j + prefix),
    }));
    ops.extend((0..suffix).map(|k| Op::Keep(a_end + k, b_end + k)));
    ops
}

/// The edit script of two texts that differ at both ends.
fn middle(old: &[&str], new: &[&str]) -> Vec<Op> {
    if old.len().saturating_mul(new.len()) > MAX_CELLS {
        let deleted = (0..old.len()).map(Op::Delete);
        return deleted.chain((0..new.len()).map(Op::Insert)).collect();
    }
    let width = new.len() + 1;
    let table = lcs_table(old, new);
    let cell = |r: usize, c: usize| table.get(r * width + c).copied().unwrap_or(0);
    let mut ops = Vec::with_capacity(old.len() + new.len());
    let (mut row, mut col) = (0, 0);
    loop {
        let op = match (old.get(row), new.get(col)) {
            (None, None) => break,
            (Some(line), Some(other)) if line == other => Op::Keep(row, col),
            (Some(_), Some(_)) if cell(row + 1, col) >= cell(row, col + 1) => Op::Delete(row),
            (Some(_), None) => Op::Delete(row),
            (_, Some(_)) => Op::Insert(col),
        };
        match op {
            Op::Keep(..) => (row, col) = (row + 1, col + 1),
            Op::Delete(_) => row += 1,
            Op::Insert(_) => col += 1,
        }
        ops.push(op);
    }
    ops
}

/// `table[row * (new.len() + 1) + col]`: the length of the longest common subsequence of
/// `old[row..]` and `new[col..]`.
fn lcs_table(old: &[&str], new: &[&str]) -> Vec<u32> {
    let width = new.len() + 1;
    let mut table = vec![0_u32; (old.len() + 1) * width];
    for (row, line) in old.iter().enumerate().rev() {
        for (col, other) in new.iter().enumerate().rev() {
            let cell = |r: usize, c: usize| table.get(r * width + c).copied().unwrap_or(0);
            let value = if line == other {
                cell(row + 1, col + 1) + 1
            } else {
                cell(row + 1, col).max(cell(row, col + 1))
            };
            if let Some(slot) = table.get_mut(row * width + col) {
                *slot = value;
            }
        }
    }
    table
}

/// The hunks of a script, as first and last index into it: each change with up to [`CONTEXT`]
/// kept lines around it, changes closer than that merged.
fn hunks(ops: &[Op]) -> Vec<(usize, usize)> {
    let mut hunks: Vec<(usize, usize)> = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        if matches!(op, Op::Keep(..)) {
            continue;
        }
        let first = index.saturating_sub(CONTEXT);
        let last = (index + CONTEXT).min(ops.len() - 1);
        match hunks.last_mut() {
            Some(hunk) if first <= hunk.1 + 1 => hunk.1 = last,
            _ => hunks.push((first, last)),
        }
    }
    hunks
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
