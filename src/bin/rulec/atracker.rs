//! `rulec import atracker` and `rulec export atracker`: an account's Activity Tracker Event
//! Routing definitions to `.rules`, and a catalog's back to the service's API bodies.

use std::path::Path;

use rulec::atracker::{self, Import};

use crate::cli::{CatalogArgs, FAILED, ImportAtrackerArgs, OK, USAGE};
use crate::{load, report};

/// Reads one input file, or says why not.
fn read(path: &Path) -> Result<String, u8> {
    std::fs::read_to_string(path).map_err(|error| {
        eprintln!("error: cannot read `{}`: {error}", path.display());
        USAGE
    })
}

pub(crate) fn import(args: &ImportAtrackerArgs) -> u8 {
    let texts = (|| {
        Ok::<_, u8>((
            read(&args.routes)?,
            args.targets.as_deref().map(read).transpose()?,
            args.settings.as_deref().map(read).transpose()?,
        ))
    })();
    let (routes, targets, settings) = match texts {
        Ok(texts) => texts,
        Err(code) => return code,
    };
    let name = |path: &Path| path.display().to_string();
    let (routes_name, targets_name, settings_name) = (
        name(&args.routes),
        args.targets.as_deref().map(name),
        args.settings.as_deref().map(name),
    );
    let input = Import {
        routes: (&routes_name, &routes),
        targets: targets_name.as_deref().zip(targets.as_deref()),
        settings: settings_name.as_deref().zip(settings.as_deref()),
    };
    let text = match atracker::import(&input) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: {error}");
            return USAGE;
        }
    };
    match &args.output {
        None => report::print(&text),
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => {
                eprintln!("wrote {}", path.display());
                OK
            }
            Err(error) => {
                eprintln!("error: cannot write `{}`: {error}", path.display());
                USAGE
            }
        },
    }
}

pub(crate) fn export(args: &CatalogArgs) -> u8 {
    let catalog = match load::catalog(&args.paths(), "nothing exported", USAGE) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    match atracker::export(&catalog) {
        Ok(bodies) => report::print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&bodies).unwrap_or_default()
        )),
        Err(problems) => {
            for problem in &problems {
                eprintln!(
                    "error[{}]: {}\n  help: {}",
                    problem.code, problem.message, problem.help
                );
            }
            eprintln!(
                "error: nothing exported: {} problem{} (`rulec explain CODE` says more)",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            FAILED
        }
    }
}
