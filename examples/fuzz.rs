//! Fuzzes mlgate's parsers of attacker-written input (config, schema files, CSV and JSON
//! Lines, CI files, results.json) with mutated seeds, in process, on stable Rust.
//!
//! ```sh
//! cargo run --release --example fuzz -- [--seconds 60] [--target config,csv,…] [--seed N]
//! ```
//!
//! Each target runs for `--seconds`; a panic or an input that takes over a second is a
//! finding, saved under `target/fuzz-findings/` and printed. Exit 1 when anything was found.
//! `.ci/fuzz` runs every target; the test suite runs a fixed number of inputs per target.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/cli/fuzz_targets.rs"]
mod fuzz_targets;

use std::path::PathBuf;
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let seconds: u64 = value("--seconds").and_then(|v| v.parse().ok()).unwrap_or(60);
    let seed: u64 = value("--seed").and_then(|v| v.parse().ok()).unwrap_or(0x9E37_79B9_7F4A_7C15);
    let only: Option<Vec<String>> = value("--target").map(|v| v.split(',').map(str::to_string).collect());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let crashes = root.join("target/fuzz-findings");
    // Panics are findings, reported below; the default hook would print each one.
    std::panic::set_hook(Box::new(|_| {}));
    let mut found = 0;
    for (name, target) in fuzz_targets::TARGETS {
        if only.as_ref().is_some_and(|o| !o.iter().any(|t| t == name)) {
            continue;
        }
        let (n, findings) =
            fuzz_targets::run(name, *target, &root, seed, usize::MAX, Duration::from_secs(seconds), &crashes);
        println!("{name}: {n} inputs in {seconds} s, {} finding(s)", findings.len());
        for f in findings.iter().take(10) {
            println!("  {}: {} ({})", f.target, f.what, f.saved.display());
        }
        found += findings.len();
    }
    std::process::exit(i32::from(found > 0));
}
