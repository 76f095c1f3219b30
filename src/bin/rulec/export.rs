//! `rulec export json-schema`: the catalog as a JSON Schema on stdout.

use rulec::export;

use crate::cli::{CatalogArgs, USAGE};
use crate::{load, report};

pub(crate) fn run(args: &CatalogArgs) -> u8 {
    let catalog = match load::catalog(&args.paths(), "no schema written", USAGE) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    match serde_json::to_string_pretty(&export::json_schema(&catalog)) {
        Ok(text) => report::print(&format!("{text}\n")),
        Err(error) => {
            eprintln!("error: cannot write the schema: {error}");
            USAGE
        }
    }
}
