//! The `rulec` command line: parse arguments, run one subcommand, exit with its code.

mod atracker;
#[cfg(feature = "work")]
mod bucket;
mod check;
mod cli;
mod compile;
mod config;
mod diff;
mod doc;
mod eval;
mod explain;
mod export;
mod fmt;
mod import;
mod load;
mod report;
mod route;
mod sample;
#[cfg(feature = "serve")]
mod serve;
mod test;
mod unified;
#[cfg(feature = "work")]
mod work;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let code = match cli.command {
        cli::Command::Check(args) => check::run(&args),
        cli::Command::Compile(args) => compile::run(&args),
        cli::Command::Eval(args) => eval::run(&args),
        cli::Command::Fmt(args) => fmt::run(&args),
        cli::Command::Doc(args) => doc::run(&args),
        cli::Command::Test(args) => test::run(&args),
        cli::Command::Config(cli::ConfigCommand::Check { body }) => config::run(&body),
        cli::Command::Explain(args) => explain::run(&args),
        cli::Command::Sample(args) => sample::run(&args),
        cli::Command::Route(args) => route::run(&args),
        cli::Command::Diff(args) => diff::run(&args),
        cli::Command::Export(cli::ExportCommand::JsonSchema(args)) => export::run(&args),
        cli::Command::Export(cli::ExportCommand::Atracker(args)) => atracker::export(&args),
        cli::Command::Import(cli::ImportCommand::Atracker(args)) => atracker::import(&args),
        cli::Command::Import(cli::ImportCommand::Docs(args)) => import::run(&args),
        #[cfg(feature = "serve")]
        cli::Command::Serve(args) => serve::run(&args),
        #[cfg(feature = "work")]
        cli::Command::Work(args) => work::run(&args),
        #[cfg(feature = "lsp")]
        cli::Command::Lsp(_) => lsp(),
    };
    ExitCode::from(code)
}

/// `rulec lsp`: serves until the client says `exit`; 0 after `shutdown`, 1 otherwise.
#[cfg(feature = "lsp")]
fn lsp() -> u8 {
    match rulec::lsp::run_stdio() {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("rulec lsp: {error}");
            1
        }
    }
}
