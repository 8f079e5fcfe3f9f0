//! The `athar` command line: flags (`cli`) and the subcommands' input and
//! output (`app`: files, terminals, progress bars) around the `athar` library.

mod app;
mod cli;
mod index;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
