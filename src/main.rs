//! The `mlgate` binary: parse the command line, run, map the outcome to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// The allocator: jemalloc, tuned for a process that reads large columns, computes and
/// exits (see [`allocator`]).
#[cfg(all(unix, not(target_os = "macos")))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[cfg(all(unix, not(target_os = "macos")))]
#[allow(unsafe_code)]
mod allocator {
    /// jemalloc's built-in options (the prefixed build reads `_rjem_malloc_conf`; the
    /// environment variable `_RJEM_MALLOC_CONF` overrides them).
    ///
    /// `narenas:1`: one arena for every thread. polars decodes on its own threads and
    /// mlgate converts columns on rayon's; with one arena each thread's freed buffers are
    /// reused by the others instead of every thread faulting in fresh, zeroed pages. On the
    /// drift benchmark (1M rows × 25 columns, Parquet) this and jemalloc's reuse of freed
    /// pages cut minor page faults from 417k (glibc with the fixed 1 MiB mmap threshold
    /// used before) to about 210k and system time by half, while the streaming heap at 10M
    /// rows stays where the fixed threshold kept it (about 0.44 GiB). Keeping freed pages
    /// forever (`dirty_decay_ms:-1`) faults less still but let the streaming heap grow to
    /// 0.8–1.1 GiB; jemalloc's default decay bounds it.
    pub const CONF: &[u8] = b"narenas:1\0";

    /// A C `const char *`: jemalloc reads the symbol as a thin pointer.
    #[repr(transparent)]
    pub struct ConfPtr(*const u8);
    // SAFETY: the pointer refers to an immutable static byte string.
    unsafe impl Sync for ConfPtr {}

    #[unsafe(export_name = "_rjem_malloc_conf")]
    pub static MALLOC_CONF: ConfPtr = ConfPtr(CONF.as_ptr());
}

/// Process-wide settings that keep streaming reads in bounded memory. They must be made
/// before any other thread exists, which is why they are the first thing `main` does.
///
/// - polars prefetches up to 16 Parquet row groups ahead of the consumer; one is enough to
///   keep two cores busy and bounds memory to a few row groups. A value the user set in the
///   environment wins.
#[allow(unsafe_code)]
fn tune_process() {
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
    mlgate::cleanup::install();
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
