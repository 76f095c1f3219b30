//! rulec: a rules engine for cloud audit events.

pub mod ast;
pub mod catalog;
pub mod check;
pub mod codes;
pub mod source;
mod suggestion;
pub mod syntax;

pub use catalog::Catalog;
pub use check::{CheckError, Checked, Checker, Diagnostics, Summary};
pub use source::Source;
