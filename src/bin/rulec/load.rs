//! The catalog a subcommand works on: `.rules` files, directories of them, or one compiled
//! artifact, read by one loader for every subcommand.

use std::path::{Path, PathBuf};

use rulec::source::SharedSources;
use rulec::{Catalog, Checker, Source, artifact, source};

use crate::cli::USAGE;
use crate::report;

/// Reads the catalog at `paths` (the shipped `rules` when empty): one artifact, or `.rules`
/// files and directories compiled together. Prints what went wrong and says what was not done
/// (`what`, e.g. "no tests run"); the error is the exit code: `errors` when the rules have
/// errors (each subcommand keeps its contract), 2 when they cannot be read.
pub(crate) fn catalog(paths: &[PathBuf], what: &str, errors: u8) -> Result<Catalog, u8> {
    located(paths, what, errors).map(|(catalog, _)| catalog)
}

/// Where a catalog read from `.rules` files declares its items, and the sources they are in.
pub(crate) struct Origins {
    pub(crate) origins: rulec::Origins,
    pub(crate) sources: SharedSources,
}

/// [`catalog`], with the origins of its items; none for an artifact, which keeps no sources.
pub(crate) fn located(
    paths: &[PathBuf],
    what: &str,
    errors: u8,
) -> Result<(Catalog, Option<Origins>), u8> {
    let paths = or_default(paths);
    match paths.as_slice() {
        [one] if artifact::is_artifact_path(one) => Catalog::load(one)
            .map(|catalog| (catalog, None))
            .map_err(|error| report::fatal(&error)),
        _ => {
            if let Some(one) = paths.iter().find(|p| artifact::is_artifact_path(p)) {
                eprintln!(
                    "error: `{}` is not a `.rules` file or a directory: a compiled artifact is a whole catalog, so give it alone",
                    one.display()
                );
                return Err(USAGE);
            }
            let (catalog, origins) = check(sources(&paths)?, what).map_err(|_| errors)?;
            Ok((catalog, Some(origins)))
        }
    }
}

/// Reads the `.rules` files at `paths` (the shipped `rules` when empty), for the subcommands
/// that work on the text.
pub(crate) fn sources(paths: &[PathBuf]) -> Result<Vec<Source>, u8> {
    source::read_sources(&or_default(paths)).map_err(|error| report::fatal(&error))
}

/// Compiles sources, or prints their diagnostics and says what was not done (`what`, e.g.
/// "not compiled") and returns the exit code.
pub(crate) fn compile(sources: Vec<Source>, what: &str) -> Result<Catalog, u8> {
    check(sources, what).map(|(catalog, _)| catalog)
}

pub(crate) fn check(sources: Vec<Source>, what: &str) -> Result<(Catalog, Origins), u8> {
    let mut checker = Checker::new();
    for source in sources {
        checker.add(source);
    }
    let result = checker.check();
    let diagnostics = result.diagnostics;
    let Some(catalog) = result.catalog else {
        eprint!(
            "{}",
            diagnostics.render(&report::theme(), report::terminal_width())
        );
        eprintln!("error: {what}: {}", diagnostics.summary_line());
        return Err(crate::cli::FAILED);
    };
    let origins = Origins {
        origins: result.origins,
        sources: diagnostics.sources().clone(),
    };
    Ok((catalog, origins))
}

fn or_default(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![Path::new("rules").to_owned()]
    } else {
        paths.to_vec()
    }
}
