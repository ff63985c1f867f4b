//! Scoring a repository against a rubric: detectors → evidence → points per test →
//! section sums → final score (the minimum section), with the paper's band and the
//! cheapest next steps.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;
use serde::Deserialize;

use super::scan::{self, RepoIndex};
use super::{Detector, DetectorKind, Rubric, TestSpec};
use crate::error::{quoted, user};

pub use crate::results::rubric::{
    Evidence, HistoryPoint, Judged, Level, RubricResult, SectionResult, Source, TestResult,
};

/// The paper's interpretation of the final score (Table V; intervals are left-open).
pub fn band(score: f64) -> &'static str {
    if score <= 0.0 {
        "0: more of a research project than a productionized system"
    } else if score <= 1.0 {
        "(0, 1]: not totally untested, but serious holes in reliability are likely"
    } else if score <= 2.0 {
        "(1, 2]: a first pass at productionization; more investment may be needed"
    } else if score <= 3.0 {
        "(2, 3]: reasonably tested; some tests and procedures may still be automated"
    } else if score <= 5.0 {
        "(3, 5]: strong levels of automated testing and monitoring, appropriate for mission-critical systems"
    } else {
        "> 5: exceptional levels of automated testing and monitoring"
    }
}

/// A claim from `[evidence]` in mlgate.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// `manual`, `automated` or `na`.
    pub status: String,
    /// A file in the repository (checked) or an http(s) URL (recorded, not fetched).
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// What the scorer knows besides the files.
pub struct Inputs<'a> {
    pub index: &'a RepoIndex,
    /// Gates configured (and enabled) in mlgate.toml.
    pub gates: BTreeSet<String>,
    pub claims: BTreeMap<String, Claim>,
    pub allow_na: bool,
}

struct CodeDetector<'a> {
    key: (usize, bool, usize),
    det: &'a Detector,
    globs: Option<globset::GlobSet>,
    regexes: Vec<regex::Regex>,
}

fn glob_set(globs: &[String]) -> Option<globset::GlobSet> {
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

/// A rubric pattern as the scorer runs it; [`super::Rubric`]'s validation compiles every
/// pattern with this same builder, so a pattern that loads also compiles here.
pub fn build_pattern(p: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(p).multi_line(true).size_limit(1 << 22).build()
}

fn compile(p: &str) -> regex::Regex {
    build_pattern(p).expect("validated on load with the same builder")
}

/// Finds the first code match of every `code` detector, reading each candidate file once.
fn code_matches(rubric: &Rubric, index: &RepoIndex) -> HashMap<(usize, bool, usize), Evidence> {
    let mut dets = Vec::new();
    for (ti, t) in rubric.tests.iter().enumerate() {
        for (auto, list) in [(false, &t.manual), (true, &t.automated)] {
            for (di, d) in list.iter().enumerate() {
                if d.kind == DetectorKind::Code {
                    dets.push(CodeDetector {
                        key: (ti, auto, di),
                        det: d,
                        globs: glob_set(&d.globs),
                        regexes: d.patterns.iter().map(|p| compile(p)).collect(),
                    });
                }
            }
        }
    }
    let candidates: Vec<&scan::FileEntry> = index
        .files
        .iter()
        .filter(|f| !scan::is_doc(&f.rel))
        .filter(|f| {
            dets.iter().any(|d| match &d.globs {
                Some(g) => g.is_match(&f.rel),
                None => scan::CODE_EXTENSIONS.contains(&scan::extension(&f.rel).as_str()),
            })
        })
        .collect();
    let found: Vec<((usize, bool, usize), Evidence, String)> = candidates
        .par_iter()
        .flat_map_iter(|f| {
            let mut hits = Vec::new();
            let Some(text) = scan::read_text(&index.root.join(&f.rel)) else { return hits };
            let (code, _) = scan::code_of(&f.rel, &text);
            let test_file = scan::is_test(&f.rel);
            for d in &dets {
                let applies = match &d.globs {
                    Some(g) => g.is_match(&f.rel),
                    None => scan::CODE_EXTENSIONS.contains(&scan::extension(&f.rel).as_str()),
                };
                if !applies || (d.det.tests_only && !test_file) {
                    continue;
                }
                if let Some(m) = d.regexes.iter().find_map(|r| r.find(&code)) {
                    let line = code[..m.start()].matches('\n').count() + 1;
                    let snippet: String = m.as_str().chars().take(60).collect();
                    hits.push((
                        d.key,
                        Evidence { kind: "code".into(), detail: format!("{}:{line} `{}`", f.rel, snippet.trim()) },
                        f.rel.clone(),
                    ));
                }
            }
            hits
        })
        .collect();
    let mut best: HashMap<(usize, bool, usize), (Evidence, String)> = HashMap::new();
    for (k, e, rel) in found {
        match best.get(&k) {
            Some((_, r)) if *r <= rel => {}
            _ => {
                best.insert(k, (e, rel));
            }
        }
    }
    best.into_iter().map(|(k, (e, _))| (k, e)).collect()
}

fn files_match(index: &RepoIndex, globs: &[String]) -> Option<Evidence> {
    let set = glob_set(globs)?;
    index.matching(&set).find_map(|f| {
        let text = scan::read_text(&index.root.join(&f.rel))?;
        scan::has_substance(&text).then(|| Evidence { kind: "file".into(), detail: f.rel.clone() })
    })
}

fn mlgate_runs(gate: &str) -> regex::Regex {
    compile(&format!(r"\bmlgate\s+(check|audit|gate\s+{gate})\b|uses:\s*\S*mlgate"))
}

/// (evidence found automatically, evidence found only in manual-dispatch jobs).
fn ci_match(index: &RepoIndex, d: &Detector, gates: &BTreeSet<String>) -> (Option<Evidence>, Option<Evidence>) {
    let res: Vec<regex::Regex> = match &d.gate {
        Some(g) => {
            if !gates.contains(g) {
                return (None, None);
            }
            vec![mlgate_runs(g)]
        }
        None => d.patterns.iter().map(|p| compile(p)).collect(),
    };
    let mut manual = None;
    for j in &index.jobs {
        let Some(cmd) = res.iter().find_map(|r| j.runs(r)) else { continue };
        let what = match &d.gate {
            Some(g) => format!("{} runs `{}` with [gates.{g}] configured", j.id, crate::text::clip(cmd, 60)),
            None => format!("{} runs `{}`", j.id, crate::text::clip(cmd, 60)),
        };
        if j.automatic() && (!d.schedule || j.scheduled()) {
            let trig: Vec<&str> =
                j.triggers.iter().map(String::as_str).filter(|t| super::ci::AUTOMATIC.contains(t)).collect();
            return (Some(Evidence { kind: "ci-job".into(), detail: format!("{what} on {}", trig.join(", ")) }), None);
        }
        if manual.is_none() {
            let why = if j.automatic() { "not on a schedule" } else { "only when started by hand" };
            manual = Some(Evidence { kind: "ci-job".into(), detail: format!("{what} ({why})") });
        }
    }
    (None, manual)
}

/// Checks a claim's link: a file inside the repository with real content, or a URL.
fn check_link(root: &Path, link: &str) -> std::result::Result<String, String> {
    if link.starts_with("https://") || link.starts_with("http://") {
        return Ok(format!("{link} (external link, recorded but not fetched)"));
    }
    let p = root.join(link);
    let canon_root = root.canonicalize().map_err(|e| format!("repository root: {e}"))?;
    let canon = p.canonicalize().map_err(|_| format!("link {} does not exist", quoted(link)))?;
    if !canon.starts_with(&canon_root) {
        return Err(format!("link {} points outside the repository", quoted(link)));
    }
    if canon.is_dir() {
        return Ok(format!("{link} (folder)"));
    }
    let text = scan::read_text(&canon).ok_or_else(|| format!("link {} is not a readable text file", quoted(link)))?;
    if !scan::has_substance(&text) {
        return Err(format!("link {} is empty or an unfilled template", quoted(link)));
    }
    Ok(link.to_string())
}

/// Scores the repository.
pub fn score(rubric: &Rubric, inp: &Inputs<'_>) -> Result<RubricResult> {
    let ids: Vec<&str> = rubric.tests.iter().map(|t| t.id.as_str()).collect();
    for (k, c) in &inp.claims {
        if !ids.contains(&k.as_str()) {
            let hint = crate::diag::closest(k, ids.iter().copied())
                .map(|s| format!("did you mean {}? ", quoted(s)))
                .unwrap_or_default();
            return Err(user(format!("[evidence] claims test {}, which the rubric does not have", quoted(k)))
                .hint(format!("{hint}test ids look like data.1 … monitoring.7"))
                .into());
        }
        if !["manual", "automated", "na"].contains(&c.status.as_str()) {
            return Err(user(format!(
                "[evidence].\"{k}\".status must be manual, automated or na, not {}",
                quoted(&c.status)
            ))
            .hint("manual = done by hand with a recorded result; automated = runs on its own")
            .into());
        }
    }
    let code = code_matches(rubric, inp.index);
    let mut notes: Vec<String> = inp.index.notes.clone();
    let mut tests = Vec::new();
    for (ti, t) in rubric.tests.iter().enumerate() {
        tests.push(score_test(ti, t, inp, &code, &mut notes));
    }
    let mut sections = Vec::new();
    for s in &rubric.sections {
        let score: f64 = tests.iter().filter(|t| t.section == s.id).map(|t| t.points).sum();
        let n = rubric.tests.iter().filter(|t| t.section == s.id).count() as f64;
        sections.push(SectionResult { id: s.id.clone(), title: s.title.clone(), score, max: n, weakest: false });
    }
    let final_score = sections.iter().map(|s| s.score).fold(f64::INFINITY, f64::min);
    let final_score = if final_score.is_finite() { final_score } else { 0.0 };
    for s in &mut sections {
        s.weakest = s.score == final_score;
    }
    let mut judged = Judged::default();
    for t in &tests {
        match t.source {
            Source::Repository => judged.repository += 1,
            Source::Claim if t.level == Level::Na => judged.na += 1,
            Source::Claim => judged.claims += 1,
            Source::None => judged.none += 1,
        }
    }
    // Next steps: the cheapest tests that raise the weakest section(s).
    let weakest: BTreeSet<&str> = sections.iter().filter(|s| s.weakest).map(|s| s.id.as_str()).collect();
    let mut candidates: Vec<(&TestSpec, &TestResult)> = rubric
        .tests
        .iter()
        .zip(&tests)
        .filter(|(spec, r)| weakest.contains(spec.section.as_str()) && r.points < 1.0 && r.level != Level::Na)
        .collect();
    candidates
        .sort_by(|a, b| a.0.effort.cmp(&b.0.effort).then(b.1.points.total_cmp(&a.1.points)).then(a.0.id.cmp(&b.0.id)));
    let next_steps = candidates
        .iter()
        .take(3)
        .map(|(spec, r)| {
            format!("{} {} (+{} point): {}", spec.id, spec.title, crate::text::num(1.0 - r.points), spec.how)
        })
        .collect();
    if inp.claims.values().any(|c| c.status == "na") {
        notes.push(if inp.allow_na {
            "N/A claims count as full points under mlgate's --allow-na extension; the paper has no \"not applicable\"."
                .into()
        } else {
            "N/A claims earn nothing: the paper has no \"not applicable\" (mlgate's --allow-na extension is off)."
                .into()
        });
    }
    notes.push(format!(
        "{} of {} tests were judged from the repository, {} only from claims in [evidence], {} have no evidence.",
        judged.repository,
        tests.len(),
        judged.claims + judged.na,
        judged.none
    ));
    Ok(RubricResult {
        id: rubric.meta.id.clone(),
        name: rubric.meta.name.clone(),
        version: rubric.meta.version.clone(),
        scale: "2017".into(),
        max_per_test: 1.0,
        tests,
        sections,
        final_score,
        band: band(final_score).into(),
        judged,
        next_steps,
        notes,
        allow_na: inp.allow_na,
        min_score: None,
        history: vec![],
    })
}

fn score_test(
    ti: usize,
    t: &TestSpec,
    inp: &Inputs<'_>,
    code: &HashMap<(usize, bool, usize), Evidence>,
    notes: &mut Vec<String>,
) -> TestResult {
    let mut manual_ev: Vec<Evidence> = Vec::new();
    let mut auto_ev: Vec<Evidence> = Vec::new();
    let mut hints = Vec::new();
    let detect =
        |auto: bool, di: usize, d: &Detector, hints: &mut Vec<String>| -> (Option<Evidence>, Option<Evidence>) {
            match d.kind {
                DetectorKind::Files => (files_match(inp.index, &d.globs), None),
                DetectorKind::Code => (code.get(&(ti, auto, di)).cloned(), None),
                DetectorKind::Gate => (
                    d.gate
                        .as_ref()
                        .filter(|g| inp.gates.contains(*g))
                        .map(|g| Evidence { kind: "gate".into(), detail: format!("[gates.{g}] in mlgate.toml") }),
                    None,
                ),
                DetectorKind::Ci => {
                    let (a, m) = ci_match(inp.index, d, &inp.gates);
                    if a.is_none()
                        && let Some(g) = &d.gate
                        && inp.gates.contains(g)
                        && m.is_none()
                    {
                        hints.push(format!(
                            "[gates.{g}] is configured but no CI job{} runs mlgate",
                            if d.schedule { " on a schedule" } else { "" }
                        ));
                    }
                    (a, m)
                }
            }
        };
    for (di, d) in t.manual.iter().enumerate() {
        if let (Some(e), _) = detect(false, di, d, &mut hints) {
            manual_ev.push(e);
        }
    }
    for (di, d) in t.automated.iter().enumerate() {
        let (a, m) = detect(true, di, d, &mut hints);
        if d.requires_manual && manual_ev.is_empty() && inp.claims.get(&t.id).is_none_or(|c| c.status == "na") {
            if a.is_some() {
                hints.push("CI runs the right kind of job, but nothing shows the test itself exists".into());
            }
            continue;
        }
        if let Some(e) = a {
            auto_ev.push(e);
        } else if let Some(m) = m {
            manual_ev.push(m);
        }
    }
    let (mut points, mut level, mut source, mut evidence, mut reason) = if !auto_ev.is_empty() {
        let r = format!("automated: {}", auto_ev[0].detail);
        (1.0, Level::Automated, Source::Repository, [auto_ev.clone(), manual_ev.clone()].concat(), r)
    } else if !manual_ev.is_empty() {
        let r = format!("done by hand or not wired to an automatic trigger: {}", manual_ev[0].detail);
        (0.5, Level::Manual, Source::Repository, manual_ev.clone(), r)
    } else {
        (0.0, Level::None, Source::None, Vec::new(), "no evidence in the repository".to_string())
    };
    if let Some(c) = inp.claims.get(&t.id) {
        let mut v = Verdict { points, level, source, evidence, reason };
        apply_claim(t, c, inp, &mut v, notes, &mut hints);
        (points, level, source, evidence, reason) = (v.points, v.level, v.source, v.evidence, v.reason);
    }
    if points < 1.0 {
        for p in &t.packages {
            if let Some(files) = inp.index.deps.get(&super::deps::normalize(p)) {
                let shown: Vec<&str> = files.iter().take(3).map(String::as_str).collect();
                hints.push(format!(
                    "{p} is declared in {} but nothing shows it is used for this test; a dependency alone earns nothing",
                    shown.join(", ")
                ));
            }
        }
    }
    hints.dedup();
    TestResult {
        id: t.id.clone(),
        section: t.section.clone(),
        title: t.title.clone(),
        points,
        level,
        source,
        evidence,
        reason,
        hints,
    }
}

/// A test's points so far, and why.
struct Verdict {
    points: f64,
    level: Level,
    source: Source,
    evidence: Vec<Evidence>,
    reason: String,
}

/// An `[evidence]` claim raises a test's points when its link holds up; a claim without a
/// working link earns nothing and says why.
fn apply_claim(
    t: &TestSpec,
    c: &Claim,
    inp: &Inputs<'_>,
    v: &mut Verdict,
    notes: &mut Vec<String>,
    hints: &mut Vec<String>,
) {
    let link = c.link.as_deref().map(|l| check_link(&inp.index.root, l));
    match (c.status.as_str(), link) {
        (_, Some(Err(why))) => {
            notes.push(format!("claim for {} earns nothing: {why}", t.id));
            hints.push(format!("claim rejected: {why}"));
        }
        (_, None) if c.status != "na" => {
            notes.push(format!("claim for {} earns nothing: it has no link to its evidence", t.id));
            hints.push("claim rejected: no link".into());
        }
        (status, link) => {
            let detail = format!(
                "[evidence].\"{}\" = {status}{}{}",
                t.id,
                link.and_then(|l| l.ok()).map(|l| format!(", link {l}")).unwrap_or_default(),
                c.note.as_deref().map(|n| format!(" — {n}")).unwrap_or_default()
            );
            let claimed = match status {
                "automated" => 1.0,
                "manual" => 0.5,
                _ if inp.allow_na => 1.0,
                _ => 0.0,
            };
            if status == "na" && inp.allow_na && v.points < 1.0 {
                v.points = 1.0;
                v.level = Level::Na;
                v.source = Source::Claim;
                v.reason = "not applicable (mlgate's --allow-na extension, not part of the paper)".into();
                v.evidence.push(Evidence { kind: "claim".into(), detail });
            } else if claimed > v.points {
                v.points = claimed;
                v.level = if claimed >= 1.0 { Level::Automated } else { Level::Manual };
                v.source = Source::Claim;
                v.reason = format!("claimed as {status} in [evidence]");
                v.evidence.insert(0, Evidence { kind: "claim".into(), detail });
            } else {
                v.evidence.push(Evidence { kind: "claim".into(), detail });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_follow_table_v() {
        assert!(band(0.0).starts_with("0:"));
        assert!(band(1.0).starts_with("(0, 1]"));
        assert!(band(1.5).starts_with("(1, 2]"));
        assert!(band(3.0).starts_with("(2, 3]"));
        assert!(band(5.0).starts_with("(3, 5]"));
        assert!(band(5.5).starts_with("> 5"));
    }
}
