//! The shadow / canary gate: should a candidate model take more traffic? It compares the
//! candidate's behaviour with the champion's — scores, decisions, calibration and outcomes
//! where delayed labels exist, latency and errors where they are logged — each as an effect
//! with an interval against an allowed margin (ML Test Score, Infra 6).
//!
//! - **shadow**: both models scored the same requests; rows pair on a request id (or by
//!   position) and every comparison is paired.
//! - **canary**: traffic was split at random; the arms are independent samples.
//!
//! Every harm check promotes when its interval lies within the margin, rolls back when it
//! lies beyond, and otherwise continues with the traffic that would decide it (`judge.rs`).
//! With `sequential`, intervals are confidence sequences, valid however often the canary is
//! looked at as traffic grows; the tests that have no always-valid form share alpha over the
//! planned looks. The gate's verdict: promote (pass), continue (warn), rollback (fail).

pub mod cfg;
pub mod checks;
pub mod codes;
pub mod judge;
pub mod settings;

use crate::results::series::{CanarySeries, GateSeries};
use crate::results::{Check, GateKind, GateResult, Status, Threshold};
use crate::stats::{ks, psi, sort::sort_floats};
use crate::text::{int, num, pct};
use codes::Code;
pub use settings::{Mode, Settings};

/// One model's logged answers. Columns that were not configured are empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Arm {
    /// The score (NaN where the log has none).
    pub score: Vec<f64>,
    /// The delayed outcome, where it has arrived.
    pub label: Vec<Option<bool>>,
    pub latency: Vec<f64>,
    pub error: Vec<bool>,
}

/// The two arms. In shadow mode row i of both is the same request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Arms {
    pub champion: Arm,
    pub candidate: Arm,
    pub paired: bool,
    /// Shadow mode: rows of each file that found no partner (left out).
    pub unpaired: (u64, u64),
}

impl Arms {
    /// Shadow rows both models scored.
    pub fn scored_pairs(&self) -> Vec<usize> {
        let (a, b) = (&self.champion.score, &self.candidate.score);
        (0..a.len().min(b.len())).filter(|&i| a[i].is_finite() && b[i].is_finite()).collect()
    }
}

fn finite_sorted(v: &[f64]) -> Vec<f64> {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    sort_floats(&mut s);
    s
}

/// The score distributions: PSI over the champion's quantile bins, with KS as the test.
fn scores(a: &Arms, s: &Settings) -> Check {
    let (c, k) = if a.paired {
        let rows = a.scored_pairs();
        let pick = |v: &[f64]| finite_sorted(&rows.iter().map(|&i| v[i]).collect::<Vec<_>>());
        (pick(&a.champion.score), pick(&a.candidate.score))
    } else {
        (finite_sorted(&a.champion.score), finite_sorted(&a.candidate.score))
    };
    if (c.len().min(k.len()) as u64) < s.min_rows {
        return Check::new(
            Code::NotEvaluated,
            "scores",
            Status::Skipped,
            format!("{} and {} scores: fewer than min_rows = {}", int(c.len() as u64), int(k.len() as u64), s.min_rows),
        );
    }
    let edges = psi::quantile_edges(&c, s.bins);
    let counts = |v: &[f64]| {
        let mut out = vec![0u64; edges.len() + 1];
        for x in v {
            out[edges.partition_point(|e| e <= x)] += 1;
        }
        out
    };
    let rule = psi::EmptyBins::Smooth;
    let (value, _) = psi::psi(&psi::shares(&counts(&c), rule, 0.0), &psi::shares(&counts(&k), rule, 0.0));
    let test = ks::ks_2samp_sorted(&c, &k);
    let (_, alpha) = judge::looks_of(s, true);
    let significant = test.p_value < alpha;
    let status = match (s.psi.fail, s.psi.warn) {
        (Some(f), _) if value >= f && significant => Status::Fail,
        (_, Some(w)) if value >= w && significant => Status::Warn,
        _ => Status::Pass,
    };
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let single_value = edges.is_empty();
    let msg = format!(
        "score distribution: PSI {} over the champion's {} quantile bins, KS D = {} (p{}{}); mean score {} → {}{}",
        num(value),
        edges.len() + 1,
        num(test.statistic),
        crate::text::p_value(test.p_value),
        if significant { "" } else { ", not significant: no level applied" },
        num(mean(&c)),
        num(mean(&k)),
        if single_value { "; the champion's scores are constant, so the bins cannot resolve a shift" } else { "" }
    );
    let mut ch = Check::new(Code::Scores, "scores", status, msg)
        .with_value("psi", value)
        .with_threshold(Threshold::at_most(s.psi.warn, s.psi.fail))
        .with_detail("ks_statistic", test.statistic);
    ch.p_value = Some(test.p_value);
    ch
}

/// Shadow mode: requests that found no partner.
fn pairing(a: &Arms, s: &Settings) -> Check {
    let (uc, uk) = a.unpaired;
    let pairs = a.champion.score.len() as u64;
    let total = pairs * 2 + uc + uk;
    let share = if total == 0 { 0.0 } else { (uc + uk) as f64 / total as f64 };
    let status = s.max_unpaired.judge(share);
    let msg = format!(
        "{} paired requests; {} champion and {} candidate rows found no partner ({} of all rows){}",
        int(pairs),
        int(uc),
        int(uk),
        pct(share),
        if uc + uk > 0 { ": they are left out; an id missing from one log is a logging bug" } else { "" }
    );
    Check::new(Code::Pairing, "requests", status, msg)
        .with_value("unpaired_share", share)
        .with_threshold(Threshold::at_most(s.max_unpaired.warn, s.max_unpaired.fail))
        .with_counts(uc + uk, total)
}

/// Judges the candidate against the champion.
pub fn run(a: &Arms, s: &Settings) -> GateResult {
    let mut checks = Vec::new();
    if a.paired {
        checks.push(pairing(a, s));
    }
    // The questions are independent: asked in parallel, reported in a fixed order.
    let ((score_check, decisions), (outcomes, (service, feedback))) = rayon::join(
        || rayon::join(|| scores(a, s), || checks::decisions(a, s)),
        || {
            rayon::join(
                || checks::outcomes(a, s),
                || rayon::join(|| (checks::latency(a, s), checks::errors(a, s)), || checks::feedback(a, s)),
            )
        },
    );
    checks.push(score_check);
    let mut rows = Vec::new();
    let mut outs = vec![decisions];
    outs.extend(outcomes);
    outs.extend(feedback);
    outs.extend(service.0);
    outs.extend(service.1);
    for (c, r) in outs {
        checks.push(c);
        rows.extend(r);
    }
    let mut g = GateResult::from_checks("canary", GateKind::Canary, checks);
    let decision = match g.status {
        Status::Fail | Status::Error => "rollback",
        Status::Warn => "continue",
        _ => "promote",
    };
    g.summary = summary(decision, &g.checks, &rows, a);
    g.thresholds.values = s.record();
    let labelled = a.champion.label.iter().chain(&a.candidate.label).filter(|l| l.is_some()).count() as u64;
    g.method.insert(
        "mode".into(),
        match s.mode {
            Mode::Shadow => "shadow: both models scored the same requests; comparisons are paired".into(),
            Mode::Canary => "canary: randomly split traffic; the arms are independent samples".into(),
        },
    );
    g.method.insert(
        "intervals".into(),
        if s.sequential {
            format!(
                "confidence sequences (normal mixture, tightest at {} rows per arm): valid at every look; KS, ECE, AUC and latency tests use α / {} looks",
                int(s.planned),
                s.looks
            )
            .into()
        } else {
            format!("fixed-sample at α = {}: valid for one look; with repeated looks use sequential = true", num(s.alpha))
                .into()
        },
    );
    g.method.insert(
        "rule".into(),
        "promote when every interval lies within its margin; roll back when one lies beyond it; otherwise continue"
            .into(),
    );
    if a.champion.score.iter().chain(&a.candidate.score).any(|x| !x.is_finite()) {
        g.notes.push("rows without a score are left out of the score, decision and outcome checks".into());
    }
    g.series = Some(GateSeries::Canary(CanarySeries {
        mode: s.mode.as_str().into(),
        looks: if s.sequential { "sequential" } else { "fixed" }.into(),
        decision: decision.into(),
        champion_rows: a.champion.score.len() as u64 + a.unpaired.0,
        candidate_rows: a.candidate.score.len() as u64 + a.unpaired.1,
        labelled,
        checks: rows,
    }));
    g
}

fn summary(decision: &str, checks: &[Check], rows: &[crate::results::series::CanaryRow], a: &Arms) -> String {
    let n = if a.paired {
        format!("{} paired requests", int(a.champion.score.len() as u64))
    } else {
        format!(
            "{} champion and {} candidate requests",
            int(a.champion.score.len() as u64),
            int(a.candidate.score.len() as u64)
        )
    };
    match decision {
        "rollback" => {
            let bad: Vec<&str> = checks.iter().filter(|c| c.status >= Status::Fail).map(|c| c.code.as_str()).collect();
            format!("rollback: the candidate is worse than allowed ({}) on {n}", bad.join(", "))
        }
        "continue" => {
            let open: Vec<&str> = checks.iter().filter(|c| c.status == Status::Warn).map(|c| c.code.as_str()).collect();
            let need = rows.iter().filter_map(|r| r.rows_needed).max();
            format!(
                "continue: {} not decided yet on {n}{}",
                open.join(", "),
                need.map(|m| format!("; about {} requests per arm decide them at the observed effects", int(m)))
                    .unwrap_or_default()
            )
        }
        _ => format!("promote: no worse than the champion within every margin on {n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::intervals::SeededRng;

    /// A canary looked at 20 times as traffic grows, with no real difference and no margin
    /// on the error rate: how often does some look roll the candidate back? With fixed
    /// intervals far above the nominal rate; with sequential ones at most the nominal rate.
    #[test]
    fn twenty_looks_keep_sequential_false_rollbacks_at_the_nominal_rate() {
        let (runs, looks, step) = (300, 20, 100usize);
        let base = Settings { mode: Mode::Canary, max_error_rate_increase: 0.0, min_rows: 1, ..Settings::default() };
        let seq = Settings { sequential: true, planned: (looks * step) as u64, ..base.clone() };
        let mut rng = SeededRng::new(42);
        let (mut fixed_alarms, mut seq_alarms) = (0u32, 0u32);
        for _ in 0..runs {
            let mut arms = Arms::default();
            let (mut f, mut s) = (false, false);
            for _ in 0..looks {
                for _ in 0..step {
                    arms.champion.error.push(rng.unit() < 0.1);
                    arms.candidate.error.push(rng.unit() < 0.1);
                }
                let rolled = |st: &Settings| {
                    run(&arms, st).checks.iter().any(|c| c.code == "canary.errors" && c.status == Status::Fail)
                };
                f |= rolled(&base);
                s |= rolled(&seq);
            }
            fixed_alarms += f as u32;
            seq_alarms += s as u32;
        }
        let (f, s) = (fixed_alarms as f64 / runs as f64, seq_alarms as f64 / runs as f64);
        // One-sided at α/2 = 2.5% per look.
        assert!(f > 0.06, "a fixed interval looked at 20 times rolls back far above 2.5%: {f}");
        assert!(s <= 0.025, "sequential false rollbacks must stay at or below 2.5%: {s}");
    }

    #[test]
    fn nothing_to_compare_is_a_status_not_a_panic() {
        let g = run(&Arms::default(), &Settings::default());
        assert!(g.checks.iter().all(|c| c.status == Status::Skipped || c.code == "canary.pairing"), "{:?}", g.checks);
        let constant = Arm { score: vec![0.5; 500], label: vec![Some(true); 500], ..Arm::default() };
        let arms = Arms { champion: constant.clone(), candidate: constant, paired: true, unpaired: (0, 0) };
        let g = run(&arms, &Settings::default());
        let json = serde_json::to_string(&g).unwrap();
        assert!(!json.contains("NaN"), "{json}");
    }
}
