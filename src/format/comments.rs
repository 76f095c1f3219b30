//! The comments of a source text, found by a scanner that steps over strings and regexes.
//!
//! The parser drops comments (they are trivia in the grammar), so the printer finds them here
//! and puts each back by its position relative to the spans of the nodes it prints.

use crate::syntax::lexemes::{self, Kind};

/// One `//` or `/* */` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Comment {
    /// Byte offset of its first `/`.
    pub(super) start: usize,
    /// Byte offset one past its last byte (`\n` excluded).
    pub(super) end: usize,
    /// Its text, each line without trailing white space.
    pub(super) text: String,
}

/// Every comment of `text`, in order.
///
/// The text must parse (see [`lexemes::scan`]).
pub(super) fn scan(text: &str) -> Vec<Comment> {
    lexemes::scan(text)
        .into_iter()
        .filter(|l| l.kind == Kind::Comment)
        .map(|l| comment(text, l.start, l.end))
        .collect()
}

fn comment(text: &str, start: usize, end: usize) -> Comment {
    let lines: Vec<&str> = text[start..end].lines().map(str::trim_end).collect();
    Comment {
        start,
        end,
        text: lines.join("\n"),
    }
}

/// Whether the text between two offsets holds a line with nothing but white space on it.
pub(super) fn blank_line_between(text: &str, from: usize, to: usize) -> bool {
    let Some(between) = text.get(from..to) else {
        return false;
    };
    let mut lines = between.split('\n');
    lines.next();
    lines.next_back();
    lines.any(|line| line.trim().is_empty())
}

/// Whether only spaces, tabs and commas stand between two offsets: a comment that follows so
/// closely sits at the end of the same line.
pub(super) fn same_line(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to)
        .is_some_and(|gap| gap.chars().all(|c| matches!(c, ' ' | '\t' | ',')))
}

/// The offset of the first `wanted` byte at or after `from` outside the given comments.
pub(super) fn find_outside(text: &str, comments: &[Comment], from: usize, wanted: u8) -> usize {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(&byte) = bytes.get(at) {
        if let Ok(index) = comments.binary_search_by_key(&at, |c| c.start) {
            at = comments.get(index).map_or(at + 1, |c| c.end);
        } else if byte == wanted {
            return at;
        } else {
            at += 1;
        }
    }
    from
}

#[cfg(test)]
mod tests {
    use super::{blank_line_between, scan};

    fn texts(text: &str) -> Vec<String> {
        scan(text).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn finds_line_and_block_comments() {
        let text = "// a\ntype t = string /* b\n   c */ // d\r\n";
        assert_eq!(texts(text), ["// a", "/* b\n   c */", "// d"]);
    }

    #[test]
    fn steps_over_strings_and_regexes() {
        let text = r#"a: string matches /https?:\/\/x\/*y/ "no // comment \" /* here" // yes"#;
        assert_eq!(texts(text), ["// yes"]);
    }

    #[test]
    fn an_unclosed_block_opener_is_a_regex() {
        assert_eq!(texts("a: string matches /*x/ // c"), ["// c"]);
    }

    #[test]
    fn finds_blank_lines_only_between_lines() {
        assert!(blank_line_between("a\n\n  b", 1, 5));
        assert!(blank_line_between("a\r\n \r\nb", 1, 6));
        assert!(!blank_line_between("a\n  b", 1, 4));
        assert!(!blank_line_between("a b", 2, 1));
    }
}
