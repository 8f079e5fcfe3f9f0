//! Command-line interface: clap definitions and their conversion into a validated configuration.

use std::process::ExitCode;

/// Entry point of the `athar` binary (skeleton; the full CLI replaces it).
pub fn main() -> ExitCode {
    let paths = vec![std::path::PathBuf::from("corpus")];
    match crate::corpus::load(&paths, &Default::default()) {
        Ok(c) => {
            println!("{} documents", c.documents.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("athar: {e}");
            ExitCode::from(2)
        }
    }
}
