//! Source files, the set of them a catalog is built from, and byte spans into that set.

use std::fmt;
use std::sync::Arc;

use miette::{MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use serde::{Deserialize, Serialize};

/// One `.rules` file: its display name (usually its path) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The name shown in diagnostics, usually the path as the user gave it.
    pub name: String,
    /// The full text of the file.
    pub text: String,
    /// The file it was read from, exactly (its name may not be UTF-8).
    path: Option<std::path::PathBuf>,
}

impl Source {
    /// A source from a name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            path: None,
        }
    }

    /// The file it was read from ([`read_source`]); `None` for text given directly.
    #[must_use]
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }
}

/// A byte range in a [`SourceSet`]: offsets are global, so one span names its file too.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Span {
    /// Global offset of the first byte.
    pub start: u32,
    /// Global offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from global offsets.
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        Self {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span that covers both.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Length in bytes.
    #[must_use]
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span covers no bytes.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> Self {
        SourceSpan::new((span.start as usize).into(), span.len())
    }
}

/// A value together with the span it was written at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(node: T, span: Span) -> Self {
        Self { node, span }
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.node.fmt(f)
    }
}

/// Where a global offset falls: file, 1-based line and 1-based column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position<'a> {
    /// The file's display name.
    pub file: &'a str,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

/// The files of one catalog, laid end to end in one global offset space.
///
/// Each file starts one byte after the previous one ends, so that no offset is ambiguous.
/// It implements [`miette::SourceCode`], so a single diagnostic can label spans in two files.
#[derive(Debug, Clone, Default)]
pub struct SourceSet {
    files: Vec<(usize, Source)>,
    /// Per file, where its lines start, so that a position is found without scanning the file
    /// from its start (which made reporting n diagnostics take n² time).
    lines: Vec<LineStarts>,
    end: usize,
}

/// Where the lines of one text start.
#[derive(Debug, Clone, Default)]
struct LineStarts {
    /// After each `\n`, with 0 first: lines as rulec numbers them.
    newlines: Box<[usize]>,
    /// After each `\n`, each `\r` not followed by one, and 0 first: lines as miette's
    /// renderer numbers them.
    breaks: Box<[usize]>,
}

impl LineStarts {
    fn of(text: &str) -> Self {
        let bytes = text.as_bytes();
        let newlines = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1))
            .collect();
        let breaks = std::iter::once(0)
            .chain(
                memchr::memchr2_iter(b'\n', b'\r', bytes)
                    .filter(|&i| {
                        !(bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n'))
                    })
                    .map(|i| i + 1),
            )
            .collect();
        Self { newlines, breaks }
    }
}

/// The 0-based line of an offset among line starts.
fn line_of(starts: &[usize], offset: usize) -> usize {
    starts
        .partition_point(|&start| start <= offset)
        .saturating_sub(1)
}

impl SourceSet {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns the global offset its text starts at.
    pub fn add(&mut self, source: Source) -> usize {
        self.add_at(0, source)
    }

    /// Adds a file at global offset `base`, or just after the last file if that is further,
    /// and returns the offset its text starts at.
    pub(crate) fn add_at(&mut self, base: usize, source: Source) -> usize {
        let base = base.max(self.end);
        self.end = base + source.text.len() + 1;
        self.lines.push(LineStarts::of(&source.text));
        self.files.push((base, source));
        base
    }

    /// The files, each with its base offset.
    pub fn files(&self) -> impl Iterator<Item = (usize, &Source)> {
        self.files.iter().map(|(base, source)| (*base, source))
    }

    /// How many files the set holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the set holds no file.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file that holds a global offset, with its base offset.
    #[must_use]
    pub fn file_at(&self, offset: usize) -> Option<(usize, &Source)> {
        let (base, source) = self.files.get(self.index_at(offset)?)?;
        Some((*base, source))
    }

    fn index_at(&self, offset: usize) -> Option<usize> {
        self.files
            .partition_point(|(base, _)| *base <= offset)
            .checked_sub(1)
    }

    /// The text a span covers, or `""` if it does not fall inside one file.
    #[must_use]
    pub fn text(&self, span: Span) -> &str {
        let start = span.start as usize;
        self.file_at(start)
            .and_then(|(base, source)| source.text.get(start - base..span.end as usize - base))
            .unwrap_or("")
    }

    /// File, line and column of a global offset.
    #[must_use]
    pub fn position(&self, offset: usize) -> Option<Position<'_>> {
        let index = self.index_at(offset)?;
        let (base, source) = self.files.get(index)?;
        let local = (offset - base).min(source.text.len());
        let starts = &self.lines.get(index)?.newlines;
        let line = line_of(starts, local);
        let line_start = starts.get(line).copied().unwrap_or(0);
        let column = source
            .text
            .get(line_start..local)
            .map_or(0, |s| s.chars().count())
            + 1;
        Some(Position {
            file: &source.name,
            line: line + 1,
            column,
        })
    }
}

impl SourceCode for SourceSet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let index = self
            .index_at(span.offset())
            .ok_or(miette::MietteError::OutOfBounds)?;
        let ((base, source), lines) = self
            .files
            .get(index)
            .zip(self.lines.get(index))
            .ok_or(miette::MietteError::OutOfBounds)?;
        // miette finds the context by reading from the start of the text it is given: give it
        // only the lines around the span (one more each way than it asks for), and shift what
        // it answers by the lines before them, so that the answer is the same in O(lines).
        let start = span.offset() - base;
        let end = start + span.len();
        let first = line_of(&lines.breaks, start).saturating_sub(context_lines_before + 1);
        let last = line_of(&lines.breaks, end) + context_lines_after + 2;
        let window_start = lines.breaks.get(first).copied().unwrap_or(0);
        let window_end = lines
            .breaks
            .get(last)
            .copied()
            .unwrap_or(source.text.len())
            .min(source.text.len());
        let window = source
            .text
            .get(window_start..window_end)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let local = SourceSpan::new((start - window_start).into(), span.len());
        let contents = window.read_span(&local, context_lines_before, context_lines_after)?;
        let global = SourceSpan::new(
            (contents.span().offset() + window_start + base).into(),
            contents.span().len(),
        );
        Ok(Box::new(MietteSpanContents::new_named(
            source.name.clone(),
            contents.data(),
            global,
            contents.line() + first,
            contents.column(),
            contents.line_count() + first,
        )))
    }
}

/// A shared, immutable source set, as diagnostics hold it.
pub type SharedSources = Arc<SourceSet>;

/// Why the sources of a catalog could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SourceError {
    /// A path that does not exist or cannot be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(io::unreadable), help("check the path and its permissions"))]
    Unreadable {
        /// The path.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// A file that is not UTF-8.
    #[error("`{path}` is not valid UTF-8 (line {line}, byte {byte} of the line)")]
    #[diagnostic(
        code(io::not_utf8),
        help("save the file as UTF-8; `.rules` files are text")
    )]
    NotUtf8 {
        /// The path.
        path: String,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based byte within that line.
        byte: usize,
    },
    /// A file over the size limit.
    #[error("`{path}` is {size} bytes, more than the limit of {limit}")]
    #[diagnostic(
        code(io::too_large),
        help("split the catalog into several files in one directory")
    )]
    TooLarge {
        /// The path.
        path: String,
        /// Its size.
        size: u64,
        /// The limit, [`crate::limits::MAX_RULES_FILE_BYTES`].
        limit: usize,
    },
    /// A path that is not a regular file: a FIFO, a device, a socket.
    #[error("`{path}` is {kind}, not a file rulec reads")]
    #[diagnostic(
        code(io::not_a_file),
        help(
            "name a regular file (or a directory of them); rulec reads special files only as standard input, `-`"
        )
    )]
    NotAFile {
        /// The path.
        path: String,
        /// What it is.
        kind: &'static str,
    },
    /// A directory without any `.rules` file.
    #[error("no `.rules` files in `{path}`")]
    #[diagnostic(
        code(io::no_rules),
        help("point at a `.rules` file or a directory that holds some")
    )]
    NoRules {
        /// The directory.
        path: String,
    },
}

/// Reads the `.rules` files a list of paths names: files as given, directories searched
/// recursively for `*.rules` (see [`files_under`]), each file once.
pub fn read_sources(paths: &[std::path::PathBuf]) -> Result<Vec<Source>, SourceError> {
    let mut files = Vec::new();
    for path in paths {
        let before = files.len();
        collect_rules(path, &mut files)?;
        if files.len() == before {
            return Err(SourceError::NoRules {
                path: path.display().to_string(),
            });
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|path| seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone())));
    files.into_iter().map(|path| read_source(&path)).collect()
}

fn collect_rules(
    path: &std::path::Path,
    out: &mut Vec<std::path::PathBuf>,
) -> Result<(), SourceError> {
    let found = files_under(path, true, |p| p.extension().is_some_and(|e| e == "rules")).map_err(
        |(at, e)| SourceError::Unreadable {
            path: at.display().to_string(),
            reason: e.to_string(),
        },
    )?;
    out.extend(found);
    Ok(())
}

/// The files under `path` that `keep` accepts, directories searched recursively, each
/// directory's entries in name order. A path that is not a directory is taken as it is when
/// `explicit` is true, and filtered by `keep` otherwise. An error names the path it is about.
///
/// The search visits each directory once, however symbolic links lead back to it (a link to
/// `.` or to a parent is followed no further), and skips hidden directories (`.git`,
/// `.cache`) below `path`; `path` itself is searched whatever its name.
pub fn files_under(
    path: &std::path::Path,
    explicit: bool,
    keep: impl Fn(&std::path::Path) -> bool + Copy,
) -> Result<Vec<std::path::PathBuf>, (std::path::PathBuf, std::io::Error)> {
    let fail = |e| (path.to_owned(), e);
    if !std::fs::metadata(path).map_err(fail)?.is_dir() {
        return Ok(if explicit || keep(path) {
            vec![path.to_owned()]
        } else {
            Vec::new()
        });
    }
    let mut out = Vec::new();
    let mut visited = std::collections::HashSet::new();
    let mut pending = vec![path.to_owned()];
    while let Some(dir) = pending.pop() {
        let fail = |e| (dir.clone(), e);
        if !visited.insert(std::fs::canonicalize(&dir).map_err(fail)?) {
            continue;
        }
        let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .map_err(fail)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(fail)?;
        entries.sort();
        let mut subdirectories = Vec::new();
        for entry in entries {
            if entry.is_dir() {
                if !is_hidden(&entry) {
                    subdirectories.push(entry);
                }
            } else if keep(&entry) {
                out.push(entry);
            }
        }
        // Depth first, in name order: the stack takes the last name first.
        pending.extend(subdirectories.into_iter().rev());
    }
    Ok(out)
}

fn is_hidden(path: &std::path::Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with('.'))
}

/// Why a file could not be read whole.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Not a regular file: a directory, a FIFO, a device, a socket.
    NotAFile(&'static str),
    /// Larger than the limit: its size, or at least the bytes read before the cap.
    TooLarge(u64),
    /// What the system said.
    Io(std::io::Error),
}

/// Reads a regular file of at most `limit` bytes. The size the file system reports is not
/// trusted (`/dev/zero` reports none): the read itself stops one byte past the limit. Special
/// files are refused before they are opened, so a FIFO cannot block the read.
pub(crate) fn read_capped(path: &std::path::Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    use std::io::Read as _;
    let metadata = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotAFile(kind_of(&metadata)));
    }
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    if metadata.len() > limit {
        return Err(ReadError::TooLarge(metadata.len()));
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len().min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(ReadError::TooLarge(read.max(metadata.len())));
    }
    Ok(bytes)
}

/// What a file that is not a regular file is, for messages.
fn kind_of(metadata: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if metadata.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Reads one file as a [`Source`] named by its path.
pub fn read_source(path: &std::path::Path) -> Result<Source, SourceError> {
    let name = path.display().to_string();
    let limit = crate::limits::MAX_RULES_FILE_BYTES;
    let bytes = match read_capped(path, limit) {
        Ok(bytes) => bytes,
        Err(ReadError::NotAFile(kind)) => {
            return Err(SourceError::NotAFile { path: name, kind });
        }
        Err(ReadError::TooLarge(size)) => {
            return Err(SourceError::TooLarge {
                path: name,
                size,
                limit,
            });
        }
        Err(ReadError::Io(e)) => {
            return Err(SourceError::Unreadable {
                path: name,
                reason: e.to_string(),
            });
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source {
            path: Some(path.to_owned()),
            ..Source::new(name, text)
        }),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let before = error.as_bytes().get(..valid).unwrap_or_default();
            let line = before.split(|b| *b == b'\n').count();
            let line_start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            Err(SourceError::NotUtf8 {
                path: name,
                line,
                byte: valid - line_start + 1,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use miette::SourceCode as _;
    use proptest::prelude::*;

    use super::{Source, SourceSet};

    proptest! {
        /// The context around a span is what miette finds reading the whole text, though only
        /// the lines around the span are read.
        #[test]
        fn context_is_read_from_the_lines_around_a_span_as_from_the_whole_text(
            lines in prop::collection::vec("[a-z \t]{0,8}(\n|\r\n|\r)", 0..40),
            tail in "[a-z]{0,4}",
            at in any::<prop::sample::Index>(),
            len in 0usize..20,
            before in 0usize..3,
            after in 0usize..3,
        ) {
            let text: String = lines.concat() + &tail;
            let mut set = SourceSet::new();
            set.add(Source::new("first", "x\ny\n"));
            let base = set.add(Source::new("second", text.clone()));
            let start = at.index(text.len() + 1);
            let len = len.min(text.len() - start);
            let span = miette::SourceSpan::new((base + start).into(), len);
            let local = miette::SourceSpan::new(start.into(), len);
            let whole = text.as_str().read_span(&local, before, after);
            let windowed = set.read_span(&span, before, after);
            match (whole, windowed) {
                (Ok(whole), Ok(windowed)) => {
                    prop_assert_eq!(whole.data(), windowed.data());
                    prop_assert_eq!(whole.span().offset() + base, windowed.span().offset());
                    prop_assert_eq!(whole.span().len(), windowed.span().len());
                    prop_assert_eq!(whole.line(), windowed.line());
                    prop_assert_eq!(whole.column(), windowed.column());
                    prop_assert_eq!(whole.line_count(), windowed.line_count());
                }
                (Err(_), Err(_)) => {}
                (whole, windowed) => prop_assert!(false, "{:?} against {:?}", whole.is_ok(), windowed.is_ok()),
            }
        }

        #[test]
        fn positions_count_lines_and_characters_from_the_start_of_the_file(
            text in "([a-zé \t]{0,6}\n){0,20}[a-zé]{0,5}",
            at in any::<prop::sample::Index>(),
        ) {
            let mut set = SourceSet::new();
            set.add(Source::new("first", "x\n"));
            let base = set.add(Source::new("second", text.clone()));
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let offset = boundaries[at.index(boundaries.len())];
            let before = &text[..offset];
            let position = set.position(base + offset).unwrap();
            prop_assert_eq!(position.file, "second");
            prop_assert_eq!(position.line, before.matches('\n').count() + 1);
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            prop_assert_eq!(position.column, before[line_start..].chars().count() + 1);
        }
    }
}
