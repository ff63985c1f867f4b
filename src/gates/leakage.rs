//! Leakage gate: information the model will not have at prediction time.
//!
//! - **point in time**: a feature observed after the row's as-of time (per configured
//!   feature → observed-at column);
//! - **temporal split**: with a temporal split, training must end (plus a gap) before the
//!   test period starts;
//! - **overlap across splits**: the same entity in train and test (group leakage), and
//!   test rows whose features (label excluded, then included) exactly repeat a training row;
//! - **target leakage**: a single feature that predicts the label almost perfectly on the
//!   training set — ROC AUC of the raw value (max of AUC and 1 − AUC) for numeric features,
//!   the AUC of out-of-fold target rates for categorical ones (5 folds, so an identifier
//!   cannot score by memorising rows), |Spearman ρ| for a numeric (regression) label — and
//!   the label itself, or an exact copy of it, among the features.
//!
//! Nulls and NaN rank below every value when a feature is scored, so a feature that is
//! only present for one class is caught too.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

use crate::data::time::{TimeColumn, TimeOptions, to_micros};
use crate::error::quoted;
use crate::results::series::{LeakageSeries, TargetRow};
use crate::results::{Check, Example, GateKind, GateResult, GateSeries, Status, Threshold};
use crate::stats::rank;
use crate::text;

pub mod code {
    pub const POINT_IN_TIME: &str = "leakage.point-in-time";
    pub const TEMPORAL_SPLIT: &str = "leakage.temporal-split";
    pub const ENTITY_OVERLAP: &str = "leakage.entity-overlap";
    pub const DUPLICATE_FEATURES: &str = "leakage.duplicate-features";
    pub const DUPLICATE_ROWS: &str = "leakage.duplicate-rows";
    pub const TARGET: &str = "leakage.target";
    pub const LABEL_IN_FEATURES: &str = "leakage.label-in-features";
    pub const NOT_EVALUATED: &str = "leakage.not-evaluated";
}

/// Everything the gate needs besides the data.
#[derive(Debug, Clone)]
pub struct LeakageSettings {
    pub label: Option<String>,
    pub entity: Option<String>,
    pub timestamp: Option<String>,
    /// Whether the split is declared temporal.
    pub temporal: bool,
    /// Minimum time between the end of training and the start of test, in µs.
    pub gap_us: i64,
    /// (feature, column holding the time that feature's value was observed).
    pub observed_at: Vec<(String, String)>,
    pub time: TimeOptions,
    /// Explicit feature list; default: every column without a role.
    pub features: Option<Vec<String>>,
    /// Columns that are never features (ignored, prediction, …).
    pub exclude: Vec<String>,
    /// Largest allowed share of test entities also in train.
    pub max_entity_overlap: f64,
    /// Largest allowed share of test rows repeating a training row.
    pub max_duplicate_share: f64,
    /// Largest allowed share of rows with a feature observed after the as-of time.
    pub max_point_in_time_share: f64,
    /// Bound on max(AUC, 1 − AUC) of a single feature.
    pub target_auc: f64,
    /// Bound on |Spearman ρ| for a numeric label.
    pub target_rho: f64,
}

impl Default for LeakageSettings {
    fn default() -> Self {
        LeakageSettings {
            label: None,
            entity: None,
            timestamp: None,
            temporal: false,
            gap_us: 0,
            observed_at: vec![],
            time: TimeOptions::default(),
            features: None,
            exclude: vec![],
            max_entity_overlap: 0.0,
            max_duplicate_share: 0.0,
            max_point_in_time_share: 0.0,
            target_auc: 0.99,
            target_rho: 0.99,
        }
    }
}

fn share(n: u64, d: u64) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

fn col<'a>(df: &'a DataFrame, name: &str) -> Option<&'a Series> {
    df.column(name).ok().map(|c| c.as_materialized_series())
}

/// Runs the gate on a training set and (optionally) a test set.
pub fn run(train: &DataFrame, test: Option<&DataFrame>, s: &LeakageSettings) -> Result<GateResult> {
    let mut checks = Vec::new();
    let mut notes = Vec::new();
    let roles: Vec<&str> =
        [s.label.as_deref(), s.entity.as_deref(), s.timestamp.as_deref()].into_iter().flatten().collect();
    let observed_cols: Vec<&str> = s.observed_at.iter().map(|(_, c)| c.as_str()).collect();
    let features: Vec<String> = match &s.features {
        Some(f) => f.clone(),
        None => train
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .filter(|n| !roles.contains(&n.as_str()) && !s.exclude.contains(n) && !observed_cols.contains(&n.as_str()))
            .collect(),
    };

    // --- the label among the features ----------------------------------------------------
    if let Some(label) = &s.label {
        if features.contains(label) {
            checks.push(Check::new(
                code::LABEL_IN_FEATURES,
                label,
                Status::Fail,
                format!("the label column {} is listed as a feature", quoted(label)),
            ));
        }
        if let Some(y) = col(train, label) {
            let copies: Vec<String> = features
                .par_iter()
                .filter(|f| *f != label)
                .filter_map(|f| col(train, f).filter(|x| is_copy(x, y)).map(|_| f.clone()))
                .collect();
            for f in &copies {
                checks.push(Check::new(
                    code::LABEL_IN_FEATURES,
                    f,
                    Status::Fail,
                    format!("{} is an exact copy of the label {} in every training row", quoted(f), quoted(label)),
                ));
            }
            if copies.is_empty() && !features.contains(label) {
                checks.push(Check::new(
                    code::LABEL_IN_FEATURES,
                    label,
                    Status::Pass,
                    format!("no feature is the label {} or a copy of it", quoted(label)),
                ));
            }
        }
    }

    // --- target leakage --------------------------------------------------------------------
    match s.label.as_deref().and_then(|l| col(train, l).map(|y| (l, y))) {
        None => notes.push("No label configured: target leakage was not checked.".into()),
        Some((label, y)) => checks.extend(target_checks(train, label, y, &features, s)),
    }

    // --- point in time -------------------------------------------------------------------------
    if !s.observed_at.is_empty() {
        match &s.timestamp {
            None => checks.push(Check::new(
                code::NOT_EVALUATED,
                "point-in-time",
                Status::Error,
                "observed_at columns are configured but no as-of timestamp column ([columns].timestamp)",
            )),
            Some(ts) => {
                for (name, df) in [("train", Some(train)), ("test", test)] {
                    let Some(df) = df else { continue };
                    checks.extend(point_in_time(name, df, ts, &s.observed_at, &s.time, s.max_point_in_time_share)?);
                }
            }
        }
    }

    // --- temporal split ------------------------------------------------------------------------
    if s.temporal {
        match (&s.timestamp, test) {
            (Some(ts), Some(test)) => checks.push(temporal_split(train, test, ts, s)?),
            (None, _) => checks.push(Check::new(
                code::TEMPORAL_SPLIT,
                "split",
                Status::Error,
                "the split is declared temporal but no timestamp column is configured ([columns].timestamp)",
            )),
            (_, None) => notes.push("Temporal split declared but no test set given: split not checked.".into()),
        }
    }

    // --- overlap across splits ---------------------------------------------------------------
    if let Some(test) = test {
        if let Some(e) = &s.entity {
            checks.push(entity_overlap(train, test, e, s.max_entity_overlap));
        }
        let common: Vec<String> =
            features.iter().filter(|f| test.column(f).is_ok() && train.column(f).is_ok()).cloned().collect();
        if !common.is_empty() {
            let (c1, c2, distinct) = duplicates(train, test, &common, s.label.as_deref(), s.max_duplicate_share);
            checks.push(c1);
            if let Some(c2) = c2 {
                checks.push(c2);
            }
            if distinct < 1000 && train.height() > 5 * distinct {
                notes.push(format!(
                    "The training set has only {} distinct feature combinations, so identical rows in train and test may be coincidental rather than leaked.",
                    text::int(distinct as u64)
                ));
            }
        }
    } else {
        notes.push("No test set: overlap across splits was not checked.".into());
    }

    let mut g = GateResult::from_checks("leakage", GateKind::Leakage, checks);
    let bad: Vec<&Check> = g.checks.iter().filter(|c| c.status >= Status::Warn).collect();
    g.summary = if bad.is_empty() {
        format!("no leakage found ({} checks on {} features)", g.checks.len(), features.len())
    } else {
        let mut kinds: Vec<String> = bad
            .iter()
            .map(|c| match c.code.as_str() {
                code::TARGET => format!("{} predicts the label", c.subject),
                code::POINT_IN_TIME => format!("{} observed after the as-of time", c.subject),
                code::ENTITY_OVERLAP => "entities in both train and test".into(),
                code::DUPLICATE_FEATURES | code::DUPLICATE_ROWS => "test rows repeat training rows".into(),
                code::TEMPORAL_SPLIT => "train and test periods overlap".into(),
                code::LABEL_IN_FEATURES => format!("{} is the label", c.subject),
                _ => c.message.clone(),
            })
            .collect();
        kinds.dedup();
        format!("{}: {}", text::plural(bad.len() as u64, "finding", "findings"), kinds.join("; "))
    };
    g.thresholds.values = serde_json::json!({
        "target_auc": s.target_auc,
        "target_rho": s.target_rho,
        "max_entity_overlap": s.max_entity_overlap,
        "max_duplicate_share": s.max_duplicate_share,
        "max_point_in_time_share": s.max_point_in_time_share,
        "temporal": s.temporal,
        "gap_seconds": s.gap_us as f64 / 1e6,
    });
    let target: Vec<TargetRow> = g
        .checks
        .iter()
        .filter(|c| c.code == code::TARGET)
        .filter_map(|c| Some(TargetRow { feature: c.subject.clone(), value: c.value?, status: c.status }))
        .collect();
    if !target.is_empty() {
        let numeric_label =
            g.checks.iter().any(|c| c.code == code::TARGET && c.statistic.as_deref() == Some("abs_spearman"));
        let bound = if numeric_label { s.target_rho } else { s.target_auc };
        g.series = Some(GateSeries::Leakage(LeakageSeries { target, bound }));
    }
    g.method.insert("time".into(), s.time.describe().into());
    g.method.insert(
        "target".into(),
        "numeric feature: max(AUC, 1 − AUC) of the raw value against the label on the training set, nulls ranked lowest; categorical feature: AUC of out-of-fold (5 folds) target rates; numeric label: |Spearman ρ|; multiclass label: the largest one-vs-rest value".into(),
    );
    g.method.insert(
        "duplicates".into(),
        "64-bit hash of every shared feature column per row (numbers compared as float64, text as bytes, null as its own value); with and without the label".into(),
    );
    g.notes = notes;
    Ok(g)
}

/// Whether `x` equals the label `y` on every row where `y` is not null.
fn is_copy(x: &Series, y: &Series) -> bool {
    if x.len() != y.len() || y.is_empty() {
        return false;
    }
    let numeric = x.dtype().is_primitive_numeric() && y.dtype().is_primitive_numeric();
    if numeric {
        let (Ok(a), Ok(b)) = (x.cast(&DataType::Float64), y.cast(&DataType::Float64)) else { return false };
        let (Ok(a), Ok(b)) = (a.f64(), b.f64()) else { return false };
        a.iter().zip(b.iter()).all(|(p, q)| match (p, q) {
            (_, None) => true,
            (Some(p), Some(q)) => p == q,
            (None, Some(_)) => false,
        })
    } else {
        let (Ok(a), Ok(b)) = (x.cast(&DataType::String), y.cast(&DataType::String)) else { return false };
        let (Ok(a), Ok(b)) = (a.str(), b.str()) else { return false };
        a.iter().zip(b.iter()).all(|(p, q)| q.is_none() || p == q)
    }
}

/// The label as one-vs-rest binary targets (one for a binary label), or a numeric target.
enum Target {
    Classes(Vec<(String, Vec<bool>)>),
    Numeric(Vec<f64>),
}

fn target_of(y: &Series) -> std::result::Result<(Target, Vec<bool>), String> {
    let valid: Vec<bool> = y.is_not_null().iter().map(|v| v == Some(true)).collect();
    let text = y.cast(&DataType::String).map_err(|e| e.to_string())?;
    let strs = text.str().map_err(|e| e.to_string())?;
    let mut classes: Vec<String> =
        strs.iter().flatten().map(str::to_string).collect::<HashSet<_>>().into_iter().collect();
    classes.sort();
    if classes.len() <= 1 {
        return Err(match classes.first() {
            Some(c) => format!("the label has a single class ({}) in the training set", quoted(c)),
            None => "the label is null in every training row".to_string(),
        });
    }
    if y.dtype().is_primitive_numeric() && classes.len() > 20 {
        let f = y.cast(&DataType::Float64).map_err(|e| e.to_string())?;
        let v: Vec<f64> = f.f64().map_err(|e| e.to_string())?.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
        return Ok((Target::Numeric(v), valid));
    }
    if classes.len() > 20 {
        return Err(format!("the label has {} classes; target leakage is checked for up to 20", classes.len()));
    }
    // A binary label needs one target: AUC is symmetric under swapping classes.
    let wanted: Vec<String> = if classes.len() == 2 { vec![classes[1].clone()] } else { classes };
    let targets = wanted
        .into_iter()
        .map(|c| {
            let t: Vec<bool> = strs.iter().map(|v| v == Some(c.as_str())).collect();
            (c, t)
        })
        .collect();
    Ok((Target::Classes(targets), valid))
}

/// Per-row scores of a feature for ranking: numbers as they are, nulls and NaN lowest.
fn numeric_scores(x: &Series) -> Option<Vec<f64>> {
    let f = x.cast(&DataType::Float64).ok()?;
    let f = f.f64().ok()?;
    Some(
        f.iter()
            .map(|v| match v {
                Some(v) if !v.is_nan() => v,
                _ => f64::NEG_INFINITY,
            })
            .collect(),
    )
}

/// Out-of-fold target rate of each row's category (5 folds by row number).
fn oof_rates(cats: &[Option<&str>], target: &[bool], valid: &[bool]) -> Vec<f64> {
    const FOLDS: usize = 5;
    let mut per: HashMap<Option<&str>, [(u64, u64); FOLDS]> = HashMap::new();
    let mut fold_tot = [(0u64, 0u64); FOLDS];
    for (i, c) in cats.iter().enumerate() {
        if !valid[i] {
            continue;
        }
        let f = i % FOLDS;
        let e = per.entry(*c).or_insert([(0, 0); FOLDS]);
        e[f].0 += 1;
        e[f].1 += target[i] as u64;
        fold_tot[f].0 += 1;
        fold_tot[f].1 += target[i] as u64;
    }
    cats.iter()
        .enumerate()
        .map(|(i, c)| {
            let f = i % FOLDS;
            let counts = per.get(c).copied().unwrap_or([(0, 0); FOLDS]);
            let (n, p): (u64, u64) =
                counts.iter().enumerate().filter(|(j, _)| *j != f).fold((0, 0), |a, (_, x)| (a.0 + x.0, a.1 + x.1));
            if n > 0 {
                p as f64 / n as f64
            } else {
                // A category never seen outside this fold gets the other folds' base rate.
                let (tn, tp) = fold_tot
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != f)
                    .fold((0, 0), |a, (_, x)| (a.0 + x.0, a.1 + x.1));
                if tn > 0 { tp as f64 / tn as f64 } else { 0.0 }
            }
        })
        .collect()
}

fn target_checks(train: &DataFrame, label: &str, y: &Series, features: &[String], s: &LeakageSettings) -> Vec<Check> {
    let (target, valid) = match target_of(y) {
        Ok(t) => t,
        Err(why) => {
            return vec![Check::new(
                code::TARGET,
                label,
                Status::Error,
                format!("target leakage cannot be judged: {why}"),
            )];
        }
    };
    let candidates: Vec<&String> = features.iter().filter(|f| f.as_str() != label).collect();
    candidates
        .par_iter()
        .filter_map(|f| {
            let x = col(train, f)?;
            Some(target_check(f, x, &target, &valid, s))
        })
        .collect()
}

fn target_check(name: &str, x: &Series, target: &Target, valid: &[bool], s: &LeakageSettings) -> Check {
    if x.null_count() == x.len() {
        return Check::new(
            code::TARGET,
            name,
            Status::Skipped,
            "not evaluated: the feature is null in every training row",
        );
    }
    let categorical = !x.dtype().is_primitive_numeric();
    let keep: Vec<usize> = (0..x.len()).filter(|&i| valid[i]).collect();
    match target {
        Target::Classes(classes) => {
            let strs = if categorical { x.cast(&DataType::String).ok() } else { None };
            let cats: Option<Vec<Option<&str>>> = strs.as_ref().and_then(|s| s.str().ok()).map(|c| c.iter().collect());
            let raw = if categorical { None } else { numeric_scores(x) };
            let mut best: Option<(f64, String)> = None;
            for (class, t) in classes {
                let scores: Vec<f64> = match (&cats, &raw) {
                    (Some(c), _) => oof_rates(c, t, valid),
                    (None, Some(r)) => r.clone(),
                    _ => continue,
                };
                let sc: Vec<f64> = keep.iter().map(|&i| scores[i]).collect();
                let lab: Vec<bool> = keep.iter().map(|&i| t[i]).collect();
                if let Some(auc) = rank::roc_auc(&sc, &lab) {
                    let v = auc.max(1.0 - auc);
                    if best.as_ref().is_none_or(|b| v > b.0) {
                        best = Some((v, class.clone()));
                    }
                }
            }
            let Some((v, class)) = best else {
                return Check::new(code::TARGET, name, Status::Skipped, "not evaluated: no rows with both classes");
            };
            let status = Threshold::at_most(None, Some(s.target_auc)).judge(v);
            let how = if categorical { "out-of-fold target rate AUC" } else { "AUC" };
            let vs = if classes.len() > 1 { format!(" (class {} vs rest)", quoted(&class)) } else { String::new() };
            let msg = if status == Status::Pass {
                format!("{how} {}{vs}", text::num(v))
            } else {
                format!(
                    "{how} {}{vs}: this feature alone separates the classes almost perfectly — is it computed from the outcome?",
                    text::num(v)
                )
            };
            Check::new(code::TARGET, name, status, msg)
                .with_value("auc", v)
                .with_threshold(Threshold::at_most(None, Some(s.target_auc)))
                .with_detail("method", how)
        }
        Target::Numeric(yv) => {
            let xs: Vec<f64> = if categorical {
                let Ok(strs) = x.cast(&DataType::String) else {
                    return Check::new(code::TARGET, name, Status::Skipped, "not evaluated");
                };
                let Ok(c) = strs.str() else { return Check::new(code::TARGET, name, Status::Skipped, "not evaluated") };
                oof_means(&c.iter().collect::<Vec<_>>(), yv, valid)
            } else {
                match numeric_scores(x) {
                    Some(v) => v,
                    None => return Check::new(code::TARGET, name, Status::Skipped, "not evaluated"),
                }
            };
            let (a, b): (Vec<f64>, Vec<f64>) =
                keep.iter().filter(|&&i| yv[i].is_finite()).map(|&i| (xs[i], yv[i])).unzip();
            match rank::spearman(&a, &b) {
                None => Check::new(
                    code::TARGET,
                    name,
                    Status::Skipped,
                    "not evaluated: the feature or the label is constant",
                ),
                Some(rho) => {
                    let v = rho.abs();
                    let status = Threshold::at_most(None, Some(s.target_rho)).judge(v);
                    Check::new(
                        code::TARGET,
                        name,
                        status,
                        if status == Status::Pass {
                            format!("|Spearman ρ| {}", text::num(v))
                        } else {
                            format!(
                                "|Spearman ρ| {}: this feature alone tracks the label almost perfectly",
                                text::num(v)
                            )
                        },
                    )
                    .with_value("abs_spearman", v)
                    .with_threshold(Threshold::at_most(None, Some(s.target_rho)))
                }
            }
        }
    }
}

fn oof_means(cats: &[Option<&str>], y: &[f64], valid: &[bool]) -> Vec<f64> {
    const FOLDS: usize = 5;
    let mut per: HashMap<Option<&str>, [(u64, f64); FOLDS]> = HashMap::new();
    for (i, c) in cats.iter().enumerate() {
        if !valid[i] || !y[i].is_finite() {
            continue;
        }
        let e = per.entry(*c).or_insert([(0, 0.0); FOLDS]);
        e[i % FOLDS].0 += 1;
        e[i % FOLDS].1 += y[i];
    }
    let global = {
        let v: Vec<f64> = y.iter().copied().filter(|v| v.is_finite()).collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    cats.iter()
        .enumerate()
        .map(|(i, c)| {
            let f = i % FOLDS;
            let counts = per.get(c).copied().unwrap_or([(0, 0.0); FOLDS]);
            let (n, s) = counts
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != f)
                .fold((0u64, 0.0), |a, (_, x)| (a.0 + x.0, a.1 + x.1));
            if n > 0 { s / n as f64 } else { global }
        })
        .collect()
}

fn times(df: &DataFrame, name: &str, t: &TimeOptions) -> std::result::Result<TimeColumn, String> {
    let s = col(df, name).ok_or_else(|| format!("column {} is missing", quoted(name)))?;
    to_micros(s, t).map_err(|e| format!("{e:#}"))
}

fn time_error(subject: &str, column: &str, dataset: &str, t: &TimeColumn) -> Check {
    Check::new(
        code::NOT_EVALUATED,
        subject,
        Status::Error,
        format!(
            "{} values in {} ({dataset}) are not timestamps ({}); formats tried: {}",
            text::int(t.unparseable),
            quoted(column),
            text::rows(&t.examples),
            crate::timeparse::ACCEPTED
        ),
    )
    .with_counts(t.unparseable, t.micros.len() as u64)
    .with_examples(t.examples.clone())
}

fn point_in_time(
    dataset: &str,
    df: &DataFrame,
    ts: &str,
    pairs: &[(String, String)],
    topt: &TimeOptions,
    max_share: f64,
) -> Result<Vec<Check>> {
    let mut out = Vec::new();
    let asof = match times(df, ts, topt) {
        Ok(t) => t,
        Err(why) => {
            out.push(Check::new(code::NOT_EVALUATED, ts, Status::Error, format!("as-of time in {dataset}: {why}")));
            return Ok(out);
        }
    };
    if asof.unparseable > 0 {
        out.push(time_error(ts, ts, dataset, &asof));
        return Ok(out);
    }
    for (feature, observed) in pairs {
        let subject = format!("{feature} ({dataset})");
        let obs = match times(df, observed, topt) {
            Ok(t) => t,
            Err(why) => {
                out.push(Check::new(code::NOT_EVALUATED, &subject, Status::Error, why));
                continue;
            }
        };
        if obs.unparseable > 0 {
            out.push(time_error(&subject, observed, dataset, &obs));
            continue;
        }
        let mut late = 0u64;
        let mut compared = 0u64;
        let mut examples = Vec::new();
        for (i, (a, o)) in asof.micros.iter().zip(&obs.micros).enumerate() {
            if let (Some(a), Some(o)) = (a, o) {
                compared += 1;
                if o > a {
                    late += 1;
                    if examples.len() < 5 {
                        examples.push(Example {
                            row: i as u64 + 1,
                            value: Some(format!(
                                "observed {} > as-of {} (+{})",
                                crate::timeparse::format_micros(*o),
                                crate::timeparse::format_micros(*a),
                                duration_text(o - a)
                            )),
                        });
                    }
                }
            }
        }
        let frac = share(late, compared);
        let status = if frac > max_share { Status::Fail } else { Status::Pass };
        let msg = if late == 0 {
            format!("{} observed at or before {} in all {} rows", quoted(observed), quoted(ts), text::int(compared))
        } else {
            format!(
                "{} of {} rows use a value of {} observed after the as-of time {} ({})",
                text::int(late),
                text::int(compared),
                quoted(feature),
                quoted(ts),
                text::rows(&examples)
            )
        };
        out.push(
            Check::new(code::POINT_IN_TIME, &subject, status, msg)
                .with_value("late_share", frac)
                .with_threshold(Threshold::at_most(None, Some(max_share)))
                .with_counts(late, compared)
                .with_examples(examples)
                .with_detail("observed_at", observed)
                .with_detail("as_of", ts)
                .with_detail("read_as", format!("{} / {}", asof.how, obs.how)),
        );
    }
    Ok(out)
}

fn duration_text(us: i64) -> String {
    let s = us / 1_000_000;
    if s >= 86_400 {
        format!("{}d", text::num(s as f64 / 86_400.0))
    } else if s >= 3600 {
        format!("{}h", text::num(s as f64 / 3600.0))
    } else if s >= 60 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

fn temporal_split(train: &DataFrame, test: &DataFrame, ts: &str, s: &LeakageSettings) -> Result<Check> {
    let (a, b) = match (times(train, ts, &s.time), times(test, ts, &s.time)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(why), _) | (_, Err(why)) => return Ok(Check::new(code::TEMPORAL_SPLIT, ts, Status::Error, why)),
    };
    for (t, d) in [(&a, "train"), (&b, "test")] {
        if t.unparseable > 0 {
            return Ok(time_error(ts, ts, d, t));
        }
    }
    let train_max = a.micros.iter().flatten().max().copied();
    let test_min = b.micros.iter().flatten().min().copied();
    let (Some(tmax), Some(smin)) = (train_max, test_min) else {
        return Ok(Check::new(code::TEMPORAL_SPLIT, ts, Status::Error, "a split has no timestamps"));
    };
    let gap = duration_text(s.gap_us);
    if tmax + s.gap_us <= smin {
        return Ok(Check::new(
            code::TEMPORAL_SPLIT,
            ts,
            Status::Pass,
            format!(
                "training ends {} and test starts {}{}",
                crate::timeparse::format_micros(tmax),
                crate::timeparse::format_micros(smin),
                if s.gap_us > 0 { format!(", at least {gap} apart") } else { String::new() }
            ),
        ));
    }
    let window_lo = smin - s.gap_us;
    let train_in = a.micros.iter().flatten().filter(|&&t| t >= window_lo).count() as u64;
    let test_in = b.micros.iter().flatten().filter(|&&t| t <= tmax + s.gap_us).count() as u64;
    let examples: Vec<Example> = b
        .micros
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_some_and(|t| t <= tmax + s.gap_us))
        .take(5)
        .map(|(i, t)| Example { row: i as u64 + 1, value: t.map(crate::timeparse::format_micros) })
        .collect();
    Ok(Check::new(
        code::TEMPORAL_SPLIT,
        ts,
        Status::Fail,
        format!(
            "train and test overlap in time: training runs until {} but test starts {}{}; {} training and {} test rows fall in the window",
            crate::timeparse::format_micros(tmax),
            crate::timeparse::format_micros(smin),
            if s.gap_us > 0 { format!(" (required gap {gap})") } else { String::new() },
            text::int(train_in),
            text::int(test_in)
        ),
    )
    .with_counts(test_in, b.micros.len() as u64)
    .with_examples(examples)
    .with_detail("train_end", crate::timeparse::format_micros(tmax))
    .with_detail("test_start", crate::timeparse::format_micros(smin))
    .with_detail("window_start", crate::timeparse::format_micros(window_lo))
    .with_detail("window_end", crate::timeparse::format_micros(tmax))
    .with_detail("train_rows_in_window", train_in))
}

fn entity_overlap(train: &DataFrame, test: &DataFrame, e: &str, max_share: f64) -> Check {
    let (Some(a), Some(b)) = (col(train, e), col(test, e)) else {
        let side = if col(train, e).is_none() { "train" } else { "test" };
        return Check::new(
            code::ENTITY_OVERLAP,
            e,
            Status::Error,
            format!("the entity column {} is missing from {side}", quoted(e)),
        );
    };
    let (Ok(a), Ok(b)) = (a.cast(&DataType::String), b.cast(&DataType::String)) else {
        return Check::new(code::ENTITY_OVERLAP, e, Status::Error, "the entity column cannot be read as text");
    };
    let (Ok(a), Ok(b)) = (a.str(), b.str()) else {
        return Check::new(code::ENTITY_OVERLAP, e, Status::Error, "the entity column cannot be read as text");
    };
    let train_ids: HashSet<&str> = a.iter().flatten().collect();
    let mut test_ids: HashSet<&str> = HashSet::new();
    let mut shared: HashSet<&str> = HashSet::new();
    let mut rows = 0u64;
    let mut examples = Vec::new();
    for (i, v) in b.iter().enumerate() {
        let Some(v) = v else { continue };
        test_ids.insert(v);
        if train_ids.contains(v) {
            rows += 1;
            shared.insert(v);
            if examples.len() < 5 {
                examples.push(Example { row: i as u64 + 1, value: Some(text::clip(v, 200)) });
            }
        }
    }
    let frac = share(shared.len() as u64, test_ids.len() as u64);
    let status = if frac > max_share { Status::Fail } else { Status::Pass };
    let msg = if shared.is_empty() {
        format!(
            "no {} value appears in both train and test ({} test entities)",
            quoted(e),
            text::int(test_ids.len() as u64)
        )
    } else {
        format!(
            "{} of {} test entities ({}) also appear in train, in {} test rows ({})",
            text::int(shared.len() as u64),
            text::int(test_ids.len() as u64),
            text::pct(frac),
            text::int(rows),
            text::rows(&examples)
        )
    };
    Check::new(code::ENTITY_OVERLAP, e, status, msg)
        .with_value("shared_entity_share", frac)
        .with_threshold(Threshold::at_most(None, Some(max_share)))
        .with_counts(shared.len() as u64, test_ids.len() as u64)
        .with_examples(examples)
        .with_detail("test_rows_affected", rows)
}

/// Row hashes over `cols` (numbers as float64 bits, text as bytes, null distinct).
fn row_hashes(df: &DataFrame, cols: &[String]) -> Vec<u64> {
    let state = foldhash::fast::FixedState::with_seed(0x6d6c_6761_7465);
    let mut h = vec![0x9E37_79B9_7F4A_7C15u64; df.height()];
    for name in cols {
        let Some(s) = col(df, name) else { continue };
        let mix = |acc: &mut u64, v: u64| {
            *acc = (*acc ^ v).wrapping_mul(0xBF58_476D_1CE4_E5B9).rotate_left(31);
        };
        if s.dtype().is_primitive_numeric() {
            if let Ok(f) = s.cast(&DataType::Float64)
                && let Ok(f) = f.f64()
            {
                for (acc, v) in h.iter_mut().zip(f.iter()) {
                    let bits = match v {
                        None => 0x7FF8_DEAD_0000_0001,
                        Some(x) if x.is_nan() => 0x7FF8_0000_0000_0000,
                        Some(x) => (if x == 0.0 { 0.0 } else { x }).to_bits(),
                    };
                    let mut hs = state.build_hasher();
                    hs.write_u64(bits);
                    mix(acc, hs.finish());
                }
            }
        } else if let Ok(t) = s.cast(&DataType::String)
            && let Ok(t) = t.str()
        {
            for (acc, v) in h.iter_mut().zip(t.iter()) {
                let mut hs = state.build_hasher();
                match v {
                    None => hs.write_u8(0xFF),
                    Some(v) => {
                        hs.write_u8(0);
                        hs.write(v.as_bytes());
                    }
                }
                mix(acc, hs.finish());
            }
        }
    }
    h
}

fn duplicates(
    train: &DataFrame,
    test: &DataFrame,
    features: &[String],
    label: Option<&str>,
    max_share: f64,
) -> (Check, Option<Check>, usize) {
    let ht = row_hashes(train, features);
    let hs = row_hashes(test, features);
    let mut first: HashMap<u64, usize> = HashMap::with_capacity(ht.len());
    for (i, h) in ht.iter().enumerate() {
        first.entry(*h).or_insert(i);
    }
    let distinct = first.len();
    let check = |code: &str, what: &str, th: &[u64], hs: &[u64]| -> Check {
        let set: HashMap<u64, usize> = th.iter().enumerate().rev().map(|(i, h)| (*h, i)).collect();
        let mut n = 0u64;
        let mut examples = Vec::new();
        for (i, h) in hs.iter().enumerate() {
            if let Some(j) = set.get(h) {
                n += 1;
                if examples.len() < 5 {
                    examples.push(Example { row: i as u64 + 1, value: Some(format!("same as train row {}", j + 1)) });
                }
            }
        }
        let frac = share(n, hs.len() as u64);
        let status = if frac > max_share { Status::Fail } else { Status::Pass };
        let msg = if n == 0 {
            format!("no test row repeats a training row ({what})")
        } else {
            format!(
                "{} of {} test rows ({}) repeat a training row ({what}; {})",
                text::int(n),
                text::int(hs.len() as u64),
                text::pct(frac),
                text::rows(&examples)
            )
        };
        Check::new(code, "train/test", status, msg)
            .with_value("duplicate_share", frac)
            .with_threshold(Threshold::at_most(None, Some(max_share)))
            .with_counts(n, hs.len() as u64)
            .with_examples(examples)
    };
    let c1 = check(code::DUPLICATE_FEATURES, &format!("{} features, label excluded", features.len()), &ht, &hs);
    let c2 = label.filter(|l| col(train, l).is_some() && col(test, l).is_some()).map(|l| {
        let mut with: Vec<String> = features.to_vec();
        with.push(l.to_string());
        check(
            code::DUPLICATE_ROWS,
            &format!("{} features and the label", features.len()),
            &row_hashes(train, &with),
            &row_hashes(test, &with),
        )
    });
    (c1, c2, distinct)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(g: &'a GateResult, code: &str, subject: &str) -> &'a Check {
        g.checks
            .iter()
            .find(|c| c.code == code && c.subject == subject)
            .unwrap_or_else(|| panic!("{code} {subject}: {:#?}", g.checks))
    }

    #[test]
    fn finds_planted_target_leak_and_spares_identifiers() {
        let n = 2000;
        let y: Vec<i64> = (0..n).map(|i| ((i * 7919) % 13 < 5) as i64).collect();
        let leak: Vec<f64> = y.iter().enumerate().map(|(i, &v)| v as f64 * 10.0 + (i % 3) as f64 * 0.1).collect();
        let weak: Vec<f64> = (0..n).map(|i| ((i * 31) % 17) as f64 + y[i] as f64 * 3.0).collect();
        let id: Vec<String> = (0..n).map(|i| format!("id{i}")).collect();
        let copy = y.clone();
        let df = df!("y" => &y, "leak" => leak, "weak" => weak, "id" => id, "copy" => copy).unwrap();
        let s = LeakageSettings { label: Some("y".into()), ..Default::default() };
        let g = run(&df, None, &s).unwrap();
        assert_eq!(find(&g, code::TARGET, "leak").status, Status::Fail);
        assert_eq!(find(&g, code::LABEL_IN_FEATURES, "copy").status, Status::Fail);
        let w = find(&g, code::TARGET, "weak");
        assert_eq!(w.status, Status::Pass, "{w:?}");
        // A unique id memorises the label in-sample; out-of-fold rates do not.
        let idc = find(&g, code::TARGET, "id");
        assert_eq!(idc.status, Status::Pass, "{idc:?}");
    }

    #[test]
    fn single_class_label_is_an_error_check() {
        let df = df!("y" => [1i64, 1, 1], "x" => [1.0f64, 2.0, 3.0]).unwrap();
        let g = run(&df, None, &LeakageSettings { label: Some("y".into()), ..Default::default() }).unwrap();
        let c = find(&g, code::TARGET, "y");
        assert_eq!(c.status, Status::Error);
        assert!(c.message.contains("single class"));
    }

    #[test]
    fn overlap_duplicates_and_time() {
        let train = df!(
            "id" => ["a", "b", "c", "d"],
            "t" => ["2024-01-01", "2024-01-05", "2024-01-09", "2024-01-10"],
            "seen" => ["2024-01-01", "2024-01-07", "2024-01-08", "2024-01-09"],
            "x" => [1.0f64, 2.0, 3.0, 4.0],
            "y" => [0i64, 1, 0, 1],
        )
        .unwrap();
        let test = df!(
            "id" => ["c", "e", "f"],
            "t" => ["2024-01-08", "2024-01-12", "2024-01-13"],
            "seen" => ["2024-01-08", "2024-01-12", "2024-01-13"],
            "x" => [3.0f64, 9.0, 2.0],
            "y" => [0i64, 1, 0],
        )
        .unwrap();
        let s = LeakageSettings {
            label: Some("y".into()),
            entity: Some("id".into()),
            timestamp: Some("t".into()),
            temporal: true,
            observed_at: vec![("x".into(), "seen".into())],
            ..Default::default()
        };
        let g = run(&train, Some(&test), &s).unwrap();
        let e = find(&g, code::ENTITY_OVERLAP, "id");
        assert_eq!((e.status, e.count), (Status::Fail, Some(1)));
        assert_eq!(e.examples[0].row, 1);
        let d = find(&g, code::DUPLICATE_FEATURES, "train/test");
        assert_eq!(d.count, Some(2), "x = 3 and x = 2 repeat training rows");
        let dr = find(&g, code::DUPLICATE_ROWS, "train/test");
        assert_eq!(dr.count, Some(1), "only x = 3 repeats with its label");
        let p = find(&g, code::POINT_IN_TIME, "x (train)");
        assert_eq!((p.status, p.count), (Status::Fail, Some(1)));
        assert_eq!(p.examples[0].row, 2);
        let t = find(&g, code::TEMPORAL_SPLIT, "t");
        assert_eq!(t.status, Status::Fail);
        assert_eq!(t.count, Some(1), "one test row falls before training ends");
    }
}
