//! Scoring a repository against a rubric: detectors → evidence → points per test →
//! section sums → final score (the minimum section), with the paper's band and the
//! cheapest next steps.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Result;
use serde::Deserialize;

use super::detect::{self, Context, GateSeen, Grade};
use super::scan::{self, RepoIndex};
use super::{Rubric, TestSpec};
use crate::error::{quoted, user};

pub use super::detect::PRIMITIVES;
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
    /// Gates whose outcome is known: run in this `check` / `audit`, or recorded in committed
    /// results. Configuration alone earns nothing.
    pub seen: BTreeMap<String, GateSeen>,
    pub claims: BTreeMap<String, Claim>,
    pub allow_na: bool,
    /// Run outputs read (`--runs`) and how they weigh; `None` judges the wiring only.
    pub runs: Option<(&'a super::runs::RunSet, super::ran::Policy)>,
}

/// A rubric pattern as the scorer runs it; [`super::Rubric`]'s validation compiles every
/// pattern with this same builder, so a pattern that loads also compiles here.
pub fn build_pattern(p: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(p).multi_line(true).size_limit(1 << 22).build()
}

fn judged_of(tests: &[TestResult]) -> Judged {
    let mut judged = Judged::default();
    for t in tests {
        match t.source {
            Source::Repository => judged.repository += 1,
            Source::Claim if t.level == Level::Na => judged.na += 1,
            Source::Claim => judged.claims += 1,
            Source::Runs => judged.runs += 1,
            Source::None => judged.none += 1,
        }
    }
    judged
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

/// Every test scored, with the run outputs' policy applied when there are any; the run
/// outputs' summary.
fn score_tests(
    rubric: &Rubric,
    inp: &Inputs<'_>,
    ctx: &Context<'_>,
    notes: &mut Vec<String>,
) -> (Vec<TestResult>, Option<crate::results::rubric::RunsRead>) {
    let per_test = match &inp.runs {
        Some((runs, policy)) => {
            let (tests, used) = super::ran::per_test(rubric, ctx, runs, policy);
            notes.extend(super::ran::unmatched_note(runs, &used));
            tests
        }
        None => vec![None; rubric.tests.len()],
    };
    let mut tests = Vec::new();
    let mut findings = Vec::new();
    for (ti, t) in rubric.tests.iter().enumerate() {
        let mut r = score_test(ti, t, inp, ctx, notes);
        if let Some((_, policy)) = &inp.runs {
            findings.extend(super::ran::apply(&mut r, per_test[ti].as_ref(), policy));
        }
        tests.push(r);
    }
    let runs_read = inp.runs.as_ref().map(|(runs, policy)| super::ran::summary(runs, policy, findings));
    notes.push(super::ran::note(runs_read.as_ref(), per_test.iter().filter(|r| r.is_some()).count()));
    if let Some(r) = &runs_read {
        notes.extend(r.findings.iter().map(|f| format!("finding: {f}")));
        notes.extend(r.skipped.iter().take(10).map(|s| format!("run output skipped: {s}")));
    }
    (tests, runs_read)
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
    let reach = super::graph::build(inp.index);
    let ctx = Context {
        index: inp.index,
        reach: &reach,
        gates: &inp.gates,
        seen: &inp.seen,
        code: detect::code_matches(rubric, inp.index),
    };
    let mut notes: Vec<String> = inp.index.notes.clone();
    notes.extend(reach.notes.iter().cloned());
    let (tests, runs_read) = score_tests(rubric, inp, &ctx, &mut notes);
    let maturity = super::maturity::assess(&ctx);
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
    let judged = judged_of(&tests);
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
        "{} of {} tests were judged from the repository, {} only from claims in [evidence],{} {} have no evidence.",
        judged.repository,
        tests.len(),
        judged.claims + judged.na,
        if inp.runs.is_some() { format!(" {} only from run outputs,", judged.runs) } else { String::new() },
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
        maturity: Some(maturity),
        runs: runs_read,
    })
}

fn score_test(ti: usize, t: &TestSpec, inp: &Inputs<'_>, ctx: &Context<'_>, notes: &mut Vec<String>) -> TestResult {
    let mut hints = Vec::new();
    let mut manual = Vec::new();
    for (di, d) in t.manual.iter().enumerate() {
        if let Some(h) = detect::detect(ctx, (ti, false, di, false), d, &mut hints) {
            manual.push(h);
        }
    }
    let (mut full, mut half) = (Vec::new(), Vec::new());
    for (di, d) in t.automated.iter().enumerate() {
        let Some(h) = detect::detect(ctx, (ti, true, di, false), d, &mut hints) else { continue };
        if d.requires_manual && manual.is_empty() && inp.claims.get(&t.id).is_none_or(|c| c.status == "na") {
            hints.push("CI runs the right kind of job, but nothing shows the test itself exists".into());
            continue;
        }
        match &h.grade {
            Grade::Full => full.push(h),
            Grade::Half(_) => half.push(h),
            Grade::Manual => manual.push(h),
        }
    }
    let ev = |v: &[detect::Hit]| v.iter().map(|h| h.evidence.clone()).collect::<Vec<_>>();
    let (points, level, source, evidence, reason) = if let Some(h) = full.first() {
        let e = [ev(&full), ev(&half), ev(&manual)].concat();
        (
            1.0,
            Level::Automated,
            Source::Repository,
            e,
            format!("automated with a pass/fail criterion: {}", h.evidence.detail),
        )
    } else if let Some(h) = half.first() {
        let Grade::Half(why) = &h.grade else { unreachable!("half holds Half grades") };
        hints.insert(0, format!("not a full point: {why}"));
        let e = [ev(&half), ev(&manual)].concat();
        (0.5, Level::Manual, Source::Repository, e, format!("{why}: {}", h.evidence.detail))
    } else if let Some(h) = manual.first() {
        hints.insert(0, "not a full point: nothing runs it without a person".into());
        (
            0.5,
            Level::Manual,
            Source::Repository,
            ev(&manual),
            format!("done by hand or not wired to an automatic trigger: {}", h.evidence.detail),
        )
    } else {
        (0.0, Level::None, Source::None, Vec::new(), "no evidence in the repository".to_string())
    };
    let mut v = Verdict { points, level, source, evidence, reason };
    if let Some(c) = inp.claims.get(&t.id) {
        apply_claim(t, c, inp, &mut v, notes, &mut hints);
    }
    if v.points < 1.0 {
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
    let mut seen = BTreeSet::new();
    hints.retain(|h| seen.insert(h.clone()));
    TestResult {
        id: t.id.clone(),
        section: t.section.clone(),
        title: t.title.clone(),
        points: v.points,
        level: v.level,
        source: v.source,
        evidence: v.evidence,
        reason: v.reason,
        hints,
        runs: None,
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
