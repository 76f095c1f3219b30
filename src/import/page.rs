//! A documentation page as blocks: headings, prose, bullets and tables, in either form a user
//! has it (the page as a browser renders it to text, or its Markdown source), with every cell's
//! place in the page kept for diagnostics.

use crate::source::Span;

/// A piece of the page's text and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Text {
    /// The raw text, as the page writes it (placeholders not yet resolved).
    pub(super) raw: String,
    /// Where it is in the page.
    pub(super) span: Span,
}

/// What a table holds, known from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Action, description and the "Data Event" flag.
    ActionsWithData,
    /// Action and description; the event type comes from the section.
    Actions,
    /// "Locations in Americas | Service events available".
    Locations,
    /// A registry region, its domain, and where its events are located.
    Registry,
    /// The global registry: "Global", its domain, and where its events are located.
    GlobalRegistry,
    /// Custom event fields: path, type, description.
    Fields,
    /// `rulec doc`'s overrides: "Events from | Are located in".
    Overrides,
    /// A table of no kind the importer knows.
    Unknown,
}

impl Kind {
    /// How many cells a row of this kind has (`Unknown`: as many as its header).
    fn columns(self) -> Option<usize> {
        match self {
            Kind::ActionsWithData | Kind::Registry | Kind::GlobalRegistry | Kind::Fields => Some(3),
            Kind::Actions | Kind::Locations | Kind::Overrides => Some(2),
            Kind::Unknown => None,
        }
    }
}

/// A table: its header, its rows of cells, and the caption written after it.
#[derive(Debug, Clone)]
pub(super) struct Table {
    pub(super) kind: Kind,
    /// The header's cells (one cell for a rendered table, whose columns are not marked).
    pub(super) header: Vec<Text>,
    pub(super) rows: Vec<Vec<Text>>,
    /// `{: caption="..."}` after the table, or `rulec doc`'s `*caption*` line.
    pub(super) caption: Option<Text>,
    /// Rows that do not have the table's number of cells.
    pub(super) broken: Vec<Text>,
}

/// One block of the page.
#[derive(Debug, Clone)]
pub(super) enum Block {
    /// A section title: a Markdown heading, a line the page marks with `{: #id}`, or a short
    /// line right before a table.
    Heading(Text),
    /// A line of prose.
    Prose(Text),
    /// An item of a bulleted list.
    Bullet(Text),
    Table(Table),
}

/// A line of the page: its text without the line break, and its offset.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: usize,
}

impl Line<'_> {
    fn trimmed(&self) -> Text {
        let start = self.start + (self.text.len() - self.text.trim_start().len());
        let text = self.text.trim();
        Text {
            raw: text.to_owned(),
            span: Span::new(start, start + text.len()),
        }
    }
}

fn lines(page: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for text in page.split_inclusive('\n') {
        let body = text.trim_end_matches(['\n', '\r']);
        out.push(Line { text: body, start });
        start += text.len();
    }
    out
}

/// `{: ...}` attribute lines of the docs' Markdown dialect (kramdown).
fn is_attribute(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("{:") && text.ends_with('}')
}

/// The value of `caption="..."` in an attribute line.
fn caption_of(line: &Line<'_>) -> Option<Text> {
    let at = line.text.find("caption=\"")? + "caption=\"".len();
    let len = line.text[at..].find('"')?;
    Some(Text {
        raw: line.text[at..at + len].to_owned(),
        span: Span::new(line.start + at, line.start + at + len),
    })
}

/// Whether the byte at `i` follows a backslash.
fn escaped(bytes: &[u8], i: usize) -> bool {
    i.checked_sub(1).and_then(|j| bytes.get(j)) == Some(&b'\\')
}

/// Whether `text` holds a `|` that is not escaped as `\|`.
fn has_pipe(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'|' && !escaped(bytes, i))
}

/// A Markdown table's delimiter row: `|---|:--:|`.
fn is_delimiter(text: &str) -> bool {
    let text = text.trim();
    text.contains('-') && text.chars().all(|c| matches!(c, '-' | '|' | ':' | ' '))
}

/// The cells of one line of a pipe table, each trimmed, without the outer pipes.
fn cells(line: &Line<'_>) -> Vec<Text> {
    let bytes = line.text.as_bytes();
    let mut bounds = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'|' && !escaped(bytes, i) {
            bounds.push(i);
            bounds.push(i + 1);
        }
    }
    bounds.push(bytes.len());
    let mut out: Vec<Text> = bounds
        .chunks(2)
        .filter_map(|pair| match *pair {
            [from, to] => Some(Line {
                text: &line.text[from..to],
                start: line.start + from,
            }),
            _ => None,
        })
        .map(|cell| cell.trimmed())
        .collect();
    // The pipes that open and close a row leave an empty cell outside them.
    if out.first().is_some_and(|c| c.raw.is_empty()) && line.text.trim_start().starts_with('|') {
        out.remove(0);
    }
    if out.last().is_some_and(|c| c.raw.is_empty()) && line.text.trim_end().ends_with('|') {
        out.pop();
    }
    out
}

/// What a header says the table holds; `cells` is 1 for a rendered table.
fn kind_of(header: &[String]) -> Kind {
    let joined = header.join(" ").to_lowercase();
    let joined = joined.trim();
    let starts = |words: &[&str]| words.iter().any(|w| joined.starts_with(w));
    if starts(&["action description", "操作 描述", "操作描述"]) {
        if joined.contains("data event") || joined.contains("数据事件") {
            Kind::ActionsWithData
        } else {
            Kind::Actions
        }
    } else if joined.ends_with("service events available") {
        Kind::Locations
    } else if joined.starts_with("region")
        && joined.contains("domain")
        && joined.contains("location")
    {
        Kind::Registry
    } else if joined.starts_with("registry global registry") {
        Kind::GlobalRegistry
    } else if starts(&[
        "custom event fields type description",
        "custom event field type description",
        "field type description",
        "fields type description",
    ]) {
        Kind::Fields
    } else if joined.starts_with("events from are located in") {
        Kind::Overrides
    } else {
        Kind::Unknown
    }
}

/// Splits a rendered row (cells separated by spaces only) by what its kind says of it.
fn rendered_row(kind: Kind, line: &Line<'_>) -> Option<Vec<Text>> {
    let words: Vec<Text> = words(line);
    let join = |from: usize, to: usize| -> Option<Text> {
        let first = words.get(from)?;
        let last = words.get(to.checked_sub(1)?)?;
        Some(Text {
            raw: line.text
                [first.span.start as usize - line.start..last.span.end as usize - line.start]
                .to_owned(),
            span: Span::new(first.span.start as usize, last.span.end as usize),
        })
    };
    let n = words.len();
    let row = match kind {
        Kind::ActionsWithData if n >= 3 => vec![join(0, 1)?, join(1, n - 1)?, join(n - 1, n)?],
        Kind::Actions if n >= 2 => vec![join(0, 1)?, join(1, n)?],
        Kind::Locations if n >= 2 => vec![join(0, n - 1)?, join(n - 1, n)?],
        Kind::Registry | Kind::GlobalRegistry if n >= 3 => {
            vec![join(0, 1)?, join(1, 2)?, join(2, n)?]
        }
        Kind::Fields if n >= 2 => vec![
            join(0, 1)?,
            join(1, 2)?,
            join(2, n).unwrap_or(Text {
                raw: String::new(),
                span: Span::new(line.start + line.text.len(), line.start + line.text.len()),
            }),
        ],
        _ => return None,
    };
    Some(row)
}

/// The words of a line, split at white space, each with its place.
fn words(line: &Line<'_>) -> Vec<Text> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line
        .text
        .char_indices()
        .chain(std::iter::once((line.text.len(), ' ')))
    {
        match (c.is_whitespace(), start) {
            (true, Some(from)) => {
                out.push(Text {
                    raw: line.text[from..i].to_owned(),
                    span: Span::new(line.start + from, line.start + i),
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

/// A line that starts a rendered table: one whose words are a header the importer knows.
fn rendered_header(text: &str, resolve: &impl Fn(&str) -> String) -> Option<Kind> {
    let kind = kind_of(&[resolve(text)]);
    (kind != Kind::Unknown).then_some(kind)
}

/// A bullet item's text: `- x`, `* x`, `• x`.
fn bullet(text: &str) -> Option<&str> {
    let text = text.trim_start();
    ["- ", "* ", "• ", "+ "]
        .iter()
        .find_map(|mark| text.strip_prefix(mark))
        .map(str::trim)
}

/// A short line that reads as a title: no sentence punctuation, at most 12 words.
fn reads_as_title(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && text.chars().count() <= 80
        && text.split_whitespace().count() <= 12
        && !text.ends_with(['.', '。', ':', '：', ',', '，', ';', '|'])
        && !text.starts_with(['<', '`', '"', '/', '$'])
}

/// The page as blocks. `resolve` renders placeholders, so that headers that use them are known.
pub(super) fn blocks(page: &str, resolve: &impl Fn(&str) -> String) -> Vec<Block> {
    let lines = lines(page);
    // A page without Markdown headings or `{: #id}` marks (a rendered page whose markup is
    // gone) has its titles as short lines of their own.
    let plain = !lines.iter().any(|l| {
        let text = l.text.trim_start();
        text.starts_with("{: #") || text.starts_with("# ") || text.starts_with("## ")
    });
    let mut out: Vec<Block> = Vec::new();
    let mut i = 0;
    let mut fenced = false;
    while let Some(line) = lines.get(i) {
        let text = line.text.trim();
        i += 1;
        if text.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || text.is_empty() {
            continue;
        }
        if is_attribute(text) {
            // `{: #id}` under a line makes it a heading, in the rendered form.
            if text.starts_with("{: #")
                && let Some(Block::Prose(prose)) = out.last()
                && reads_as_title(&prose.raw)
            {
                let heading = prose.clone();
                out.pop();
                out.push(Block::Heading(heading));
            }
            continue;
        }
        if let Some(title) = text.strip_prefix('#') {
            let title = title.trim_start_matches('#');
            let cut = title.find("{:").unwrap_or(title.len());
            let offset = line.start
                + (line.text.len() - line.text.trim_start().len())
                + 1
                + (text.len() - 1 - title.len());
            let raw = &title[..cut];
            let lead = raw.len() - raw.trim_start().len();
            out.push(Block::Heading(Text {
                raw: raw.trim().to_owned(),
                span: Span::new(offset + lead, offset + lead + raw.trim().len()),
            }));
            continue;
        }
        let delimited = lines
            .get(i..)
            .and_then(|rest| rest.iter().find(|l| !l.text.trim().is_empty()))
            .is_some_and(|next| is_delimiter(next.text));
        if has_pipe(text) && !is_delimiter(text) && delimited {
            i = pipe_table(&lines, i - 1, resolve, &mut out);
            continue;
        }
        if let Some(kind) = rendered_header(text, resolve) {
            i = rendered_table(&lines, i - 1, kind, &mut out);
            continue;
        }
        let trimmed = line.trimmed();
        match bullet(text) {
            Some(item) => {
                let start = trimmed.span.end as usize - item.len();
                out.push(Block::Bullet(Text {
                    raw: item.to_owned(),
                    span: Span::new(start, trimmed.span.end as usize),
                }));
            }
            None if plain
                && reads_as_title(text)
                && !text.contains(['(', ')', '=', ';', '{', '}']) =>
            {
                out.push(Block::Heading(trimmed));
            }
            None => out.push(Block::Prose(trimmed)),
        }
    }
    out
}

/// A title right before a table is its heading, even when the page does not mark it.
fn title_before_table(out: &mut Vec<Block>) {
    if let Some(Block::Prose(prose)) = out.last()
        && reads_as_title(&prose.raw)
    {
        let heading = prose.clone();
        out.pop();
        out.push(Block::Heading(heading));
    }
}

/// The caption after a table at `i` (skipping blank lines): returns it and the next line.
fn caption_after(lines: &[Line<'_>], mut i: usize) -> (Option<Text>, usize) {
    let mut caption = None;
    while let Some(line) = lines.get(i) {
        let text = line.text.trim();
        if text.is_empty() && caption.is_none() {
            i += 1;
            continue;
        }
        if is_attribute(text) {
            if caption.is_none() {
                caption = caption_of(line);
            }
            i += 1;
            continue;
        }
        // `rulec doc` writes the caption in italics under the table.
        if caption.is_none() && text.len() > 2 && text.starts_with('*') && text.ends_with('*') {
            let trimmed = line.trimmed();
            let start = trimmed.span.start as usize + 1;
            caption = Some(Text {
                raw: text[1..text.len() - 1].to_owned(),
                span: Span::new(start, start + text.len() - 2),
            });
            i += 1;
        }
        break;
    }
    (caption, i)
}

fn pipe_table(
    lines: &[Line<'_>],
    at: usize,
    resolve: &impl Fn(&str) -> String,
    out: &mut Vec<Block>,
) -> usize {
    let Some(first) = lines.get(at) else {
        return at + 1;
    };
    let header = cells(first);
    let names: Vec<String> = header.iter().map(|c| resolve(&c.raw)).collect();
    let kind = kind_of(&names);
    let columns = kind.columns().unwrap_or(header.len()).max(1);
    let mut rows = Vec::new();
    let mut broken = Vec::new();
    let mut pending: Vec<Text> = Vec::new();
    let mut i = at + 1;
    while let Some(line) = lines.get(i) {
        let text = line.text.trim();
        if !has_pipe(text) {
            break;
        }
        i += 1;
        if is_delimiter(text) {
            continue;
        }
        let mut row = cells(line);
        if pending.is_empty() && row.len() == columns {
            rows.push(row);
            continue;
        }
        // A table rendered to text can put each cell on a line of its own.
        pending.append(&mut row);
        if pending.len() >= columns {
            let row: Vec<Text> = std::mem::take(&mut pending);
            if row.len() == columns {
                rows.push(row);
            } else {
                broken.push(line.trimmed());
            }
        }
    }
    if !pending.is_empty()
        && let Some(line) = lines.get(i - 1)
    {
        broken.push(line.trimmed());
    }
    title_before_table(out);
    let (caption, next) = caption_after(lines, i);
    out.push(Block::Table(Table {
        kind,
        header,
        rows,
        caption,
        broken,
    }));
    next
}

fn rendered_table(lines: &[Line<'_>], at: usize, kind: Kind, out: &mut Vec<Block>) -> usize {
    let Some(first) = lines.get(at) else {
        return at + 1;
    };
    let mut rows = Vec::new();
    let mut broken = Vec::new();
    let mut i = at + 1;
    while let Some(line) = lines.get(i) {
        let text = line.text.trim();
        if text.is_empty() || is_attribute(text) {
            break;
        }
        i += 1;
        match rendered_row(kind, line) {
            Some(row) => rows.push(row),
            None => broken.push(line.trimmed()),
        }
    }
    title_before_table(out);
    let (caption, next) = caption_after(lines, i);
    out.push(Block::Table(Table {
        kind,
        header: vec![first.trimmed()],
        rows,
        caption,
        broken,
    }));
    next
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;

    fn same(text: &str) -> String {
        text.to_owned()
    }

    #[test]
    fn a_table_whose_cells_are_on_lines_of_their_own() {
        let page = "管理事件\n操作 | 描述 |\n---|---|---|\na.b.c |\n读取。 |\na.d.e |\n写入。 |\n查看事件\n";
        let blocks = blocks(page, &same);
        let Block::Heading(title) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(title.raw, "管理事件");
        let Block::Table(table) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert_eq!(table.kind, Kind::Actions);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1][0].raw, "a.d.e");
        assert_eq!(&page[table.rows[1][1].span.start as usize..][..9], "写入。");
    }

    #[test]
    fn a_rendered_table_is_split_by_its_kind() {
        let page = "Heading\n\n{: #id}\n\nAction Description Data Event\ns.a.get Get it. True\n{: caption=\"Cap\" caption-side=\"bottom\"}\n";
        let blocks = blocks(page, &same);
        assert!(matches!(&blocks[0], Block::Heading(t) if t.raw == "Heading"));
        let Block::Table(table) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert_eq!(table.kind, Kind::ActionsWithData);
        let row: Vec<&str> = table.rows[0].iter().map(|c| c.raw.as_str()).collect();
        assert_eq!(row, ["s.a.get", "Get it.", "True"]);
        assert_eq!(table.caption.as_ref().unwrap().raw, "Cap");
    }

    #[test]
    fn markdown_rows_and_escaped_pipes() {
        let page =
            "## Title {: #t}\n\n| Action | Description |\n|---|---|\n| `s.a.b` | One \\| two |\n";
        let blocks = blocks(page, &same);
        assert!(matches!(&blocks[0], Block::Heading(t) if t.raw == "Title"));
        let Block::Table(table) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert_eq!(table.rows[0][1].raw, "One \\| two");
    }
}
