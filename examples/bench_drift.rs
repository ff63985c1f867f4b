//! Drift benchmark: wall time and peak memory of `mlgate gate drift` against merely reading
//! the same files with polars and binning them.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example bench_drift -- [--rows 1000000,10000000] [--dir /tmp/mlgate-bench]
//! ```
//!
//! For each size it generates (once) a reference and a current file of N rows × 25 columns
//! (20 numeric, 5 categorical; 4 numeric and 1 categorical column drift) as Parquet and as
//! CSV, then measures, each in a fresh process so peak memory (VmHWM) is its own:
//!
//! - `read`: polars reads both files completely, nothing else;
//! - `read+bin`: polars reads both files completely and computes, per numeric column, the
//!   reference's decile edges and both sides' counts in those bins, and per categorical
//!   column both sides' value counts: the least work any PSI needs;
//! - `drift`: the `mlgate` binary itself, `gate drift --reference … --current … --out DIR`,
//!   i.e. every statistic, the input hashes for provenance and the written reports;
//! - `drift (binned)`: the same forced to stream (`--method binned`), which is what larger
//!   data uses automatically; its memory should not grow with the number of rows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use polars::prelude::*;

const NUMERIC: usize = 20;
const CATEGORICAL: usize = 5;
const CHUNK: usize = 500_000;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.f().max(1e-12), self.f());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

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

/// Peak resident memory of this process so far, in MiB (Linux VmHWM).
fn peak_mib() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn scan(p: &Path) -> LazyFrame {
    let s = p.to_str().unwrap();
    if s.ends_with(".parquet") {
        LazyFrame::scan_parquet(PlRefPath::new(s), ScanArgsParquet::default()).unwrap()
    } else {
        LazyCsvReader::new(PlRefPath::new(s)).with_has_header(true).finish().unwrap()
    }
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
    let start = Instant::now();
    match args[0].as_str() {
        "read" => read_only(Path::new(&args[1]), Path::new(&args[2])),
        "read-bin" => read_and_bin(Path::new(&args[1]), Path::new(&args[2])),
        other => panic!("unknown measure {other}"),
    }
    println!("{{\"secs\": {}, \"peak_mib\": {}}}", start.elapsed().as_secs_f64(), peak_mib());
}

struct Measured {
    secs: f64,
    /// Peak resident set (VmHWM).
    peak_mib: f64,
    /// Peak anonymous memory (RssAnon), when sampled.
    anon_mib: f64,
}

fn run_measure(args: &[&str]) -> Measured {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe).arg("measure").args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    Measured { secs: v["secs"].as_f64().unwrap(), peak_mib: v["peak_mib"].as_f64().unwrap(), anon_mib: f64::NAN }
}

/// Runs the mlgate binary: wall clock measured here; memory sampled from
/// `/proc/<pid>/status` every 5 ms: the peak resident set (VmHWM, which counts the pages of
/// memory-mapped input files) and the peak anonymous memory (RssAnon: the heap).
fn run_mlgate(bin: &Path, args: &[String]) -> Measured {
    let out_dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .arg("--out")
        .arg(out_dir.path())
        .arg("-q")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let (mut hwm_kb, mut anon_kb) = (0f64, 0f64);
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_path) {
            for line in text.lines() {
                let kb = |l: &str| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
                if line.starts_with("VmHWM:") {
                    hwm_kb = hwm_kb.max(kb(line));
                } else if line.starts_with("RssAnon:") {
                    anon_kb = anon_kb.max(kb(line));
                }
            }
        }
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let secs = start.elapsed().as_secs_f64();
    let code = status.code().unwrap_or(-1);
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(code == 0 || code == 1, "mlgate failed: {err}");
    Measured { secs, peak_mib: hwm_kb / 1024.0, anon_mib: anon_kb / 1024.0 }
}

fn best_of(n: usize, f: impl Fn() -> Measured) -> Measured {
    let mut best = f();
    for _ in 1..n {
        let m = f();
        if m.secs < best.secs {
            best = Measured {
                secs: m.secs,
                peak_mib: best.peak_mib.max(m.peak_mib),
                anon_mib: best.anon_mib.max(m.anon_mib),
            };
        }
    }
    best
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("measure") {
        measure_child(&args[1..]);
        return;
    }
    let mut rows = vec![1_000_000usize, 10_000_000];
    let mut dir = std::env::temp_dir().join("mlgate-bench");
    let mut repeat = 3;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rows" => rows = it.next().unwrap().split(',').map(|s| s.parse().unwrap()).collect(),
            "--dir" => dir = PathBuf::from(it.next().unwrap()),
            "--repeat" => repeat = it.next().unwrap().parse().unwrap(),
            other => panic!("unknown argument {other}; use --rows N[,M] --dir DIR --repeat K"),
        }
    }
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("mlgate");
    assert!(bin.exists(), "build the binary first: cargo build --release ({} missing)", bin.display());
    println!(
        "| rows | format | file size (each) | read | read+bin | drift | drift ÷ read | drift ÷ read+bin | drift (binned) | peak RSS: read+bin / drift / binned | peak heap (RssAnon): drift / binned |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
    for &n in &rows {
        let files = generate(&dir, n);
        for (fmt, r, c) in [("Parquet", &files[0], &files[1]), ("CSV", &files[2], &files[3])] {
            let (rs, cs) = (r.to_str().unwrap().to_string(), c.to_str().unwrap().to_string());
            let size = std::fs::metadata(r).unwrap().len() as f64 / (1024.0 * 1024.0);
            let ro = best_of(repeat, || run_measure(&["read", &rs, &cs]));
            let rb = best_of(repeat, || run_measure(&["read-bin", &rs, &cs]));
            let base = vec![
                "gate".to_string(),
                "drift".into(),
                "--reference".into(),
                rs.clone(),
                "--current".into(),
                cs.clone(),
            ];
            let d = best_of(repeat, || run_mlgate(&bin, &base));
            let mut binned_args = base.clone();
            binned_args.extend(["--method".to_string(), "binned".into()]);
            let b = best_of(repeat, || run_mlgate(&bin, &binned_args));
            println!(
                "| {} | {fmt} | {:.0} MiB | {:.2} s | {:.2} s | {:.2} s | {:.1}× | {:.2}× | {:.2} s | {:.0} / {:.0} / {:.0} MiB | {:.0} / {:.0} MiB |",
                n,
                size,
                ro.secs,
                rb.secs,
                d.secs,
                d.secs / ro.secs,
                d.secs / rb.secs,
                b.secs,
                rb.peak_mib,
                d.peak_mib,
                b.peak_mib,
                d.anon_mib,
                b.anon_mib
            );
        }
    }
}
