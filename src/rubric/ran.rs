//! Run outputs as evidence: each artefact's items are matched to rubric tests through the
//! same detectors the repository scan uses — a file that ran matches the `code` and `files`
//! detectors whose matches name that file, a gate's job matches the `gate` and `ci`
//! detectors that name that gate (and check), a command matches `ci` patterns — and each
//! test gets its runs: how many, how many recent, the last one and how it ended.
//!
//! The policy: a test with no evidence in the repository but runs of its check earns the
//! manual half point (a recorded result); with `--require-runs N`, an automated point needs
//! N runs within the window, failing runs included (the paper's "runs repeatedly"); a
//! failing last run is a finding, never a lost point.

use std::collections::{BTreeMap, HashMap};

use super::detect::{Context, GateSeen};
use super::runs::{Fact, Outcome, Record, RunSet};
use super::scan::RepoIndex;
use super::{DetectorKind, Reached, Rubric};
use crate::results::rubric::{Evidence, Level, RunSeen, RunsRead, Source, TestResult, TestRuns};

/// How run outputs weigh.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Runs within the window an automated point needs.
    pub require: Option<u32>,
    pub window_days: u32,
    /// Unix seconds the window ends at (the run's timestamp, `SOURCE_DATE_EPOCH` aware).
    pub now: i64,
}

/// Repository files by the names artefacts give them.
pub struct Resolver<'a> {
    exact: HashMap<&'a str, &'a str>,
    by_name: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Resolver<'a> {
    pub fn new(index: &'a RepoIndex) -> Resolver<'a> {
        let mut exact = HashMap::new();
        let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
        for f in &index.files {
            exact.insert(f.rel.as_str(), f.rel.as_str());
            by_name.entry(f.rel.rsplit('/').next().unwrap_or(&f.rel)).or_default().push(&f.rel);
        }
        Resolver { exact, by_name }
    }

    /// The repository file a path names: itself, or the one file whose path ends with the
    /// longest tail of it (`/home/runner/work/x/x/src/train.py` → `src/train.py`).
    fn path(&self, p: &str) -> Option<&'a str> {
        let p = p.replace('\\', "/");
        let p = p.trim_start_matches("./");
        if let Some(r) = self.exact.get(p) {
            return Some(r);
        }
        let parts: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
        let name = parts.last()?;
        let cands = self.by_name.get(name)?;
        for k in (1..=parts.len()).rev() {
            let tail = parts[parts.len() - k..].join("/");
            let hits: Vec<&&str> = cands.iter().filter(|c| **c == tail || c.ends_with(&format!("/{tail}"))).collect();
            if hits.len() == 1 {
                return Some(hits[0]);
            }
            if hits.len() > 1 {
                return None;
            }
        }
        None
    }

    /// The file a dotted module or class names (`tests.test_features`, `com.acme.FooTest`,
    /// `tests.test_x.TestClass`): its path without the extension, a class dropped or two.
    fn module(&self, m: &str) -> Option<&'a str> {
        let parts: Vec<&str> = m.split(['.', ':']).filter(|s| !s.is_empty()).collect();
        for drop in 0..parts.len().min(3) {
            let stem = parts[..parts.len() - drop].join("/");
            let name = parts[parts.len() - drop - 1];
            let mut hits: Vec<&str> = self
                .by_name
                .iter()
                .filter(|(n, _)| n.rsplit_once('.').is_some_and(|(b, _)| b == name))
                .flat_map(|(_, v)| v.iter().copied())
                .filter(|c| {
                    let base = c.rsplit_once('.').map_or(*c, |(b, _)| b);
                    base == stem || base.ends_with(&format!("/{stem}"))
                })
                .collect();
            hits.sort_unstable();
            if let Some(h) = hits.first() {
                return Some(h);
            }
        }
        None
    }

    fn file(&self, f: &Fact) -> Option<&'a str> {
        match f {
            Fact::Ran(p) => self.path(p),
            Fact::Module(m) => self.module(m),
            _ => None,
        }
    }
}

/// One detector of a test, its globs, patterns and code matches ready to look up.
struct Det<'a> {
    d: &'a super::Detector,
    globs: Option<globset::GlobSet>,
    patterns: Vec<regex::Regex>,
    /// `code`: the files the repository scan matched.
    code: std::collections::HashSet<&'a str>,
}

/// One test's detectors, compiled once.
struct Compiled<'a> {
    dets: Vec<Det<'a>>,
}

impl<'a> Compiled<'a> {
    fn new(rubric: &'a Rubric, ctx: &'a Context<'_>, ti: usize) -> Compiled<'a> {
        let t = &rubric.tests[ti];
        let mut dets = Vec::new();
        for (auto, list) in [(false, &t.manual), (true, &t.automated)] {
            for (di, d) in list.iter().enumerate() {
                let globs = if d.kind == DetectorKind::Files { super::detect::glob_set(&d.globs) } else { None };
                let patterns = if d.kind == DetectorKind::Ci && d.gate.is_none() {
                    d.patterns.iter().filter_map(|p| super::score::build_pattern(p).ok()).collect()
                } else {
                    Vec::new()
                };
                let code = ctx
                    .code
                    .get(&(ti, auto, di, false))
                    .map(|ms| ms.iter().map(|m| m.rel.as_str()).collect())
                    .unwrap_or_default();
                dets.push(Det { d, globs, patterns, code });
            }
        }
        Compiled { dets }
    }

    /// Whether an item of a record is evidence for test `ti`.
    fn matches(&self, fact: &Fact, file: Option<&str>, r: &Record) -> bool {
        let scheduled = r.scheduled == Some(true);
        self.dets.iter().any(|Det { d, globs, patterns, code }| match (fact, d.kind) {
            (Fact::Gate { kind, checks }, DetectorKind::Ci | DetectorKind::Gate) => {
                d.gate.as_deref() == Some(kind.as_str())
                    && d.check.as_ref().is_none_or(|c| checks.contains(c))
                    && (!d.schedule || scheduled)
            }
            (Fact::Ran(_) | Fact::Module(_), DetectorKind::Code) => {
                file.is_some_and(|f| code.contains(f) && (d.reached != Some(Reached::Schedule) || scheduled))
            }
            (Fact::Ran(_) | Fact::Module(_), DetectorKind::Files) => file.is_some_and(|f| {
                globs.as_ref().is_some_and(|g| g.is_match(f)) && (d.reached != Some(Reached::Schedule) || scheduled)
            }),
            (Fact::Command(c), DetectorKind::Ci) => {
                d.gate.is_none() && (!d.schedule || scheduled) && patterns.iter().any(|re| re.is_match(c))
            }
            _ => false,
        })
    }
}

struct Seen<'r> {
    at: Option<i64>,
    outcome: Outcome,
    record: &'r Record,
}

/// Each test's runs (by rubric order), `None` for a test no run output shows; and the
/// records no test's detectors matched.
pub fn per_test(
    rubric: &Rubric,
    ctx: &Context<'_>,
    runs: &RunSet,
    policy: &Policy,
) -> (Vec<Option<TestRuns>>, Vec<bool>) {
    let mut used = vec![false; runs.records.len()];
    let resolver = Resolver::new(ctx.index);
    // Many artefacts name the same files: each name is resolved once.
    let mut memo: HashMap<&Fact, Option<&str>> = HashMap::new();
    let files: Vec<Vec<Option<&str>>> = runs
        .records
        .iter()
        .map(|r| r.items.iter().map(|i| *memo.entry(&i.fact).or_insert_with(|| resolver.file(&i.fact))).collect())
        .collect();
    let from = policy.now - i64::from(policy.window_days) * 86_400;
    let tests = (0..rubric.tests.len())
        .map(|ti| {
            let compiled = Compiled::new(rubric, ctx, ti);
            let mut by_run: BTreeMap<&str, Seen<'_>> = BTreeMap::new();
            for (ri, (r, files)) in runs.records.iter().zip(&files).enumerate() {
                let mut worst: Option<Outcome> = None;
                for (item, file) in r.items.iter().zip(files) {
                    if compiled.matches(&item.fact, *file, r) {
                        worst = Some(worst.map_or(item.outcome, |w| w.max(item.outcome)));
                    }
                }
                let Some(o) = worst else { continue };
                used[ri] = true;
                let e = by_run.entry(r.run.as_str()).or_insert(Seen { at: r.at, outcome: o, record: r });
                e.outcome = e.outcome.max(o);
                if r.at > e.at {
                    e.at = r.at;
                    e.record = r;
                }
            }
            if by_run.is_empty() {
                return None;
            }
            let last = by_run.values().max_by_key(|s| s.at.unwrap_or(i64::MIN)).expect("not empty");
            Some(TestRuns {
                seen: by_run.len() as u32,
                in_window: by_run.values().filter(|s| s.at.is_some_and(|t| t >= from)).count() as u32,
                failed: by_run.values().filter(|s| s.outcome == Outcome::Fail).count() as u32,
                undated: by_run.values().filter(|s| s.at.is_none()).count() as u32,
                last: Some(RunSeen {
                    date: last.at.map(super::runs::date),
                    outcome: last.outcome.as_str().into(),
                    source: last.record.source.clone(),
                    tool: last.record.tool.into(),
                    summary: last.record.summary.clone(),
                }),
            })
        })
        .collect();
    (tests, used)
}

/// The note on artefacts no test's detectors matched, by tool, if any.
pub fn unmatched_note(runs: &RunSet, used: &[bool]) -> Option<String> {
    let mut by_tool: BTreeMap<&str, usize> = BTreeMap::new();
    for (r, u) in runs.records.iter().zip(used) {
        if !u {
            *by_tool.entry(r.tool).or_default() += 1;
        }
    }
    if by_tool.is_empty() {
        return None;
    }
    let n: usize = by_tool.values().sum();
    let tools: Vec<String> = by_tool.iter().map(|(t, k)| format!("{t} {k}")).collect();
    Some(format!(
        "{n} run {} matched no test ({}): a drift or data check counts for Monitoring only from a scheduled run, which --runs-from-github knows and a folder does not say; a test file or script counts where a test's detector names it.",
        if n == 1 { "artefact" } else { "artefacts" },
        tools.join(", ")
    ))
}

/// The newest mlgate result of each gate kind among the run outputs.
pub fn gates_seen(runs: &RunSet) -> BTreeMap<String, GateSeen> {
    let mut out: BTreeMap<String, GateSeen> = BTreeMap::new();
    for r in runs.records.iter().filter(|r| !r.gates.is_empty()) {
        let at = r.at.map(super::runs::date_time).unwrap_or_default();
        for (kind, status, checks) in &r.gates {
            if out.get(kind).is_none_or(|x| x.at < r.at) {
                let source = format!("run output {} at {at}", r.source);
                out.insert(kind.clone(), GateSeen { status: status.clone(), source, checks: checks.clone(), at: r.at });
            }
        }
    }
    out
}

fn last_line(r: &TestRuns) -> String {
    match &r.last {
        Some(l) => format!(
            "last {} ({}{}: {})",
            l.outcome,
            l.date.as_deref().map(|d| format!("{d}, ")).unwrap_or_default(),
            l.source,
            l.summary
        ),
        None => String::new(),
    }
}

/// Applies the run policy to a test as scored from the repository, and records its runs;
/// returns its findings.
pub fn apply(t: &mut TestResult, runs: Option<&TestRuns>, policy: &Policy) -> Vec<String> {
    let mut findings = Vec::new();
    let id = t.id.clone();
    t.runs = runs.cloned();
    if let Some(r) = runs {
        t.evidence.push(Evidence {
            kind: "runs".into(),
            detail: format!(
                "{} {} seen, {} in the last {} days, {} failed; {}",
                r.seen,
                if r.seen == 1 { "run" } else { "runs" },
                r.in_window,
                policy.window_days,
                r.failed,
                last_line(r)
            ),
        });
        if t.points == 0.0 && t.level != Level::Na {
            t.points = 0.5;
            t.level = Level::Manual;
            t.source = Source::Runs;
            t.reason = format!(
                "a recorded result: {} {} of its check in the run outputs, {}; nothing in the repository runs it on its own",
                r.seen,
                if r.seen == 1 { "run" } else { "runs" },
                last_line(r)
            );
        }
        if r.last.as_ref().is_some_and(|l| l.outcome == "fail") {
            findings.push(format!("{id}: the last run failed {}", last_line(r).trim_start_matches("last fail ")));
        }
    }
    if let Some(n) = policy.require
        && t.level == Level::Automated
    {
        let k = runs.map_or(0, |r| r.in_window);
        if k < n {
            t.points = 0.5;
            t.level = Level::Manual;
            let why = format!(
                "automated, but {k} {} within the last {} days where --require-runs asks for {n}",
                if k == 1 { "run" } else { "runs" },
                policy.window_days
            );
            t.hints.insert(0, format!("not a full point: {why}"));
            findings.push(format!("{id}: {why}"));
            t.reason = format!("{why}: {}", t.reason);
        }
    }
    findings
}

/// The run outputs' part of the results, and notes for the report.
pub fn summary(runs: &RunSet, policy: &Policy, findings: Vec<String>) -> RunsRead {
    let distinct: std::collections::BTreeSet<&str> = runs.records.iter().map(|r| r.run.as_str()).collect();
    RunsRead {
        sources: runs.sources.clone(),
        artefacts: runs.records.len() as u32,
        runs: distinct.len() as u32,
        unknown: runs.unknown as u32,
        skipped: runs.skipped.iter().take(50).cloned().collect(),
        skipped_total: runs.skipped.len() as u32,
        window_days: policy.window_days,
        require_runs: policy.require,
        findings,
    }
}

/// The note that says what the run outputs were, or that there were none.
pub fn note(read: Option<&RunsRead>, matched: usize) -> String {
    match read {
        None => "Judged wiring only: no run outputs were read, so no point shows that a check actually ran, when, or how it ended (`--runs DIR`, `[evidence] runs`, or `--runs-from-github`).".into(),
        Some(r) => format!(
            "Run outputs from {}: {} artefacts of {} runs read, {} files of no known format ignored, {} skipped; {matched} {} runs.",
            r.sources.join(", "),
            r.artefacts,
            r.runs,
            r.unknown,
            r.skipped_total,
            if matched == 1 { "test has" } else { "tests have" }
        ),
    }
}
