//! Target leakage: a single feature that predicts the label almost perfectly on the
//! training set, and exact copies of the label among the features.

use std::collections::{HashMap, HashSet};

use polars::prelude::*;
use rayon::prelude::*;

use super::codes::Code;
use super::{Settings, col};
use crate::error::quoted;
use crate::results::{Check, Status, Threshold};
use crate::stats::rank;
use crate::text;

/// Whether `x` equals the label `y` on every row where `y` is not null.
pub(super) fn is_copy(x: &Series, y: &Series) -> bool {
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

pub(super) fn checks(train: &DataFrame, label: &str, y: &Series, features: &[String], s: &Settings) -> Vec<Check> {
    let (target, valid) = match target_of(y) {
        Ok(t) => t,
        Err(why) => {
            return vec![Check::new(
                Code::Target,
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

fn target_check(name: &str, x: &Series, target: &Target, valid: &[bool], s: &Settings) -> Check {
    if x.null_count() == x.len() {
        return Check::new(
            Code::Target,
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
                return Check::new(Code::Target, name, Status::Skipped, "not evaluated: no rows with both classes");
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
            Check::new(Code::Target, name, status, msg)
                .with_value("auc", v)
                .with_threshold(Threshold::at_most(None, Some(s.target_auc)))
                .with_detail("method", how)
        }
        Target::Numeric(yv) => {
            let xs: Vec<f64> = if categorical {
                let Ok(strs) = x.cast(&DataType::String) else {
                    return Check::new(Code::Target, name, Status::Skipped, "not evaluated");
                };
                let Ok(c) = strs.str() else { return Check::new(Code::Target, name, Status::Skipped, "not evaluated") };
                oof_means(&c.iter().collect::<Vec<_>>(), yv, valid)
            } else {
                match numeric_scores(x) {
                    Some(v) => v,
                    None => return Check::new(Code::Target, name, Status::Skipped, "not evaluated"),
                }
            };
            let (a, b): (Vec<f64>, Vec<f64>) =
                keep.iter().filter(|&&i| yv[i].is_finite()).map(|&i| (xs[i], yv[i])).unzip();
            match rank::spearman(&a, &b) {
                None => Check::new(
                    Code::Target,
                    name,
                    Status::Skipped,
                    "not evaluated: the feature or the label is constant",
                ),
                Some(rho) => {
                    let v = rho.abs();
                    let status = Threshold::at_most(None, Some(s.target_rho)).judge(v);
                    Check::new(
                        Code::Target,
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
