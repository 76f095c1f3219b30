//! `rulec compile`: check, then write the catalog as a versioned artifact.

use rulec::artifact::{self, ArtifactFormat};
use rulec::source;

use crate::cli::{self, CompileArgs, OK};
use crate::render;

pub(crate) fn run(args: &CompileArgs) -> u8 {
    let sources = match source::read_sources(&args.paths) {
        Ok(sources) => sources,
        Err(error) => return render::fatal(&error),
    };
    let hash = artifact::source_hash(&sources);
    let catalog = match render::compile(sources, "not compiled") {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let format = match args.format {
        cli::ArtifactFormat::Json => ArtifactFormat::Json,
        cli::ArtifactFormat::Yaml => ArtifactFormat::Yaml,
    };
    let text = match artifact::write(&catalog, hash, format) {
        Ok(text) => text,
        Err(error) => return render::fatal(&error),
    };
    if let Err(error) = std::fs::write(&args.output, text) {
        eprintln!("error: cannot write `{}`: {error}", args.output.display());
        return cli::USAGE;
    }
    eprintln!(
        "compiled {} services, {} actions into {}",
        catalog.services().len(),
        catalog.actions().len(),
        args.output.display()
    );
    OK
}
