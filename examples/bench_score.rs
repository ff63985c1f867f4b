//! `mlgate score` on a large repository: whole-process wall time, median of several runs.
//!
//! ```sh
//! cargo build --release && cargo run --release --example bench_score -- \
//!     [--files 50000] [--repeat 5] [--dir /tmp/mlgate-bench-score] [--baseline OLD_MLGATE] \
//!     [--runs 2000] [--mlgate PATH]
//! ```
//!
//! With `--runs N`, also N CI runs' JUnit reports (each naming 100 of the repository's test
//! modules, a tenth of them failing) are generated, and `mlgate score --runs` is timed beside
//! the plain score in the same session.
//!
//! Generates (once per size) a repository of N files: Python packages whose modules import
//! each other, tests, notebooks with outputs, YAML configs, Markdown, and CI that reaches them
//! through workflows, a shell script, a Makefile, tox and `python -m` (so the automation
//! graph has real work), then runs `mlgate score` `--repeat` times, each in a fresh process,
//! and prints the median. With `--baseline`, an older binary runs the same repository in the
//! same session. The issue's target: under 2 s for 50,000 files.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn generate(root: &Path, files: usize) {
    if root.join(".complete").is_file() {
        return;
    }
    let _ = std::fs::remove_dir_all(root);
    let per_pkg = 50;
    let mut n = 0;
    let mut pkg = 0;
    while n < files {
        for m in 0..per_pkg {
            if n >= files {
                break;
            }
            let rel = match m % 10 {
                0 => format!("tests/pkg{pkg}/test_mod{m}.py"),
                1 => format!("notebooks/pkg{pkg}/analysis{m}.ipynb"),
                2 => format!("conf/pkg{pkg}/params{m}.yaml"),
                3 => format!("docs/pkg{pkg}/page{m}.md"),
                _ => format!("src/pkg{pkg}/mod{m}.py"),
            };
            let text = match m % 10 {
                0 => format!("from pkg{pkg}.mod{} import f\n\ndef test_f():\n    assert f(1) == 2\n", m + 4),
                1 => "{\"cells\":[{\"cell_type\":\"code\",\"source\":[\"df.describe()\\n\"],\"outputs\":[{\"text\":\"ok\"}]}]}".to_string(),
                2 => format!("learning_rate: 0.{m}\nseed: 42\n"),
                3 => format!("# Page {m}\n\nSome words about package {pkg}.\n"),
                _ => format!(
                    "import os\nfrom pkg{pkg}.mod{} import g\n\ndef f(x):\n    return x + 1\n\nclass Model:\n    def fit(self, X, y):\n        return self\n",
                    (m + 1) % per_pkg
                ),
            };
            write(root, &rel, &text);
            n += 1;
        }
        pkg += 1;
    }
    write(
        root,
        ".github/workflows/ci.yml",
        "on: [pull_request]\njobs:\n  t:\n    steps:\n      - run: bash scripts/ci.sh\n",
    );
    write(
        root,
        ".github/workflows/nightly.yml",
        "on:\n  schedule:\n    - cron: '0 3 * * *'\njobs:\n  n:\n    steps:\n      - run: make train\n",
    );
    write(root, "scripts/ci.sh", "set -e\ntox -e py\npython -m pkg0.mod4\n");
    write(root, "tox.ini", "[testenv]\ncommands =\n    pytest tests\n");
    write(root, "Makefile", "train:\n\tpython -m pkg1.mod5\n");
    write(root, "requirements.txt", "numpy==1.26.4\npandas==2.2.0\nscikit-learn==1.4.0\n");
    write(root, ".complete", "");
}

/// N runs' JUnit reports under `root`, dated a day apart before 2026-11-30.
fn generate_runs(root: &Path, files: usize, runs: usize) {
    if root.join(".complete").is_file() {
        return;
    }
    let _ = std::fs::remove_dir_all(root);
    let pkgs = files.div_ceil(50).max(1);
    for r in 0..runs {
        let day = 30 - (r % 28);
        let mut xml = format!(
            "<?xml version=\"1.0\"?><testsuites><testsuite name=\"pytest\" tests=\"100\" timestamp=\"2026-11-{day:02}T06:00:00\">"
        );
        for c in 0..100 {
            let pkg = (r * 7 + c) % pkgs;
            let failure = if (r + c) % 10 == 0 { "<failure message=\"assert 1 == 2\">x</failure>" } else { "" };
            xml.push_str(&format!(
                "<testcase classname=\"tests.pkg{pkg}.test_mod0\" name=\"test_f{c}\" time=\"0.01\">{failure}</testcase>"
            ));
        }
        xml.push_str("</testsuite></testsuites>");
        write(root, &format!("ci-{r}/junit.xml"), &xml);
    }
    write(root, ".complete", "");
}

fn median_ms(bin: &Path, repo: &Path, repeat: usize, extra: &[&std::ffi::OsStr]) -> f64 {
    let mut t: Vec<f64> = (0..repeat)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(bin)
                .env("SOURCE_DATE_EPOCH", "1796040000")
                .args(["score", "--repo"])
                .arg(repo)
                .args(extra)
                .args(["--format", "json", "--out"])
                .arg(std::env::temp_dir().join("mlgate-bench-score-out"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("mlgate runs");
            assert!(status.code().is_some_and(|c| c <= 1), "mlgate score failed: {status}");
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let files: usize = value("--files").and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let repeat: usize = value("--repeat").and_then(|v| v.parse().ok()).unwrap_or(5);
    let dir = PathBuf::from(value("--dir").unwrap_or_else(|| "/tmp/mlgate-bench-score".into())).join(files.to_string());
    let bin = value("--mlgate")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/mlgate"));
    generate(&dir, files);
    println!("repository: {} ({files} files), {repeat} runs each, whole process", dir.display());
    println!("mlgate score: median {:.0} ms", median_ms(&bin, &dir, repeat, &[]));
    if let Some(b) = value("--baseline") {
        println!("baseline {b}: median {:.0} ms", median_ms(Path::new(&b), &dir, repeat, &[]));
    }
    if let Some(n) = value("--runs").and_then(|v| v.parse::<usize>().ok()) {
        let runs = dir.with_file_name(format!("{files}-runs-{n}"));
        generate_runs(&runs, files, n);
        let extra = [
            std::ffi::OsStr::new("--runs"),
            runs.as_os_str(),
            std::ffi::OsStr::new("--require-runs"),
            std::ffi::OsStr::new("3"),
        ];
        println!(
            "mlgate score --runs ({n} JUnit reports of 100 cases): median {:.0} ms",
            median_ms(&bin, &dir, repeat, &extra)
        );
    }
}
