//! Canary benchmark: `mlgate gate canary` on paired shadow logs against the floor, a bare
//! polars read and inner join of the same files, whole-process, median of several runs.
//!
//! ```sh
//! cargo build --release --examples
//! cargo run --release --example bench_canary -- [--rows 2000000] [--repeat 5]
//!     [--dir /tmp/mlgate-canary-bench] [--baseline OLD_MLGATE]
//! ```
//!
//! It generates (once) a champion and a candidate log of N requests as Parquet: a string
//! request id, the score, the outcome for 60% of the requests, a latency and an error flag;
//! the candidate's log in another row order. Then it runs, round-robin, each in a fresh
//! process: the floor (Rust polars reads both files and inner-joins them on the id); `shadow`
//! (`gate canary --key request_id --label label`: every check with outcomes); `shadow, all
//! columns` (also latency and errors); `shadow, sequential`; `canary` (no key: independent
//! arms). Reported: median wall time, CPU, peak RSS and heap, and the ratio to the floor.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use polars::prelude::*;

#[path = "bench_common/data.rs"]
mod data;
#[path = "bench_common/measure.rs"]
mod measure;
use data::{Rng, scan};
use measure::{Measured, median, run};

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Both logs of `n` requests.
fn logs(n: usize) -> (DataFrame, DataFrame) {
    let mut r = Rng(0xCA_AA_12);
    let (mut s1, mut s2, mut lab, mut l1, mut l2, mut e1, mut e2) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let x = r.normal();
        let y = r.f() < sigmoid(2.0 * x);
        s1.push(sigmoid(2.0 * x + 0.3 * r.normal()));
        s2.push(sigmoid(2.0 * x + 0.3 * r.normal()));
        lab.push((r.f() < 0.6).then_some(y as i64));
        l1.push((3.0 + 0.4 * r.normal()).exp());
        l2.push((3.0 + 0.4 * r.normal()).exp());
        e1.push((r.f() < 0.001) as i64);
        e2.push((r.f() < 0.001) as i64);
    }
    let ids: Vec<String> = (0..n).map(|i| format!("req-{i:09}")).collect();
    let champ = df!("request_id" => &ids, "score" => s1, "label" => &lab, "latency_ms" => l1, "error" => e1).unwrap();
    // The candidate's log lists the requests in reverse.
    let rev = |v: Vec<f64>| v.into_iter().rev().collect::<Vec<_>>();
    let cand = df!(
        "request_id" => ids.iter().rev().cloned().collect::<Vec<_>>(),
        "score" => rev(s2),
        "label" => lab.iter().rev().copied().collect::<Vec<_>>(),
        "latency_ms" => rev(l2),
        "error" => e2.into_iter().rev().collect::<Vec<_>>()
    )
    .unwrap();
    (champ, cand)
}

fn generate(dir: &Path, rows: usize) -> [PathBuf; 2] {
    let names = ["champion.parquet", "candidate.parquet"].map(|n| dir.join(format!("{rows}_{n}")));
    if names.iter().all(|p| p.exists()) {
        return names;
    }
    std::fs::create_dir_all(dir).unwrap();
    eprintln!("generating two logs of {rows} requests in {} …", dir.display());
    let (mut a, mut b) = logs(rows);
    for (df, p) in [(&mut a, &names[0]), (&mut b, &names[1])] {
        ParquetWriter::new(File::create(p).unwrap())
            .with_compression(ParquetCompression::Zstd(None))
            .finish(df)
            .unwrap();
    }
    names
}

/// Reads both logs and inner-joins them on the id: the floor of any paired comparison.
fn join(a: &Path, b: &Path) {
    let key = [col("request_id")];
    let j = scan(a).join(scan(b), key.clone(), key, JoinArgs::new(JoinType::Inner)).collect().unwrap();
    assert!(j.height() > 0);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("measure") {
        join(Path::new(&args[1]), Path::new(&args[2]));
        return;
    }
    let (mut rows, mut repeat, mut baseline) = (2_000_000usize, 5, None::<PathBuf>);
    let mut dir = std::env::temp_dir().join("mlgate-canary-bench");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{a} needs a value")).clone();
        match a.as_str() {
            "--rows" => rows = value().parse().unwrap(),
            "--dir" => dir = PathBuf::from(value()),
            "--repeat" => repeat = value().parse().unwrap(),
            "--baseline" => baseline = Some(PathBuf::from(value())),
            other => panic!("unknown argument {other}; use --rows N --dir DIR --repeat K --baseline OLD_MLGATE"),
        }
    }
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("mlgate");
    assert!(bin.exists(), "build the binary first: cargo build --release ({} missing)", bin.display());
    let [a, b] = generate(&dir, rows);
    let outs = tempfile::tempdir().unwrap();
    let shadow: &[&str] = &["--key", "request_id", "--label", "label"];
    let all: &[&str] = &["--key", "request_id", "--label", "label", "--latency", "latency_ms", "--error", "error"];
    let seq: &[&str] = &["--key", "request_id", "--label", "label", "--sequential"];
    let split: &[&str] = &["--label", "label", "--latency", "latency_ms", "--error", "error"];
    let mut kinds: Vec<(String, PathBuf, &[&str])> = vec![
        ("shadow".into(), bin.clone(), shadow),
        ("shadow, all columns".into(), bin.clone(), all),
        ("shadow, sequential".into(), bin.clone(), seq),
        ("canary (no key)".into(), bin.clone(), split),
    ];
    if let Some(old) = &baseline {
        kinds.push(("shadow (baseline)".into(), old.clone(), shadow));
    }
    let mut runs: Vec<Vec<Measured>> = vec![Vec::new(); 1 + kinds.len()];
    for _ in 0..repeat {
        let mut floor = Command::new(&exe);
        floor.arg("measure").arg(&a).arg(&b);
        runs[0].push(run(floor));
        for (k, (_, bin, how)) in kinds.iter().enumerate() {
            let mut c = Command::new(bin);
            c.args(["gate", "canary", "-q", "--champion"]).arg(&a).arg("--candidate").arg(&b).args(*how);
            c.arg("--out").arg(outs.path().join(k.to_string()));
            runs[k + 1].push(run(c));
        }
    }
    println!(
        "{rows} paired requests; medians of {repeat} whole-process runs, round-robin; floor = Rust polars read + inner join"
    );
    println!();
    println!("| run | wall | CPU | peak RSS | peak heap | wall ÷ floor |");
    println!("|---|---:|---:|---:|---:|---:|");
    let labels = std::iter::once("polars join (floor)".to_string()).chain(kinds.iter().map(|k| k.0.clone()));
    let floor = median(&runs[0]);
    for (label, r) in labels.zip(&runs) {
        let m = median(r);
        println!(
            "| {label} | {:.2} s | {:.2} s | {:.0} MiB | {:.0} MiB | {:.2}× |",
            m.wall,
            m.cpu(),
            m.peak_mib,
            m.anon_mib,
            m.wall / floor.wall
        );
    }
}
