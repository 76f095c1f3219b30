//! `rulec export json-schema`: the catalog as a JSON Schema on stdout.

use std::path::Path;

use rulec::{Catalog, export};

use crate::cli::{OK, USAGE};
use crate::render;

pub(crate) fn run(rules: &Path) -> u8 {
    let catalog = match Catalog::load(rules) {
        Ok(catalog) => catalog,
        Err(error) => return render::fatal(&error),
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
