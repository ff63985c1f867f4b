//! `mlgate schema infer`: propose a schema from data, the way TFDV does, for a human to
//! review and commit.
//!
//! Rules (each stated in the README):
//! - type: from the stored type; text columns whose every value is a date or timestamp
//!   become `date`/`datetime`;
//! - nulls: a column without nulls (and at least 100 rows) becomes `nullable: false`;
//!   otherwise `max_null_fraction` = observed + max(1 point, half the observed share);
//! - numeric range: observed min/max widened by `range_margin` × (max − min) on each side,
//!   never below 0 for a non-negative column nor above 1 for a column within [0, 1],
//!   rounded outward to whole numbers for integers;
//! - categories: text columns with at most `max_categories` distinct values, and fewer
//!   distinct values than half the non-null rows;
//! - unique: text or integer columns with 20+ values, all distinct (and no categories);
//! - pattern: for such unique text columns when every value has the same shape
//!   (`C0012` → `[A-Z]{1}[0-9]{4}`).

use std::collections::{BTreeSet, HashSet};

use anyhow::Result;
use polars::prelude::*;

use crate::data::types::Kind;
use crate::gates::schema::{ColumnSpec, DataSchema};

#[derive(Debug, Clone)]
pub struct InferOptions {
    pub range_margin: f64,
    pub max_categories: usize,
    pub strict: bool,
}

impl Default for InferOptions {
    fn default() -> Self {
        InferOptions { range_margin: 0.05, max_categories: 50, strict: false }
    }
}

pub fn infer(df: &DataFrame, opts: &InferOptions, description: String) -> Result<DataSchema> {
    let rows = df.height();
    let mut columns = Vec::new();
    for col in df.columns() {
        let s = col.as_materialized_series();
        columns.push(infer_column(s, rows, opts)?);
    }
    Ok(DataSchema {
        schema_ref: None,
        version: 1,
        description: Some(description),
        strict: opts.strict,
        rows: None,
        columns,
    })
}

fn round_up(x: f64, places: i32) -> f64 {
    let m = 10f64.powi(places);
    // The tolerance keeps float noise (0.1 + 0.05 = 0.15000000000000002) from rounding up.
    ((x * m) - 1e-9).ceil() / m
}

fn infer_column(s: &Series, rows: usize, opts: &InferOptions) -> Result<ColumnSpec> {
    let name = s.name().to_string();
    let mut kind = Kind::of(s.dtype());
    let nulls = s.null_count();
    let nonnull = rows - nulls;
    if kind == Kind::String && nonnull > 0 {
        let strs = s.str()?;
        let all_dates = strs.iter().flatten().all(|v| chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").is_ok());
        if all_dates {
            kind = Kind::Date;
        } else if strs.iter().flatten().all(|v| crate::timeparse::parse_micros(v, None).is_some()) {
            kind = Kind::Datetime;
        }
    }
    if kind == Kind::Other {
        // An all-null column has no type; say string so the file stays valid.
        kind = Kind::String;
    }
    let mut c = ColumnSpec::new(&name, kind);

    if nulls == 0 && rows >= 100 {
        c.nullable = false;
    } else if nulls > 0 {
        let observed = nulls as f64 / rows as f64;
        c.max_null_fraction = Some(round_up((observed + (0.01f64).max(observed * 0.5)).min(1.0), 3));
    }

    if kind.is_numeric() && nonnull > 0 {
        let f = s.cast(&DataType::Float64)?;
        let f = f.f64()?;
        let finite: Vec<f64> = f.iter().flatten().filter(|v| v.is_finite()).collect();
        if finite.len() < nonnull {
            // The training data already has NaN/inf: allow them rather than fail every run.
            c.allow_non_finite = true;
        }
        if !finite.is_empty() {
            let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let span = hi - lo;
            let margin = if span > 0.0 { span * opts.range_margin } else { lo.abs().max(1.0) * opts.range_margin };
            let mut min = lo - margin;
            let mut max = hi + margin;
            if lo >= 0.0 && min < 0.0 {
                min = 0.0;
            }
            if lo >= 0.0 && hi <= 1.0 && max > 1.0 && kind != Kind::Integer {
                max = 1.0;
            }
            if kind == Kind::Integer {
                min = min.floor();
                max = max.ceil();
            } else {
                min = significant_floor(min);
                max = significant_ceil(max);
            }
            c.min = Some(min);
            c.max = Some(max);
        }
        if kind == Kind::Integer && nonnull >= 20 {
            let distinct: HashSet<i64> = s.cast(&DataType::Int64)?.i64()?.iter().flatten().collect();
            if distinct.len() == nonnull {
                c.unique = true;
            }
        }
    }

    if kind == Kind::String && nonnull > 0 {
        let strs = s.str()?;
        let mut distinct: BTreeSet<&str> = BTreeSet::new();
        let mut capped = false;
        for v in strs.iter().flatten() {
            distinct.insert(v);
            if distinct.len() > opts.max_categories.max(nonnull / 2 + 1) && distinct.len() > 100_000 {
                capped = true;
                break;
            }
        }
        let n_distinct = distinct.len();
        if !capped && n_distinct <= opts.max_categories && n_distinct * 2 < nonnull {
            c.categories = Some(distinct.iter().map(|v| serde_json::Value::String(v.to_string())).collect());
        } else if !capped && n_distinct == nonnull && nonnull >= 20 {
            c.unique = true;
            c.pattern = common_shape(strs);
        }
    }
    Ok(c)
}

/// Rounds down keeping three significant digits (so ranges read like 12.3, not 12.2999).
fn significant_floor(x: f64) -> f64 {
    significant(x, f64::floor)
}

fn significant_ceil(x: f64) -> f64 {
    significant(x, f64::ceil)
}

fn significant(x: f64, round: fn(f64) -> f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let mag = x.abs().log10().floor() as i32;
    let scale = 10f64.powi(2 - mag);
    let r = round(x * scale) / scale;
    // Undo float noise from the division (e.g. 0.30000000000000004).
    (r * 1e12).round() / 1e12
}

/// A regex every value matches when all values share one shape of letters and digits.
fn common_shape(strs: &StringChunked) -> Option<String> {
    let mut shape: Option<String> = None;
    for v in strs.iter().flatten() {
        let s = shape_of(v)?;
        match &shape {
            None => shape = Some(s),
            Some(prev) if *prev == s => {}
            Some(_) => return None,
        }
    }
    shape
}

fn shape_of(v: &str) -> Option<String> {
    if v.is_empty() || v.chars().count() > 64 {
        return None;
    }
    let mut out = String::new();
    let mut run: Option<(char, usize)> = None;
    let flush = |out: &mut String, r: Option<(char, usize)>| {
        if let Some((c, n)) = r {
            match c {
                'A' => out.push_str(&format!("[A-Z]{{{n}}}")),
                'a' => out.push_str(&format!("[a-z]{{{n}}}")),
                '9' => out.push_str(&format!("[0-9]{{{n}}}")),
                lit => {
                    for _ in 0..n {
                        out.push_str(&regex::escape(&lit.to_string()));
                    }
                }
            }
        }
    };
    for ch in v.chars() {
        let class = if ch.is_ascii_uppercase() {
            'A'
        } else if ch.is_ascii_lowercase() {
            'a'
        } else if ch.is_ascii_digit() {
            '9'
        } else if ch.is_ascii_punctuation() {
            ch
        } else {
            return None;
        };
        match &mut run {
            Some((c, n)) if *c == class => *n += 1,
            _ => {
                flush(&mut out, run.take());
                run = Some((class, 1));
            }
        }
    }
    flush(&mut out, run);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_types_ranges_categories_and_ids() {
        let n = 200;
        let ids: Vec<String> = (0..n).map(|i| format!("C{:05}", i)).collect();
        let ages: Vec<i64> = (0..n).map(|i| 20 + (i % 50) as i64).collect();
        let plans: Vec<&str> = (0..n).map(|i| ["basic", "pro", "team"][i % 3]).collect();
        let rate: Vec<Option<f64>> =
            (0..n).map(|i| if i % 10 == 0 { None } else { Some((i % 7) as f64 / 7.0) }).collect();
        let df = df!("id" => ids, "age" => ages, "plan" => plans, "rate" => rate).unwrap();
        let s = infer(&df, &InferOptions::default(), "t".into()).unwrap();
        let by = |n: &str| s.columns.iter().find(|c| c.name == n).unwrap().clone();
        let id = by("id");
        assert!(id.unique);
        assert_eq!(id.pattern.as_deref(), Some("[A-Z]{1}[0-9]{5}"));
        assert!(!id.nullable);
        let age = by("age");
        assert_eq!(age.kind, Kind::Integer);
        // observed [20, 69], margin 5% of 49 = 2.45 → [17, 72]
        assert_eq!((age.min, age.max), (Some(17.0), Some(72.0)));
        let plan = by("plan");
        assert_eq!(plan.categories.as_ref().unwrap().len(), 3);
        let rate = by("rate");
        assert_eq!(rate.min, Some(0.0));
        assert_eq!(rate.max, Some(0.9)); // observed max 6/7 = 0.857 + 0.043 → 0.9
        // 10% nulls + max(1%, 5%) = 15%
        assert_eq!(rate.max_null_fraction, Some(0.15));
    }

    #[test]
    fn inferred_schema_accepts_its_own_data() {
        let df = df!("x" => [1.5f64, 2.5, 3.5], "s" => ["a", "b", "a"]).unwrap();
        let s = infer(&df, &InferOptions::default(), "t".into()).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        let back = DataSchema::parse(&json, "t").unwrap();
        let g = crate::gates::schema::run("d", &df, &back, "t").unwrap();
        assert_eq!(g.status, crate::results::Status::Pass, "{:#?}", g.checks);
    }
}
