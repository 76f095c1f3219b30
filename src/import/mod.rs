//! `rulec import docs`: a catalog from a service's Activity Tracker documentation page, the way
//! back from [`crate::doc`].
//!
//! [`docs`] reads the page as a browser renders it to text or as the Markdown source of IBM's
//! docs repositories, and writes the service's `.rules` text in `rulec fmt`'s layout: the
//! action tables (with or without a "Data Event" column; a table without one takes its event
//! type from its section, as the Chinese pages' 管理事件 and 数据事件), captions, the locations
//! tables, registry domain tables and the notes that move a region's events, and the custom
//! event field tables with the enumerations and patterns their descriptions state. Each block
//! carries a comment that cites the page's section and line. What the importer cannot map is
//! listed in [`Imported::omitted`] and as `// not imported:` comments; defects of the page are
//! [`PageDefect`] diagnostics, and the rules carry the corrected names.
//!
//! ```
//! let page = "\
//! Auditing events for Demo
//!
//! Action Description Data Event
//! demo.thing.read Read a thing. True
//! demo.thing.update Update a thing. False
//! {: caption=\"Actions that generate events for things\" caption-side=\"bottom\"}
//! ";
//! let imported = rulec::import::docs(page, &rulec::import::Options::new("demo.md"))?;
//! assert!(imported.rules.contains("data thing.read \"Read a thing.\""));
//! assert!(imported.rules.contains("management thing.update \"Update a thing.\""));
//! # Ok::<(), Vec<rulec::import::PageDefect>>(())
//! ```

mod defect;
mod model;
mod page;
mod render;
mod words;

pub use defect::PageDefect;
pub use words::{CITIES_ZH, KEYWORDS, MISSPELLED_CITIES, keyword};

use crate::catalog::{Catalog, Conditional, Region};

/// What [`docs`] needs besides the page.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The page's name, cited in the imported file's first comment.
    pub page_name: &'a str,
    /// The service's CRN name. Without it, the first part of the page's action names (the
    /// service of most of them).
    pub service: Option<&'a str>,
    /// The regions whose names, zones, former names and display names the page's locations
    /// are matched against (usually those of the catalog the service joins).
    pub regions: &'a [Region],
    /// The `when` blocks of the catalog the service joins. A page `rulec doc` wrote lists
    /// them under each service; they are not imported again.
    pub conditionals: &'a [Conditional],
}

impl<'a> Options<'a> {
    /// Options for a page of that name, with the service found on the page and no catalog to
    /// join: only locations written as `global` are known.
    #[must_use]
    pub fn new(page_name: &'a str) -> Self {
        Options {
            page_name,
            service: None,
            regions: &[],
            conditionals: &[],
        }
    }

    /// The same options, for a service that joins `catalog`: its regions name the page's
    /// locations.
    #[must_use]
    pub fn joining(self, catalog: &'a Catalog) -> Self {
        Options {
            regions: catalog.regions(),
            conditionals: catalog.conditionals(),
            ..self
        }
    }
}

/// Something on the page the importer left out, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Omission {
    /// The page's line, from 1.
    pub line: usize,
    /// What was left out, and why.
    pub what: String,
}

/// Counts of what was imported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Actions.
    pub actions: usize,
    /// Groups (action tables).
    pub groups: usize,
    /// Field lines.
    pub fields: usize,
    /// Locations tables.
    pub location_tables: usize,
    /// Registry domains.
    pub domains: usize,
    /// Location overrides (`locate`).
    pub overrides: usize,
}

/// What [`docs`] made of a page.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The service's CRN name.
    pub service: String,
    /// The `.rules` text, in `rulec fmt`'s layout.
    pub rules: String,
    /// The page's defects, each a warning; the rules carry the corrections they name.
    pub defects: Vec<PageDefect>,
    /// What was not imported, in page order (also written in the rules as comments).
    pub omitted: Vec<Omission>,
    /// What was imported.
    pub counts: Counts,
}

/// Imports a service's Activity Tracker documentation page as `.rules` text.
///
/// # Errors
///
/// When the page lists no action that can be imported: every defect found, the last
/// [`PageDefect::NoActions`].
pub fn docs(page: &str, options: &Options<'_>) -> Result<Imported, Vec<PageDefect>> {
    let lines = LineIndex::new(page);
    let mut found = model::read(page, options, &lines);
    if found.model.actions() == 0 {
        found.defects.push(PageDefect::NoActions {
            span: (0, page.lines().next().map_or(0, str::len)).into(),
        });
        return Err(found.defects);
    }
    let text = render::rules(&found.model, options.page_name, &found.omitted);
    // The printer is the canonical layout; the text is written to parse.
    let rules = crate::format::format(&text).unwrap_or(text);
    found
        .defects
        .sort_by_key(|d| crate::check::primary_offset(d));
    Ok(Imported {
        service: found.model.service.clone(),
        rules,
        defects: found.defects,
        counts: found.model.counts(),
        omitted: found.omitted,
    })
}

/// Line numbers of byte offsets.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The line, from 1, of an offset.
    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}
