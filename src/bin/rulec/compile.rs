//! `rulec compile`: check, then write the catalog as a versioned artifact.

use rulec::artifact::{self, ArtifactFormat};

use crate::cli::{self, CompileArgs, OK};
use crate::{load, report};

pub(crate) fn run(args: &CompileArgs) -> u8 {
    let sources = match load::sources(&args.sources.paths()) {
        Ok(sources) => sources,
        Err(code) => return code,
    };
    let hash = artifact::source_hash(&sources);
    let catalog = match load::compile(sources, "not compiled") {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let format = match args.format {
        cli::ArtifactFormat::Json => ArtifactFormat::Json,
        cli::ArtifactFormat::Yaml => ArtifactFormat::Yaml,
    };
    let text = match artifact::write(&catalog, hash, format) {
        Ok(text) => text,
        Err(error) => return report::fatal(&error),
    };
    if let Err(error) = std::fs::write(&args.output, &text) {
        eprintln!("error: cannot write `{}`: {error}", args.output.display());
        return cli::USAGE;
    }
    // The process ends soon: freeing the artifact's text piece by piece would only delay it.
    std::mem::forget(text);
    eprintln!(
        "compiled {} services, {} actions into {}",
        catalog.services().len(),
        catalog.actions().len(),
        args.output.display()
    );
    // Likewise the catalog.
    std::mem::forget(catalog);
    #[cfg(feature = "work")]
    if let (Some(bucket), Some(url)) = (&args.catalog_bucket, &args.nats) {
        let artifact = std::fs::read(&args.output).unwrap_or_default();
        if let Err(message) = crate::bucket::put(url, bucket, &artifact) {
            eprintln!("error: {message}");
            return cli::USAGE;
        }
        eprintln!("put it in the object store `{bucket}` at {url}");
    }
    OK
}
