//! The `.rules` files of one catalog as an editor sees them, and their check: each file parsed
//! once per change, at an offset that survives the other files' changes, so that a keystroke
//! re-parses one file and re-checks the rest from their syntax trees.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};
use miette::Diagnostic as _;

use super::index::{Declaration, FileIndex, Kind, Occurrence};
use super::text::{LineIndex, uri_of};
use crate::check::{CheckError, Checker, ParsedFile, is_error};
use crate::source::Source;

/// Room kept after each file, at least, for it to grow without moving the files after it.
const MIN_ROOM: usize = 64 << 10;

/// How far a file of `len` bytes may grow in place.
fn room(len: usize) -> usize {
    len + (len / 2).max(MIN_ROOM)
}

/// One file of the catalog.
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) uri: Uri,
    pub(crate) path: PathBuf,
    /// The name diagnostics and the CLI use: the path relative to the project's root.
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) lines: LineIndex,
    /// Whether the editor holds it open (its text is the editor's, not the disk's).
    pub(crate) open: bool,
    /// The global offset of its first byte, and how far it may grow before the files are laid
    /// out again.
    pub(crate) base: usize,
    room: usize,
    parsed: Option<Arc<ParsedFile>>,
    pub(crate) index: FileIndex,
}

impl Document {
    /// The global offset of a local one.
    pub(crate) fn global(&self, local: usize) -> usize {
        self.base + local
    }

    /// The local offset of a global one, if it falls in this file.
    pub(crate) fn local(&self, global: usize) -> Option<usize> {
        global
            .checked_sub(self.base)
            .filter(|&local| local <= self.text.len())
    }

    pub(crate) fn range(&self, start: usize, end: usize) -> lsp_types::Range {
        let start = start.saturating_sub(self.base);
        let end = end.saturating_sub(self.base);
        self.lines.range(&self.text, start, end)
    }
}

/// The files of one catalog and the outcome of their last check.
#[derive(Debug, Default)]
pub(crate) struct Project {
    /// The directory the names are relative to.
    root: PathBuf,
    /// In the order `rulec check` reads a directory in.
    pub(crate) docs: Vec<Document>,
    by_uri: HashMap<Uri, usize>,
    /// Whether a file changed since the last check.
    dirty: bool,
    /// Per file, its diagnostics from the last check.
    diagnostics: Vec<Vec<Diagnostic>>,
}

/// Orders paths as [`crate::source::files_under`] visits them: in each directory its files
/// first, then its subdirectories, each by name.
fn reading_order(a: &Path, b: &Path) -> Ordering {
    let mut left = a.components().peekable();
    let mut right = b.components().peekable();
    loop {
        match (left.next(), right.next()) {
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => {
                let x_file = left.peek().is_none();
                let y_file = right.peek().is_none();
                return y_file.cmp(&x_file).then_with(|| x.cmp(&y));
            }
            (x, y) => return x.is_some().cmp(&y.is_some()),
        }
    }
}

impl Project {
    pub(crate) fn new(root: PathBuf) -> Self {
        Self {
            root,
            dirty: true,
            ..Self::default()
        }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The file with this URI.
    pub(crate) fn doc(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(*self.by_uri.get(uri)?)
    }

    /// The file that holds a global offset.
    pub(crate) fn doc_at(&self, global: usize) -> Option<&Document> {
        let at = self
            .docs
            .partition_point(|d| d.base <= global)
            .checked_sub(1)?;
        self.docs.get(at).filter(|d| d.local(global).is_some())
    }

    /// Sets a file's text (adding the file if it is new); `open` says whether the editor holds
    /// it. Returns whether anything changed.
    pub(crate) fn set(&mut self, path: &Path, text: String, open: bool) -> bool {
        let Some(uri) = uri_of(path) else {
            return false;
        };
        if let Some(&at) = self.by_uri.get(&uri) {
            let Some(doc) = self.docs.get_mut(at) else {
                return false;
            };
            doc.open = open;
            if doc.text == text {
                return false;
            }
            let fits = text.len() <= doc.room;
            doc.lines = LineIndex::new(&text);
            doc.text = text;
            doc.parsed = None;
            self.dirty = true;
            if !fits {
                self.lay_out();
            }
            return true;
        }
        let name = path
            .strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string();
        let in_order = self
            .docs
            .last()
            .is_none_or(|last| reading_order(&last.path, path) == Ordering::Less);
        self.docs.push(Document {
            uri,
            path: path.to_owned(),
            name,
            lines: LineIndex::new(&text),
            text,
            open,
            base: 0,
            room: 0,
            parsed: None,
            index: FileIndex::default(),
        });
        if in_order {
            // Files read in order (the workspace, at start) each go after the last one.
            let base = self.end();
            let at = self.docs.len() - 1;
            if let Some(doc) = self.docs.last_mut() {
                doc.base = base;
                doc.room = room(doc.text.len());
                self.by_uri.insert(doc.uri.clone(), at);
            }
            self.dirty = true;
        } else {
            self.docs.sort_by(|a, b| reading_order(&a.path, &b.path));
            self.lay_out();
        }
        true
    }

    /// Removes a file (deleted on disk, or a closed file that is not the project's).
    pub(crate) fn remove(&mut self, uri: &Uri) -> bool {
        let Some(at) = self.by_uri.get(uri).copied() else {
            return false;
        };
        self.docs.remove(at);
        self.lay_out();
        true
    }

    /// Whether the project holds a file with this URI.
    pub(crate) fn contains(&self, uri: &Uri) -> bool {
        self.by_uri.contains_key(uri)
    }

    /// Where the next file can start: after the room of the last file but the one just added.
    fn end(&self) -> usize {
        let placed = self.docs.len().saturating_sub(1);
        self.docs
            .get(..placed)
            .and_then(<[Document]>::last)
            .map_or(0, |d| d.base + d.room + 1)
    }

    /// Places every file again, with room to grow; every file is parsed again.
    fn lay_out(&mut self) {
        let mut base = 0;
        self.by_uri.clear();
        for (at, doc) in self.docs.iter_mut().enumerate() {
            doc.base = base;
            doc.room = room(doc.text.len());
            doc.parsed = None;
            base += doc.room + 1;
            self.by_uri.insert(doc.uri.clone(), at);
        }
        self.dirty = true;
    }

    /// Checks the catalog if a file changed since the last check: each changed file is parsed
    /// again, the others are taken as they were. Returns whether it checked.
    pub(crate) fn check(&mut self) -> bool {
        if !std::mem::take(&mut self.dirty) {
            return false;
        }
        let mut checker = Checker::new();
        let mut parses = Vec::with_capacity(self.docs.len());
        for doc in &mut self.docs {
            let tree = if let Some(cached) = &doc.parsed {
                Arc::clone(cached)
            } else {
                let fresh = Arc::new(ParsedFile::parse(&doc.text, doc.base));
                doc.index = FileIndex::of(&fresh.parsed.file);
                doc.parsed = Some(Arc::clone(&fresh));
                fresh
            };
            checker.add_at(doc.base, Source::new(doc.name.clone(), doc.text.clone()));
            parses.push(tree);
        }
        let mut parses = parses.into_iter();
        let outcome = checker.check_with(|base, source| {
            parses
                .next()
                .unwrap_or_else(|| Arc::new(ParsedFile::parse(&source.text, base)))
        });
        let mut diagnostics = vec![Vec::new(); self.docs.len()];
        for error in outcome.diagnostics.list() {
            if let Some((at, diagnostic)) = self.convert(error) {
                if let Some(list) = diagnostics.get_mut(at) {
                    list.push(diagnostic);
                }
            }
        }
        self.diagnostics = diagnostics;
        true
    }

    /// Each file with its diagnostics from the last check.
    pub(crate) fn diagnostics(&self) -> impl Iterator<Item = (&Document, &[Diagnostic])> {
        self.docs
            .iter()
            .zip(&self.diagnostics)
            .map(|(doc, list)| (doc, list.as_slice()))
    }

    /// A check's diagnostic as the protocol has it, and the file it is about: its primary
    /// label's. Its other labels, in whatever file, and its help are related information; a
    /// did-you-mean's replacement rides in `data` for the quick fix.
    fn convert(&self, error: &CheckError) -> Option<(usize, Diagnostic)> {
        let labels: Vec<miette::LabeledSpan> =
            error.labels().map(Iterator::collect).unwrap_or_default();
        let primary = labels
            .iter()
            .find(|l| l.primary())
            .or_else(|| labels.first());
        let (at, range) = match primary {
            Some(label) => {
                let at = self
                    .docs
                    .partition_point(|d| d.base <= label.offset())
                    .checked_sub(1)?;
                let doc = self.docs.get(at)?;
                (at, doc.range(label.offset(), label.offset() + label.len()))
            }
            None => (0, lsp_types::Range::default()),
        };
        let doc = self.docs.get(at)?;
        let mut related = Vec::new();
        for label in &labels {
            let Some(other) = self.doc_at(label.offset()) else {
                continue;
            };
            let text = label.label().unwrap_or_default();
            let is_primary = primary.is_some_and(|p| std::ptr::eq(p, label));
            if is_primary && text.is_empty() {
                continue;
            }
            related.push(DiagnosticRelatedInformation {
                location: Location::new(
                    other.uri.clone(),
                    other.range(label.offset(), label.offset() + label.len()),
                ),
                message: text.to_owned(),
            });
        }
        let help = error.help().map(|h| h.to_string());
        if let Some(help) = &help {
            related.push(DiagnosticRelatedInformation {
                location: Location::new(doc.uri.clone(), range),
                message: format!("help: {help}"),
            });
        }
        let fix = help
            .as_deref()
            .and_then(suggested)
            .zip(primary)
            .and_then(|(name, label)| {
                let local = doc.local(label.offset())?;
                let end = local + label.len();
                let commas = doc.text.get(local..end) == Some(",");
                let (start, end) = word_around(&doc.text, local, end, commas);
                let written = doc.text.get(start..end)?;
                (written != name).then(|| {
                    serde_json::json!({
                        "replace": name,
                        "range": doc.lines.range(&doc.text, start, end),
                    })
                })
            });
        let diagnostic = Diagnostic {
            range,
            severity: Some(if is_error(error) {
                DiagnosticSeverity::ERROR
            } else {
                DiagnosticSeverity::WARNING
            }),
            code: error.code().map(|c| NumberOrString::String(c.to_string())),
            source: Some("rulec".to_owned()),
            message: error.to_string(),
            related_information: (!related.is_empty()).then_some(related),
            data: fix,
            ..Diagnostic::default()
        };
        Some((at, diagnostic))
    }

    /// The name written at a position of a file, and the file.
    pub(crate) fn occurrence(&self, uri: &Uri, local: usize) -> Option<(&Document, &Occurrence)> {
        let doc = self.doc(uri)?;
        let found = doc.index.at(doc.global(local))?;
        Some((doc, found))
    }

    /// Every declaration of a kind and name, in every file.
    pub(crate) fn declarations(
        &self,
        kind: Kind,
        name: &str,
    ) -> impl Iterator<Item = (&Document, &Declaration)> {
        self.docs.iter().flat_map(move |doc| {
            doc.index
                .declarations
                .iter()
                .filter(move |d| d.kind == kind && d.name == name)
                .map(move |d| (doc, d))
        })
    }

    /// Every occurrence (declarations too) of a kind and name, in every file.
    pub(crate) fn occurrences(
        &self,
        kind: Kind,
        name: &str,
    ) -> impl Iterator<Item = (&Document, &Occurrence)> {
        self.docs.iter().flat_map(move |doc| {
            doc.index
                .occurrences
                .iter()
                .filter(move |o| o.kind == kind && o.name == name)
                .map(move |o| (doc, o))
        })
    }

    /// Every declaration, in every file.
    pub(crate) fn all_declarations(&self) -> impl Iterator<Item = (&Document, &Declaration)> {
        self.docs
            .iter()
            .flat_map(|doc| doc.index.declarations.iter().map(move |d| (doc, d)))
    }
}

/// The name a did-you-mean help suggests: the one to write where the mistake is (inside a
/// service, the relative name the help gives after "write it as").
fn suggested(help: &str) -> Option<&str> {
    let quoted = |after: &str| -> Option<&str> {
        let start = help.find(after)? + after.len();
        let rest = help.get(start..)?;
        rest.split('`').next()
    };
    quoted("write it as `").or_else(|| quoted("did you mean `"))
}

/// The word of `text` around the bytes `start..end`: names and paths run to a separator, and
/// through commas if `commas` (an action name written with one).
pub(crate) fn word_around(text: &str, start: usize, end: usize, commas: bool) -> (usize, usize) {
    let is_word = |c: char| !crate::check::is_separator(c) || (c == ',' && commas);
    let before = text.get(..start).unwrap_or("");
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(start, |(i, _)| i);
    let after = text.get(end..).unwrap_or("");
    let end = end
        + after
            .char_indices()
            .find(|(_, c)| !is_word(*c))
            .map_or(after.len(), |(i, _)| i);
    (start, end)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::reading_order;

    #[test]
    fn files_come_before_subdirectories_as_rulec_check_reads_them() {
        let mut paths = vec!["/r/z.rules", "/r/b/a.rules", "/r/a.rules", "/r/a/z.rules"];
        paths.sort_by(|a, b| reading_order(Path::new(a), Path::new(b)));
        assert_eq!(
            paths,
            ["/r/a.rules", "/r/z.rules", "/r/a/z.rules", "/r/b/a.rules"]
        );
    }
}
