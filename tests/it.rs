//! The integration tests, as one test binary (one link instead of eighteen): each module is one
//! area, and `common` is what the tests that run the real binary share. `allocations` (its own
//! global allocator) and `syntax_errors` (pest's process-wide switch) stay binaries of their own.

mod common;

#[path = "action_names.rs"]
mod action_names;
#[path = "artifact.rs"]
mod artifact;
#[path = "atracker.rs"]
mod atracker;
#[path = "cli.rs"]
mod cli;
#[path = "config_cli.rs"]
mod config_cli;
#[path = "decisions.rs"]
mod decisions;
#[path = "diagnostics.rs"]
mod diagnostics;
#[path = "diff.rs"]
mod diff;
#[path = "doc.rs"]
mod doc;
#[path = "editors.rs"]
mod editors;
#[path = "eval_cli.rs"]
mod eval_cli;
#[path = "explain.rs"]
mod explain;
#[path = "format.rs"]
mod format;
#[path = "generated_rules.rs"]
mod generated_rules;
#[path = "hostile.rs"]
mod hostile;
#[path = "import.rs"]
mod import;
#[path = "json_schema.rs"]
mod json_schema;
#[path = "layout.rs"]
mod layout;
#[cfg(feature = "lsp")]
#[path = "lsp.rs"]
mod lsp;
#[path = "properties.rs"]
mod properties;
#[path = "readme.rs"]
mod readme;
#[path = "real_events.rs"]
mod real_events;
#[path = "recovery.rs"]
mod recovery;
#[path = "robustness.rs"]
mod robustness;
#[path = "sample.rs"]
mod sample;
#[path = "sarif.rs"]
mod sarif;
#[cfg(feature = "serve")]
#[path = "serve.rs"]
mod serve;
#[path = "shipped_rules.rs"]
mod shipped_rules;
#[path = "suite.rs"]
mod suite;
#[path = "why.rs"]
mod why;
#[cfg(feature = "work")]
#[path = "work.rs"]
mod work;
