//! rulec: a rules engine for cloud audit events (IBM Cloud Activity Tracker, CADF JSON).
//!
//! Service catalogs are written as `.rules` files; [`Checker`] turns them into a [`Catalog`]
//! (or every diagnostic at once), and an [`Engine`] decides, for each event, whether it is
//! valid, whether it is a management or a data event, and whether it is dropped or routed, to
//! which location and targets.
//!
//! ```
//! let engine = rulec::Engine::load(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))?;
//! let event = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/events.ndjson"));
//! let decision = engine.evaluate(event.lines().next().unwrap_or_default().as_bytes());
//!
//! assert_eq!(decision.verdict, rulec::Verdict::Route);
//! assert_eq!(decision.location.as_deref(), Some("us-south"));
//! assert_eq!(decision.targets.as_deref(), Some(&["archive".into(), "logs".into(), "siem".into()][..]));
//!
//! // The same event with a typo in its action: rejected, with a suggestion.
//! let typo = event.lines().next().unwrap_or_default().replace("image.push", "image.psuh");
//! let decision = engine.evaluate(typo.as_bytes());
//! assert_eq!(decision.verdict, rulec::Verdict::Reject);
//! assert_eq!(decision.violations[0].code, "eval::unknown_action");
//! assert_eq!(decision.violations[0].help.as_deref(), Some("did you mean `container-registry.image.push`?"));
//! # Ok::<(), rulec::LoadError>(())
//! ```
//!
//! An engine is immutable and `Send + Sync`: load it once, share it (`Arc<Engine>`) across
//! threads, and evaluate with [`Evaluator`] to choose the enabled event types ([`Context`])
//! or pass each event's position in its input.
//!
//! # The host API
//!
//! What a host needs is at the crate root:
//!
//! - loading and compiling: [`Engine::load`], [`Catalog::load`] (`.rules` files, a directory
//!   of them, or a compiled artifact), [`Catalog::compile`] and [`Checker`] (every diagnostic
//!   as data: [`Diagnostics`], [`CheckError`], [`SyntaxError`], [`Summary`]), [`LoadError`];
//! - evaluating: [`Engine`], [`Evaluator`] (with [`Context`]; [`Evaluator::evaluate_traced`]
//!   also returns a [`Trace`] of what the evaluation exercised);
//! - the outcome: [`Decision`], [`Verdict`], [`DropReason`], [`Violation`], [`ViolationLevel`],
//!   [`EventType`], [`Level`].
//!
//! # The pipeline and the tools
//!
//! Text flows one way: the grammar and `syntax` (private) give a syntax tree, [`check`] turns
//! it into the [`catalog`] (the checked IR), and [`eval`] decides events with it. [`artifact`]
//! writes and reads compiled catalogs, [`source`] reads files, [`limits`] and [`codes`] hold
//! the limits and the diagnostic codes. The other modules serve the `rulec` tools and are
//! public for them: [`format`](mod@format) (`rulec fmt`), [`suite`] (`rulec test`), [`doc`] and
//! [`import`] (`rulec doc` and its way back, `rulec import docs`), [`export`], [`sample`],
//! [`explain`] and [`config`].

pub mod artifact;
mod ast;
pub mod atracker;
pub mod catalog;
pub mod check;
pub mod codes;
pub mod config;
pub mod diff;
pub mod doc;
pub mod eval;
pub mod explain;
pub mod export;
pub mod format;
pub mod import;
pub mod limits;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod sample;
pub mod source;
mod suggestion;
pub mod suite;
mod syntax;
mod vocab;
mod yaml;

pub use artifact::LoadError;
pub use catalog::Catalog;
pub use check::{CheckError, Checked, Checker, Diagnostics, Origins, Summary};
pub use eval::{
    Context, Decision, DropReason, Engine, Evaluator, Trace, Verdict, Violation, ViolationLevel,
};
pub use source::Source;

/// The diagnostics library the diagnostics implement: a host renders [`Diagnostics`],
/// [`CheckError`] and [`LoadError`] with it (`rulec::miette::GraphicalReportHandler`, or
/// [`Diagnostics::render`] with a `rulec::miette::GraphicalTheme`) and reads their codes
/// and labels through [`miette::Diagnostic`], without depending on it itself.
pub use miette;
pub use syntax::SyntaxError;
pub use vocab::{EventType, Level};
