//! The `mlgate` binary: parse the command line, run, map the outcome to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match mlgate::cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help and --version are not errors.
            let code = if e.use_stderr() { mlgate::exit::USAGE_ERROR } else { mlgate::exit::SUCCESS };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    match mlgate::cli::run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            let code = mlgate::error::exit_code(&err);
            let msg = mlgate::render::terminal::safe_multiline(&mlgate::error::render(&err));
            let _ = writeln!(std::io::stderr().lock(), "{msg}");
            ExitCode::from(code as u8)
        }
    }
}
