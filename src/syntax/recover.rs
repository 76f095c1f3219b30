//! Recovery from syntax errors, so that one run reports every mistake of a file and checks
//! everything around them.
//!
//! pest stops at the first error. Recovery works on a copy of the text edited so that no
//! offset moves: comments become spaces, a `}` that closes nothing becomes a space, a `{` that
//! is never closed gets its `}` in the white space before the next declaration (or after the
//! end of the file), and a statement that failed to parse is blanked, keeping the braces that
//! close something outside it. The copy is cut at top-level declarations and each part is
//! parsed on its own, again after each error, so a mistake costs the parse of its own
//! declaration only.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pest::Parser as _;

use super::Parsed;
use super::error::{self, SyntaxError};
use super::grammar::{Rule, RulesParser};
use super::lexemes::{self, Kind};
use super::lower::Lowerer;
use crate::ast::File;
use crate::source::Span;

/// The keywords that start a top-level declaration; `when` and `envelope` only outside every
/// block, as a service has `when` and `envelope` blocks too.
const ITEM_KEYWORDS: &[&str] = &[
    "service",
    "type",
    "schema",
    "envelope",
    "when",
    "region",
    "geography",
    "target",
    "route",
    "default",
];

/// Unclosed and stray braces and unclosed strings reported in one file; past them, braces are
/// still paired and strings ended, silently: a person fixes the first few, and a hostile file
/// stays cheap.
const MAX_STRUCTURE_ERRORS: usize = 64;

/// The keywords that start a statement inside a block, or a declaration.
const STATEMENT_KEYWORDS: &[&str] = &[
    "collect",
    "require",
    "group",
    "action",
    "data",
    "management",
    "fields",
    "when",
    "locate",
    "domain",
    "locations",
    "use",
    "types",
    "actions",
    "zones",
    "aliases",
    "service",
    "type",
    "schema",
    "envelope",
    "region",
    "geography",
    "target",
    "route",
    "default",
];

/// Errors reported in one declaration before the rest of it is given up: it bounds the parses
/// of a hostile file, and a person reads the first few anyway.
const MAX_ERRORS_PER_ITEM: usize = 16;

/// Parses `text` (at global offset `base`) however broken it is.
pub(super) fn parse(text: &str, base: usize) -> Parsed {
    let mut outline = Outline::of(text, base);
    let mut items = Vec::new();
    let mut errors = std::mem::take(&mut outline.errors);
    let starts = outline.starts.clone();
    let ends = starts.iter().skip(1).copied().chain([outline.work.len()]);
    for (index, (start, end)) in starts.iter().copied().zip(ends).enumerate() {
        let unfinished = outline.unfinished.contains(&index);
        let lacks_brace = outline.parse_item(start..end, unfinished, text, &mut items, &mut errors);
        // A `}` that closes nothing is explained by a header that lacks its `{`.
        if !lacks_brace {
            let strays = outline
                .strays
                .iter()
                .filter(|&&at| (start..end).contains(&at));
            errors.extend(strays.map(|&at| SyntaxError::stray(base + at)));
        }
    }
    errors.sort_by_key(SyntaxError::offset);
    let unparsed = outline
        .unparsed
        .iter()
        .map(|r| Span::new(base + r.start, base + r.end.min(text.len())))
        .collect();
    Parsed {
        file: File { items },
        errors,
        unparsed,
    }
}

/// A brace that is still open during the outline.
struct Open {
    at: usize,
    /// The indentation of the line it is on, to pair a `}` with the `{` it lines up with.
    indent: usize,
}

/// The working copy and its structure.
struct Outline {
    base: usize,
    /// The text as parsed: the same length and offsets as the original, plus the `}` of
    /// blocks the end of the file left open.
    work: Vec<u8>,
    /// Each brace's partner, both ways.
    partner: HashMap<usize, usize>,
    /// The `}` that recovery put in.
    added: HashSet<usize>,
    /// Where each top-level declaration starts (the first part starts at 0).
    starts: Vec<usize>,
    /// The first token of each line and its indentation.
    lines: Vec<(usize, usize)>,
    /// Parts some of whose closing braces had no room: their last error is not reported.
    unfinished: Vec<usize>,
    errors: Vec<SyntaxError>,
    /// The `}` that closed nothing, blanked, in declarations that had opened a brace.
    strays: Vec<usize>,
    stack: Vec<Open>,
    /// Whether braces are paired by indentation, for text whose braces do not balance.
    by_indent: bool,
    /// The ranges blanked or given up, in offsets of the copy.
    unparsed: Vec<Range<usize>>,
    /// The lines (by their start) with a string or pattern the line ends inside: what fails
    /// on them follows from it.
    unterminated: HashSet<usize>,
}

impl Outline {
    /// The outline of `text`: braces are paired as written when they balance, and by
    /// indentation when they do not, so that the `{` reported is the one a reader would name.
    fn of(text: &str, base: usize) -> Self {
        let plain = Self::scan(text, base, false);
        if plain.errors.is_empty() && plain.strays.is_empty() {
            plain
        } else {
            Self::scan(text, base, true)
        }
    }

    fn scan(text: &str, base: usize, by_indent: bool) -> Self {
        let lexemes = lexemes::scan(text);
        let mut outline = Self {
            base,
            work: text.as_bytes().to_vec(),
            partner: HashMap::new(),
            added: HashSet::new(),
            starts: vec![0],
            lines: Vec::new(),
            unfinished: Vec::new(),
            errors: Vec::new(),
            strays: Vec::new(),
            stack: Vec::new(),
            by_indent,
            unparsed: Vec::new(),
            unterminated: HashSet::new(),
        };
        outline.repair_lexemes(&lexemes);
        let skipped: HashMap<usize, usize> = lexemes
            .iter()
            .filter(|l| l.kind != Kind::Comment)
            .map(|l| (l.start, l.end))
            .collect();
        let mut at = 0;
        let mut line_start = 0;
        let mut indent = 0;
        let mut first_on_line = true;
        // Whether the current declaration has opened a brace: a `}` in one that has not is
        // explained by its missing `{`, which the parser reports.
        let mut opened = false;
        while let Some(&byte) = outline.work.get(at) {
            if first_on_line && !matches!(byte, b' ' | b'\t' | b'\r' | b'\n') {
                indent = at - line_start;
                outline.lines.push((at, indent));
            }
            if let Some(&end) = skipped.get(&at) {
                first_on_line = false;
                at = end.max(at + 1);
                continue;
            }
            match byte {
                b'\n' => {
                    line_start = at + 1;
                    first_on_line = true;
                }
                b' ' | b'\t' | b'\r' => {}
                _ => {
                    if first_on_line && outline.starts_item(at) {
                        outline.close_all(at, "the next declaration starts here");
                        if at > 0 {
                            outline.starts.push(at);
                        }
                        opened = false;
                    } else if byte == b'{' {
                        outline.stack.push(Open { at, indent });
                        opened = true;
                    } else if byte == b'}' {
                        outline.close(at, first_on_line.then_some(indent), opened);
                    }
                    first_on_line = false;
                }
            }
            at += 1;
        }
        outline.close_all(outline.work.len(), "the file ends here");
        outline
    }

    /// Blanks the comments of `work`, and reports and ends each string or pattern its line
    /// ends inside.
    fn repair_lexemes(&mut self, lexemes: &[lexemes::Lexeme]) {
        for lexeme in lexemes {
            let range = lexeme.start..lexeme.end;
            if lexeme.kind == Kind::Comment {
                let bytes = self.work.get_mut(range).unwrap_or_default();
                for byte in bytes.iter_mut().filter(|b| **b != b'\n') {
                    *byte = b' ';
                }
                continue;
            }
            // A string or pattern the line ends inside: reported, and ended so that the rest
            // of its statement reads.
            let string = lexeme.kind == Kind::String;
            let close = if string { b'"' } else { b'/' };
            let bytes = self.work.get(range.clone()).unwrap_or_default();
            if bytes.len() > 1 && bytes.last() == Some(&close) {
                continue;
            }
            // Braces after it mean its other quote is missing before it: the quote is dropped
            // and the line read as code. Otherwise it ends at its last character (the last
            // byte of an ASCII one).
            let code = bytes.iter().any(|b| matches!(b, b'{' | b'}'));
            if self.errors.len() < MAX_STRUCTURE_ERRORS {
                let (start, end) = (self.base + lexeme.start, self.base + lexeme.end);
                self.errors
                    .push(SyntaxError::unterminated(string, start, end));
            }
            self.unterminated.insert(self.line_start(lexeme.start));
            let bytes = self.work.get_mut(range).unwrap_or_default();
            let last = bytes.len().saturating_sub(1);
            if code {
                if let Some(quote) = bytes.first_mut() {
                    *quote = b' ';
                }
            } else if let Some(byte) = bytes.get_mut(last) {
                *byte = if last == 0 || !byte.is_ascii() {
                    b' '
                } else {
                    close
                };
            }
        }
    }

    /// Whether a top-level declaration starts at `at`, the first token of its line.
    fn starts_item(&self, at: usize) -> bool {
        let rest = self.work.get(at..).unwrap_or_default();
        let word_len = rest.iter().take_while(|b| b.is_ascii_lowercase()).count();
        let Some(word) = rest.get(..word_len) else {
            return false;
        };
        if !ITEM_KEYWORDS.iter().any(|k| k.as_bytes() == word) {
            return false;
        }
        if (word == b"when" || word == b"envelope") && !self.stack.is_empty() {
            return false;
        }
        // A keyword ends at white space or `{`; a field named like one (`type: string`) is
        // followed by `:` or `?`.
        let after = rest.get(word_len..).unwrap_or_default();
        let next = after.iter().find(|b| !b.is_ascii_whitespace());
        after
            .first()
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'{')
            && !matches!(next, Some(b':' | b'?' | b'=' | b',' | b'}'))
    }

    /// Pairs the `}` at `at` with its `{`. When braces do not balance, a `}` that starts its
    /// line (with `indent`) pairs with the open brace whose line it lines up with: the blocks
    /// opened since are the ones never closed; lining up with none, and deeper than the
    /// innermost, it closes nothing.
    fn close(&mut self, at: usize, indent: Option<usize>, opened: bool) {
        let top = self.stack.len().checked_sub(1);
        let pair = match (indent, top) {
            (_, None) => None,
            (Some(indent), Some(top)) if self.by_indent => {
                match self.stack.iter().rposition(|o| o.indent == indent) {
                    Some(pair) => Some(pair),
                    None if self.stack.get(top).is_some_and(|o| o.indent < indent) => None,
                    None => Some(top),
                }
            }
            (_, top) => top,
        };
        let Some(pair) = pair else {
            if opened && self.strays.len() < MAX_STRUCTURE_ERRORS {
                self.strays.push(at);
            }
            if let Some(byte) = self.work.get_mut(at) {
                *byte = b' ';
            }
            return;
        };
        let unclosed = self.stack.split_off(pair + 1);
        self.close_before(at, &unclosed, "this `}` closes an outer block");
        if let Some(open) = self.stack.pop() {
            self.partner.insert(open.at, at);
            self.partner.insert(at, open.at);
        }
    }

    /// Closes every open block before `at`, reporting each.
    fn close_all(&mut self, at: usize, what: &str) {
        let unclosed = std::mem::take(&mut self.stack);
        self.close_before(at, &unclosed, what);
    }

    /// Reports the `unclosed` blocks (found open at `at`) and puts each one's `}` where its
    /// body ends: before the first line after it that is indented no deeper than its own, or
    /// before `at`, in the white space after the last token.
    fn close_before(&mut self, at: usize, unclosed: &[Open], what: &str) {
        for open in unclosed.iter().rev() {
            if self.errors.len() < MAX_STRUCTURE_ERRORS {
                let owner = self.owner(open.at);
                self.errors.push(SyntaxError::unclosed(
                    &owner,
                    self.base + open.at,
                    self.base + at.min(self.work.len()),
                    what,
                ));
            }
            let after = self.lines.partition_point(|(line, _)| *line <= open.at);
            let end = self
                .lines
                .get(after..)
                .unwrap_or_default()
                .iter()
                .take_while(|(line, _)| *line < at)
                .find(|(_, indent)| *indent <= open.indent)
                .map_or(at, |(line, _)| *line);
            match self.room(end) {
                Some(place) => {
                    if let Some(byte) = self.work.get_mut(place) {
                        *byte = b'}';
                    } else {
                        self.work.push(b'}');
                    }
                    self.added.insert(place);
                    self.partner.insert(open.at, place);
                    self.partner.insert(place, open.at);
                }
                None => self.unfinished.push(self.starts.len() - 1),
            }
        }
    }

    /// Where a `}` can go before `end`: the first white space after the last token (braces put
    /// in already count as tokens), or past the end of the text.
    fn room(&self, end: usize) -> Option<usize> {
        if end >= self.work.len() {
            return Some(self.work.len());
        }
        let mut from = end;
        while from > 0
            && self
                .work
                .get(from - 1)
                .is_some_and(|b| b.is_ascii_whitespace() || self.added.contains(&(from - 1)))
        {
            from -= 1;
        }
        (from..end).find(|p| !self.added.contains(p))
    }

    /// The header a `{` opens, in two words: `service cloud-object-storage`, `group images`.
    fn owner(&self, open: usize) -> String {
        // The header is read from at most a short line's worth of text before the brace.
        let window = open.saturating_sub(160);
        let before = self.work.get(window..open).unwrap_or_default();
        let line = before
            .iter()
            .rposition(|c| *c == b'\n')
            .map_or(0, |n| n + 1);
        let header = String::from_utf8_lossy(before.get(line..).unwrap_or_default());
        header
            .split_whitespace()
            .take_while(|w| !w.starts_with('"'))
            .take(2)
            .map(|w| w.chars().take(40).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Parses one declaration's part of the copy, blanking each statement that fails, until
    /// it parses or gives up; whether a block header lacked its `{` or text outside every
    /// declaration was skipped, either of which explains a `}` that closes nothing.
    fn parse_item(
        &mut self,
        part: Range<usize>,
        unfinished: bool,
        original: &str,
        items: &mut Vec<crate::ast::Item>,
        errors: &mut Vec<SyntaxError>,
    ) -> bool {
        let mut lacks_brace = false;
        let mut reported = 0;
        let mut previous: Option<(String, usize)> = None;
        let base = self.base + part.start;
        let limit = self.base + part.end.min(self.work.len());
        for _ in 0..MAX_ERRORS_PER_ITEM {
            let Some(text) = self
                .work
                .get(part.clone())
                .and_then(|b| std::str::from_utf8(b).ok())
            else {
                return lacks_brace;
            };
            let failure = match RulesParser::parse(Rule::file, text) {
                Ok(mut pairs) => {
                    if let Some(file) = pairs.next() {
                        items.extend(Lowerer { base, limit }.file(file).items);
                    }
                    return lacks_brace;
                }
                Err(failure) => failure,
            };
            // The words of an error come from the text as written (blanked statements show
            // in it), up to a few lines past the part.
            let more = (part.end + 256).min(original.len());
            let whole = original.get(part.start..).map_or(text, |o| {
                let mut end = more - part.start;
                while !o.is_char_boundary(end) {
                    end -= 1;
                }
                o.get(..end).unwrap_or(text)
            });
            let mut mistake = error::from_pest(&failure, text, whole, base);
            if let Some(taken) = self.taken_keyword(&mistake, text, whole, base) {
                mistake = taken;
            }
            if unfinished
                && text
                    .get(mistake.token..)
                    .is_some_and(|r| r.trim().is_empty())
            {
                break;
            }
            let blank = self.statement(&mistake, text, part.start);
            lacks_brace |= blank.end == part.end && (mistake.wants_block || mistake.top_level);
            // A statement that stopped short before the last blanked one: the parser read on
            // into that one, whose error was this one's consequence.
            let root = mistake
                .short
                .map(|end| (part.start + end, part.start + mistake.token));
            if let (Some((end, token)), Some(last)) = (root, self.unparsed.last()) {
                if end <= last.start && last.start <= token && reported > 0 {
                    errors.pop();
                }
            }
            // A line like the one just reported, right after it (a block that lost its
            // header): one report covers the run.
            let same_run = mistake.between
                && previous.as_ref().is_some_and(|(wanted, end)| {
                    *wanted == mistake.wanted
                        && self
                            .work
                            .get(*end..part.start + mistake.token)
                            .is_some_and(|gap| gap.iter().all(u8::is_ascii_whitespace))
                });
            let line = self.line_start(mistake.error.offset() - self.base);
            let unterminated = self.unterminated.contains(&line);
            if !same_run && !unterminated {
                reported += 1;
                errors.push(mistake.error);
            }
            previous = mistake.between.then_some((mistake.wanted, blank.end));
            if !self.blank(blank.clone()) {
                break;
            }
            self.unparsed.push(blank);
        }
        // Given up: nothing of the part is read.
        self.unparsed.push(part);
        lacks_brace
    }

    /// The error to report instead of `mistake` when the parser read a keyword that starts the
    /// mistake's line as a name: the statement before stopped short, and the parser read on
    /// (`collect management data` takes `data` for an action, and `require` on the next line
    /// for its name). It is the error the text up to that keyword has.
    fn taken_keyword(
        &self,
        mistake: &error::Mistake,
        text: &str,
        whole: &str,
        base: usize,
    ) -> Option<error::Mistake> {
        if mistake.between || mistake.short.is_some() {
            return None;
        }
        let part = base - self.base;
        let line = self.line_start(mistake.token + part).saturating_sub(part);
        let first = line + text.get(line..)?.len() - text.get(line..)?.trim_start().len();
        let word: String = text
            .get(first..)?
            .chars()
            .take_while(char::is_ascii_lowercase)
            .collect();
        if first == mistake.token || first == 0 || !STATEMENT_KEYWORDS.contains(&word.as_str()) {
            return None;
        }
        let prefix = text.get(..first)?;
        let failure = RulesParser::parse(Rule::file, prefix).err()?;
        let earlier = error::from_pest(&failure, prefix, whole, base);
        earlier.short.is_some().then_some(earlier)
    }

    /// The statement to blank after `mistake`, in offsets of the copy; `text` is the part
    /// that starts at `start`.
    fn statement(&self, mistake: &error::Mistake, text: &str, start: usize) -> Range<usize> {
        let (from, to) = match mistake.short {
            Some(end) => (self.statement_start(start + end - 1), start + mistake.token),
            // Between declarations, what is not one reads as nothing up to the next.
            None if mistake.top_level => (start + mistake.token, start + text.len()),
            None if mistake.between => {
                let at = start + mistake.token;
                (at, self.statement_end(at))
            }
            None => {
                let at = start + mistake.token;
                (self.statement_start(at), self.statement_end(at))
            }
        };
        let to = to.max(from);
        // A block header that lacks its `{`: its body cannot be read without it.
        let has_brace = self.work.get(from..to).is_some_and(|b| b.contains(&b'{'));
        if mistake.wants_block && !has_brace {
            return from..start + text.len();
        }
        from..to
    }

    /// The first token of the statement the line of `at` belongs to: a line continues the one
    /// before when that ends in `,`, `->`, `=` or `and`.
    fn statement_start(&self, at: usize) -> usize {
        let mut line = self.line_start(at);
        while line > 0 {
            let before = self.line_start(line - 1);
            let previous = String::from_utf8_lossy(self.work.get(before..line).unwrap_or_default());
            let previous = previous.trim_end();
            let continued = [",", "->", "="].iter().any(|e| previous.ends_with(e))
                || previous.ends_with(" and");
            if !continued || previous.is_empty() {
                break;
            }
            line = before;
        }
        let rest = self.work.get(line..).unwrap_or_default();
        line + rest.iter().take_while(|b| b.is_ascii_whitespace()).count()
    }

    fn line_start(&self, at: usize) -> usize {
        self.work
            .get(..at)
            .and_then(|b| b.iter().rposition(|c| *c == b'\n'))
            .map_or(0, |n| n + 1)
    }

    /// The end of the statement whose line holds `at`: the line's end, or past the `}` of a
    /// block the line opens.
    fn statement_end(&self, at: usize) -> usize {
        let line_end = |from: usize| {
            self.work
                .get(from..)
                .and_then(|b| b.iter().position(|c| *c == b'\n'))
                .map_or(self.work.len(), |n| from + n)
        };
        let mut end = line_end(at);
        let mut scan = self.line_start(at);
        while scan < end {
            if self.work.get(scan) == Some(&b'{') {
                match self.partner.get(&scan) {
                    Some(&close) if close >= end => end = close + 1,
                    Some(_) => {}
                    None => return self.work.len(),
                }
            }
            scan += 1;
        }
        end
    }

    /// Blanks `range`, keeping line breaks and the braces whose partner is outside it; false
    /// when nothing was left to blank.
    fn blank(&mut self, range: Range<usize>) -> bool {
        let mut changed = false;
        for at in range.clone() {
            let keep = match self.work.get(at) {
                Some(b'\n' | b' ') | None => true,
                Some(b'{' | b'}') => self.partner.get(&at).is_some_and(|p| !range.contains(p)),
                Some(_) => false,
            };
            if !keep {
                if let Some(byte) = self.work.get_mut(at) {
                    *byte = b' ';
                    changed = true;
                }
            }
        }
        changed
    }
}

/// The keywords the grammar would take at the end of `prefix` (the text before a cursor), or
/// `None` when the text stops parsing before its end, so that nothing can be said there.
#[cfg(feature = "lsp")]
pub(crate) fn expected_keywords(prefix: &str) -> Option<Vec<String>> {
    pest::set_error_detail(true);
    let Err(error) = RulesParser::parse(Rule::file, prefix) else {
        // Between two declarations: the words that start one (`default` with its `targets`).
        let words = ITEM_KEYWORDS.iter().map(|w| match *w {
            "default" => "default targets".to_owned(),
            w => w.to_owned(),
        });
        return Some(words.collect());
    };
    let (offset, expected) = error::expectation(&error);
    if offset < prefix.trim_end().len() {
        return None;
    }
    let mut words: Vec<String> = expected
        .iter()
        .flat_map(|e| {
            e.split('`')
                .skip(1)
                .step_by(2)
                .filter(|w| w.len() > 1 && w.bytes().all(|b| b.is_ascii_lowercase() || b == b' '))
                .map(str::to_owned)
        })
        .collect();
    words.sort();
    words.dedup();
    Some(words)
}
