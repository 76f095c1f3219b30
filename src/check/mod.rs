//! Syntax trees to a checked catalog: every problem collected, sorted by position, none fatal
//! until the end.

mod draft;
mod error;
mod fields;
mod locations;
mod names;
mod routes;
mod types;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use miette::Diagnostic;

pub use error::CheckError;

use crate::ast::{self, Item};
use crate::catalog::{Catalog, CatalogData, PatternCompiler};
use crate::source::{SharedSources, Source, SourceSet, Span};
use crate::{suggestion, syntax};

pub use crate::limits::REGEX_SIZE_LIMIT;

/// Checks the sources of one catalog and builds it.
///
/// ```
/// use rulec::{Checker, Source};
///
/// let mut checker = Checker::new();
/// checker.add(Source::new("demo.rules", r#"
///     service demo "Demo" { collect management  management thing.read "Read a thing." }
/// "#));
/// let checked = checker.check();
/// assert!(checked.diagnostics.is_clean());
/// assert!(checked.catalog.unwrap().action_id("demo.thing.read").is_some());
/// ```
#[derive(Debug, Default)]
pub struct Checker {
    sources: SourceSet,
    max_declarations: Option<usize>,
}

/// What [`Checker::check`] found: the catalog when there was no error, and every diagnostic.
#[derive(Debug)]
pub struct Checked {
    /// The catalog, unless an error (not a warning) was found.
    pub catalog: Option<Catalog>,
    /// Every error and warning, sorted by position.
    pub diagnostics: Diagnostics,
    /// What was checked, errors or not.
    pub summary: Summary,
    /// Where the catalog's items are declared in the sources.
    pub origins: Origins,
}

/// Where each item of a checked catalog is declared: spans into the sources of its
/// [`Diagnostics`], in the catalog's own orders. Reports that point into the `.rules` files
/// use it, such as test coverage in the LCOV and Cobertura formats; a compiled artifact keeps
/// no sources, so it has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins {
    /// Per action, by [`crate::ActionId`] index: its declaration.
    pub actions: Vec<Span>,
    /// Per region, in [`Catalog::regions`] order: its declaration.
    pub regions: Vec<Span>,
    /// Per service, by [`crate::catalog::ServiceId`] index: per location override, its
    /// `locate` line's source location.
    pub overrides: Vec<Vec<Span>>,
    /// Per envelope field: its field line.
    pub envelope: Vec<Span>,
    /// Per distinct field list of actions ([`crate::catalog::Action::field_set`]): per field,
    /// its field line.
    pub field_sets: Vec<Vec<Span>>,
    /// Per conditional constraint: its `when` block.
    pub conditionals: Vec<Span>,
    /// Per route: per rule, its rule line.
    pub route_rules: Vec<Vec<Span>>,
    /// The `default targets` line.
    pub default_targets: Option<Span>,
}

/// Counts of what a check saw, for the closing summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// Services declared (once each).
    pub services: usize,
    /// Actions declared (once each).
    pub actions: usize,
    /// Errors found.
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
}

/// The diagnostics of one check, with the sources they point into.
///
/// `Display` lists them, one per line (`file:line:column: code: message`) after a line that
/// counts them, so that a host's `?` in `main` says what is wrong; `Debug` stays short (it
/// would otherwise print every source in full). For miette's graphical report, render it or
/// use it as a [`miette::Diagnostic`].
#[derive(Clone)]
pub struct Diagnostics {
    sources: SharedSources,
    list: Vec<CheckError>,
}

impl std::fmt::Debug for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Diagnostics")
            .field("errors", &self.error_count())
            .field("warnings", &self.warning_count())
            .field("files", &self.sources.len())
            .finish_non_exhaustive()
    }
}

impl Diagnostics {
    /// The sources the diagnostics' spans point into.
    #[must_use]
    pub fn sources(&self) -> &SharedSources {
        &self.sources
    }

    /// Every diagnostic, sorted by position.
    #[must_use]
    pub fn list(&self) -> &[CheckError] {
        &self.list
    }

    /// How many are errors.
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.list.iter().filter(|d| is_error(*d)).count()
    }

    /// How many are warnings.
    #[must_use]
    pub fn warning_count(&self) -> usize {
        self.list.len() - self.error_count()
    }

    /// Whether there is nothing at all to report.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.list.is_empty()
    }

    /// Renders every diagnostic as miette's graphical report, in `theme`, `width` columns wide.
    #[must_use]
    pub fn render(&self, theme: &miette::GraphicalTheme, width: usize) -> String {
        let handler = miette::GraphicalReportHandler::new_themed(theme.clone())
            .with_width(width)
            .with_links(false);
        let mut out = String::new();
        for diagnostic in &self.list {
            let report =
                miette::Report::new(diagnostic.clone()).with_source_code(Arc::clone(&self.sources));
            if handler.render_report(&mut out, report.as_ref()).is_err() {
                out.push_str(&diagnostic.to_string());
            }
            out.push('\n');
        }
        out
    }
}

impl Diagnostics {
    /// `the rules have 2 errors`: what the list amounts to, in one line.
    #[must_use]
    pub fn summary_line(&self) -> String {
        let errors = self.error_count();
        format!(
            "the rules have {errors} error{}",
            if errors == 1 { "" } else { "s" }
        )
    }
}

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary_line())?;
        for diagnostic in &self.list {
            let at = primary_offset(diagnostic).and_then(|o| self.sources.position(o));
            let code = diagnostic.code().map(|c| c.to_string()).unwrap_or_default();
            let level = if is_error(diagnostic) {
                "error"
            } else {
                "warning"
            };
            match at {
                Some(at) => write!(f, "\n  {}:{}:{}: ", at.file, at.line, at.column)?,
                None => f.write_str("\n  ")?,
            }
            write!(f, "{level} {code}: {diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// As one diagnostic, the list shows every problem as a related diagnostic.
impl Diagnostic for Diagnostics {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(crate::codes::load::INVALID_RULES))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(
            "run `rulec check` on the rules for the full report",
        ))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&*self.sources)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.list.iter().map(|d| d as &dyn Diagnostic)))
    }
}

/// Whether a diagnostic is an error rather than a warning.
#[must_use]
pub fn is_error(diagnostic: &dyn Diagnostic) -> bool {
    !matches!(
        diagnostic.severity(),
        Some(miette::Severity::Warning | miette::Severity::Advice)
    )
}

/// The global offset of a diagnostic's first label, for sorting and for line numbers.
#[must_use]
pub fn primary_offset(diagnostic: &dyn Diagnostic) -> Option<usize> {
    diagnostic
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| label.offset())
}

impl Checker {
    /// A checker with no sources yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The same checker with another declaration limit (default
    /// [`crate::limits::MAX_DECLARATIONS`]).
    #[must_use]
    pub fn with_max_declarations(self, max: usize) -> Self {
        Self {
            max_declarations: Some(max),
            ..self
        }
    }

    /// Adds one file of the catalog.
    pub fn add(&mut self, source: Source) {
        self.sources.add(source);
    }

    /// Adds one file of the catalog at a global offset of at least `base`, so that a file
    /// parsed earlier at that offset ([`ParsedFile`]) can be checked again without parsing it:
    /// a language server keeps room after each file for it to grow.
    #[cfg(feature = "lsp")]
    pub(crate) fn add_at(&mut self, base: usize, source: Source) -> usize {
        self.sources.add_at(base, source)
    }

    /// Parses and checks every file, collecting every problem.
    #[must_use]
    pub fn check(self) -> Checked {
        self.check_with(|base, source| Arc::new(ParsedFile::parse(&source.text, base)))
    }

    /// Checks every file, taking each one's parse from `parse` (given its base offset and its
    /// source), which may answer from a cache.
    pub(crate) fn check_with(
        self,
        mut parse: impl FnMut(usize, &Source) -> Arc<ParsedFile>,
    ) -> Checked {
        let mut list = Vec::new();
        let mut files = Vec::new();
        let limit = self
            .max_declarations
            .unwrap_or(crate::limits::MAX_DECLARATIONS);
        let mut declarations = 0;
        // A file that did not parse whole leaves references into its broken parts unresolved.
        let mut broken = false;
        let mut unparsed = Unparsed::default();
        for (base, source) in self.sources.files() {
            let parsed = parse(base, source);
            broken |= !parsed.parsed.errors.is_empty();
            list.extend(parsed.parsed.errors.iter().cloned().map(CheckError::from));
            for span in &parsed.parsed.unparsed {
                let text = self.sources.text(*span);
                let words = text.split(is_separator).filter(|w| !w.is_empty());
                unparsed.words.extend(words.map(str::to_owned));
                unparsed.spans.push(*span);
            }
            list.extend(parsed.hidden.iter().cloned());
            declarations += parsed.declarations;
            if declarations > limit {
                list.push(CheckError::TooManyDeclarations {
                    limit,
                    span: Span::new(base, base + source.text.len().min(1)).into(),
                });
                break;
            }
            files.push(parsed);
        }
        let trees: Vec<&ast::File> = files.iter().map(|f| &f.parsed.file).collect();
        let mut cx = CheckState::new(&self.sources, broken, unparsed);
        let data = cx.run(&trees);
        list.extend(cx.errors);
        let origins = cx.origins;
        drop(trees);
        list.sort_by_key(|d| primary_offset(d).unwrap_or(usize::MAX));
        let diagnostics = Diagnostics {
            sources: Arc::new(self.sources),
            list,
        };
        let summary = Summary {
            files: diagnostics.sources.len(),
            services: data.services.len(),
            actions: data.actions.len(),
            errors: diagnostics.error_count(),
            warnings: diagnostics.warning_count(),
        };
        let catalog = (summary.errors == 0).then(|| Catalog::from(data));
        Checked {
            catalog,
            diagnostics,
            summary,
            origins,
        }
    }
}

/// One file parsed (however broken) and scanned for hidden characters: what a check needs of
/// it before it looks at the other files.
#[derive(Debug)]
pub(crate) struct ParsedFile {
    /// The syntax tree, its errors and the text that did not parse.
    pub(crate) parsed: syntax::Parsed,
    /// The hidden characters found.
    pub(crate) hidden: Vec<CheckError>,
    /// How many declarations it holds.
    pub(crate) declarations: usize,
}

impl ParsedFile {
    /// Parses the text of one file whose first byte sits at global offset `base`.
    pub(crate) fn parse(text: &str, base: usize) -> Self {
        let parsed = syntax::parse_recovering(text, base);
        let mut hidden = Vec::new();
        hidden_characters(text, base, &mut hidden);
        let declarations = count_declarations(&parsed.file);
        Self {
            parsed,
            hidden,
            declarations,
        }
    }
}

/// Whether `c` separates the words of a `.rules` text (names, paths, keywords).
pub(crate) fn is_separator(c: char) -> bool {
    c.is_whitespace() || "{}()[],:;=\"/?!|<>#".contains(c)
}

/// Reports the characters that reorder or hide text (the "Trojan Source" attack): errors
/// outside comments, strings and patterns, warnings inside them. A look-alike in a name is left
/// to the name checks, which say what it looks like; a byte-order mark that opens the file is
/// not text.
fn hidden_characters(text: &str, base: usize, out: &mut Vec<CheckError>) {
    if text.is_ascii() {
        return;
    }
    let lexemes = syntax::lexemes::scan(text);
    for (offset, c) in text.char_indices() {
        let Some(character) = suggestion::hidden(c) else {
            continue;
        };
        if offset == 0 && c == '\u{FEFF}' {
            continue;
        }
        let span = Span::new(base + offset, base + offset + c.len_utf8()).into();
        let at = lexemes.partition_point(|l| l.end <= offset);
        let inside = lexemes.get(at).filter(|l| l.start <= offset);
        match inside.map(|l| l.kind) {
            Some(kind) => out.push(CheckError::HiddenText {
                character,
                place: match kind {
                    syntax::lexemes::Kind::Comment => "comment",
                    syntax::lexemes::Kind::String => "string",
                    syntax::lexemes::Kind::Regex => "pattern",
                },
                span,
            }),
            None if suggestion::is_confusable(c) => {}
            None => out.push(CheckError::HiddenCharacter { character, span }),
        }
    }
}

/// How many declarations a file holds: items, and inside them actions, field lines, zones,
/// aliases, route rules and names listed.
fn count_declarations(file: &ast::File) -> usize {
    let block = |b: &ast::FieldBlock| 1 + b.uses.len() + b.fields.len();
    file.items
        .iter()
        .map(|item| match item {
            Item::Service(s) => {
                s.items
                    .iter()
                    .map(|i| match i {
                        ast::ServiceItem::Group(g) => 1 + g.actions.len(),
                        ast::ServiceItem::Fields(f) => f.actions.len() + block(&f.block),
                        ast::ServiceItem::When(w) => block(&w.block),
                        ast::ServiceItem::Envelope(b) => block(b),
                        ast::ServiceItem::Locations(l) => 1 + l.locations.len(),
                        _ => 1,
                    })
                    .sum::<usize>()
                    + 1
            }
            Item::Schema(s) => block(&s.block),
            Item::Envelope(b) => block(b),
            Item::When(w) => block(&w.block),
            Item::Region(r) => 1 + r.zones.len() + r.aliases.len(),
            Item::Geography(g) => 1 + g.regions.len(),
            Item::Route(r) => 1 + r.rules.len(),
            Item::Type(_) | Item::Target(_) | Item::Defaults(_) => 1,
        })
        .sum()
}

/// A declaration that can be referred to, and whether anything did.
#[derive(Debug)]
struct Declared<'a, T> {
    node: &'a T,
    used: bool,
}

/// The text of the files that did not parse, which recovery skipped.
#[derive(Default)]
struct Unparsed {
    /// Its words: an unresolved reference to one of them is not reported, as it may be
    /// declared there.
    words: HashSet<String>,
    /// Where it is: a declaration around it may miss what was written there.
    spans: Vec<Span>,
}

/// The state of one check: symbol tables and the errors found so far.
struct CheckState<'a> {
    sources: &'a SourceSet,
    /// Some file did not parse whole, or a chain passed the nesting limit: unused-declaration
    /// and coverage reports are held back.
    incomplete: bool,
    /// The text that did not parse.
    unparsed: Unparsed,
    /// Whether a chain past the nesting limit was reported.
    too_deep: bool,
    /// The paths compared in `when` conditions, where they are written.
    compared: Vec<(String, Span)>,
    errors: Vec<CheckError>,
    types: BTreeMap<&'a str, Declared<'a, ast::TypeDecl>>,
    schemas: BTreeMap<&'a str, Declared<'a, ast::SchemaDecl>>,
    resolved: HashMap<&'a str, Option<types::Resolved>>,
    schema_fields: HashMap<&'a str, Vec<draft::FieldDecl>>,
    schema_stack: Vec<&'a str>,
    patterns: PatternCompiler,
    locations: locations::Table,
    /// Where the catalog's items are declared, filled as they are built.
    origins: Origins,
    /// The `locate` sources of the service whose locations are being read.
    override_spans: Vec<Span>,
}

impl<'a> CheckState<'a> {
    fn new(sources: &'a SourceSet, incomplete: bool, unparsed: Unparsed) -> Self {
        Self {
            sources,
            incomplete,
            unparsed,
            too_deep: false,
            compared: Vec::new(),
            errors: Vec::new(),
            types: BTreeMap::new(),
            schemas: BTreeMap::new(),
            resolved: HashMap::new(),
            schema_fields: HashMap::new(),
            schema_stack: Vec::new(),
            patterns: PatternCompiler::default(),
            locations: locations::Table::default(),
            origins: Origins::default(),
            override_spans: Vec::new(),
        }
    }

    fn report(&mut self, error: CheckError) {
        self.errors.push(error);
    }

    /// Reports a chain of types or schemas past [`crate::limits::MAX_NESTING`]: once, since one
    /// generated chain passes it at every level, and what it leaves unresolved is not worth
    /// reporting on top.
    fn report_too_deep(&mut self, error: CheckError) {
        if !std::mem::replace(&mut self.too_deep, true) {
            self.errors.push(error);
        }
        self.incomplete = true;
    }

    /// Reports a reference that did not resolve, unless a chain passed the nesting limit or
    /// the name is written in text that did not parse.
    fn report_unresolved(&mut self, error: CheckError) {
        let name = match &error {
            CheckError::UnknownSchema { name, .. }
            | CheckError::UnknownLocation { name, .. }
            | CheckError::UnknownAction { name, .. }
            | CheckError::UnknownTarget { name, .. }
            | CheckError::UnknownType { name, .. } => name.as_str(),
            _ => "",
        };
        // A glob may have matched what did not parse; a name, if it is written there (in full,
        // or relative to its service).
        let written = |word: &String| {
            name == word
                || name
                    .strip_suffix(word.as_str())
                    .is_some_and(|s| s.ends_with('.'))
        };
        let unparsed = !self.unparsed.words.is_empty()
            && (name.contains('*') || self.unparsed.words.iter().any(written));
        if !self.too_deep && !unparsed {
            self.errors.push(error);
        }
    }

    /// Whether a declaration (at `span`) holds text that did not parse: what it seems to lack
    /// may be written there.
    fn damaged(&self, span: Span) -> bool {
        self.unparsed
            .spans
            .iter()
            .any(|u| u.start < span.end && span.start < u.end)
    }

    fn text(&self, span: Span) -> &'a str {
        self.sources.text(span)
    }

    fn run(&mut self, files: &[&'a ast::File]) -> CatalogData {
        let items: Vec<&'a Item> = files.iter().flat_map(|f| &f.items).collect();
        let regions = self.declare_locations(&items);
        let geographies = self.declare_geographies(&items);
        self.declare_types_and_schemas(&items);
        self.resolve_types();
        let mut actions = self.declare_services(&items);
        let envelope = self.envelope(&items);
        let conditionals = self.attach_fields(&items, &envelope, &mut actions);
        self.check_conflicts(&envelope, &actions);
        self.undeclared_paths(&envelope, &actions, &conditionals);
        let routes::CheckedRoutes {
            targets,
            routes,
            default_targets,
        } = self.routes(&items, &actions);
        self.report_unused();
        let (services, actions, field_sets) = actions.finish(&mut self.origins);
        self.origins.regions = self.locations.regions.iter().map(|(_, s)| *s).collect();
        self.origins.envelope = envelope.iter().map(|d| d.span).collect();
        CatalogData {
            services,
            actions,
            field_sets,
            envelope: envelope
                .into_iter()
                .map(draft::FieldDecl::into_rule)
                .collect(),
            conditionals,
            regions,
            geographies,
            targets,
            routes,
            default_targets,
        }
    }

    fn report_unused(&mut self) {
        if self.incomplete {
            return;
        }
        let unused_types: Vec<_> = self
            .types
            .values()
            .filter(|d| !d.used)
            .map(|d| d.node.name.clone())
            .collect();
        for name in unused_types {
            self.report(CheckError::UnusedType {
                name: name.node,
                span: name.span.into(),
            });
        }
        let unused_schemas: Vec<_> = self
            .schemas
            .values()
            .filter(|d| !d.used)
            .map(|d| d.node.name.clone())
            .collect();
        for name in unused_schemas {
            self.report(CheckError::UnusedSchema {
                name: name.node,
                span: name.span.into(),
            });
        }
    }
}
