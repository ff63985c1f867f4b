//! Skew benchmark: `mlgate gate skew` against the floor, a bare polars inner join of the
//! same files, whole-process, median of several runs.
//!
//! ```sh
//! cargo build --release --examples
//! cargo run --release --example bench_skew -- [--rows 1000000] [--repeat 5]
//!     [--formats parquet,csv] [--dir /tmp/mlgate-skew-bench] [--baseline OLD_MLGATE]
//! ```
//!
//! For each size it generates (once) an offline feature table and an online serving log of
//! N rows × 25 columns (an integer request id, an entity with four events an hour apart and
//! the event's time in epoch seconds, 18 numeric and 4 categorical features; the
//! log in another row order, with four planted skews: percent against fraction, missing
//! values imputed as 0, a renamed category, and float32 storage that must pass), as Parquet
//! and as CSV, then runs each of these `--repeat` times, round-robin, each in a fresh
//! process:
//!
//! - `polars join` (the floor): Rust polars reads both files and inner-joins them on the id,
//!   nothing else;
//! - `skew`: the `mlgate` binary, `gate skew --offline … --online … --key id --out DIR`:
//!   the join, every comparison and diagnosis, the input hashes and the written reports;
//! - `skew, entity + time`: the same paired on the entity and a time within 2 s (serving
//!   logs each event up to a second late).
//!
//! Reported per run kind: the median wall time, CPU time (user + system), peak RSS and peak
//! anonymous memory (the heap), and the ratios to the floor.
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

const NUMERIC: usize = 18;
const CATEGORICAL: usize = 4;
const CHUNK: usize = 250_000;

/// Rows `start..start + n` of the offline table, or of the online log (rows reversed,
/// with the planted skews).
fn chunk(start: usize, n: usize, online: bool) -> DataFrame {
    let mut rng = Rng(0x5EED_0000 + start as u64);
    let order: Vec<usize> = if online { (0..n).rev().collect() } else { (0..n).collect() };
    let ids: Vec<i64> = order.iter().map(|&i| (start + i) as i64).collect();
    let entity: Vec<i64> = ids.iter().map(|i| i / 4).collect();
    let at: Vec<i64> = ids.iter().map(|i| 1_717_200_000 + (i % 4) * 3_600 + if online { i % 2 } else { 0 }).collect();
    let mut cols =
        vec![Column::new("id".into(), ids), Column::new("entity".into(), entity), Column::new("at".into(), at)];
    for j in 0..NUMERIC {
        let v: Vec<f64> = (0..n).map(|_| rng.f() * 100.0).collect();
        let v: Vec<Option<f64>> = order
            .iter()
            .map(|&i| {
                let x = (v[i] * 1e4).round() / 1e4;
                match (j, online) {
                    (0, true) => Some(x * 100.0),
                    (1, false) if i % 7 == 0 => None,
                    (1, true) if i % 7 == 0 => Some(0.0),
                    (2, true) => Some((x as f32) as f64),
                    _ => Some(x),
                }
            })
            .collect();
        cols.push(Column::new(format!("n{j:02}").into(), v));
    }
    for j in 0..CATEGORICAL {
        let v: Vec<usize> = (0..n).map(|_| (rng.f() * 12.0) as usize).collect();
        let v: Vec<String> = order
            .iter()
            .map(|&i| if online && j == 0 { format!("renamed_{}", v[i]) } else { format!("c{j}_{}", v[i]) })
            .collect();
        cols.push(Column::new(format!("cat{j}").into(), v));
    }
    DataFrame::new_infer_height(cols).unwrap()
}

fn generate(dir: &Path, rows: usize) -> [PathBuf; 4] {
    let names =
        ["offline.parquet", "online.parquet", "offline.csv", "online.csv"].map(|n| dir.join(format!("{rows}_{n}")));
    if names.iter().all(|p| p.exists()) {
        return names;
    }
    std::fs::create_dir_all(dir).unwrap();
    eprintln!("generating {rows} rows × 25 columns in {} …", dir.display());
    for (side, online) in [("offline", false), ("online", true)] {
        let first = chunk(0, 1, online);
        let pq = File::create(dir.join(format!("{rows}_{side}.parquet"))).unwrap();
        let mut pw =
            ParquetWriter::new(pq).with_compression(ParquetCompression::Zstd(None)).batched(first.schema()).unwrap();
        let mut cw = CsvWriter::new(File::create(dir.join(format!("{rows}_{side}.csv"))).unwrap())
            .include_header(true)
            .batched(first.schema())
            .unwrap();
        // The log lists the chunks in the opposite order too.
        let starts: Vec<usize> = (0..rows).step_by(CHUNK).collect();
        let starts: Vec<usize> = if online { starts.into_iter().rev().collect() } else { starts };
        for s in starts {
            let df = chunk(s, CHUNK.min(rows - s), online);
            pw.write_batch(&df).unwrap();
            cw.write_batch(&df).unwrap();
        }
        pw.finish().unwrap();
    }
    names
}

/// Reads both files and inner-joins them on the id: the floor any row-level comparison pays.
fn join(offline: &Path, online: &Path) {
    let j =
        scan(offline).join(scan(online), [col("id")], [col("id")], JoinArgs::new(JoinType::Inner)).collect().unwrap();
    assert!(j.height() > 0);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("measure") {
        join(Path::new(&args[1]), Path::new(&args[2]));
        return;
    }
    let mut rows = vec![1_000_000usize];
    let mut dir = std::env::temp_dir().join("mlgate-skew-bench");
    let mut repeat = 5;
    let mut formats = vec!["parquet".to_string(), "csv".to_string()];
    let mut baseline: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{a} needs a value")).clone();
        match a.as_str() {
            "--rows" => rows = value().split(',').map(|s| s.parse().unwrap()).collect(),
            "--dir" => dir = PathBuf::from(value()),
            "--repeat" => repeat = value().parse().unwrap(),
            "--formats" => formats = value().split(',').map(str::to_string).collect(),
            "--baseline" => baseline = Some(PathBuf::from(value())),
            other => panic!(
                "unknown argument {other}; use --rows N[,M] --dir DIR --repeat K --formats parquet,csv --baseline OLD_MLGATE"
            ),
        }
    }
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("mlgate");
    assert!(bin.exists(), "build the binary first: cargo build --release ({} missing)", bin.display());
    println!(
        "medians of {repeat} whole-process runs, round-robin; floor = Rust polars read + inner join; CPU = user + system seconds"
    );
    println!();
    println!("| rows | format | file (each) | run | wall | CPU | peak RSS | peak heap | wall ÷ floor |");
    println!("|---:|---|---:|---|---:|---:|---:|---:|---:|");
    for &n in &rows {
        let files = generate(&dir, n);
        for (fmt, off, on) in [("parquet", &files[0], &files[1]), ("csv", &files[2], &files[3])] {
            if !formats.iter().any(|f| f == fmt) {
                continue;
            }
            let size = std::fs::metadata(off).unwrap().len() as f64 / (1024.0 * 1024.0);
            let outs = tempfile::tempdir().unwrap();
            let floor = || {
                let mut c = Command::new(&exe);
                c.arg("measure").arg(off).arg(on);
                c
            };
            let bins = std::iter::once(("skew".to_string(), bin.clone()))
                .chain(baseline.iter().map(|b| ("skew (baseline)".to_string(), b.clone())));
            let mut mlgate: Vec<(String, PathBuf, &[&str])> =
                bins.map(|(l, b)| (l, b, &["--key", "id", "--exclude", "at,entity"][..])).collect();
            mlgate.push((
                "skew, entity + time".into(),
                bin.clone(),
                &["--key", "entity", "--time", "at", "--within", "2s", "--exclude", "id"],
            ));
            let make = |b: &Path, how: &[&str], out: PathBuf| {
                let mut c = Command::new(b);
                c.args(["gate", "skew", "-q", "--offline"])
                    .arg(off)
                    .arg("--online")
                    .arg(on)
                    .args(how)
                    .arg("--out")
                    .arg(out);
                c
            };
            let mut runs: Vec<Vec<Measured>> = vec![Vec::new(); 1 + mlgate.len()];
            for _ in 0..repeat {
                runs[0].push(run(floor()));
                for (k, (_, b, how)) in mlgate.iter().enumerate() {
                    runs[k + 1].push(run(make(b, how, outs.path().join(k.to_string()))));
                }
            }
            let labels: Vec<String> =
                std::iter::once("polars join".to_string()).chain(mlgate.iter().map(|m| m.0.clone())).collect();
            let measured: Vec<(String, Measured)> = labels.into_iter().zip(runs.iter().map(|r| median(r))).collect();
            let floor = measured[0].1;
            for (label, m) in &measured {
                println!(
                    "| {n} | {fmt} | {size:.0} MiB | {label} | {:.2} s | {:.2} s | {:.0} MiB | {:.0} MiB | {:.2}× |",
                    m.wall,
                    m.cpu(),
                    m.peak_mib,
                    m.anon_mib,
                    m.wall / floor.wall
                );
            }
        }
    }
}
