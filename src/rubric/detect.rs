//! Detectors → evidence. Each detector of a test is evaluated against the repository index,
//! the automation graph and the gate results, and yields at most one [`Hit`]: full
//! (automated with a criterion), half (automated without a criterion, or covering part of
//! the test) or manual (done by hand with a committed result).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use super::ci::Start;
use super::graph::{Reach, Route};
use super::scan::{self, RepoIndex};
use super::{Detector, DetectorKind, Reached, Rubric};
use crate::results::rubric::Evidence;

/// A detector's place in the rubric: (test, automated list, index, criteria patterns).
pub type Key = (usize, bool, usize, bool);

/// One code match of a detector.
#[derive(Debug, Clone)]
pub struct Match {
    pub rel: String,
    pub line: usize,
    pub snippet: String,
    /// Notebooks: whether committed outputs exist. Other files: true.
    pub results: bool,
    pub criterion: Option<(usize, String)>,
    pub real_tests: usize,
}

/// How much a hit is worth.
#[derive(Debug, Clone, PartialEq)]
pub enum Grade {
    /// Runs on its own with a pass/fail criterion.
    Full,
    /// Runs on its own, but without a criterion or over part of the test (why).
    Half(String),
    /// Done by hand with a committed result.
    Manual,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub grade: Grade,
    pub evidence: Evidence,
}

/// A gate's outcome seen by the scorer: from this run, or recorded in committed results.
#[derive(Debug, Clone)]
pub struct GateSeen {
    pub status: String,
    pub source: String,
    /// Codes of the checks the gate judged (not skipped).
    pub checks: std::collections::BTreeSet<String>,
    /// When it ran (Unix seconds), if known: the newest result of a kind is the one credited.
    pub at: Option<i64>,
}

/// The gate's outcome when it judged the detector's check (if it names one); a hint says
/// why a result that did not is not counted.
fn seen_for<'a>(ctx: &'a Context<'_>, g: &str, d: &Detector, hints: &mut Vec<String>) -> Option<&'a GateSeen> {
    let s = ctx.seen.get(g)?;
    match &d.check {
        Some(c) if !s.checks.contains(c) => {
            hints.push(format!(
                "[gates.{g}] ran ({}) but did not judge `{c}`: see `mlgate explain {c}` for what it needs",
                s.source
            ));
            None
        }
        _ => Some(s),
    }
}

pub struct Context<'a> {
    pub index: &'a RepoIndex,
    pub reach: &'a Reach,
    /// Gates configured (and enabled) in mlgate.toml.
    pub gates: &'a BTreeSet<String>,
    pub seen: &'a BTreeMap<String, GateSeen>,
    pub code: HashMap<Key, Vec<Match>>,
}

/// Matches kept per detector.
const MAX_MATCHES: usize = 200;

/// A detector's globs as the scan matches them (also used for run outputs, `super::ran`).
pub(super) fn glob_set(globs: &[String]) -> Option<globset::GlobSet> {
    if globs.is_empty() {
        return None;
    }
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        if let Ok(g) = globset::GlobBuilder::new(g).literal_separator(false).build() {
            b.add(g);
        }
    }
    b.build().ok()
}

fn compile(p: &str) -> regex::Regex {
    super::score::build_pattern(p).expect("validated on load with the same builder")
}

struct CodeDetector {
    key: Key,
    globs: Option<globset::GlobSet>,
    tests_only: bool,
    no_tests: bool,
    regexes: Vec<regex::Regex>,
}

/// Every code match of every `code` detector (and of every `criteria` list), reading each
/// candidate file once.
pub fn code_matches(rubric: &Rubric, index: &RepoIndex) -> HashMap<Key, Vec<Match>> {
    let mut dets = Vec::new();
    for (ti, t) in rubric.tests.iter().enumerate() {
        for (auto, list) in [(false, &t.manual), (true, &t.automated)] {
            for (di, d) in list.iter().enumerate() {
                if d.kind == DetectorKind::Code {
                    dets.push(CodeDetector {
                        key: (ti, auto, di, false),
                        globs: glob_set(&d.globs),
                        tests_only: d.tests_only,
                        no_tests: d.no_tests,
                        regexes: d.patterns.iter().map(|p| compile(p)).collect(),
                    });
                }
                if !d.criteria.is_empty() {
                    dets.push(CodeDetector {
                        key: (ti, auto, di, true),
                        globs: None,
                        tests_only: false,
                        no_tests: false,
                        regexes: d.criteria.iter().map(|p| compile(p)).collect(),
                    });
                }
            }
        }
    }
    let applies = |d: &CodeDetector, rel: &str| match &d.globs {
        Some(g) => g.is_match(rel),
        None => scan::CODE_EXTENSIONS.contains(&scan::extension(rel).as_str()),
    };
    let candidates: Vec<&scan::FileEntry> = index
        .files
        .iter()
        .filter(|f| !scan::is_doc(&f.rel))
        .filter(|f| dets.iter().any(|d| applies(d, &f.rel)))
        .collect();
    let found: Vec<(Key, Match)> = candidates
        .par_iter()
        .flat_map_iter(|f| {
            let mut hits = Vec::new();
            let Some(text) = scan::read_text(&index.root.join(&f.rel)) else { return hits };
            let (code, outputs) = scan::code_of(&f.rel, &text);
            let notebook = scan::extension(&f.rel) == "ipynb";
            let test_file = scan::is_test(&f.rel);
            let mut facts: Option<(Option<(usize, String)>, usize)> = None;
            for d in &dets {
                if !applies(d, &f.rel) || (d.tests_only && !test_file) || (d.no_tests && test_file) {
                    continue;
                }
                if let Some(m) = d.regexes.iter().find_map(|r| r.find(&code)) {
                    let (criterion, real_tests) = facts
                        .get_or_insert_with(|| {
                            (
                                super::evidence::criterion(&code),
                                if test_file { super::evidence::real_tests(&f.rel, &code) } else { 0 },
                            )
                        })
                        .clone();
                    hits.push((
                        d.key,
                        Match {
                            rel: f.rel.clone(),
                            line: code[..m.start()].matches('\n').count() + 1,
                            snippet: crate::text::clip(m.as_str().trim(), 60),
                            results: !notebook || outputs,
                            criterion,
                            real_tests,
                        },
                    ));
                }
            }
            hits
        })
        .collect();
    let mut by: HashMap<Key, Vec<Match>> = HashMap::new();
    for (k, m) in found {
        by.entry(k).or_default().push(m);
    }
    for v in by.values_mut() {
        v.sort_by(|a, b| a.rel.cmp(&b.rel));
        v.truncate(MAX_MATCHES);
    }
    by
}

fn start_of(r: Option<Reached>) -> Option<Start> {
    match r {
        Some(Reached::Change) => Some(Start::Change),
        Some(Reached::Schedule) => Some(Start::Schedule),
        _ => None,
    }
}

fn via(route: &Route) -> String {
    format!("reached by {}", route.describe())
}

/// Grades an automated hit by the detector's `partial`, `criterion` and `criteria` demands.
fn grade(
    ctx: &Context<'_>,
    key: Key,
    d: &Detector,
    criterion: Option<&(usize, String)>,
    rel: &str,
    route: Option<&Route>,
) -> Grade {
    if let Some(w) = route.and_then(|r| r.ignored.as_ref()) {
        return Grade::Half(format!("automated, but the exit status is thrown away ({w}), so a failure fails nothing"));
    }
    if let Some(gap) = &d.partial {
        return Grade::Half(gap.clone());
    }
    if d.criterion && criterion.is_none() {
        return Grade::Half(format!("automated, but nothing in {rel} fails on a threshold"));
    }
    if !d.criteria.is_empty() && !ctx.code.contains_key(&(key.0, key.1, key.2, true)) {
        return Grade::Half("automated, but nothing raises an alarm or stops on the outcome".into());
    }
    Grade::Full
}

/// Evaluates one detector. Hints explain near misses.
pub fn detect(ctx: &Context<'_>, key: Key, d: &Detector, hints: &mut Vec<String>) -> Option<Hit> {
    let auto = key.1;
    match d.kind {
        DetectorKind::Code => code(ctx, key, d, hints),
        DetectorKind::Files => files(ctx, key, d),
        DetectorKind::Ci => ci(ctx, key, d, hints),
        DetectorKind::Gate => {
            gate(ctx, d, hints).map(|e| Hit { grade: if auto { Grade::Full } else { Grade::Manual }, evidence: e })
        }
        DetectorKind::Primitive => primitive(ctx, d),
    }
}

fn code(ctx: &Context<'_>, key: Key, d: &Detector, hints: &mut Vec<String>) -> Option<Hit> {
    let all = ctx.code.get(&key)?;
    let usable: Vec<&Match> = all.iter().filter(|m| m.results && (!d.tests_only || m.real_tests > 0)).collect();
    if d.tests_only && usable.is_empty() {
        hints.push(format!("{} has tests, but none asserts anything real", all[0].rel));
        return None;
    }
    if usable.is_empty() {
        hints.push(format!("{} matches, but the notebook has no committed outputs (no result)", all[0].rel));
        return None;
    }
    let at = |m: &Match| format!("{}:{} `{}`", m.rel, m.line, m.snippet);
    if !key.1 {
        return Some(Hit { grade: Grade::Manual, evidence: Evidence { kind: "code".into(), detail: at(usable[0]) } });
    }
    if d.reached.is_none() {
        let m = usable[0];
        let g = grade(ctx, key, d, m.criterion.as_ref(), &m.rel, None);
        return Some(Hit { grade: g, evidence: Evidence { kind: "code".into(), detail: at(m) } });
    }
    let start = start_of(d.reached);
    // Prefer a reached match that carries its own criterion.
    let mut best: Option<(&Match, &Route)> = None;
    for m in &usable {
        if let Some(r) = ctx.reach.route(&m.rel, start, d.direct) {
            let better = |b: &Match, br: &Route| {
                (r.ignored.is_none() && br.ignored.is_some())
                    || (m.criterion.is_some() && b.criterion.is_none() && r.ignored.is_none() == br.ignored.is_none())
            };
            if best.is_none_or(|(b, br)| better(b, br)) {
                best = Some((m, r));
            }
        }
    }
    match best {
        Some((m, r)) => {
            let g = grade(ctx, key, d, m.criterion.as_ref(), &m.rel, Some(r));
            let crit = m.criterion.as_ref().map(|(l, s)| format!("; fails at {}:{l} `{s}`", m.rel)).unwrap_or_default();
            Some(Hit {
                grade: g,
                evidence: Evidence { kind: "chain".into(), detail: format!("{} {}{crit}", at(m), via(r)) },
            })
        }
        None if d.covered => match usable.iter().find_map(|m| gated(ctx, &m.rel).map(|j| (m, j))) {
            Some((m, (job, cmd))) => Some(Hit {
                grade: Grade::Full,
                evidence: Evidence {
                    kind: "ci-job".into(),
                    detail: format!("{} is checked on every change to it: {job} runs `{cmd}`", at(m)),
                },
            }),
            None => {
                hints.push(format!("{} matches, but no CI job runs on changes to it", usable[0].rel));
                None
            }
        },
        None => {
            let m = &usable[0].rel;
            let why = match (ctx.reach.route(m, None, false), d.reached) {
                (Some(r), _) if d.direct && r.via_test => "is reached only through its tests, not run itself",
                (Some(_), Some(Reached::Change)) => "is not run on a change (push, pull request)",
                (Some(_), Some(Reached::Schedule)) => "is not run on a schedule",
                _ => "is not run by any automatic trigger",
            };
            hints.push(format!("{m} matches, but {why}"));
            None
        }
    }
}

/// A CI job (not a local commit hook) that starts on changes to `rel` and checks code,
/// with the command that checks; a command run in a folder covers that folder only.
fn gated(ctx: &Context<'_>, rel: &str) -> Option<(String, String)> {
    static CHECKS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        compile(
            r"\b(flake8|ruff|pylint|black|isort|mypy|pyright|pytest|tox|nox|make|pre-commit\s+run|python3?\s+-m\s+(pytest|unittest|build|pip\s+install\s+-e)|pip\s+install\s+(-e\s+)?\.|poetry\s+(install|build)|uv\s+(sync|build)|docker\s+build)\b",
        )
    });
    ctx.index.jobs.iter().filter(|j| j.system != "pre-commit" && j.starts().contains(&Start::Change)).find_map(|j| {
        if j.path_filter().is_some_and(|f| !f.matches(rel)) {
            return None;
        }
        let c = j.commands.iter().find(|c| {
            CHECKS.is_match(&c.text)
                && c.cwd.as_deref().is_none_or(|d| d.is_empty() || d == "." || rel.starts_with(&format!("{d}/")))
        })?;
        Some((j.id.clone(), crate::text::clip(&c.text, 60)))
    })
}

fn files(ctx: &Context<'_>, key: Key, d: &Detector) -> Option<Hit> {
    let set = glob_set(&d.globs)?;
    let start = start_of(d.reached);
    ctx.index.matching(&set).find_map(|f| {
        let route = match d.reached {
            Some(_) => Some(ctx.reach.route(&f.rel, start, d.direct)?),
            None => None,
        };
        let text = scan::read_text(&ctx.index.root.join(&f.rel))?;
        if !scan::has_substance(&text) {
            return None;
        }
        let detail = match route {
            Some(r) => format!("{} {}", f.rel, via(r)),
            None => f.rel.clone(),
        };
        let g = if key.1 { grade(ctx, key, d, Some(&(0, String::new())), &f.rel, route) } else { Grade::Manual };
        Some(Hit { grade: g, evidence: Evidence { kind: "file".into(), detail } })
    })
}

fn mlgate_runs(gate: &str) -> regex::Regex {
    compile(&format!(r"\bmlgate\s+(check|audit|gate\s+{gate})\b|uses:\s*\S*mlgate"))
}

fn ci(ctx: &Context<'_>, key: Key, d: &Detector, hints: &mut Vec<String>) -> Option<Hit> {
    let res: Vec<regex::Regex> = match &d.gate {
        Some(g) => {
            if !ctx.gates.contains(g) {
                return None;
            }
            vec![mlgate_runs(g)]
        }
        None => d.patterns.iter().map(|p| compile(p)).collect(),
    };
    let wanted = if d.schedule { Some(Start::Schedule) } else { None };
    let hit = |(c, r): &&(String, Route)| {
        wanted.is_none_or(|s| r.has(s)) && !r.starts.is_empty() && res.iter().any(|re| re.is_match(c))
    };
    let found = ctx
        .reach
        .commands
        .iter()
        .filter(hit)
        .find(|(_, r)| r.ignored.is_none())
        .or_else(|| ctx.reach.commands.iter().find(hit));
    if let Some((c, r)) = found {
        let cmd = crate::text::clip(c, 60);
        let Some(g) = &d.gate else {
            return Some(Hit {
                grade: grade(ctx, key, d, Some(&(0, String::new())), "", Some(r)),
                evidence: Evidence { kind: "ci-job".into(), detail: format!("`{cmd}` {}", via(r)) },
            });
        };
        let detail = format!("`{cmd}` with [gates.{g}] configured, {}", via(r));
        let seen = seen_for(ctx, g, d, hints);
        if seen.is_none() && ctx.seen.contains_key(g) {
            // The gate ran but never judged the check this test needs: nothing to credit.
            return None;
        }
        return match seen {
            // A failing gate is the check doing its job: it runs repeatedly with a criterion
            // (the paper's rule). The failure is a finding, not a lost point.
            Some(s) if s.status == "pass" || s.status == "warn" || s.status == "fail" => {
                if s.status == "fail" {
                    hints.push(format!(
                        "[gates.{g}] last failed ({}): the check works, and what it found needs attention",
                        s.source
                    ));
                }
                Some(Hit {
                    grade: Grade::Full,
                    evidence: Evidence {
                        kind: "ci-job".into(),
                        detail: format!("{detail}; the gate's last result: {} ({})", s.status, s.source),
                    },
                })
            }
            Some(s) => {
                hints.push(format!("[gates.{g}] is wired into CI but its last result is {} ({}): a gate that could not judge earns nothing until it runs", s.status, s.source));
                Some(Hit {
                    grade: Grade::Half(format!("[gates.{g}] last {}", s.status)),
                    evidence: Evidence { kind: "ci-job".into(), detail },
                })
            }
            None => {
                hints.push(format!("[gates.{g}] is wired into CI, but no result of it was seen: run `mlgate audit`, or commit the CI run's results"));
                Some(Hit {
                    grade: Grade::Half(format!("[gates.{g}] never seen running")),
                    evidence: Evidence { kind: "ci-job".into(), detail },
                })
            }
        };
    }
    // Jobs only a person starts: manual evidence at most.
    for j in ctx.index.jobs.iter().filter(|j| !j.automatic()) {
        if let Some(cmd) = res.iter().find_map(|re| j.runs(re)) {
            return Some(Hit {
                grade: Grade::Manual,
                evidence: Evidence {
                    kind: "ci-job".into(),
                    detail: format!("{} runs `{}` (only when started by hand)", j.id, crate::text::clip(cmd, 60)),
                },
            });
        }
    }
    if let Some(g) = &d.gate {
        hints.push(format!(
            "[gates.{g}] is configured but no CI job{} runs mlgate",
            if d.schedule { " on a schedule" } else { "" }
        ));
    }
    None
}

fn gate(ctx: &Context<'_>, d: &Detector, hints: &mut Vec<String>) -> Option<Evidence> {
    let g = d.gate.as_ref()?;
    match seen_for(ctx, g, d, hints) {
        Some(s) if s.status != "error" => {
            Some(Evidence { kind: "gate".into(), detail: format!("[gates.{g}] ran: {} ({})", s.status, s.source) })
        }
        Some(s) => {
            hints.push(format!("[gates.{g}] ran with an error ({}): it earns nothing", s.source));
            None
        }
        None if ctx.seen.contains_key(g) => None,
        None if ctx.gates.contains(g) => {
            hints.push(format!(
                "[gates.{g}] is configured but did not run here: `mlgate audit` runs it and scores its result"
            ));
            None
        }
        None => None,
    }
}

/// Names of the built-in primitives a `primitive` detector can use.
pub const PRIMITIVES: &[&str] = &["seeds_and_locks"];

fn primitive(ctx: &Context<'_>, d: &Detector) -> Option<Hit> {
    match d.name.as_deref()? {
        "seeds_and_locks" => {
            let lock = super::evidence::locked(ctx.index.files.iter().map(|f| f.rel.as_str()), |f| {
                scan::read_text(&ctx.index.root.join(f))
            })?;
            let seed = ctx
                .index
                .files
                .par_iter()
                .filter(|f| {
                    !scan::is_test(&f.rel) && matches!(scan::extension(&f.rel).as_str(), "py" | "json" | "yaml" | "yml")
                })
                .find_map_first(|f| {
                    let text = scan::read_text(&ctx.index.root.join(&f.rel))?;
                    let (l, s) = super::evidence::seed(&scan::code_of(&f.rel, &text).0)?;
                    Some(format!("{}:{l} `{s}`", f.rel))
                })?;
            Some(Hit {
                grade: Grade::Manual,
                evidence: Evidence {
                    kind: "primitive".into(),
                    detail: format!("seeds set ({seed}) and the environment pinned ({lock})"),
                },
            })
        }
        _ => None,
    }
}
