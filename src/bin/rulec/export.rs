//! `rulec export json-schema`: the catalog as a JSON Schema on stdout.

use rulec::export;

use crate::cli::{CatalogArgs, OK, USAGE};
use crate::load;

pub(crate) fn run(args: &CatalogArgs) -> u8 {
    let catalog = match load::catalog(&args.paths(), "no schema written", USAGE) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    match serde_json::to_string_pretty(&export::json_schema(&catalog)) {
        Ok(text) => {
            println!("{text}");
            OK
        }
        Err(error) => {
            eprintln!("error: cannot write the schema: {error}");
            USAGE
        }
    }
}
