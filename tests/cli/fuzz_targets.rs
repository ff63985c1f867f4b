//! Fuzz targets and a small mutation engine, shared by `examples/fuzz.rs` (runs each target
//! for a while: `.ci/fuzz`) and the `fuzz` test (a fixed number of inputs per target, so the
//! suite stays deterministic). Each target feeds one parser an input an attacker could
//! write; a target fails when the parser panics (exit 101 in the binary) or takes over a
//! second. Errors are fine: they are how bad input is meant to end.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A parser under test: feeds `input` (written into `dir` when the parser reads files).
pub type Target = fn(&[u8], &Path);

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn config(b: &[u8], dir: &Path) {
    let p = dir.join("mlgate.toml");
    std::fs::write(&p, b).unwrap();
    let _ = mlgate::config::Config::load(&p);
}

fn schema(b: &[u8], _: &Path) {
    let _ = mlgate::gates::schema::DataSchema::parse(&text(b), "schema.json");
}

fn data_file(b: &[u8], dir: &Path, name: &str) {
    std::fs::write(dir.join(name), b).unwrap();
    if let Ok(src) = mlgate::data::Source::new("data", name, dir, "the fuzzer") {
        let _ = src.load();
        let _ = mlgate::data::diagnose::locate_problem(&src.path, src.format);
    }
}

fn csv(b: &[u8], dir: &Path) {
    data_file(b, dir, "t.csv");
}

fn jsonl(b: &[u8], dir: &Path) {
    data_file(b, dir, "t.jsonl");
}

/// Every CI system's parser, and the schedule finder, on the same input.
fn ci(b: &[u8], _: &Path) {
    use mlgate::rubric::ci;
    let t = text(b);
    for rel in [
        ".github/workflows/ci.yml",
        ".gitlab-ci.yml",
        "azure-pipelines.yml",
        "cloudbuild.yaml",
        ".circleci/config.yml",
        "bitbucket-pipelines.yml",
        ".buildkite/pipeline.yml",
        "buildspec.yml",
        ".pre-commit-config.yaml",
        "Jenkinsfile",
    ] {
        if let Some(system) = ci::system_of(rel) {
            let _ = ci::parse(system, rel, &t);
        }
    }
    let _ = ci::sched::parse("dags/d.py", &t);
    let _ = ci::sched::parse("deploy.yaml", &t);
    let _ = ci::github::parse_action("action.yml", &t);
}

/// The automation graph over a repository whose script, Makefile, tox.ini, module and
/// template are all the input, called from a workflow (loops and self-calls included).
fn automation(b: &[u8], dir: &Path) {
    let repo = dir.join("repo");
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(repo.join(".github/workflows")).unwrap();
    let wf = "on: push\njobs:\n  a:\n    steps:\n      - run: bash s.sh && make && tox && python -m m && dvc repro\n      - uses: ./.github/workflows/ci.yml\n";
    std::fs::write(repo.join(".github/workflows/ci.yml"), wf).unwrap();
    for f in ["s.sh", "Makefile", "tox.ini", "m.py", "dvc.yaml", "t.yml", "Jenkinsfile"] {
        std::fs::write(repo.join(f), b).unwrap();
    }
    let index = mlgate::rubric::scan::RepoIndex::build(&repo);
    let _ = mlgate::rubric::graph::build(&index);
}

fn results(b: &[u8], _: &Path) {
    if let Ok(r) = mlgate::cli::report::parse_results(&text(b), "results.json") {
        for f in mlgate::render::ReportFormat::all() {
            let _ = mlgate::render::render_with(&r, f, &text(b));
        }
    }
}

/// The skew gate on two tables an attacker wrote (offline and online, split at a line
/// `---`): joined on their first column exactly, on it and a time within a window, and as
/// distributions without a key.
fn skew(b: &[u8], dir: &Path) {
    use mlgate::gates::skew::{self, Settings, Sides};
    let t = text(b);
    let (off, on) = t.split_once("\n---\n").unwrap_or((&t, &t));
    let load = |name: &str, body: &str| {
        std::fs::write(dir.join(name), body).ok()?;
        mlgate::data::Source::new(name, name, dir, "the fuzzer").ok()?.load().ok()
    };
    let (Some(offline), Some(online)) = (load("off.csv", off), load("on.csv", on)) else { return };
    let sides = Sides { offline: &offline, online: &online };
    let names: Vec<String> = offline.get_column_names().iter().map(|n| n.to_string()).collect();
    let _ = skew::run(&sides, &Settings::default());
    let (Some(key), true) = (names.first(), names.first().is_some_and(|k| online.column(k).is_ok())) else { return };
    let keyed = Settings { key: vec![key.clone()], ..Settings::default() };
    let _ = skew::run(&sides, &keyed);
    if let Some(time) = names.get(1).filter(|t| online.column(t).is_ok()) {
        let timed = Settings { time: Some(time.clone()), within_us: 2_000_000, ..keyed };
        let _ = skew::run(&sides, &timed);
    }
}

/// What a pull request can commit for a release: an allowed_signers file, an approval
/// record and its signature, and a promotion registry (split at lines `---`), read and
/// checked the way `verify --require-approval --registry` does.
fn release(b: &[u8], _: &Path) {
    use mlgate::release::{Item, judge::Trust, record::Record, registry};
    use mlgate::sign::{Revoked, Signers, verify::verify};
    let t = text(b);
    let parts: Vec<&str> = t.split("\n---\n").collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or("");
    let signers = Signers::parse(part(0), "allowed_signers").unwrap_or_default();
    let revoked = Revoked::default();
    let trust = Trust { signers: &signers, revoked: &revoked, at: 1_800_000_000 };
    if let Some(Ok(rec)) = Record::parse(part(1)) {
        let _ = verify(&signers, &revoked, part(1).as_bytes(), part(2), Some(&rec.approver), trust.at);
        let _ = rec.file_name();
        let _ = rec.waivers.iter().filter(|w| w.covers(&Item { code: "a".into(), subject: "b".into() })).count();
    }
    let _ = verify(&signers, &revoked, part(1).as_bytes(), part(2), None, trust.at);
    let _ = registry::check(part(3), "registry", Some(&trust));
    let _ = registry::check(part(3), "registry", None);
    let _ = registry::check_history(&[("c".into(), Some(part(1).to_string()))], part(3), "registry");
    for w in part(1).split_whitespace().take(50) {
        let _ = Item::parse(w);
    }
}

/// The canary gate on two prediction logs an attacker wrote (champion and candidate, split
/// at a line `---`): paired on their first column, by position, and as a random split.
fn canary(b: &[u8], dir: &Path) {
    use mlgate::gates::canary::cfg::Raw;
    use mlgate::gates::cfg::Cx;
    use mlgate::gates::columns::{Columns, flag};
    use mlgate::run::{FlagResolver, RunCtx};
    let t = text(b);
    let (a, c) = t.split_once("\n---\n").unwrap_or((&t, &t));
    std::fs::write(dir.join("a.csv"), a).unwrap();
    std::fs::write(dir.join("c.csv"), c).unwrap();
    let first = a.lines().next().unwrap_or("").split(',').next().unwrap_or("").to_string();
    let resolver = FlagResolver {
        files: [("champion", "a.csv"), ("candidate", "c.csv")]
            .into_iter()
            .map(|(k, f)| (k.to_string(), (dir.join(f).display().to_string(), format!("--{k}"))))
            .collect(),
        flag: |_, k| k.to_string(),
    };
    for (key, mode) in [(Some(first), None), (None, Some("shadow")), (None, None)] {
        let mut raw = Raw::new(flag("champion".to_string()), flag("candidate".to_string()));
        raw.key = key.map(flag);
        raw.mode = mode.map(|m| flag(m.to_string()));
        for (slot, col) in [(&mut raw.label, "label"), (&mut raw.latency, "latency"), (&mut raw.error, "error")] {
            if a.lines().next().is_some_and(|h| h.split(',').any(|x| x == col)) {
                *slot = Some(flag(col.to_string()));
            }
        }
        raw.min_rows = Some(flag(1));
        let columns = Columns::default();
        let mut p = mlgate::diag::Problems::new("[gates.canary]");
        let spec = raw.validate(&Cx::ad_hoc(&columns), &mut p);
        if p.is_empty() {
            let _ = mlgate::run::canary::run(&spec, &resolver, &mut RunCtx::default());
        }
    }
}

/// Run outputs an attacker uploaded as a CI artefact: the input as each format's file in a
/// folder (and an MLflow run folder), read the way `score --runs` does, and as a zip archive.
fn runs(b: &[u8], dir: &Path) {
    use mlgate::rubric::runs::{Origin, RunSet};
    let root = dir.join("runs");
    let _ = std::fs::remove_dir_all(&root);
    let run = root.join("mlruns/1/abc");
    std::fs::create_dir_all(run.join("tags")).unwrap();
    for f in ["junit.xml", "results.json", "anomalies.pbtxt", "dvc.lock", "BLESSED", "a.zip"] {
        std::fs::write(root.join(f), b).unwrap();
    }
    std::fs::write(run.join("meta.yaml"), b).unwrap();
    std::fs::write(run.join("tags/mlflow.source.name"), b).unwrap();
    let mut set = RunSet::default();
    let _ = set.read_dir(&root, "runs", 1_800_000_000);
    set.read_archive(b, "artefact", 1_800_000_000, &Origin::default());
}

/// The targets, by name.
/// A saved engine answer, read as pass 1 and pass 2 of a profile, and as a saved profile.
fn engine_result(b: &[u8], dir: &Path) {
    use mlgate::profile::ColumnKind;
    use mlgate::warehouse::{Column, Dialect, Job, Quantiles, result};
    for name in ["r.csv", "r.json"] {
        let p = dir.join(name);
        std::fs::write(&p, b).unwrap();
        let Ok(rows) = result::read_file(&p, name) else { continue };
        let col = |n: &str, kind| Column { name: n.into(), kind, dtype: "t".into(), integer: false };
        let columns =
            vec![col("x", ColumnKind::Numeric), col("c", ColumnKind::Categorical), col("t", ColumnKind::Other)];
        let job = Job {
            dialect: Dialect::Postgres,
            query: "q".into(),
            columns,
            levels: 4,
            quantiles: Quantiles::Exact,
            reference: None,
        };
        if let Ok(cuts) = job.cuts(Some(&rows), name) {
            let _ = job.profile(&cuts, &rows, name);
        }
        let _ = mlgate::profile::Profile::load(&p, name);
    }
}

pub const TARGETS: &[(&str, Target)] = &[
    ("engine_result", engine_result),
    ("config", config),
    ("schema", schema),
    ("csv", csv),
    ("jsonl", jsonl),
    ("ci", ci),
    ("automation", automation),
    ("results", results),
    ("skew", skew),
    ("release", release),
    ("canary", canary),
    ("runs", runs),
];

/// Seed inputs of a target: real files of this repository plus hand-made edge cases.
pub fn seeds(target: &str, root: &Path) -> Vec<Vec<u8>> {
    let read = |p: &str| std::fs::read(root.join(p)).unwrap_or_default();
    let mut s: Vec<Vec<u8>> = match target {
        "config" => vec![read("examples/churn/mlgate.toml"), b"[data]\ntrain = \"t.csv\"\n[gates.drift]\nreference = \"train\"\ncurrent = \"train\"\npsi = { warn = 0.1, fail = 0.2 }\n".to_vec()],
        "schema" => vec![read("examples/churn/schema.json"), br#"{"columns":[{"name":"a","type":"integer","min":0,"max":4}]}"#.to_vec()],
        "csv" => vec![read("examples/churn/data/test.csv").into_iter().take(4000).collect(), b"a,b\n\"x,\ny\",2\n3,\n".to_vec()],
        // The last seed is a finding of the fuzzer (polars panicked on an integer over 64 bits).
        "jsonl" => vec![
            read("examples/churn/data/serving_sample.jsonl").into_iter().take(4000).collect(),
            b"{\"a\":1,\"b\":[1,2]}\n{\"a\":null}\n".to_vec(),
            b"{\"a\": 18446744073709551616}\n".to_vec(),
        ],
        "automation" => vec![
            b"all: all t\n\tbash s.sh\n\tmake all\nt:\n\tpython -m m\n\ttox -e py\n".to_vec(),
            b"import m\nfrom . import m\nos.system('bash s.sh')\nx = 't.yml'\n".to_vec(),
            b"[testenv]\ncommands =\n    bash s.sh\n    make\nstages:\n  a:\n    cmd: python m.py\n".to_vec(),
            b"steps:\n- template: t.yml\n- script: bash s.sh\n".to_vec(),
        ],
        "ci" => vec![b"on: [push, pull_request]\njobs:\n  t:\n    steps:\n      - run: pytest\n      - uses: a/b@v1\nx: &a [1, *a]\n".to_vec(), b"test:\n  script:\n    - make test\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"schedule\"\n".to_vec()],
        "skew" => vec![
            b"id,at,x,hour,name\n1,2024-01-01T00:00:00Z,0.5,23,Gold\n2,2024-01-01T01:00:00Z,,1,Silver\n2,2024-01-02T00:00:00Z,1e308,0,x\n---\nid,at,x,hour,name\n1,2024-01-01T00:00:01Z,50,1,gold \n2,2024-01-01T01:00:00Z,0,3,SILVER\n3,bad,NaN,inf,\n".to_vec(),
            [&read("examples/churn/data/offline_features.csv")[..3000], b"\n---\n", &read("examples/churn/data/offline_features.csv")[..3000]].concat(),
        ],
        "canary" => vec![
            b"id,score,label,latency,error\n1,0.9,1,12.5,0\n2,0.2,,8,1\n3,nan,0,,\n---\nid,score,label,latency,error\n1,0.7,1,30,0\n2,0.4,0,9,0\n4,0.5,,1e300,0\n".to_vec(),
            b"score\n0.5\n0.5\n---\nscore\n0.5\n".to_vec(),
            // A finding of the fuzzer: a missing latency (NaN) in canary mode made the
            // Mann–Whitney tie count loop forever.
            b"score,latency\n0.5,nan\n0.7,3\n---\nscore,latency\n0.2,\n0.9,4\n".to_vec(),
        ],
        "release" => vec![
            read("tests/fixtures/release/fuzz-seed.txt"),
            // A finding of the fuzzer: a digest with a character of several bytes panicked
            // where a record's file name cut it to 12 bytes.
            "x ssh-ed25519 AAAA\n---\n{\"mlgate_approval\":1,\"results_sha256\":\"a6e1f2b284\u{202e}20fcf\",\"verdict\":\"pass\",\"commit\":null,\"approver\":\"a\",\"time\":\"t\",\"decision\":\"promote\",\"reason\":\"r\",\"key\":\"k\"}\n---\n\n---\n".as_bytes().to_vec(),
            b"a,\"b c\" cert-authority,namespaces=\"x,y\",valid-after=\"2026\" ssh-ed25519 AAAA\n---\n{\"mlgate_approval\":2}\n---\n-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n---\n{\"seq\":1}\n\n".to_vec(),
        ],
        "engine_result" => vec![
            b"mlgate_rows,d0,lo0,hi0,q0\n10,9,0.5,9,\"{1.5,4,7.25}\"\n".to_vec(),
            b"column_index,bin,n,min_value,max_value,mean_value,var_pop_value,column_rows\n0,#1,3,1,3,2,0.66,10\n0,~null,1,,,,,10\n1,=a,4,,,,,10\n1,~null,6,,,,,10\n2,~value,10,,,,,10\n".to_vec(),
            b"{\"column_index\":0,\"bin\":\"#v\",\"n\":2,\"min_value\":1.0,\"max_value\":1.0,\"mean_value\":1.0,\"var_pop_value\":0.0,\"column_rows\":2}\n".to_vec(),
            read("tests/fixtures/engines/pass1.csv"),
        ],
        "runs" => {
            let a = "tests/fixtures/runs/artefacts";
            let mut v: Vec<Vec<u8>> = ["ci-102/junit.xml", "gx/validation.json", "evidently/nightly-2/drift-report.json", "dvc/dvc.lock", "tfdv/anomalies.pbtxt"]
                .iter()
                .map(|f| read(&format!("{a}/{f}")))
                .collect();
            // An MLflow run's meta.yaml.
            v.push(b"run_id: abc\nexperiment_id: '1'\nstatus: 4\nstart_time: 1796100000000\nlifecycle_stage: active\n".to_vec());
            // A small zip archive holding a JUnit report.
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            w.start_file("r/junit.xml", zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut w, &read(&format!("{a}/ci-101/junit.xml"))).unwrap();
            v.push(w.finish().unwrap().into_inner());
            v
        }
        "results" => {
            let snap = text(&read("tests/cli/snapshots/cli__golden__example-results-json.snap"));
            // The snapshot's header (between `---` lines) is insta's, not results.json.
            let body = snap.splitn(3, "---\n").nth(2).unwrap_or("").to_string();
            vec![body.into_bytes()]
        }
        _ => vec![],
    };
    s.retain(|x| !x.is_empty());
    s
}

/// A xorshift generator: fast, seeded, reproducible.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Fragments that break parsers more often than random bytes do.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"'",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"\n",
    b"\r\n",
    b":",
    b"=",
    b"\\",
    b"\0",
    b"nan",
    b"inf",
    b"-1",
    b"1e309",
    b"18446744073709551616",
    b"&a ",
    b"*a",
    b"<<",
    b"\xff\xfe",
    b"\xe2\x80\xae",
    b"null",
    b"true",
    b"#",
    b"[[",
    b"]]",
    b"{\"",
    b"\":",
    b"---\n",
    b"- ",
    b"  ",
    b"\t",
];

/// One mutation of `input`, with `others` for splicing.
pub fn mutate(rng: &mut Rng, input: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(v.len() + 1);
        match rng.below(7) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
            3 if !v.is_empty() => {
                let start = rng.below(v.len());
                let end = (start + 1 + rng.below(64)).min(v.len());
                let piece: Vec<u8> = v[start..end].to_vec();
                let most = if rng.below(20) == 0 { 2000 } else { 3 };
                let times = 1 + rng.below(most);
                for _ in 0..times {
                    v.splice(at..at, piece.iter().copied());
                }
            }
            4 if !others.is_empty() => {
                let o = &others[rng.below(others.len())];
                let start = rng.below(o.len());
                let end = (start + rng.below(256)).min(o.len());
                v.splice(at..at, o[start..end].iter().copied());
            }
            5 => v.truncate(at),
            _ => {
                let b = rng.next() as u8;
                v.insert(at, b);
            }
        }
    }
    v.truncate(1 << 20);
    v
}

/// A failing input: what happened and where the input was saved.
pub struct Finding {
    pub target: String,
    pub what: String,
    pub saved: PathBuf,
}

/// Runs `target` on mutated seeds until `budget` inputs or `time` run out. Failing inputs
/// are saved into `crashes`.
pub fn run(
    name: &str,
    target: Target,
    root: &Path,
    seed: u64,
    budget: usize,
    time: Duration,
    crashes: &Path,
) -> (usize, Vec<Finding>) {
    let seeds = seeds(name, root);
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(seed | 1);
    let mut findings = Vec::new();
    let start = Instant::now();
    let mut n = 0;
    while n < budget && start.elapsed() < time {
        let base = &seeds[rng.below(seeds.len())];
        let input = if n < seeds.len() { seeds[n].clone() } else { mutate(&mut rng, base, &seeds) };
        n += 1;
        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| target(&input, dir.path())));
        let slow = t.elapsed() > Duration::from_secs(1);
        let what = match outcome {
            Err(p) => Some(format!(
                "panicked: {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
            Ok(()) if slow => Some(format!("took {:.1} s", t.elapsed().as_secs_f64())),
            Ok(()) => None,
        };
        if let Some(what) = what {
            std::fs::create_dir_all(crashes).unwrap();
            let saved = crashes.join(format!("{name}-{n}-{seed}"));
            std::fs::write(&saved, &input).unwrap();
            findings.push(Finding { target: name.to_string(), what, saved });
        }
    }
    (n, findings)
}
