//! The `mlgate` binary: parse the command line, run, map the outcome to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Process-wide settings that keep streaming reads in bounded memory. They must be made
/// before any other thread exists, which is why they are the first thing `main` does.
///
/// - glibc raises its mmap threshold every time a large block is freed, after which large
///   per-batch buffers come from per-thread arenas that are never returned: streaming eight
///   million rows grew the heap from 0.45 to 0.75 GiB, twice the rows needing twice the
///   memory. A fixed 1 MiB threshold keeps large buffers in their own mappings, released as
///   soon as they are freed: the heap stays near 0.4 GiB at any row count, at the price of
///   page faults (about 15% more time on 1M rows).
/// - polars prefetches up to 16 Parquet row groups ahead of the consumer; one is enough to
///   keep two cores busy and bounds memory to a few row groups. A value the user set in the
///   environment wins.
#[allow(unsafe_code)]
fn tune_process() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes allocator parameters; it is called before any other
    // thread runs and its return value (0 on an unknown parameter) needs no handling.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
    for (key, value) in [("POLARS_ROW_GROUP_PREFETCH_SIZE", "1")] {
        if std::env::var_os(key).is_none() {
            // SAFETY: single-threaded at this point (first call in `main`), so no other
            // thread can be reading the environment concurrently.
            unsafe { std::env::set_var(key, value) };
        }
    }
}

fn main() -> ExitCode {
    tune_process();
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
