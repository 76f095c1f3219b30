//! The command-line interface: subcommands, flags and their help.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit code: success.
pub(crate) const OK: u8 = 0;
/// Exit code: the input had errors (or warnings, with `--deny-warnings`).
pub(crate) const FAILED: u8 = 1;
/// Exit code: bad usage or an I/O error.
pub(crate) const USAGE: u8 = 2;

/// A rules engine for cloud audit events (IBM Cloud Activity Tracker, CADF).
#[derive(Debug, Parser)]
#[command(name = "rulec", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check `.rules` files and report every problem.
    Check(CheckArgs),
}

/// `rulec check`
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Files or directories of `.rules` files, checked together as one catalog.
    #[arg(default_value = "rules")]
    pub(crate) paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub(crate) deny_warnings: bool,
}

/// Output formats of `rulec check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// miette's report on stderr, with the source underlined.
    Human,
    /// One JSON document on stdout.
    Json,
    /// GitHub Actions workflow commands (`::error file=...`) on stdout.
    Github,
}
