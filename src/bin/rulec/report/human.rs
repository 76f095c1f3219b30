//! miette's graphical reports, for people.

use std::io::{self, Write as _};

use rulec::{Diagnostics, Summary};

use super::{summary_line, terminal_width, theme};

/// miette's graphical reports on stderr, coloured on a terminal unless `NO_COLOR` is set.
pub(crate) fn human(diagnostics: &Diagnostics, summary: &Summary) -> io::Result<()> {
    let mut out = io::stderr().lock();
    out.write_all(diagnostics.render(&theme(), terminal_width()).as_bytes())?;
    writeln!(out, "{}", summary_line(summary))
}
