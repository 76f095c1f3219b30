//! `rulec check`: read, check, report, exit.

use std::io::Write as _;

use rulec::{Checker, source};

use crate::cli::{CheckArgs, FAILED, Format, OK, USAGE};
use crate::render;

pub(crate) fn run(args: &CheckArgs) -> u8 {
    let sources = match source::read_sources(&args.paths) {
        Ok(sources) => sources,
        Err(error) => return render::fatal(&error),
    };
    let mut checker = Checker::new();
    for source in sources {
        checker.add(source);
    }
    let result = checker.check();
    let (diagnostics, summary) = (&result.diagnostics, result.summary);
    let written = match args.format {
        Format::Human => render::human(diagnostics, &summary),
        Format::Json => render::json(diagnostics, &summary),
        Format::Github => render::github(diagnostics, &summary),
        Format::Sarif => render::sarif(diagnostics, &summary),
    };
    if let Err(error) = written.and_then(|()| std::io::stdout().flush()) {
        eprintln!("error: cannot write the report: {error}");
        return USAGE;
    }
    if summary.errors > 0 || (args.deny_warnings && summary.warnings > 0) {
        FAILED
    } else {
        OK
    }
}
