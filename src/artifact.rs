//! Compiled catalogs on disk (versioned JSON or YAML artifacts), and loading a catalog from
//! sources or an artifact.

use std::fmt::Write as _;
use std::path::Path;

use miette::Diagnostic;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest as _, Sha256};
use thiserror::Error;

use crate::catalog::Catalog;
use crate::check::{Checker, Diagnostics};
use crate::source::{self, ReadError, Source, SourceError};
use crate::yaml;

/// What an artifact says it is.
pub const FORMAT: &str = "rulec-catalog";
/// The artifact layout this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 3;
/// The oldest artifact layout this build reads (version 1 stored each action's fields inline;
/// version 2 has no `invalid` levels and no service envelopes, which read as `error` and none).
pub const OLDEST_FORMAT_VERSION: u32 = 2;

/// How an artifact is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArtifactFormat {
    /// JSON: the header pretty, the catalog compact on one line (the bytes its hash is of).
    #[default]
    Json,
    /// YAML.
    Yaml,
}

#[derive(Debug, Serialize)]
struct Header {
    format: String,
    format_version: u32,
    rulec_version: String,
    source_hash: String,
    catalog_hash: String,
}

#[derive(Serialize)]
struct ArtifactOut<'a, C> {
    #[serde(flatten)]
    header: Header,
    catalog: &'a C,
}

/// An artifact as read: the header, and the catalog still as text (JSON) or as a tree (YAML).
#[derive(Deserialize)]
struct ArtifactIn<C> {
    format: String,
    format_version: u32,
    /// Required, though reading does not use it.
    #[serde(rename = "rulec_version")]
    _rulec_version: String,
    /// Required, though reading does not use it.
    #[serde(rename = "source_hash")]
    _source_hash: String,
    catalog_hash: String,
    catalog: C,
}

/// Why an artifact cannot be loaded.
#[derive(Debug, Error, Diagnostic)]
pub enum ArtifactError {
    /// Not a rulec artifact at all.
    #[error("not a rulec catalog artifact: {reason}")]
    #[diagnostic(
        code(artifact::foreign),
        help(
            "write one with `rulec compile RULES -o FILE`, or pass the `.rules` directory itself"
        )
    )]
    Foreign {
        /// What gave it away.
        reason: String,
    },
    /// Written by a newer rulec.
    #[error(
        "the artifact has format version {found}; this rulec ({version}) reads up to {FORMAT_VERSION}"
    )]
    #[diagnostic(
        code(artifact::newer),
        help("upgrade rulec, or compile the rules again with this one")
    )]
    Newer {
        /// The artifact's version.
        found: u32,
        /// This rulec's version.
        version: &'static str,
    },
    /// Written by an older rulec, in a layout this one no longer reads.
    #[error(
        "the artifact has format version {found}; this rulec ({version}) reads versions {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}"
    )]
    #[diagnostic(
        code(artifact::older),
        help("compile the rules again with this rulec: `rulec compile RULES -o FILE`")
    )]
    Older {
        /// The artifact's version.
        found: u32,
        /// This rulec's version.
        version: &'static str,
    },
    /// A YAML artifact, in a build without the `yaml` feature.
    #[error("this build of rulec reads and writes JSON artifacts only (it has no `yaml` feature)")]
    #[diagnostic(
        code(artifact::no_yaml),
        help("compile the catalog with `--format json`, or build rulec with the `yaml` feature")
    )]
    NoYaml,
    /// Patterns whose compiled size together passes the budget.
    #[error("the artifact's patterns together pass the budget of {budget} bytes")]
    #[diagnostic(
        code(limit::patterns),
        help(
            "no catalog rulec compiles is this large: the artifact was made or changed by something else"
        )
    )]
    PatternBudget {
        /// The budget, [`crate::limits::PATTERN_BUDGET`].
        budget: usize,
    },
    /// Larger than the artifact size limit.
    #[error("the artifact is {size} bytes, more than the limit of {limit}")]
    #[diagnostic(
        code(artifact::too_large),
        help("a catalog this large is unlikely: check that the file is the artifact you meant")
    )]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit, [`crate::limits::MAX_ARTIFACT_BYTES`].
        limit: usize,
    },
    /// Damaged: the content does not match its hash, or does not fit the format.
    #[error("the artifact is corrupt: {reason}")]
    #[diagnostic(
        code(artifact::corrupt),
        help("compile the rules again with `rulec compile`")
    )]
    Corrupt {
        /// What does not match.
        reason: String,
    },
}

/// Why a catalog cannot be loaded.
#[derive(Debug, Error, Diagnostic)]
pub enum LoadError {
    /// The sources cannot be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] SourceError),
    /// The sources have errors.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rules(#[from] Diagnostics),
    /// The artifact cannot be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Artifact(#[from] ArtifactError),
}

/// A hex SHA-256 with its algorithm: `sha256:...`.
fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::from("sha256:");
    for byte in digest {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The hash of a catalog's sources: each file's name (without its directories) and text.
#[must_use]
pub fn source_hash(sources: &[Source]) -> String {
    let mut bytes = Vec::new();
    for source in sources {
        let name = Path::new(&source.name)
            .file_name()
            .map_or_else(|| source.name.clone(), |n| n.to_string_lossy().into_owned());
        for part in [name.as_bytes(), source.text.as_bytes()] {
            bytes.extend_from_slice(&(part.len() as u64).to_le_bytes());
            bytes.extend_from_slice(part);
        }
    }
    sha256(&bytes)
}

/// The hash of a catalog: the SHA-256 of its compact JSON.
fn catalog_hash(catalog: &Catalog) -> Result<String, serde_json::Error> {
    Ok(sha256(serde_json::to_string(catalog)?.as_bytes()))
}

/// Writes a catalog as an artifact. The same catalog and sources give the same bytes.
pub fn write(
    catalog: &Catalog,
    source_hash: String,
    format: ArtifactFormat,
) -> Result<String, ArtifactError> {
    let corrupt = |e: &dyn std::fmt::Display| ArtifactError::Corrupt {
        reason: e.to_string(),
    };
    // The compact JSON the hash is taken of is what a JSON artifact holds, on one line, so
    // that reading it checks the hash on these bytes instead of writing the catalog again.
    let compact = serde_json::to_string(catalog).map_err(|e| corrupt(&e))?;
    let header = Header {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        rulec_version: env!("CARGO_PKG_VERSION").to_owned(),
        source_hash,
        catalog_hash: sha256(compact.as_bytes()),
    };
    match format {
        ArtifactFormat::Json => {
            let catalog = RawValue::from_string(compact).map_err(|e| corrupt(&e))?;
            serde_json::to_string_pretty(&ArtifactOut {
                header,
                catalog: &catalog,
            })
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| corrupt(&e))
        }
        ArtifactFormat::Yaml if cfg!(feature = "yaml") => {
            yaml::to_string(&ArtifactOut { header, catalog }).map_err(|e| corrupt(&e))
        }
        ArtifactFormat::Yaml => Err(ArtifactError::NoYaml),
    }
}

/// The catalog of an artifact, not yet read into a [`Catalog`].
enum Stored<'a> {
    Json(&'a RawValue),
    Tree(serde_json::Value),
}

impl<C> ArtifactIn<C> {
    fn map<D>(self, f: impl FnOnce(C) -> D) -> ArtifactIn<D> {
        let ArtifactIn {
            format,
            format_version,
            catalog_hash,
            catalog,
            ..
        } = self;
        ArtifactIn {
            format,
            format_version,
            _rulec_version: String::new(),
            _source_hash: String::new(),
            catalog_hash,
            catalog: f(catalog),
        }
    }
}

/// Reads an artifact (JSON or YAML): checks what it is, its version and its hash.
pub fn read(bytes: &[u8]) -> Result<Catalog, ArtifactError> {
    let limit = crate::limits::MAX_ARTIFACT_BYTES;
    if bytes.len() > limit {
        return Err(ArtifactError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    // JSON keeps the catalog as raw text, read once into the catalog's types; YAML goes
    // through a tree.
    let parsed: Result<ArtifactIn<Stored<'_>>, String> = if first == Some(&b'{') {
        serde_json::from_slice::<ArtifactIn<&RawValue>>(bytes)
            .map(|a| a.map(Stored::Json))
            .map_err(|e| e.to_string())
    } else if cfg!(feature = "yaml") {
        yaml::from_slice::<ArtifactIn<serde_json::Value>>(bytes)
            .map(|a| a.map(Stored::Tree))
            .map_err(|e| e.to_string())
    } else {
        return Err(ArtifactError::NoYaml);
    };
    let artifact = parsed.map_err(|reason| {
        // Only the parser the first byte chose reads the header: JSON never goes to YAML.
        let header: Option<serde_json::Value> = if first == Some(&b'{') {
            serde_json::from_slice(bytes).ok()
        } else {
            yaml::from_slice(bytes).ok()
        };
        let format = header
            .as_ref()
            .and_then(|h| h.get("format"))
            .and_then(serde_json::Value::as_str);
        // A damaged artifact (truncated, or edited into invalid JSON) cannot be parsed for its
        // header, but still says what it is near its start.
        let head = bytes.get(..bytes.len().min(1024)).unwrap_or_default();
        let says_so = memchr::memmem::find(head, FORMAT.as_bytes()).is_some();
        if format == Some(FORMAT) || says_so {
            ArtifactError::Corrupt { reason }
        } else {
            ArtifactError::Foreign {
                reason: "it is not JSON or YAML with `format: rulec-catalog`".into(),
            }
        }
    })?;
    if artifact.format != FORMAT {
        return Err(ArtifactError::Foreign {
            reason: format!("its format is `{}`", artifact.format),
        });
    }
    if artifact.format_version > FORMAT_VERSION {
        return Err(ArtifactError::Newer {
            found: artifact.format_version,
            version: env!("CARGO_PKG_VERSION"),
        });
    }
    if artifact.format_version < OLDEST_FORMAT_VERSION {
        return Err(ArtifactError::Older {
            found: artifact.format_version,
            version: env!("CARGO_PKG_VERSION"),
        });
    }
    // A JSON artifact as `write` makes it holds the very bytes the hash is taken of.
    let verified = match &artifact.catalog {
        Stored::Json(text) => sha256(text.get().as_bytes()) == artifact.catalog_hash,
        Stored::Tree(_) => false,
    };
    let (catalog, over_budget) = crate::catalog::sharing_regexes(|| match artifact.catalog {
        Stored::Json(text) => serde_json::from_str::<Catalog>(text.get()),
        Stored::Tree(tree) => serde_json::from_value(tree),
    });
    let catalog = catalog.map_err(|e| {
        if over_budget {
            ArtifactError::PatternBudget {
                budget: crate::limits::PATTERN_BUDGET,
            }
        } else {
            ArtifactError::Corrupt {
                reason: e.to_string(),
            }
        }
    })?;
    if !verified {
        // Written otherwise (pretty, YAML, by an older rulec): the hash is of the catalog
        // written compactly.
        let hash = catalog_hash(&catalog).map_err(|e| ArtifactError::Corrupt {
            reason: e.to_string(),
        })?;
        if hash != artifact.catalog_hash {
            return Err(ArtifactError::Corrupt {
                reason: "its content does not match its `catalog_hash`".into(),
            });
        }
    }
    catalog.remember_hash(artifact.catalog_hash);
    Ok(catalog)
}

/// Whether [`Catalog::load`] reads `path` as an artifact: an existing regular file whose name
/// does not end in `.rules`. Anything else is read as `.rules` sources, whose errors say what
/// is wrong with the path (unreadable, not a file, no `.rules` files in it).
#[must_use]
pub fn is_artifact_path(path: &Path) -> bool {
    path.is_file() && path.extension().is_none_or(|e| e != "rules")
}

impl Catalog {
    /// The SHA-256 of the catalog's content (hex), as its artifact's `catalog_hash` says it:
    /// the same for a catalog compiled from `.rules` and for its artifact. Hosts report it to
    /// say which catalog decided.
    #[must_use]
    pub fn hash(&self) -> String {
        self.known_hash()
            .get_or_init(|| catalog_hash(self).unwrap_or_default())
            .clone()
    }

    /// Checks sources and builds their catalog, or returns every diagnostic.
    pub fn compile(sources: Vec<Source>) -> Result<Catalog, Diagnostics> {
        let mut checker = Checker::new();
        for source in sources {
            checker.add(source);
        }
        let result = checker.check();
        result.catalog.ok_or(result.diagnostics)
    }

    /// Loads a catalog from a `.rules` file, a directory of them, or a compiled artifact.
    ///
    /// A directory or a file ending in `.rules` is compiled; any other file is read as an
    /// artifact. Warnings do not stop the load; errors do.
    pub fn load(path: impl AsRef<Path>) -> Result<Catalog, LoadError> {
        let path = path.as_ref();
        if !is_artifact_path(path) {
            let sources = source::read_sources(&[path.to_owned()])?;
            return Ok(Catalog::compile(sources)?);
        }
        let limit = crate::limits::MAX_ARTIFACT_BYTES;
        let name = || path.display().to_string();
        let bytes = source::read_capped(path, limit).map_err(|error| -> LoadError {
            match error {
                ReadError::NotAFile(kind) => SourceError::NotAFile { path: name(), kind }.into(),
                ReadError::TooLarge(size) => ArtifactError::TooLarge { size, limit }.into(),
                ReadError::Io(e) => SourceError::Unreadable {
                    path: name(),
                    reason: e.to_string(),
                }
                .into(),
            }
        })?;
        Ok(read(&bytes)?)
    }
}
