//! How far `mlgate score` agrees with expert audits: scores every repository of a hand-audited
//! corpus and compares test by test.
//!
//! ```sh
//! cargo build --release && cargo run --release --example rubric_agreement -- \
//!     --labels ../shared/rubric-dev/labels.json --corpus DIR [--mlgate target/release/mlgate]
//! ```
//!
//! `DIR` holds one folder per repository, named `owner+name`, with the tree at the audited
//! commit (`materialize.py` in the corpus writes it from a fetched snapshot). Printed: exact
//! per-test agreement (and the agreement of a scorer that writes 0 everywhere), the same
//! counting a one-step miss on a low-confidence label as agreement, quadratic-weighted Cohen's
//! kappa, over- and under-credited tests, the mean absolute error of section sums, and the
//! same per test and per repository. Not a test: the corpus lives outside this repository.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use mlgate::stats::agreement::quadratic_kappa;
use serde_json::Value;

fn level(x: f64) -> usize {
    (x * 2.0).round().clamp(0.0, 2.0) as usize
}

#[derive(Default)]
struct Tally {
    n: usize,
    exact: usize,
    zero: usize,
    lenient: usize,
    over: usize,
    under: usize,
}

impl Tally {
    fn add(&mut self, tool: usize, label: usize, low_confidence: bool) {
        self.n += 1;
        self.exact += usize::from(tool == label);
        self.zero += usize::from(label == 0);
        self.lenient += usize::from(tool == label || (low_confidence && tool.abs_diff(label) == 1));
        self.over += usize::from(tool > label);
        self.under += usize::from(tool < label);
    }
}

fn pct(a: usize, n: usize) -> String {
    format!("{:.1} %", 100.0 * a as f64 / n.max(1) as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let (Some(labels), Some(corpus)) = (value("--labels"), value("--corpus")) else {
        eprintln!("usage: rubric_agreement --labels labels.json --corpus DIR [--mlgate BIN]");
        std::process::exit(2);
    };
    let bin = value("--mlgate")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/mlgate"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&labels).expect("labels.json")).expect("JSON");
    let (mut all, mut by_test) = (Tally::default(), BTreeMap::<String, Tally>::new());
    let (mut tool_levels, mut label_levels) = (Vec::new(), Vec::new());
    let (mut section_error, mut sections) = (0.0, 0usize);
    println!("| repository | data | model | infra | monitoring | final | exact |");
    println!("|---|---|---|---|---|---|---:|");
    for repo in doc["repos"].as_array().expect("repos") {
        let name = repo["repo"].as_str().unwrap_or_default();
        let dir = PathBuf::from(&corpus).join(name.replace('/', "+"));
        let out = Command::new(&bin)
            .args(["score", "--repo"])
            .arg(&dir)
            .args(["--format", "json", "--out"])
            .arg(std::env::temp_dir().join("mlgate-agreement"))
            .output()
            .expect("mlgate runs");
        let scored: Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(_) => {
                eprintln!("{name}: mlgate score failed: {}", String::from_utf8_lossy(&out.stderr));
                std::process::exit(1);
            }
        };
        let points: BTreeMap<String, f64> = scored["rubric"]["tests"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| (t["id"].as_str().unwrap_or_default().to_string(), t["points"].as_f64().unwrap_or(0.0)))
            .collect();
        let mut repo_tally = Tally::default();
        let mut sums: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for (id, t) in repo["tests"].as_object().expect("tests by id") {
            let id = id.clone();
            let label = t["score"].as_f64().unwrap_or(0.0);
            let tool = points.get(&id).copied().unwrap_or(0.0);
            let low = t["confidence"].as_str() == Some("low");
            let (tl, ll) = (level(tool), level(label));
            all.add(tl, ll, low);
            repo_tally.add(tl, ll, low);
            by_test.entry(id.clone()).or_default().add(tl, ll, low);
            tool_levels.push(tl);
            label_levels.push(ll);
            let section = id.split('.').next().unwrap_or_default().to_string();
            let e = sums.entry(section).or_default();
            e.0 += tool;
            e.1 += label;
        }
        let cell = |s: &str| sums.get(s).map(|(t, l)| format!("{t} / {l}")).unwrap_or_default();
        for (t, l) in sums.values() {
            section_error += (t - l).abs();
            sections += 1;
        }
        let final_tool = sums.values().map(|v| v.0).fold(f64::INFINITY, f64::min);
        let final_label = sums.values().map(|v| v.1).fold(f64::INFINITY, f64::min);
        println!(
            "| {name} | {} | {} | {} | {} | {final_tool} / {final_label} | {}/{} |",
            cell("data"),
            cell("model"),
            cell("infra"),
            cell("monitoring"),
            repo_tally.exact,
            repo_tally.n
        );
    }
    println!("\n(cells: mlgate / audit)\n");
    println!("| test | exact | over | under |");
    println!("|---|---:|---:|---:|");
    for (id, t) in &by_test {
        println!("| {id} | {}/{} | {} | {} |", t.exact, t.n, t.over, t.under);
    }
    let kappa = quadratic_kappa(&tool_levels, &label_levels, 3).unwrap_or(f64::NAN);
    println!(
        "\nexact agreement: {}/{} = {} (a scorer writing 0 everywhere: {})",
        all.exact,
        all.n,
        pct(all.exact, all.n),
        pct(all.zero, all.n)
    );
    println!("counting a one-step miss on a low-confidence label as agreement: {}", pct(all.lenient, all.n));
    println!("quadratic-weighted kappa: {kappa:.3}");
    println!("over-credited: {}, under-credited: {}", all.over, all.under);
    println!(
        "mean absolute section-sum error: {:.3} (over {sections} sections)",
        section_error / sections.max(1) as f64
    );
}
