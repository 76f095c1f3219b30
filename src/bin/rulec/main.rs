//! The `rulec` command line: parse arguments, run one subcommand, exit with its code.

mod check;
mod cli;
mod render;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let code = match cli.command {
        cli::Command::Check(args) => check::run(&args),
    };
    ExitCode::from(code)
}
