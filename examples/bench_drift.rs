//! Drift benchmark: `mlgate gate drift` against the floor, a bare read-and-bin of the same
//! files, whole-process, median of several runs.
//!
//! ```sh
//! cargo build --release --examples
//! cargo run --release --example bench_drift -- [--rows 1000000,10000000] [--repeat 5]
//!     [--formats parquet,csv] [--only read,drift,binned,evidently] [--dir /tmp/mlgate-bench]
//! ```
//!
//! For each size it generates (once) a reference and a current file of N rows × 25 columns
//! (20 numeric, 5 categorical; 4 numeric and 1 categorical column drift) as Parquet and as
//! CSV, then runs each of these `--repeat` times, each in a fresh process:
//!
//! - `floor`: `benches/floor_polars.py`: Python polars reads both files completely and
//!   computes, per numeric column, the reference's decile edges and both sides' counts in
//!   those bins, and per categorical column both sides' value counts: the least work any PSI
//!   needs, in the tool a user would otherwise reach for (without `python3 -c "import
//!   polars"`, the same work in Rust polars inside this example);
//! - `polars read`: Rust polars reads both files, nothing else;
//! - `drift`: the `mlgate` binary, `gate drift --reference … --current … --out DIR`: every
//!   statistic, the input hashes for provenance and the written reports;
//! - `binned`: the same forced to stream (`--method binned`), which larger data uses
//!   automatically; its memory should not grow with the number of rows;
//! - `evidently`: `--compat evidently`, Evidently's binning and statistics.
//!
//! With `--baseline OLD_MLGATE`, every mlgate run kind is measured with that binary too, in
//! the same session, so a change is compared side by side.
//!
//! Reported per run kind: the median wall time, CPU time (user + system, from `wait4`),
//! minor page faults, peak RSS (which counts pages of memory-mapped input files) and peak
//! anonymous memory (the heap), each the median over the runs.
#![allow(clippy::print_stdout, clippy::print_stderr, unsafe_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use polars::prelude::*;

#[path = "bench_common/data.rs"]
mod data;
#[path = "bench_common/measure.rs"]
mod measure;
use data::{Rng, scan};
use measure::{Measured, median, run};

const NUMERIC: usize = 20;
const CATEGORICAL: usize = 5;
const CHUNK: usize = 500_000;

fn chunk(rng: &mut Rng, rows: usize, drift: bool) -> DataFrame {
    let mut cols: Vec<Column> = Vec::new();
    for j in 0..NUMERIC {
        let shift = if drift && j % 5 == 0 { 0.25 } else { 0.0 };
        let v: Vec<f64> = (0..rows)
            .map(|_| match j % 4 {
                0 => rng.normal() + shift,
                1 => (rng.normal() * 0.7 + 2.0 + shift).exp(),
                2 => (rng.f() * 1000.0 + shift * 300.0).floor(),
                _ => rng.f() * 10.0 + shift,
            })
            .collect();
        cols.push(Column::new(format!("n{j:02}").into(), v));
    }
    for j in 0..CATEGORICAL {
        let k = [3usize, 5, 12, 30, 50][j];
        let v: Vec<String> = (0..rows)
            .map(|_| {
                let mut x = (rng.f() * rng.f() * k as f64) as usize;
                if drift && j == 0 && rng.f() < 0.2 {
                    x = k - 1;
                }
                format!("c{j}_{x}")
            })
            .collect();
        cols.push(Column::new(format!("cat{j}").into(), v));
    }
    DataFrame::new_infer_height(cols).unwrap()
}

fn generate(dir: &Path, rows: usize) -> [PathBuf; 4] {
    let names = ["ref.parquet", "cur.parquet", "ref.csv", "cur.csv"].map(|n| dir.join(format!("{rows}_{n}")));
    if names.iter().all(|p| p.exists()) {
        return names;
    }
    std::fs::create_dir_all(dir).unwrap();
    eprintln!("generating {rows} rows × 25 columns in {} …", dir.display());
    for (side, drift) in [("ref", false), ("cur", true)] {
        let mut rng = Rng(if drift { 0x5EED_CAFE } else { 0xDA7A_BA5E });
        let first = chunk(&mut Rng(1), 1, false);
        let pq = File::create(dir.join(format!("{rows}_{side}.parquet"))).unwrap();
        let mut pw =
            ParquetWriter::new(pq).with_compression(ParquetCompression::Zstd(None)).batched(first.schema()).unwrap();
        let mut cw = CsvWriter::new(File::create(dir.join(format!("{rows}_{side}.csv"))).unwrap())
            .include_header(true)
            .batched(first.schema())
            .unwrap();
        let mut done = 0;
        while done < rows {
            let n = CHUNK.min(rows - done);
            let df = chunk(&mut rng, n, drift);
            pw.write_batch(&df).unwrap();
            cw.write_batch(&df).unwrap();
            done += n;
        }
        pw.finish().unwrap();
    }
    names
}

/// Reads both files and bins every column: the floor any PSI implementation pays.
fn read_and_bin(reference: &Path, current: &Path) {
    let r = scan(reference).collect().unwrap();
    let c = scan(current).collect().unwrap();
    let numeric: Vec<String> = (0..NUMERIC).map(|j| format!("n{j:02}")).collect();
    // Decile edges of the reference, all columns in one parallel query.
    let qs: Vec<Expr> = numeric
        .iter()
        .flat_map(|n| {
            (1..10).map(move |i| {
                col(n.as_str()).quantile(lit(i as f64 / 10.0), QuantileMethod::Linear).alias(format!("{n}_{i}"))
            })
        })
        .collect();
    let edges = r.clone().lazy().select(qs).collect().unwrap();
    for df in [&r, &c] {
        let counts: Vec<Expr> = numeric
            .iter()
            .flat_map(|n| {
                let e = &edges;
                (1..10).map(move |i| {
                    let v = e.column(&format!("{n}_{i}")).unwrap().f64().unwrap().get(0).unwrap();
                    col(n.as_str()).lt(lit(v)).sum().alias(format!("{n}_lt{i}"))
                })
            })
            .collect();
        let _ = df.clone().lazy().select(counts).collect().unwrap();
        for j in 0..CATEGORICAL {
            let name = format!("cat{j}");
            let _ = df.clone().lazy().group_by([col(name.as_str())]).agg([len()]).collect().unwrap();
        }
    }
}

/// Only reads both files into memory.
fn read_only(reference: &Path, current: &Path) {
    let r = scan(reference).collect().unwrap();
    let c = scan(current).collect().unwrap();
    assert!(r.height() > 0 && c.height() > 0);
}

fn measure_child(args: &[String]) {
    match args[0].as_str() {
        "read" => read_only(Path::new(&args[1]), Path::new(&args[2])),
        "read-bin" => read_and_bin(Path::new(&args[1]), Path::new(&args[2])),
        other => panic!("unknown measure {other}"),
    }
}

fn python_polars() -> bool {
    Command::new("python3")
        .args(["-c", "import polars"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("measure") {
        measure_child(&args[1..]);
        return;
    }
    let mut rows = vec![1_000_000usize, 10_000_000];
    let mut dir = std::env::temp_dir().join("mlgate-bench");
    let mut repeat = 5;
    let mut formats = vec!["parquet".to_string(), "csv".to_string()];
    let mut only: Option<Vec<String>> = None;
    let mut baseline: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{a} needs a value")).clone();
        match a.as_str() {
            "--rows" => rows = value().split(',').map(|s| s.parse().unwrap()).collect(),
            "--dir" => dir = PathBuf::from(value()),
            "--repeat" => repeat = value().parse().unwrap(),
            "--formats" => formats = value().split(',').map(str::to_string).collect(),
            "--only" => only = Some(value().split(',').map(str::to_string).collect()),
            "--baseline" => baseline = Some(PathBuf::from(value())),
            other => panic!(
                "unknown argument {other}; use --rows N[,M] --dir DIR --repeat K --formats parquet,csv --only read,drift,binned,evidently --baseline OLD_MLGATE"
            ),
        }
    }
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("mlgate");
    assert!(bin.exists(), "build the binary first: cargo build --release ({} missing)", bin.display());
    let floor_script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/floor_polars.py");
    let python = python_polars();
    if !python {
        eprintln!("python3 with polars not found: the floor is this example's own Rust-polars read+bin");
    }
    let floor_name = if python { "Python polars read+bin" } else { "Rust polars read+bin" };
    println!("medians of {repeat} whole-process runs, round-robin; floor = {floor_name}; CPU = user + system seconds");
    println!();
    println!(
        "| rows | format | file (each) | run | wall | CPU (sys) | minor faults | peak RSS | peak heap | wall ÷ floor | CPU ÷ floor |"
    );
    println!("|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    let wants = |k: &str| only.as_ref().is_none_or(|o| o.iter().any(|x| x == k));
    for &n in &rows {
        let files = generate(&dir, n);
        for (fmt, r, c) in [("parquet", &files[0], &files[1]), ("csv", &files[2], &files[3])] {
            if !formats.iter().any(|f| f == fmt) {
                continue;
            }
            let (rs, cs) = (r.to_str().unwrap().to_string(), c.to_str().unwrap().to_string());
            let size = std::fs::metadata(r).unwrap().len() as f64 / (1024.0 * 1024.0);
            // Every kind of run, as (label, command); run round-robin so that whatever else
            // the machine is doing affects all of them alike.
            let mut kinds: Vec<(String, Box<dyn Fn() -> Command>)> = Vec::new();
            let outs = tempfile::tempdir().unwrap();
            let (fs, fe) = (floor_script.clone(), exe.clone());
            let (r1, c1) = (rs.clone(), cs.clone());
            kinds.push((
                "floor".into(),
                Box::new(move || {
                    let mut c = if python {
                        let mut c = Command::new("python3");
                        c.arg(&fs);
                        c
                    } else {
                        let mut c = Command::new(&fe);
                        c.args(["measure", "read-bin"]);
                        c
                    };
                    c.args([&r1, &c1]);
                    c
                }),
            ));
            if wants("read") {
                let (fe, r1, c1) = (exe.clone(), rs.clone(), cs.clone());
                kinds.push((
                    "polars read".into(),
                    Box::new(move || {
                        let mut c = Command::new(&fe);
                        c.args(["measure", "read", &r1, &c1]);
                        c
                    }),
                ));
            }
            for (label, extra) in [
                ("drift", &[][..]),
                ("binned", &["--method", "binned"][..]),
                ("evidently", &["--compat", "evidently"][..]),
            ] {
                if !wants(label) {
                    continue;
                }
                let bins = std::iter::once((label.to_string(), bin.clone()))
                    .chain(baseline.iter().map(|b| (format!("{label} (baseline)"), b.clone())));
                for (name, b) in bins {
                    let (r1, c1) = (rs.clone(), cs.clone());
                    let extra: Vec<String> = extra.iter().map(|e| e.to_string()).collect();
                    let out = outs.path().join(kinds.len().to_string());
                    kinds.push((
                        name,
                        Box::new(move || {
                            let mut c = Command::new(&b);
                            c.args(["gate", "drift", "--reference", &r1, "--current", &c1, "-q", "--out"]);
                            c.arg(&out).args(&extra);
                            c
                        }),
                    ));
                }
            }
            let mut runs: Vec<Vec<Measured>> = vec![Vec::new(); kinds.len()];
            for _ in 0..repeat {
                for (k, (_, make)) in kinds.iter().enumerate() {
                    runs[k].push(run(make()));
                }
            }
            let measured: Vec<(String, Measured)> =
                kinds.iter().zip(&runs).map(|((label, _), r)| (label.clone(), median(r))).collect();
            let floor = measured[0].1;
            for (label, m) in &measured {
                println!(
                    "| {n} | {fmt} | {size:.0} MiB | {label} | {:.2} s | {:.2} s ({:.2}) | {:.0}k | {:.0} MiB | {:.0} MiB | {:.2}× | {:.2}× |",
                    m.wall,
                    m.cpu(),
                    m.sys,
                    m.minflt / 1000.0,
                    m.peak_mib,
                    m.anon_mib,
                    m.wall / floor.wall,
                    m.cpu() / floor.cpu()
                );
            }
        }
    }
}
