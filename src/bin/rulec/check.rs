//! `rulec check`: read, check, report, exit.

use std::io::Write as _;

use rulec::Checker;

use crate::cli::{CheckArgs, FAILED, Format, OK, USAGE};
use crate::{load, report};

pub(crate) fn run(args: &CheckArgs) -> u8 {
    let sources = match load::sources(&args.sources.paths()) {
        Ok(sources) => sources,
        Err(code) => return code,
    };
    let mut checker = Checker::new();
    for source in sources {
        checker.add(source);
    }
    let result = checker.check();
    let (diagnostics, summary) = (&result.diagnostics, result.summary);
    let written = match args.format {
        Format::Human => report::human(diagnostics, &summary),
        Format::Json => report::json(diagnostics, &summary),
        Format::Github => report::github(diagnostics, &summary),
        Format::Sarif => report::sarif(diagnostics, &summary),
    };
    if let Err(error) = written.and_then(|()| std::io::stdout().flush()) {
        eprintln!("error: cannot write the report: {error}");
        return USAGE;
    }
    let failed = summary.errors > 0 || (args.deny_warnings && summary.warnings > 0);
    // The process ends here: freeing a large catalog piece by piece would only delay it.
    std::mem::forget(result);
    if failed { FAILED } else { OK }
}
