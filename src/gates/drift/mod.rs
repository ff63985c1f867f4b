//! Drift gate: has the data under a running model shifted away from what it was trained on?
//!
//! For every compared column (features, and the model score when present): PSI over
//! reference-quantile bins, the two-sample Kolmogorov–Smirnov test (numeric), the χ² test of
//! homogeneity (categorical), the Jensen–Shannon distance, the Wasserstein distance
//! normalised by the reference's standard deviation, the change in the share of missing
//! values, and the share of categories never seen in the reference. p-values are corrected
//! across columns (Benjamini–Hochberg by default) and reported next to effect sizes,
//! because on millions of rows every difference is "significant".
//!
//! Two ways to compute, chosen by the loader (`run::drift`) and stated in the report:
//! - **exact**: both datasets are read into memory and every statistic uses all values
//!   (sorted with a radix sort);
//! - **binned**: a side is a saved profile, or the data is too large for memory; both
//!   sides are reduced to profiles in one streaming pass, PSI and JS use bins aligned to
//!   the profile's histogram buckets (exact counts), and KS and Wasserstein are computed
//!   from the buckets (KS with a lower/upper bound, Wasserstein assuming values spread
//!   evenly within a bucket of relative width 2⁻ᵐ).
//!
//! This module is pure: [`run`] judges columns already loaded; it reads no file.

pub mod bins;
pub mod categorical;
pub mod cfg;
pub mod codes;
pub mod column;
pub mod compare;
pub mod diagnosis;
#[cfg(test)]
mod diagnosis_tests;
pub mod importance;
pub mod method;
pub mod numeric;
pub mod settings;
#[cfg(test)]
mod verdict_tests;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::error::quoted;
use crate::results::series::{DriftSeries, FeatureRow, Role};
use crate::results::{Check, GateKind, GateResult, GateSeries, Status, Threshold};
use crate::stats::multiple;
use crate::text;
use codes::Code;
use column::ColumnData;
pub use settings::{Correction, Method, Settings};

/// The columns of one side, as loaded.
#[derive(Debug, Clone)]
pub struct Side {
    /// The side's name in the report (`train`, `reference`, …).
    pub name: String,
    pub columns: HashMap<String, ColumnData>,
    /// Every column the side has (compared or not).
    pub names: Vec<String>,
    pub rows: u64,
}

/// What the gate judges: both sides, the columns to compare, and how they were read.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub reference: Side,
    pub current: Side,
    /// The columns compared, in the order they were selected.
    pub wanted: Vec<String>,
    /// Whether both sides hold every value (else binned, from histograms).
    pub exact: bool,
    /// The input the score's reference distribution came from, when not the reference.
    pub score_reference: Option<String>,
    /// Feature importance weights and the file they came from.
    pub importance: Option<(BTreeMap<String, f64>, String)>,
    /// Outcomes, when `[columns].label` is set: the kinds of drift are told apart.
    pub outcomes: Option<diagnosis::Labelled>,
}

/// Runs the drift gate on loaded columns.
pub fn run(l: &Loaded, s: &Settings) -> GateResult {
    let (r, c) = (&l.reference, &l.current);
    let mut outcomes: Vec<compare::FeatureOutcome> = l
        .wanted
        .par_iter()
        .map(|name| {
            let role = if s.selection.score.as_deref() == Some(name.as_str()) { Role::Score } else { Role::Feature };
            compare::compare(name, role, r.columns.get(name), c.columns.get(name), &s.thresholds_for(name), &s.compare)
        })
        .collect();
    let n_tests = correct(&mut outcomes, s);

    let mut gate_checks: Vec<Check> = sample_size(l, s).into_iter().collect();
    let mut notes = Vec::new();
    match &l.importance {
        Some((weights, shown)) => {
            let (check, note) = importance::weigh(&mut outcomes, &l.wanted, weights, shown, &s.importance_share);
            gate_checks.push(check);
            notes.extend(note);
        }
        None => outcomes.sort_by(|a, b| {
            let sa = Status::worst(a.checks.iter().map(|c| c.status));
            let sb = Status::worst(b.checks.iter().map(|c| c.status));
            sb.cmp(&sa)
                .then(b.row.psi.unwrap_or(-1.0).total_cmp(&a.row.psi.unwrap_or(-1.0)))
                .then(a.row.feature.cmp(&b.row.feature))
        }),
    }
    // The score first: it is what users see.
    outcomes.sort_by_key(|o| o.row.role != Role::Score);

    let new_cols: Vec<&String> = c
        .names
        .iter()
        .filter(|n| !r.names.contains(n) && !s.selection.exclude.contains(n) && !l.wanted.contains(n))
        .collect();
    if !new_cols.is_empty() && s.selection.columns.is_none() {
        notes.push(format!(
            "{} column(s) only in {} were not compared: {}",
            new_cols.len(),
            c.name,
            new_cols.iter().take(8).map(|s| quoted(s)).collect::<Vec<_>>().join(", ")
        ));
    }
    if !l.exact {
        notes.push(
            "Binned comparison (a profile, or data larger than exact_max_bytes): KS is reported as the lower bound with its upper bound as the interval; Wasserstein assumes values spread evenly within a histogram bucket.".into(),
        );
    }

    let rows: Vec<FeatureRow> = outcomes.iter().map(|o| o.row.clone()).collect();
    let (diagnosed, kinds) = match &l.outcomes {
        Some(labelled) if labelled.current.is_some() => diagnosis::diagnose(labelled, &rows, s),
        Some(labelled) => {
            notes.push(format!("Drift kinds not told apart: {}", labelled.gaps.join("; ")));
            (Vec::new(), Vec::new())
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut checks = gate_checks;
    checks.extend(diagnosed);
    for o in outcomes {
        checks.extend(o.checks);
    }
    let mut g = GateResult::from_checks("drift", GateKind::Drift, checks);
    g.summary = summary(&rows, &r.name, &c.name);
    if let Some(k) = kinds_summary(&kinds) {
        g.summary.push_str(&k);
    }
    g.inputs = vec![r.name.clone(), c.name.clone()];
    g.inputs.extend(l.score_reference.clone());
    g.thresholds.values = s.record(l.importance.is_some(), l.outcomes.is_some());
    g.method = method::describe(s, l.exact, n_tests);
    if l.outcomes.is_some() {
        method::describe_outcomes(&mut g.method);
    }
    g.series = Some(GateSeries::Drift(DriftSeries { features: rows, psi: s.thresholds.psi, kinds }));
    g.notes = notes;
    g
}

/// Multiple-testing correction across the columns that were tested; returns how many were.
fn correct(outcomes: &mut [compare::FeatureOutcome], s: &Settings) -> usize {
    let ps: Vec<f64> = outcomes.iter().map(|o| o.test.as_ref().map(|t| t.p).unwrap_or(f64::NAN)).collect();
    let adjusted = match s.correction {
        Correction::Bh => multiple::benjamini_hochberg(&ps),
        Correction::Bonferroni => multiple::bonferroni(&ps),
        Correction::None => ps.clone(),
    };
    for (o, adj) in outcomes.iter_mut().zip(&adjusted) {
        compare::finish_significance(o, *adj, s.alpha, s.correction.label());
    }
    ps.iter().filter(|p| p.is_finite()).count()
}

/// A warning when a side is too small for the statistics to mean much.
fn sample_size(l: &Loaded, s: &Settings) -> Option<Check> {
    let (r, c) = (&l.reference, &l.current);
    let smallest = r.rows.min(c.rows);
    if smallest >= s.min_rows {
        return None;
    }
    let side = if c.rows <= r.rows { &c.name } else { &r.name };
    Some(
        Check::new(
            Code::SampleSize,
            side,
            Status::Warn,
            format!(
                "{side} has {} rows; below {} the drift statistics are too noisy to judge, read them with care",
                text::int(smallest),
                text::int(s.min_rows)
            ),
        )
        .with_value("rows", smallest as f64)
        .with_threshold(Threshold::at_least(Some(s.min_rows as f64), None)),
    )
}

/// "; drift kinds: covariate (present), concept (possible)" when outcomes told them apart.
fn kinds_summary(kinds: &[crate::results::series::DriftKindRow]) -> Option<String> {
    if kinds.is_empty() {
        return None;
    }
    let found: Vec<String> = kinds
        .iter()
        .filter(|k| matches!(k.found.as_str(), "present" | "possible"))
        .map(|k| format!("{} ({})", k.kind, k.found))
        .collect();
    Some(if found.is_empty() {
        "; drift kinds found: none".to_string()
    } else {
        format!("; drift kinds found: {}", found.join(", "))
    })
}

fn summary(rows: &[FeatureRow], reference: &str, current: &str) -> String {
    let failing: Vec<&FeatureRow> = rows.iter().filter(|r| r.status >= Status::Fail).collect();
    let warning: Vec<&FeatureRow> = rows.iter().filter(|r| r.status == Status::Warn).collect();
    let describe = |r: &&FeatureRow| match r.psi {
        Some(p) => format!("{} (PSI {})", r.feature, text::num(p)),
        None => r.feature.clone(),
    };
    if failing.is_empty() && warning.is_empty() {
        return format!("{} columns compared, none drifted ({reference} vs {current})", rows.len());
    }
    let mut parts = Vec::new();
    if !failing.is_empty() {
        let named: Vec<String> = failing.iter().map(describe).collect();
        parts.push(format!("{} of {} columns drifted: {}", failing.len(), rows.len(), text::list_some(&named, 4)));
    }
    if !warning.is_empty() {
        let named: Vec<String> = warning.iter().map(describe).collect();
        parts.push(format!("{} warned: {}", warning.len(), text::list_some(&named, 3)));
    }
    parts.join("; ")
}
