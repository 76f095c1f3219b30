//! `rulec import docs PAGE`: a service's catalog from its Activity Tracker documentation page,
//! checked with the catalog it joins before it is written.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rulec::import::{self, Imported, Options};
use rulec::source::{Source, SourceSet, read_source, read_sources};
use rulec::{Catalog, Checker};

use crate::cli::{FAILED, ImportDocsArgs, OK, USAGE};
use crate::report;

/// The catalog a page is imported into when no `--catalog` is given: the shipped regions and
/// envelope.
const BASE: &[(&str, &str)] = &[
    (
        "rules/locations.rules",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/locations.rules"
        )),
    ),
    (
        "rules/envelope.rules",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/envelope.rules")),
    ),
];

/// The base catalog's sources: `--catalog DIR`'s files (without the one being written, which
/// the import replaces), or the shipped base.
fn base(args: &ImportDocsArgs) -> Result<Vec<Source>, u8> {
    let Some(dir) = &args.catalog else {
        return Ok(BASE
            .iter()
            .map(|(name, text)| Source::new(*name, *text))
            .collect());
    };
    let mut sources =
        read_sources(std::slice::from_ref(dir)).map_err(|error| report::fatal(&error))?;
    if let Some(output) = args
        .output
        .as_deref()
        .and_then(|o| std::fs::canonicalize(o).ok())
    {
        sources.retain(|s| {
            s.path().and_then(|p| std::fs::canonicalize(p).ok()) != Some(output.clone())
        });
    }
    Ok(sources)
}

/// Checks the base alone, for its regions.
fn regions_of(sources: &[Source]) -> Result<Catalog, u8> {
    let mut check = Checker::new();
    for source in sources {
        check.add(source.clone());
    }
    let checked = check.check();
    checked.catalog.ok_or_else(|| {
        eprint!(
            "{}",
            checked
                .diagnostics
                .render(&report::theme(), report::terminal_width())
        );
        eprintln!(
            "error: nothing imported: the catalog given with --catalog has errors ({})",
            checked.diagnostics.summary_line()
        );
        USAGE
    })
}

pub(crate) fn run(args: &ImportDocsArgs) -> u8 {
    let page = match read_source(&args.page) {
        Ok(page) => page,
        Err(error) => return report::fatal(&error),
    };
    let sources = match base(args) {
        Ok(sources) => sources,
        Err(code) => return code,
    };
    let base = match regions_of(&sources) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let options = Options {
        service: args.service.as_deref(),
        ..Options::new(&page.name).joining(&base)
    };
    // The page as a source with its line index: a page with thousands of defects renders
    // each without scanning the page from its start.
    let mut set = SourceSet::new();
    set.add(page.clone());
    let named = Arc::new(set);
    let imported = match import::docs(&page.text, &options) {
        Ok(imported) => imported,
        Err(defects) => {
            for defect in &defects {
                render(defect, &named);
            }
            eprintln!("error: nothing imported from {}", page.name);
            return FAILED;
        }
    };
    for defect in &imported.defects {
        render(defect, &named);
    }
    let target = args.output.as_deref().map_or_else(
        || format!("{}.rules", imported.service),
        |p| p.display().to_string(),
    );
    let checks = check(sources, &target, &imported.rules);
    let written = match &args.output {
        None => report::print(&imported.rules),
        Some(path) => write(path, &imported.rules),
    };
    summary(&page.name, &imported, args.output.as_deref());
    if written != OK {
        return written;
    }
    if checks { OK } else { FAILED }
}

fn render(defect: &rulec::import::PageDefect, page: &Arc<SourceSet>) {
    let handler = miette::GraphicalReportHandler::new_themed(report::theme())
        .with_width(report::terminal_width())
        .with_links(false);
    let report = miette::Report::new(defect.clone()).with_source_code(Arc::clone(page));
    let mut text = String::new();
    if handler.render_report(&mut text, report.as_ref()).is_err() {
        text = defect.to_string();
    }
    eprintln!("{text}");
}

/// Whether the imported rules check clean with the base; the diagnostics when they do not.
fn check(sources: Vec<Source>, name: &str, rules: &str) -> bool {
    let mut all = Checker::new();
    for source in sources {
        all.add(source);
    }
    all.add(Source::new(name, rules));
    let checked = all.check();
    if checked.diagnostics.is_clean() {
        return true;
    }
    eprint!(
        "{}",
        checked
            .diagnostics
            .render(&report::theme(), report::terminal_width())
    );
    let errors = checked.diagnostics.error_count();
    eprintln!(
        "{}: the imported rules do not check clean ({errors} error{}, {} warning{}); correct them by hand",
        if errors > 0 { "error" } else { "warning" },
        if errors == 1 { "" } else { "s" },
        checked.diagnostics.warning_count(),
        if checked.diagnostics.warning_count() == 1 {
            ""
        } else {
            "s"
        },
    );
    errors == 0
}

fn write(path: &Path, text: &str) -> u8 {
    match std::fs::write(path, text) {
        Ok(()) => OK,
        Err(error) => {
            eprintln!("error: cannot write `{}`: {error}", path.display());
            USAGE
        }
    }
}

/// What was imported, and every thing that was not, on standard error.
fn summary(page: &str, imported: &Imported, output: Option<&Path>) {
    let counts = imported.counts;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let into = output.map_or_else(
        || "standard output".to_owned(),
        |p| PathBuf::from(p).display().to_string(),
    );
    eprintln!(
        "imported `{}` from {page} into {into}: {}, {}, {}, {}, {}, {}",
        imported.service,
        plural(counts.actions, "action"),
        plural(counts.groups, "group"),
        plural(counts.fields, "field"),
        plural(counts.location_tables, "locations table"),
        plural(counts.domains, "registry domain"),
        plural(counts.overrides, "location override"),
    );
    if imported.defects.is_empty() && imported.omitted.is_empty() {
        return;
    }
    eprintln!(
        "{} on the page, {} not imported{}",
        plural(imported.defects.len(), "defect"),
        plural(imported.omitted.len(), "thing"),
        if imported.omitted.is_empty() { "" } else { ":" }
    );
    for omission in &imported.omitted {
        eprintln!("  {page}:{}: {}", omission.line, omission.what);
    }
}
