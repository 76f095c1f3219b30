//! The lines the printer writes, the comments put back between them, and the final text.
//!
//! Every line of code is written for a node with a source span. Comments that start before the
//! span and have not been written yet go on lines of their own above it; comments inside the
//! span, and those that follow it on the same source line, go at the end of its line.

use super::comments::{self, Comment};

/// The columns a filled list may take, indentation included.
pub(super) const WIDTH: usize = 100;

/// One level of indentation.
const INDENT: &str = "  ";

/// The spaces, at least, between code and a comment at the end of its line.
const COMMENT_GAP: usize = 2;

/// A line of output.
#[derive(Debug)]
enum Line {
    /// An empty line.
    Blank,
    /// Code (or a comment on its own line) and the comments at its end.
    Code {
        depth: usize,
        code: String,
        comment: Option<String>,
    },
}

/// Collects the lines of one file and puts its comments back between them.
#[derive(Debug)]
pub(super) struct Writer<'a> {
    /// The source text, to find blank lines and the lines comments sit on.
    text: &'a str,
    /// Every comment of the source, in order.
    comments: Vec<Comment>,
    /// The first comment not written yet.
    next: usize,
    lines: Vec<Line>,
    depth: usize,
    /// The source offset just past the last thing written: where blank lines are looked for.
    last_end: usize,
    /// A blank line is due before the next line.
    blank: bool,
    /// Nothing written yet in the current block: no blank line may open it.
    fresh: bool,
}

impl<'a> Writer<'a> {
    /// A writer for the comments of `text`.
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            comments: comments::scan(text),
            next: 0,
            lines: Vec::new(),
            depth: 0,
            last_end: 0,
            blank: false,
            fresh: true,
        }
    }

    /// The offset of the first `wanted` byte at or after `from`, outside comments.
    pub(super) fn find(&self, from: usize, wanted: u8) -> usize {
        comments::find_outside(self.text, &self.comments, from, wanted)
    }

    /// The byte at an offset of the source.
    pub(super) fn byte_at(&self, offset: usize) -> Option<u8> {
        self.text.as_bytes().get(offset).copied()
    }

    /// Whether any comment starts strictly between two offsets.
    pub(super) fn has_comments_between(&self, from: usize, to: usize) -> bool {
        self.comments.iter().any(|c| c.start > from && c.start < to)
    }

    /// The columns left for code at the current depth.
    pub(super) fn room(&self) -> usize {
        WIDTH.saturating_sub(self.depth * INDENT.len())
    }

    /// Asks for a blank line before what comes next, unless it opens a block.
    pub(super) fn separate(&mut self) {
        self.blank = true;
    }

    /// One line of code for the node that spans `start..end`.
    pub(super) fn line(&mut self, start: usize, end: usize, code: String) {
        self.comments_before(start);
        self.gap(start);
        self.push(code);
        self.trail(end, end);
    }

    /// A line of code that no comment can be near (a line of a filled list).
    pub(super) fn code(&mut self, code: String) {
        self.push(code);
    }

    /// The first line of a block: `head {`, for a node that starts at `start` and whose
    /// opening brace is at `brace`.
    pub(super) fn open(&mut self, start: usize, brace: usize, head: &str) {
        self.comments_before(start);
        self.gap(start);
        self.push(format!("{head} {{"));
        self.trail(brace, brace + 1);
        self.depth += 1;
        self.fresh = true;
        self.blank = false;
    }

    /// The last line of a block whose closing brace is at `brace`: its remaining comments,
    /// then `}`.
    pub(super) fn close(&mut self, brace: usize) {
        self.close_with(brace, "", brace + 1);
    }

    /// The last line of a block, then `tail`: what follows the brace on its line, up to `end`
    /// (the clauses and description of a field after an enum).
    pub(super) fn close_with(&mut self, brace: usize, tail: &str, end: usize) {
        self.comments_before(brace);
        self.depth = self.depth.saturating_sub(1);
        self.blank = false;
        self.push(format!("}}{tail}"));
        let end = end.max(brace + 1);
        self.trail(end, end);
    }

    /// The text of the file: every line, then the comments after the last one.
    pub(super) fn finish(mut self) -> String {
        self.depth = 0;
        self.comments_before(usize::MAX);
        render(&self.lines)
    }

    /// Writes, each on a line of its own, the comments that start before `offset`.
    fn comments_before(&mut self, offset: usize) {
        while let Some(comment) = self.comments.get(self.next) {
            if comment.start >= offset {
                break;
            }
            let (start, end, text) = (comment.start, comment.end, comment.text.clone());
            self.next += 1;
            self.gap(start);
            self.push(text);
            self.last_end = self.last_end.max(end);
        }
    }

    /// Asks for a blank line if the source has one before `offset`.
    fn gap(&mut self, offset: usize) {
        if comments::blank_line_between(self.text, self.last_end, offset) {
            self.blank = true;
        }
    }

    fn push(&mut self, code: String) {
        if self.blank && !self.fresh {
            self.lines.push(Line::Blank);
        }
        self.blank = false;
        self.fresh = false;
        self.lines.push(Line::Code {
            depth: self.depth,
            code,
            comment: None,
        });
    }

    /// Puts at the end of the last line (which has no comment yet) the comments that start
    /// before `until`, then those that follow `after` on the same source line.
    fn trail(&mut self, until: usize, mut after: usize) {
        let mut found: Vec<String> = Vec::new();
        while let Some(comment) = self.comments.get(self.next) {
            if comment.start < until {
                after = after.max(comment.end);
            } else if comments::same_line(self.text, after, comment.start) {
                after = comment.end;
            } else {
                break;
            }
            found.push(comment.text.clone());
            self.next += 1;
        }
        self.last_end = self.last_end.max(after);
        // A `//` comment ends its line: the comments up to the last one that others follow go
        // on lines of their own above.
        let before_last = found.len().saturating_sub(1);
        let split = found
            .get(..before_last)
            .and_then(|earlier| earlier.iter().rposition(|c| c.starts_with("//")));
        let above: Vec<String> = split.map_or_else(Vec::new, |i| found.drain(..=i).collect());
        let at = self.lines.len().saturating_sub(1);
        let Some(Line::Code { depth, comment, .. }) = self.lines.last_mut() else {
            return;
        };
        if !found.is_empty() {
            *comment = Some(found.join(" "));
        }
        let depth = *depth;
        let above = above.into_iter().map(|code| Line::Code {
            depth,
            code,
            comment: None,
        });
        self.lines.splice(at..at, above);
    }
}

/// The lines as text.
fn render(lines: &[Line]) -> String {
    let mut out = String::new();
    for (line, column) in lines.iter().zip(comment_columns(lines)) {
        if let Line::Code {
            depth,
            code,
            comment,
        } = line
        {
            out.push_str(&INDENT.repeat(*depth));
            out.push_str(code);
            if let Some(comment) = comment {
                out.push_str(&" ".repeat(column.saturating_sub(width(line)).max(1)));
                out.push_str(comment);
            }
        }
        out.push('\n');
    }
    out
}

/// Where each line's end-of-line comment starts: the comments of consecutive lines of one
/// depth line up, [`COMMENT_GAP`] columns past the widest of those lines.
fn comment_columns(lines: &[Line]) -> Vec<usize> {
    let mut columns = vec![0; lines.len()];
    let mut start = 0;
    while start < lines.len() {
        let Some(depth) = lines.get(start).and_then(commented_depth) else {
            start += 1;
            continue;
        };
        let mut end = start + 1;
        while lines.get(end).and_then(commented_depth) == Some(depth) {
            end += 1;
        }
        let run = lines.get(start..end).unwrap_or_default();
        let column = run.iter().map(width).max().unwrap_or(0) + COMMENT_GAP;
        if let Some(slots) = columns.get_mut(start..end) {
            slots.fill(column);
        }
        start = end;
    }
    columns
}

/// The depth of a line that ends in a comment.
fn commented_depth(line: &Line) -> Option<usize> {
    match line {
        Line::Code {
            depth,
            comment: Some(_),
            ..
        } => Some(*depth),
        _ => None,
    }
}

/// Columns taken by a line's indentation and code (its first line, for a block comment).
fn width(line: &Line) -> usize {
    match line {
        Line::Code { depth, code, .. } => {
            let first = code.lines().next().unwrap_or("");
            depth * INDENT.len() + first.chars().count()
        }
        Line::Blank => 0,
    }
}
