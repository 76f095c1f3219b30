//! The catalog a subcommand works on: `.rules` files, directories of them, or one compiled
//! artifact, read by one loader for every subcommand.

use std::path::{Path, PathBuf};

use rulec::{Catalog, Source, artifact, source};

use crate::cli::USAGE;
use crate::report;

/// Reads the catalog at `paths` (the shipped `rules` when empty): one artifact, or `.rules`
/// files and directories compiled together. Prints what went wrong and says what was not done
/// (`what`, e.g. "no tests run"); the error is the exit code: `errors` when the rules have
/// errors (each subcommand keeps its contract), 2 when they cannot be read.
pub(crate) fn catalog(paths: &[PathBuf], what: &str, errors: u8) -> Result<Catalog, u8> {
    let paths = or_default(paths);
    match paths.as_slice() {
        [one] if artifact::is_artifact_path(one) => {
            Catalog::load(one).map_err(|error| report::fatal(&error))
        }
        _ => {
            if let Some(one) = paths.iter().find(|p| artifact::is_artifact_path(p)) {
                eprintln!(
                    "error: `{}` is not a `.rules` file or a directory: a compiled artifact is a whole catalog, so give it alone",
                    one.display()
                );
                return Err(USAGE);
            }
            compile(sources(&paths)?, what).map_err(|_| errors)
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
    Catalog::compile(sources).map_err(|diagnostics| {
        eprint!(
            "{}",
            diagnostics.render(&report::theme(), report::terminal_width())
        );
        eprintln!("error: {what}: {}", diagnostics.summary_line());
        crate::cli::FAILED
    })
}

fn or_default(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![Path::new("rules").to_owned()]
    } else {
        paths.to_vec()
    }
}
