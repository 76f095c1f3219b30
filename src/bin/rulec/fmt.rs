//! `rulec fmt`: rewrite `.rules` files in the canonical layout, or show what would change.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use miette::{GraphicalReportHandler, NamedSource, Report};
use rulec::SyntaxError;
use rulec::format::format;
use rulec::source::Source;

use crate::cli::{FAILED, FmtArgs, OK, USAGE};
use crate::{load, report, unified};

/// What happened to the files.
#[derive(Debug, Default)]
struct Tally {
    files: usize,
    changed: usize,
    unparsed: usize,
    unwritten: usize,
}

pub(crate) fn run(args: &FmtArgs) -> u8 {
    let sources = match load::sources(&args.sources.paths()) {
        Ok(sources) => sources,
        Err(code) => return code,
    };
    let mut tally = Tally::default();
    let mut out = std::io::stdout().lock();
    for source in &sources {
        let written = file(source, args.check, &mut out, &mut tally);
        if let Err(error) = written.and_then(|()| out.flush()) {
            eprintln!("error: cannot write the report: {error}");
            return USAGE;
        }
    }
    eprintln!("{}", summary(&tally, args.check));
    if tally.unwritten > 0 {
        USAGE
    } else if tally.unparsed > 0 || (args.check && tally.changed > 0) {
        FAILED
    } else {
        OK
    }
}

/// Formats one file: reports its syntax errors, or prints its diff (`check`), or rewrites it.
fn file(source: &Source, check: bool, out: &mut impl Write, tally: &mut Tally) -> io::Result<()> {
    tally.files += 1;
    let formatted = match format(&source.text) {
        Ok(formatted) if formatted == source.text => return Ok(()),
        Ok(formatted) => formatted,
        Err(first) => {
            let mut errors = rulec::format::syntax_errors(&source.text);
            if errors.is_empty() {
                errors.push(first);
            }
            for error in errors {
                eprint!("{}", syntax_report(source, error));
            }
            tally.unparsed += 1;
            return Ok(());
        }
    };
    if check {
        tally.changed += 1;
        return write!(
            out,
            "{}",
            unified::unified(&source.name, &source.text, &formatted)
        );
    }
    let path = source.path().unwrap_or(Path::new(&source.name));
    if let Err(error) = replace(path, &formatted) {
        eprintln!(
            "error: cannot write `{}`: {error}; the file is unchanged",
            source.name
        );
        tally.unwritten += 1;
        return Ok(());
    }
    tally.changed += 1;
    writeln!(out, "formatted {}", source.name)
}

/// Replaces the file at `path` with `text` so that a crash, a kill or a full disk leaves either
/// the old file or the new one, never a part: the text goes to a temporary file beside it,
/// which is flushed to disk, given the file's permissions and renamed over it. A symbolic link
/// is followed: the file it points to is replaced and the link stays a link.
fn replace(path: &Path, text: &str) -> io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&target)?.permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut name = OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(format!(".{}.rulec-fmt", std::process::id()));
    let temp = dir.join(name);
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.set_permissions(permissions)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, &target)?;
        // The rename itself reaches the disk when the directory does.
        File::open(dir).and_then(|d| d.sync_all())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// The syntax error of a file as miette's graphical report, with the file's text.
fn syntax_report(source: &Source, error: SyntaxError) -> String {
    let handler = GraphicalReportHandler::new_themed(report::theme())
        .with_width(report::terminal_width())
        .with_links(false);
    let named = NamedSource::new(&source.name, source.text.clone());
    let report = Report::new(error).with_source_code(named);
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("error: {}: {report}", source.name);
    }
    out.push('\n');
    out
}

/// `formatted 1 of 5 files`, `would reformat 1 of 5 files; 1 has a syntax error`.
fn summary(tally: &Tally, check: bool) -> String {
    let verb = if check { "would reformat" } else { "formatted" };
    let plural = if tally.files == 1 { "" } else { "s" };
    let mut line = format!("{verb} {} of {} file{plural}", tally.changed, tally.files);
    if tally.unparsed > 0 {
        let has = if tally.unparsed == 1 { "has" } else { "have" };
        let _ = write!(line, "; {} {has} a syntax error", tally.unparsed);
    }
    line
}
