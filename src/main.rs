//! The `zikao` binary: argument parsing, progress and rendering only; all
//! logic is in the `zikao` library.

mod cli;

use std::process::ExitCode;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
