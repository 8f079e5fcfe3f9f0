use std::process::ExitCode;

fn main() -> ExitCode {
    athar::cli::main()
}
