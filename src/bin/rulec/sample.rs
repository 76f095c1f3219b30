//! `rulec sample`: deterministic sample events for a catalog, NDJSON on stdout.

use std::io::{self, BufWriter, Write};

use rulec::sample::{self, SampleOptions};

use crate::cli::{OK, SampleArgs, USAGE};
use crate::load;

pub(crate) fn run(args: &SampleArgs) -> u8 {
    let catalog = match load::catalog(&args.catalog.paths(), "no events written", USAGE) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let options = SampleOptions {
        count: args.count,
        invalid_share: args.invalid_share,
        seed: args.seed,
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let written = sample::events(&catalog, &options)
        .try_for_each(|event| writeln!(out, "{event}"))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => OK,
        // A closed pipe (`rulec sample | head`) is not an error.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => OK,
        Err(error) => {
            eprintln!("error: cannot write the events: {error}");
            USAGE
        }
    }
}
