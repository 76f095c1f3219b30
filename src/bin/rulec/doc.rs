//! `rulec doc`: Markdown pages of a catalog, printed or written to a directory.

use rulec::doc;

use crate::cli::{DocArgs, FAILED, OK, USAGE};
use crate::load;

pub(crate) fn run(args: &DocArgs) -> u8 {
    let catalog = match load::catalog(&args.catalog.paths(), "no documentation written", FAILED) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let pages = doc::pages(&catalog);
    let Some(dir) = &args.output else {
        for page in &pages {
            println!("<!-- {} -->\n{}", page.name, page.text);
        }
        return OK;
    };
    if let Err(error) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create `{}`: {error}", dir.display());
        return USAGE;
    }
    for page in &pages {
        let path = dir.join(&page.name);
        if let Err(error) = std::fs::write(&path, &page.text) {
            eprintln!("error: cannot write `{}`: {error}", path.display());
            return USAGE;
        }
    }
    eprintln!("wrote {} pages to {}", pages.len(), dir.display());
    OK
}
