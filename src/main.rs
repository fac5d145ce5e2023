//! The `zikao` binary: argument parsing, progress and rendering only; all
//! logic is in the `zikao` library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
