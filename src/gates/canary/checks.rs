//! One function per question the canary gate asks of the two arms. Each returns its check
//! and, for a harm against a margin, the row of the gate's table.

use super::codes::Code;
use super::judge::{Harm, Judged, bernoulli_var, judge, mean_var};
use super::settings::Settings;
use super::{Arm, Arms};
use crate::results::series::CanaryRow;
use crate::results::{Check, Interval, Status, Threshold};
use crate::stats::intervals::{SeededRng, delong_auc, delong_paired, mcnemar_exact};
use crate::stats::mannwhitney::{Alternative, mann_whitney};
use crate::stats::sequential::Looks;
use crate::text::{int, num, pct};

/// Most labelled rows the ECE bootstrap resamples (drawn evenly when there are more).
pub const ECE_BOOTSTRAP_ROWS: usize = 200_000;
/// Replicates of the ECE bootstrap.
pub const ECE_REPLICATES: usize = 200;

pub type Out = (Check, Option<CanaryRow>);

/// The interval's name for the report.
fn method(j: &Judged) -> String {
    match j.looks {
        Looks::Fixed if j.alpha < 0.05 - 1e-12 => {
            format!("fixed-sample, α = {} (shared over the planned looks)", num(j.alpha))
        }
        Looks::Fixed => "fixed-sample".into(),
        Looks::Sequential { .. } => "confidence sequence (valid at every look)".into(),
    }
}

/// The check and table row of a judged harm; `what` names the metric, `fmt` its values.
fn harm_check(code: Code, subject: &str, what: &str, h: &Harm, s: &Settings, fmt: fn(f64) -> String) -> Out {
    let j = judge(h, s);
    let level = 1.0 - j.alpha;
    let verdict = match j.status {
        Status::Pass => format!("within the allowed {}", fmt(h.margin)),
        Status::Fail => format!("worse than the allowed {} — roll back", fmt(h.margin)),
        _ => match j.needed {
            Some(n) => format!(
                "not decided yet against the allowed {}; about {} rows per arm decide it at the observed effect",
                fmt(h.margin),
                int(n as u64)
            ),
            None => format!("not decided: the observed effect sits on the allowed {}", fmt(h.margin)),
        },
    };
    let msg = format!(
        "{what}: champion {}, candidate {}; change {} ({}% interval {} to {}): {verdict}",
        fmt(h.champion),
        fmt(h.candidate),
        fmt(h.effect),
        num(level * 100.0),
        fmt(j.lo),
        fmt(j.hi)
    );
    let mut c = Check::new(code, subject, j.status, msg)
        .with_value(what, h.effect)
        .with_threshold(Threshold::at_most(None, Some(h.margin)));
    c.interval = Some(Interval { low: j.lo, high: j.hi, level: Some(level), method: method(&j) });
    if let Some(n) = j.needed {
        c = c.with_detail("rows_needed_per_arm", n as u64);
    }
    let row = CanaryRow {
        check: code.as_str().into(),
        metric: what.into(),
        champion: Some(h.champion).filter(|x| x.is_finite()),
        candidate: Some(h.candidate).filter(|x| x.is_finite()),
        effect: Some(h.effect).filter(|x| x.is_finite()),
        low: Some(j.lo).filter(|x| x.is_finite()),
        high: Some(j.hi).filter(|x| x.is_finite()),
        margin: Some(h.margin),
        status: j.status,
        rows_needed: j.needed.map(|n| n as u64),
    };
    (c, Some(row))
}

fn waiting(subject: &str, why: String) -> Out {
    (Check::new(Code::NotEvaluated, subject, Status::Skipped, why), None)
}

/// A waiting check when either arm has fewer than `min_rows` values.
fn too_few(subject: &str, what: &str, n1: usize, n2: usize, s: &Settings) -> Option<Out> {
    ((n1.min(n2) as u64) < s.min_rows).then(|| {
        let why = format!("{} and {} {what}: fewer than min_rows = {}", int(n1 as u64), int(n2 as u64), s.min_rows);
        waiting(subject, why)
    })
}

fn share(x: f64) -> String {
    pct(x)
}

fn plain(x: f64) -> String {
    num(x)
}

/// Decisions differ (shadow) or decision rates move (canary).
pub fn decisions(a: &Arms, s: &Settings) -> Out {
    let t = s.threshold;
    let pos = |arm: &Arm, i: usize| arm.score[i] >= t;
    if a.paired {
        let rows: Vec<usize> = a.scored_pairs();
        let n = rows.len() as f64;
        if (n as u64) < s.min_rows {
            return waiting(
                "decisions",
                format!("{} scored pairs: fewer than min_rows = {}", int(n as u64), s.min_rows),
            );
        }
        let differ = rows.iter().filter(|&&i| pos(&a.champion, i) != pos(&a.candidate, i)).count() as f64;
        let rate = |arm: &Arm| rows.iter().filter(|&&i| pos(arm, i)).count() as f64 / n;
        let h = Harm {
            champion: rate(&a.champion),
            candidate: rate(&a.candidate),
            effect: differ / n,
            v: bernoulli_var(differ, n),
            n,
            margin: s.max_disagreement,
            two_sided: false,
            fixed_only: false,
        };
        let (mut c, mut row) = harm_check(Code::Agreement, "decisions", "disagreement", &h, s, share);
        c.message = c
            .message
            .replacen("disagreement: champion", "disagreement (positive-decision rates: champion", 1)
            .replacen("; change", "); share of requests decided differently", 1);
        c = c.with_counts(differ as u64, n as u64);
        if let Some(r) = row.as_mut() {
            (r.champion, r.candidate) = (None, None);
        }
        return (c, row);
    }
    // (positive decisions, scored rows) of an arm.
    let rates = |arm: &Arm| {
        let scored = arm.score.iter().filter(|x| x.is_finite());
        (scored.clone().filter(|&&x| x >= t).count() as f64, scored.count() as f64)
    };
    let ((k1, n1), (k2, n2)) = (rates(&a.champion), rates(&a.candidate));
    if (n1.min(n2) as u64) < s.min_rows {
        return waiting(
            "decisions",
            format!("{} and {} scored rows: fewer than min_rows = {}", int(n1 as u64), int(n2 as u64), s.min_rows),
        );
    }
    let h = two_rates((k1, n1), (k2, n2), s.max_decision_rate_change, true);
    harm_check(Code::DecisionRate, "decisions", "positive-decision rate", &h, s, share)
}

/// Two independent rates `(events, rows)`, champion then candidate, compared as a harm.
fn two_rates((k1, n1): (f64, f64), (k2, n2): (f64, f64), margin: f64, two_sided: bool) -> Harm {
    Harm {
        champion: k1 / n1,
        candidate: k2 / n2,
        effect: k2 / n2 - k1 / n1,
        v: bernoulli_var(k1, n1) + bernoulli_var(k2, n2),
        n: n1.min(n2),
        margin,
        two_sided,
        fixed_only: false,
    }
}

/// The labelled rows of an arm (shadow: the pairs both arms scored and that have an outcome).
fn labelled(a: &Arms, arm: &Arm, both: &[usize]) -> (Vec<bool>, Vec<f64>) {
    let rows: Box<dyn Iterator<Item = usize>> =
        if a.paired { Box::new(both.iter().copied()) } else { Box::new(0..arm.score.len()) };
    let (mut y, mut p) = (Vec::new(), Vec::new());
    for i in rows {
        if let (Some(Some(l)), true) = (arm.label.get(i), arm.score[i].is_finite()) {
            y.push(*l);
            p.push(arm.score[i]);
        }
    }
    (y, p)
}

/// Everything that needs outcomes: Brier, ECE, AUC, accuracy.
pub fn outcomes(a: &Arms, s: &Settings) -> Vec<Out> {
    let both: Vec<usize> = if a.paired {
        a.scored_pairs().into_iter().filter(|&i| matches!(a.champion.label.get(i), Some(Some(_)))).collect()
    } else {
        Vec::new()
    };
    let (y1, p1) = labelled(a, &a.champion, &both);
    let (y2, p2) = labelled(a, &a.candidate, &both);
    let n = y1.len().min(y2.len());
    if a.champion.label.is_empty() && a.candidate.label.is_empty() {
        return vec![];
    }
    if (n as u64) < s.min_rows {
        return vec![waiting(
            "outcomes",
            format!(
                "{} labelled rows ({} of the champion's, {} of the candidate's): outcome and calibration checks wait for min_rows = {} delayed outcomes",
                int(n as u64),
                int(y1.len() as u64),
                int(y2.len() as u64),
                s.min_rows
            ),
        )];
    }
    // Outcomes arrive for a share of the requests: the traffic to decide is in requests.
    let requests = a.champion.score.len().min(a.candidate.score.len()).max(1) as f64;
    let per_outcome = (requests / n as f64).max(1.0);
    let (one, two): (Side, Side) = ((&y1, &p1), (&y2, &p2));
    // The four are independent: judged in parallel.
    let ((b, e), (u, c)) = rayon::join(
        || rayon::join(|| brier(a, s, one, two), || ece(a, s, one, two)),
        || rayon::join(|| auc(a, s, one, two), || accuracy(a, s, one, two)),
    );
    let mut out = vec![b, e, u, c];
    for (c, row) in &mut out {
        if let Some(r) = row.as_mut()
            && let Some(need) = r.rows_needed
        {
            let requests_needed = (need as f64 * per_outcome).ceil() as u64;
            r.rows_needed = Some(requests_needed);
            c.details.insert("rows_needed_per_arm".into(), requests_needed.into());
            c.message = c.message.replace(
                &format!("about {} rows per arm decide it", int(need)),
                &format!(
                    "about {} labelled rows per arm ({} requests at the current outcome rate) decide it",
                    int(need),
                    int(requests_needed)
                ),
            );
        }
    }
    out
}

type Side<'a> = (&'a [bool], &'a [f64]);

/// A per-row loss of each arm compared as a mean: paired differences in shadow mode.
fn mean_harm(a: &Arms, one: &[f64], two: &[f64], margin: f64) -> Harm {
    if a.paired {
        let (n, m, v) = mean_var(one.iter().zip(two).map(|(x, y)| y - x));
        let champion = one.iter().sum::<f64>() / n;
        Harm { champion, candidate: champion + m, effect: m, v: v / n, n, margin, two_sided: false, fixed_only: false }
    } else {
        let (n1, m1, v1) = mean_var(one.iter().copied());
        let (n2, m2, v2) = mean_var(two.iter().copied());
        Harm {
            champion: m1,
            candidate: m2,
            effect: m2 - m1,
            v: v1 / n1 + v2 / n2,
            n: n1.min(n2),
            margin,
            two_sided: false,
            fixed_only: false,
        }
    }
}

fn brier(a: &Arms, s: &Settings, one: Side, two: Side) -> Out {
    let loss = |(y, p): Side| -> Vec<f64> { y.iter().zip(p).map(|(&y, &p)| (p - y as u8 as f64).powi(2)).collect() };
    let h = mean_harm(a, &loss(one), &loss(two), s.max_brier_increase);
    harm_check(Code::Brier, "calibration", "Brier score", &h, s, plain)
}

fn accuracy(a: &Arms, s: &Settings, one: Side, two: Side) -> Out {
    let t = s.threshold;
    let right = |(y, p): Side| -> Vec<f64> { y.iter().zip(p).map(|(&y, &p)| ((p >= t) == y) as u8 as f64).collect() };
    let (r1, r2) = (right(one), right(two));
    // Harm is a drop: champion minus candidate.
    let mut h = mean_harm(a, &r2, &r1, s.max_accuracy_drop);
    (h.champion, h.candidate) = (h.candidate, h.champion);
    let (mut c, row) = harm_check(Code::Accuracy, "outcomes", "accuracy drop", &h, s, share);
    if a.paired {
        let b = r1.iter().zip(&r2).filter(|(x, y)| **x > **y).count() as u64;
        let d = r1.iter().zip(&r2).filter(|(x, y)| **x < **y).count() as u64;
        c.p_value = Some(mcnemar_exact(b, d));
        c = c.with_detail("mcnemar", serde_json::json!({ "champion_only_right": b, "candidate_only_right": d }));
    }
    (c, row)
}

fn auc(a: &Arms, s: &Settings, one: Side, two: Side) -> Out {
    let split = |(y, p): Side| -> (Vec<f64>, Vec<f64>) {
        let pos = y.iter().zip(p).filter(|(y, _)| **y).map(|(_, p)| *p).collect();
        let neg = y.iter().zip(p).filter(|(y, _)| !**y).map(|(_, p)| *p).collect();
        (pos, neg)
    };
    let ((cp, cn), (kp, kn)) = (split(one), split(two));
    let est = if a.paired {
        delong_paired(&cp, &cn, &kp, &kn).map(|(ac, ak, _, _, se)| (ac, ak, se * se))
    } else {
        match (delong_auc(&cp, &cn), delong_auc(&kp, &kn)) {
            (Some((ac, vc)), Some((ak, vk))) => Some((ac, ak, vc + vk)),
            _ => None,
        }
    };
    let Some((ac, ak, v)) = est.filter(|e| e.0.is_finite() && e.1.is_finite()) else {
        return waiting("outcomes", "ROC AUC needs both outcomes among the labelled rows of each arm".into());
    };
    let n = one.0.len().min(two.0.len()) as f64;
    let h = Harm {
        champion: ac,
        candidate: ak,
        effect: ac - ak,
        v,
        n,
        margin: s.max_auc_drop,
        two_sided: false,
        fixed_only: true,
    };
    harm_check(Code::Auc, "outcomes", "ROC AUC drop", &h, s, plain)
}

fn ece(a: &Arms, s: &Settings, one: Side, two: Side) -> Out {
    let e1 = crate::stats::metrics::ece(one.0, one.1);
    let e2 = crate::stats::metrics::ece(two.0, two.1);
    // Bootstrap standard error of the difference on at most ECE_BOOTSTRAP_ROWS rows per arm,
    // scaled to the full sample (the error shrinks as 1/√n).
    let pick = |len: usize| -> Vec<usize> {
        let m = len.min(ECE_BOOTSTRAP_ROWS);
        (0..m).map(|i| i * len / m).collect()
    };
    let (i1, i2) = (pick(one.0.len()), pick(two.0.len()));
    use rayon::prelude::*;
    // Each replicate has its own seed: the same replicates on every machine and thread count.
    let one_replicate = |rep: u64| {
        let mut rng = SeededRng::new(0x5eed ^ rep.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let (mut y, mut p, mut y2, mut p2) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..i1.len() {
            let r = i1[rng.below(i1.len())];
            y.push(one.0[r]);
            p.push(one.1[r]);
            // Paired rows resample together.
            if a.paired {
                y2.push(two.0[r]);
                p2.push(two.1[r]);
            }
        }
        if !a.paired {
            for _ in 0..i2.len() {
                let r = i2[rng.below(i2.len())];
                y2.push(two.0[r]);
                p2.push(two.1[r]);
            }
        }
        crate::stats::metrics::ece(&y2, &p2) - crate::stats::metrics::ece(&y, &p)
    };
    let reps: Vec<f64> = (0..ECE_REPLICATES as u64).into_par_iter().map(one_replicate).collect();
    let (_, _, var) = mean_var(reps.iter().copied());
    let n = one.0.len().min(two.0.len()) as f64;
    let scale = i1.len().min(i2.len().max(1)) as f64 / n;
    let h = Harm {
        champion: e1,
        candidate: e2,
        effect: e2 - e1,
        v: var * scale,
        n,
        margin: s.max_ece_increase,
        two_sided: false,
        fixed_only: true,
    };
    let (mut c, row) = harm_check(Code::Ece, "calibration", "ECE", &h, s, plain);
    if let Some(i) = c.interval.as_mut() {
        i.method = format!("bootstrap standard error ({} replicates), {}", ECE_REPLICATES, i.method);
    }
    (c, row)
}

/// Quantile of sorted values.
fn q(sorted: &[f64], p: f64) -> f64 {
    crate::stats::quantile_sorted(sorted, p)
}

/// p99 latency against the allowed increase, judged by a one-sided Mann–Whitney test.
pub fn latency(a: &Arms, s: &Settings) -> Option<Out> {
    let (l1, l2) = (&a.champion.latency, &a.candidate.latency);
    if l1.is_empty() && l2.is_empty() {
        return None;
    }
    if let Some(w) = too_few("latency", "latencies", l1.len(), l2.len(), s) {
        return Some(w);
    }
    let (s1, s2) = (super::finite_sorted(l1), super::finite_sorted(l2));
    let (p99c, p99k) = (q(&s1, 0.99), q(&s2, 0.99));
    let ratio = if p99c > 0.0 {
        p99k / p99c - 1.0
    } else if p99k > 0.0 {
        f64::INFINITY
    } else {
        0.0
    };
    let (_, alpha) = super::judge::looks_of(s, true);
    let test = mann_whitney(l2, l1, Alternative::Greater);
    let p = test.map(|t| t.p).unwrap_or(1.0);
    let status = match (ratio <= s.max_latency_increase, p < alpha) {
        (true, _) => Status::Pass,
        (false, true) => Status::Fail,
        (false, false) => Status::Warn,
    };
    let quant = |v: &[f64]| format!("p50 {} / p95 {} / p99 {}", num(q(v, 0.5)), num(q(v, 0.95)), num(q(v, 0.99)));
    let verdict = match status {
        Status::Pass => format!("within the allowed +{}", pct(s.max_latency_increase)),
        Status::Fail => format!(
            "slower than the allowed +{} and significant (Mann–Whitney p{}) — roll back",
            pct(s.max_latency_increase),
            crate::text::p_value(p)
        ),
        _ => format!(
            "p99 above the allowed +{} but not significant yet (Mann–Whitney p{}, α = {})",
            pct(s.max_latency_increase),
            crate::text::p_value(p),
            num(alpha)
        ),
    };
    let msg = format!(
        "latency: champion {}, candidate {}; p99 {}{}: {verdict}",
        quant(&s1),
        quant(&s2),
        if ratio >= 0.0 { "+" } else { "" },
        pct(ratio)
    );
    let mut c = Check::new(Code::Latency, "latency", status, msg)
        .with_value("p99_increase", ratio)
        .with_threshold(Threshold::at_most(None, Some(s.max_latency_increase)));
    c.p_value = Some(p);
    let row = CanaryRow {
        check: Code::Latency.as_str().into(),
        metric: "p99 latency".into(),
        champion: Some(p99c),
        candidate: Some(p99k),
        effect: Some(ratio).filter(|x| x.is_finite()),
        low: None,
        high: None,
        margin: Some(s.max_latency_increase),
        status,
        rows_needed: None,
    };
    Some((c, Some(row)))
}

/// Error rates of the two arms.
pub fn errors(a: &Arms, s: &Settings) -> Option<Out> {
    let (e1, e2) = (&a.champion.error, &a.candidate.error);
    if e1.is_empty() && e2.is_empty() {
        return None;
    }
    if let Some(w) = too_few("errors", "rows with an error flag", e1.len(), e2.len(), s) {
        return Some(w);
    }
    let h = if a.paired {
        let one: Vec<f64> = e1.iter().map(|&e| e as u8 as f64).collect();
        let two: Vec<f64> = e2.iter().map(|&e| e as u8 as f64).collect();
        let mut h = mean_harm(a, &one, &two, s.max_error_rate_increase);
        // No errors at all on either side still leaves the uncertainty of n requests.
        h.v = h.v.max(bernoulli_var(0.0, h.n));
        h
    } else {
        let count = |e: &[bool]| (e.iter().filter(|&&x| x).count() as f64, e.len() as f64);
        two_rates(count(e1), count(e2), s.max_error_rate_increase, false)
    };
    Some(harm_check(Code::Errors, "errors", "error rate", &h, s, share))
}

/// Whether outcomes are observed alike for both decisions of the model that served the
/// traffic (see [`crate::gates::feedback`]).
pub fn feedback(a: &Arms, s: &Settings) -> Vec<Out> {
    let served: Vec<(&str, &Arm)> = if a.paired {
        vec![("champion", &a.champion)]
    } else {
        vec![("champion", &a.champion), ("candidate", &a.candidate)]
    };
    let rule = crate::gates::feedback::Rule {
        threshold: s.threshold,
        min_rows: s.min_rows,
        min_coverage_ratio: s.min_coverage_ratio,
        alpha: s.alpha,
    };
    served
        .into_iter()
        .filter_map(|(name, arm)| {
            let f = crate::gates::feedback::coverage(&arm.score, &arm.label, name, &rule)?;
            Some((f.into_check(Code::FeedbackLoop, name, &rule), None))
        })
        .collect()
}
