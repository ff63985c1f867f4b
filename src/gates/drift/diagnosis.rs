//! Which kind of drift: when outcomes are known, the gate tells apart
//! - **covariate drift**: the inputs moved (the column checks);
//! - **prior drift**: the label rate moved — the relative change in the rarer label's rate
//!   with a log risk-ratio (Katz) interval;
//! - **concept drift**: the relation between inputs and label moved — the model's AUC on
//!   current rows against its reference AUC, with an unpaired DeLong interval. AUC is a
//!   ranking measure and does not move with the label rate alone, so a fall in AUC is not
//!   prior drift; with stable inputs it is concept drift, with moved inputs either one.
//!
//! Each kind calls for a different response, stated in the report. When outcomes are known
//! only for part of the current rows, the feedback-loop check asks whether the model's own
//! decisions chose which (see [`crate::gates::feedback`]). Pure: outcomes in, checks out.

use super::codes::Code;
use super::settings::Settings;
use crate::results::series::{DriftKindRow, FeatureRow, Role};
use crate::results::{Check, Interval, Status};
use crate::stats::intervals::{delong_auc, normal_p, z_for};
use crate::text::{int, list_some, num, pct};

/// One side's outcomes, row by row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcomes {
    /// The input they were read from, as the report names it.
    pub source: String,
    /// The outcome of each row; `None` while unknown.
    pub label: Vec<Option<bool>>,
    /// The model's score on each row (NaN when missing); empty when the input has none.
    pub score: Vec<f64>,
}

/// What the loader found of outcomes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labelled {
    /// The label column.
    pub label: String,
    /// The score column (the subject of the performance check).
    pub score: String,
    /// Outcomes of the reference data, when it has the label column.
    pub reference: Option<Outcomes>,
    /// Outcomes of `score_reference`, when it is given and has the label column.
    pub score_reference: Option<Outcomes>,
    pub current: Option<Outcomes>,
    /// Why a part could not be judged (a profile side, a side without the label or score).
    pub gaps: Vec<String>,
}

impl Labelled {
    /// Where the model's reference AUC comes from: the score's reference, else the reference,
    /// when it carries the score.
    pub fn scored_reference(&self) -> Option<&Outcomes> {
        self.score_reference.as_ref().or(self.reference.as_ref()).filter(|o| !o.score.is_empty())
    }

    /// Where the reference label rate comes from: the reference, else the scored reference.
    fn rate_reference(&self) -> Option<&Outcomes> {
        self.reference.as_ref().or(self.scored_reference())
    }
}

/// The checks of the diagnosis and the kinds it found.
pub fn diagnose(l: &Labelled, rows: &[FeatureRow], s: &Settings) -> (Vec<Check>, Vec<DriftKindRow>) {
    let mut checks = Vec::new();
    let rate = match (l.rate_reference(), &l.current) {
        (Some(r), Some(c)) => Some(label_rate(&l.label, r, c, s)),
        _ => None,
    };
    let scored = l.current.as_ref().filter(|c| !c.score.is_empty());
    let perf = match (l.scored_reference(), scored) {
        (Some(r), Some(c)) => Some(performance(&l.score, r, c, s)),
        _ => None,
    };
    checks.extend(rate.clone());
    checks.extend(perf.clone());
    if let Some(c) = scored {
        let d = &s.diagnosis;
        let rule = crate::gates::feedback::Rule {
            threshold: d.threshold,
            min_rows: s.min_rows,
            min_coverage_ratio: d.min_coverage_ratio,
            alpha: s.alpha,
        };
        if let Some(f) = crate::gates::feedback::coverage(&c.score, &c.label, "model", &rule) {
            checks.push(f.into_check(Code::FeedbackLoop, &c.source, &rule));
        }
    }
    let mut covariate = covariate(rows);
    let prior = prior(rate.as_ref(), l);
    if covariate.found != "absent" && matches!(prior.found.as_str(), "present" | "possible") {
        covariate.evidence.push_str(
            "; the label rate moved too: inputs that move change how many positives there are, and a moved label rate moves the inputs that carry its signal, so read this row with the prior row",
        );
    }
    let concept = concept(perf.as_ref(), &covariate, l);
    (checks, vec![covariate, prior, concept])
}

/// Labelled rows and positives.
fn counts(o: &Outcomes) -> (u64, u64) {
    o.label.iter().fold((0, 0), |(n, k), l| match l {
        Some(b) => (n + 1, k + *b as u64),
        None => (n, k),
    })
}

fn too_few(code: Code, subject: &str, what: &str, sides: [(&Outcomes, u64); 2], s: &Settings) -> Option<Check> {
    let small: Vec<String> = sides
        .iter()
        .filter(|(_, n)| *n < s.min_rows)
        .map(|(o, n)| format!("{} has {} labelled rows", o.source, int(*n)))
        .collect();
    (!small.is_empty()).then(|| {
        Check::new(
            code,
            subject,
            Status::Skipped,
            format!(
                "{what} not compared: {}; it needs min_rows = {} on each side (outcomes may still be arriving)",
                small.join(" and "),
                int(s.min_rows)
            ),
        )
    })
}

/// Prior drift: the rate of the reference's rarer label, current against reference.
fn label_rate(label: &str, r: &Outcomes, c: &Outcomes, s: &Settings) -> Check {
    let ((nr, pr), (nc, pc)) = (counts(r), counts(c));
    if let Some(skip) = too_few(Code::LabelRate, label, "the label rate", [(r, nr), (c, nc)], s) {
        return skip;
    }
    // The rarer label of the reference: a change in a 2% rate matters at 2%, not at 98%.
    let positive_rarer = 2 * pr <= nr;
    let (kr, kc) = if positive_rarer { (pr, pc) } else { (nr - pr, nc - pc) };
    let which = if positive_rarer { "1 (positive)" } else { "0 (negative)" };
    if kr == 0 {
        return Check::new(
            Code::LabelRate,
            label,
            Status::Skipped,
            format!("the label rate is not compared: every labelled row of {} has the same label", r.source),
        );
    }
    let (rate_r, rate_c) = (kr as f64 / nr as f64, kc as f64 / nc as f64);
    let change = rate_c / rate_r - 1.0;
    // Katz log risk-ratio interval; an empty current count gets half a row.
    let kc_ = (kc as f64).max(0.5);
    let se = (1.0 / kc_ - 1.0 / nc as f64 + 1.0 / kr as f64 - 1.0 / nr as f64).max(0.0).sqrt();
    let log_rr = (kc_ / nc as f64 / rate_r).ln();
    let z = z_for(1.0 - s.alpha);
    let (lo, hi) = ((log_rr - z * se).exp() - 1.0, (log_rr + z * se).exp() - 1.0);
    let significant = lo > 0.0 || hi < 0.0;
    let levels = s.diagnosis.label_rate;
    let status = if significant { levels.judge(change.abs()) } else { Status::Pass };
    let verdict = match (status, significant) {
        (Status::Pass, false) => "no significant change".to_string(),
        (Status::Pass, true) => "a significant change, within the allowed level".to_string(),
        (Status::Warn, _) => "the label rate moved: calibration and thresholds tuned on the old rate may be off".into(),
        _ => "prior drift: scores are miscalibrated by about this factor, and thresholds tuned on the old rate are off"
            .into(),
    };
    let msg = format!(
        "rate of label {which}: {} in {} ({} labelled rows), {} in {} ({} labelled rows); change {} ({}% interval {} to {}): {verdict}",
        pct(rate_r),
        r.source,
        int(nr),
        pct(rate_c),
        c.source,
        int(nc),
        signed_pct(change),
        num((1.0 - s.alpha) * 100.0),
        signed_pct(lo),
        signed_pct(hi)
    );
    let mut check = Check::new(Code::LabelRate, label, status, msg)
        .with_value("relative_change", change.abs())
        .with_threshold(levels.threshold())
        .with_counts(nc, nr)
        .with_detail("rate_reference", rate_r)
        .with_detail("rate_current", rate_c)
        .with_detail("relative_change_signed", change);
    check.p_value = (se > 0.0).then(|| normal_p(log_rr / se));
    check.interval =
        Some(Interval { low: lo, high: hi, level: Some(1.0 - s.alpha), method: "katz log risk ratio".into() });
    check
}

fn signed_pct(x: f64) -> String {
    if x > 0.0 { format!("+{}", pct(x)) } else { pct(x) }
}

fn signed(x: f64) -> String {
    if x > 0.0 { format!("+{}", num(x)) } else { num(x) }
}

/// Positive and negative scores of the labelled, scored rows.
fn split(o: &Outcomes) -> (Vec<f64>, Vec<f64>) {
    let (mut pos, mut neg) = (Vec::new(), Vec::new());
    for (l, x) in o.label.iter().zip(&o.score) {
        match l {
            Some(true) if x.is_finite() => pos.push(*x),
            Some(false) if x.is_finite() => neg.push(*x),
            _ => {}
        }
    }
    (pos, neg)
}

/// Concept drift's measure: the model's AUC on current rows against its reference AUC.
fn performance(subject: &str, r: &Outcomes, c: &Outcomes, s: &Settings) -> Check {
    let ((rp, rn), (cp, cn)) = (split(r), split(c));
    let (nr, nc) = ((rp.len() + rn.len()) as u64, (cp.len() + cn.len()) as u64);
    if let Some(skip) = too_few(Code::Performance, subject, "performance", [(r, nr), (c, nc)], s) {
        return skip;
    }
    let skip = |source: &str| {
        Check::new(
            Code::Performance,
            subject,
            Status::Skipped,
            format!(
                "performance not compared: the labelled rows of {source} hold fewer than 2 of one label, so AUC has no interval"
            ),
        )
    };
    if let Some((o, _, _)) = [(r, &rp, &rn), (c, &cp, &cn)].into_iter().find(|(_, p, n)| p.len().min(n.len()) < 2) {
        return skip(&o.source);
    }
    let (Some((auc_r, var_r)), Some((auc_c, var_c))) = (delong_auc(&rp, &rn), delong_auc(&cp, &cn)) else {
        return skip(&r.source);
    };
    let drop = auc_r - auc_c;
    let se = (var_r + var_c).sqrt();
    let z = z_for(1.0 - s.alpha);
    let (lo, hi) = (drop - z * se, drop + z * se);
    let fell = lo > 0.0;
    let levels = s.diagnosis.performance;
    let status = if fell { levels.judge(drop) } else { Status::Pass };
    let verdict = match (status, fell) {
        (Status::Pass, false) if hi < 0.0 => "it rose".to_string(),
        (Status::Pass, false) => "no significant fall".to_string(),
        (Status::Pass, true) => "a significant fall, within the allowed level".to_string(),
        _ => "the model ranks current rows worse than it ranked the reference".into(),
    };
    let msg = format!(
        "AUC {} on {} ({} labelled rows), {} on {} ({} labelled rows); change {} ({}% interval {} to {}): {verdict}",
        num(auc_r),
        r.source,
        int(nr),
        num(auc_c),
        c.source,
        int(nc),
        signed(-drop),
        num((1.0 - s.alpha) * 100.0),
        signed(-hi),
        signed(-lo)
    );
    let mut check = Check::new(Code::Performance, subject, status, msg)
        .with_value("auc_drop", drop)
        .with_threshold(levels.threshold())
        .with_counts(nc, nr)
        .with_detail("auc_reference", auc_r)
        .with_detail("auc_current", auc_c);
    check.p_value = (se > 0.0).then(|| normal_p(drop / se));
    check.interval =
        Some(Interval { low: lo, high: hi, level: Some(1.0 - s.alpha), method: "delong (unpaired)".into() });
    check
}

fn row(kind: &str, found: &str, status: Status, evidence: String, calls_for: &str) -> DriftKindRow {
    let calls_for = if matches!(found, "present" | "possible") { calls_for.to_string() } else { String::new() };
    DriftKindRow { kind: kind.into(), found: found.into(), status, evidence, calls_for }
}

fn covariate(rows: &[FeatureRow]) -> DriftKindRow {
    let features: Vec<&FeatureRow> = rows.iter().filter(|r| r.role == Role::Feature).collect();
    let named = |rs: Vec<&&FeatureRow>| -> Vec<String> {
        rs.iter()
            .map(|r| match r.psi {
                Some(p) => format!("{} (PSI {})", r.feature, num(p)),
                None => r.feature.clone(),
            })
            .collect()
    };
    let failed: Vec<&&FeatureRow> = features.iter().filter(|r| r.status >= Status::Fail).collect();
    let warned: Vec<&&FeatureRow> = features.iter().filter(|r| r.status == Status::Warn).collect();
    let (found, status, evidence) = if !failed.is_empty() {
        let n = failed.len();
        ("present", Status::Fail, format!("{n} of {} inputs drifted: {}", features.len(), list_some(&named(failed), 4)))
    } else if !warned.is_empty() {
        let n = warned.len();
        ("possible", Status::Warn, format!("{n} of {} inputs warned: {}", features.len(), list_some(&named(warned), 4)))
    } else {
        ("absent", Status::Pass, format!("no input drifted ({} compared)", features.len()))
    };
    row(
        "covariate",
        found,
        status,
        evidence,
        "rule out a broken pipeline first (units, defaults, a join that lost rows); if the shift is real, watch performance as outcomes arrive — moved inputs need not hurt the model — and retrain on recent data, or weight training rows toward the current inputs, once they do",
    )
}

/// A kind judged by one check: its status decides what was found.
fn from_check(c: Option<&Check>, no_outcomes: String) -> (&'static str, Status, String) {
    match c {
        None => ("unknown", Status::Skipped, no_outcomes),
        Some(c) => {
            let found = match c.status {
                Status::Fail => "present",
                Status::Warn => "possible",
                Status::Pass => "absent",
                _ => "unknown",
            };
            (found, c.status, c.message.clone())
        }
    }
}

fn missing(l: &Labelled, what: &str) -> String {
    if l.gaps.is_empty() { format!("not judged: {what}") } else { format!("not judged: {}", l.gaps.join("; ")) }
}

fn prior(rate: Option<&Check>, l: &Labelled) -> DriftKindRow {
    let (found, status, evidence) =
        from_check(rate, missing(l, "the reference and the current rows both need outcomes in the label column"));
    row(
        "prior",
        found,
        status,
        evidence,
        "recalibrate: shift the scores' log-odds by the change in the label rate (or refit the calibrator on recent labelled rows) and review decision thresholds tuned on the old rate; the label rate alone does not change the ranking, so it does not call for retraining",
    )
}

fn concept(perf: Option<&Check>, covariate: &DriftKindRow, l: &Labelled) -> DriftKindRow {
    let (mut found, status, mut evidence) =
        from_check(perf, missing(l, "the model's scores with outcomes are needed on both sides"));
    if matches!(found, "present" | "possible") && covariate.found != "absent" {
        found = "possible";
        evidence.push_str(
            "; the inputs moved too, so the fall may come from inputs moving where the model learned poorly (covariate) rather than a changed relation between inputs and label — these data cannot tell them apart",
        );
    }
    row(
        "concept",
        found,
        status,
        evidence,
        "retrain on recent labelled data (drop or down-weight the old period) and check whether features changed meaning; recalibration alone will not restore the ranking",
    )
}
