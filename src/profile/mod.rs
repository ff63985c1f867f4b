//! Profiles: one pass over a dataset that keeps what drift needs, small enough to commit.
//!
//! Per column: type, row and null counts, and
//! - numeric: NaN/±inf counts, min, max, mean and M2 (for the standard deviation), and a
//!   [`FloatHist`] — exact counts over data-independent bucket edges, which doubles as a
//!   quantile sketch able to place hundreds of quantile edges;
//! - categorical (text, booleans): counts per value, capped at [`CATEGORY_CAP`] distinct
//!   values with an `other` bucket beyond.
//!
//! Profiles are mergeable: profiling two halves and merging gives the same counts as
//! profiling the whole (row, null, NaN, category and histogram counts are identical; the
//! mean and standard deviation agree to floating-point rounding). A category column that
//! hit the cap merges approximately; the profile says so (`capped`).
//!
//! The file format is versioned ([`PROFILE_VERSION`]) and described by
//! `schemas/profile.schema.json`.

mod csv_pieces;
pub mod spill;
pub mod stream;

use std::collections::HashMap;

use anyhow::{Context, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::types::Kind;
use crate::error::user;
use crate::stats::grid::Grid;
use crate::stats::hist::FloatHist;

pub const PROFILE_VERSION: u32 = 1;
/// Version of a profile whose numeric columns carry counts over cuts ([`Grid`]), as
/// `mlgate profile --grid`, `--edges-from` and `--sql` write: older mlgate cannot read them.
pub const GRID_PROFILE_VERSION: u32 = 2;
/// Distinct values kept per categorical column in a saved profile.
pub const CATEGORY_CAP: usize = 10_000;
/// Distinct values tracked while reading before new values go to `other`.
pub const STREAM_CATEGORY_CAP: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub profile_version: u32,
    /// mlgate version that wrote the profile.
    pub tool_version: String,
    /// The files profiled (several after a merge).
    pub sources: Vec<ProfileSource>,
    pub rows: u64,
    pub columns: Vec<ColumnProfile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSource {
    pub path: String,
    pub format: String,
    pub sha256: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    Numeric,
    Categorical,
    /// Dates, timestamps, nested types: counted, never compared.
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnProfile {
    pub name: String,
    pub kind: ColumnKind,
    /// The stored type as polars reports it (e.g. `i64`, `f64`, `str`).
    pub dtype: String,
    pub rows: u64,
    pub nulls: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numeric: Option<NumericProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categorical: Option<CategoricalProfile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumericProfile {
    /// Whether the stored type is an integer type.
    pub integer: bool,
    pub nan: u64,
    pub pos_inf: u64,
    pub neg_inf: u64,
    /// Finite values.
    pub count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    pub mean: f64,
    /// Sum of squared deviations from the mean (population variance = m2 / count).
    pub m2: f64,
    /// Empty in a profile an engine computed (`--sql`): it has `grid` instead.
    #[serde(default, skip_serializing_if = "FloatHist::is_empty")]
    pub hist: FloatHist,
    /// Counts over a reference's cuts (see [`crate::stats::grid`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid: Option<Grid>,
}

impl NumericProfile {
    pub fn empty(integer: bool) -> NumericProfile {
        NumericProfile {
            integer,
            nan: 0,
            pos_inf: 0,
            neg_inf: 0,
            count: 0,
            min: None,
            max: None,
            mean: 0.0,
            m2: 0.0,
            hist: FloatHist::new(),
            grid: None,
        }
    }

    /// Population standard deviation (ddof = 0).
    pub fn std(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { (self.m2 / self.count as f64).max(0.0).sqrt() }
    }

    /// Adds a batch of finite values (already filtered), updating moments with Chan's
    /// parallel formula so batches combine in any order.
    pub fn add_finite(&mut self, values: &[f64]) {
        if values.is_empty() {
            return;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let m2 = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>();
        let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        self.combine_moments(values.len() as u64, mean, m2, lo, hi);
        self.hist.add_slice(values);
        if let Some(g) = &mut self.grid {
            g.add_slice(values);
        }
    }

    /// Moments from an engine's aggregates: `n` finite values with this mean, population
    /// variance, minimum and maximum (combined with what is here by Chan's formula).
    pub fn add_moments(&mut self, n: u64, mean: f64, var_pop: f64, min: f64, max: f64) {
        self.combine_moments(n, mean, var_pop * n as f64, min, max);
    }

    fn combine_moments(&mut self, n_b: u64, mean_b: f64, m2_b: f64, min_b: f64, max_b: f64) {
        if n_b == 0 {
            return;
        }
        let (na, nb) = (self.count as f64, n_b as f64);
        let n = na + nb;
        let delta = mean_b - self.mean;
        self.mean += delta * nb / n;
        self.m2 += m2_b + delta * delta * na * nb / n;
        self.count += n_b;
        self.min = Some(self.min.map_or(min_b, |m| m.min(min_b)));
        self.max = Some(self.max.map_or(max_b, |m| m.max(max_b)));
    }

    fn merge(&mut self, o: &NumericProfile) -> Result<()> {
        self.nan += o.nan;
        self.pos_inf += o.pos_inf;
        self.neg_inf += o.neg_inf;
        if o.count > 0 {
            self.combine_moments(o.count, o.mean, o.m2, o.min.unwrap_or(f64::NAN), o.max.unwrap_or(f64::NAN));
        }
        self.hist.merge(&o.hist);
        match (&mut self.grid, &o.grid) {
            (Some(a), Some(b)) => a.merge(b).map_err(|e| {
                user(e).hint("merge partitions profiled against the same reference (--edges-from REF, or --sql with the same edges)")
            })?,
            (None, None) => {}
            _ => {
                return Err(user("one profile has counts over a reference's cuts and the other has none")
                    .hint("profile every partition the same way (all with --edges-from REF, or none)")
                    .into());
            }
        }
        self.integer &= o.integer;
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoricalProfile {
    /// `(value, count)`, most frequent first, ties by value.
    pub counts: Vec<(String, u64)>,
    /// Values not tracked individually because of the cap.
    pub other: u64,
    /// Whether the cap was hit (counts of rare values are then incomplete).
    pub capped: bool,
}

impl CategoricalProfile {
    /// From a count map, keeping at most `cap` values.
    pub fn from_map(map: HashMap<String, u64>, mut other: u64, mut capped: bool, cap: usize) -> CategoricalProfile {
        let mut counts: Vec<(String, u64)> = map.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if counts.len() > cap {
            other += counts[cap..].iter().map(|c| c.1).sum::<u64>();
            counts.truncate(cap);
            capped = true;
        }
        CategoricalProfile { counts, other, capped }
    }

    fn merge(&mut self, o: &CategoricalProfile) {
        let mut map: HashMap<String, u64> = self.counts.drain(..).collect();
        for (k, c) in &o.counts {
            *map.entry(k.clone()).or_insert(0) += c;
        }
        *self = CategoricalProfile::from_map(map, self.other + o.other, self.capped || o.capped, CATEGORY_CAP);
    }
}

/// How a polars type is profiled.
pub fn column_kind(dt: &DataType) -> ColumnKind {
    match Kind::of(dt) {
        Kind::Integer | Kind::Float => ColumnKind::Numeric,
        Kind::String | Kind::Boolean => ColumnKind::Categorical,
        _ => ColumnKind::Other,
    }
}

/// Accumulates one column across batches.
#[derive(Debug)]
pub struct ColumnBuilder {
    pub name: String,
    pub kind: ColumnKind,
    pub dtype: String,
    pub rows: u64,
    pub nulls: u64,
    numeric: Option<NumericProfile>,
    cats: HashMap<String, u64>,
    cat_other: u64,
    cat_capped: bool,
    /// Reused across batches: allocating it per batch costs page faults on every batch.
    finite: Vec<f64>,
    /// Where a numeric column's values go to be sorted, when they are kept ([`spill`]).
    runs: Option<spill::RunWriter>,
}

impl ColumnBuilder {
    pub fn new(name: &str, dt: &DataType) -> ColumnBuilder {
        let kind = column_kind(dt);
        ColumnBuilder {
            name: name.to_string(),
            kind,
            dtype: dt.to_string(),
            rows: 0,
            nulls: 0,
            numeric: (kind == ColumnKind::Numeric).then(|| NumericProfile::empty(Kind::of(dt) == Kind::Integer)),
            cats: HashMap::new(),
            cat_other: 0,
            cat_capped: false,
            finite: Vec::new(),
            runs: None,
        }
    }

    /// Also counts a numeric column's finite values over a reference's cuts.
    pub fn counting_over(mut self, grid: Option<&Grid>) -> ColumnBuilder {
        if let (Some(n), Some(g)) = (self.numeric.as_mut(), grid) {
            n.grid = Some(g.emptied());
        }
        self
    }

    /// Also keeps a numeric column's finite values, sorted, in `dir` (see [`spill`]).
    pub fn keeping_values(mut self, dir: &std::path::Path, tag: &str) -> ColumnBuilder {
        if self.kind == ColumnKind::Numeric {
            self.runs = Some(spill::RunWriter::new(dir, tag));
        }
        self
    }

    /// Adds a batch of this column.
    pub fn add(&mut self, s: &Series) -> Result<()> {
        self.rows += s.len() as u64;
        self.nulls += s.null_count() as u64;
        match self.kind {
            ColumnKind::Numeric => {
                let f = s.cast(&DataType::Float64)?;
                let f = f.f64()?;
                let np = self.numeric.as_mut().expect("numeric builder");
                let mut finite = std::mem::take(&mut self.finite);
                finite.clear();
                finite.reserve(f.len());
                for arr in f.downcast_iter() {
                    let vals = arr.values().as_slice();
                    match arr.validity() {
                        None => {
                            for &v in vals {
                                classify(v, np, &mut finite);
                            }
                        }
                        Some(valid) => {
                            for (&v, ok) in vals.iter().zip(valid.iter()) {
                                if ok {
                                    classify(v, np, &mut finite);
                                }
                            }
                        }
                    }
                }
                np.add_finite(&finite);
                if let Some(runs) = &mut self.runs {
                    runs.push(&finite).map_err(|e| spill_error(e, runs))?;
                }
                self.finite = finite;
            }
            ColumnKind::Categorical => {
                if self.rows == s.len() as u64 && crate::data::types::looks_like_timestamps(s) {
                    // First batch: a text column of timestamps is not a category.
                    self.kind = ColumnKind::Other;
                    self.dtype = format!("timestamps stored as {}", self.dtype);
                    return Ok(());
                }
                let t = s.cast(&DataType::String)?;
                for v in t.str()?.iter().flatten() {
                    if let Some(c) = self.cats.get_mut(v) {
                        *c += 1;
                    } else if self.cats.len() < STREAM_CATEGORY_CAP {
                        self.cats.insert(v.to_string(), 1);
                    } else {
                        self.cat_other += 1;
                        self.cat_capped = true;
                    }
                }
            }
            ColumnKind::Other => {}
        }
        Ok(())
    }

    pub fn finish(self) -> ColumnProfile {
        self.finish_with_cap(CATEGORY_CAP)
    }

    /// The profile, keeping up to `cap` categories.
    fn finish_with_cap(self, cap: usize) -> ColumnProfile {
        let numeric = self.numeric.map(|mut n| {
            n.hist.fit();
            n
        });
        let categorical = (self.kind == ColumnKind::Categorical)
            .then(|| CategoricalProfile::from_map(self.cats, self.cat_other, self.cat_capped, cap));
        ColumnProfile {
            name: self.name,
            kind: self.kind,
            dtype: self.dtype,
            rows: self.rows,
            nulls: self.nulls,
            numeric,
            categorical,
        }
    }

    /// The profile, with every category tracked while reading, and the column's sorted
    /// values when they were kept.
    pub fn finish_keeping(mut self) -> Result<(ColumnProfile, Option<spill::Spilled>)> {
        let values = match self.runs.take() {
            Some(r) => {
                let shown = r.shown();
                Some(r.finish().map_err(|e| spill_io_error(e, &shown))?)
            }
            None => None,
        };
        Ok((self.finish_with_cap(STREAM_CATEGORY_CAP), values))
    }
}

/// Writing kept values failed: almost always a full disk.
fn spill_error(e: std::io::Error, runs: &spill::RunWriter) -> anyhow::Error {
    spill_io_error(e, &runs.shown())
}

fn spill_io_error(e: std::io::Error, path: &str) -> anyhow::Error {
    user(format!("cannot write the sorted values of a large sample to {path}: {e}"))
        .hint("an exact comparison of data larger than exact_max_bytes sorts it on disk (8 bytes per numeric value, twice over while merging); set TMPDIR to a folder with room, or compare binned (--method binned)")
        .into()
}

#[inline]
fn classify(v: f64, np: &mut NumericProfile, finite: &mut Vec<f64>) {
    if v.is_finite() {
        finite.push(v);
    } else if v.is_nan() {
        np.nan += 1;
    } else if v > 0.0 {
        np.pos_inf += 1;
    } else {
        np.neg_inf += 1;
    }
}

impl Profile {
    /// Merges another profile of the same columns into this one.
    pub fn merge(&mut self, other: &Profile) -> Result<()> {
        let names: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        let other_names: Vec<&str> = other.columns.iter().map(|c| c.name.as_str()).collect();
        if names != other_names {
            return Err(user("profiles to merge must have the same columns in the same order")
                .hint(format!("first: {}; second: {}", names.join(", "), other_names.join(", ")))
                .into());
        }
        for (a, b) in self.columns.iter_mut().zip(&other.columns) {
            if a.kind != b.kind {
                return Err(user(format!(
                    "column {} is {:?} in one profile and {:?} in the other",
                    crate::error::quoted(&a.name),
                    a.kind,
                    b.kind
                ))
                .hint("profile partitions of the same dataset, written with the same types")
                .into());
            }
            a.rows += b.rows;
            a.nulls += b.nulls;
            if let (Some(x), Some(y)) = (a.numeric.as_mut(), b.numeric.as_ref()) {
                x.merge(y).with_context(|| format!("column {}", crate::error::quoted(&a.name)))?;
            }
            if let (Some(x), Some(y)) = (a.categorical.as_mut(), b.categorical.as_ref()) {
                x.merge(y);
            }
        }
        self.rows += other.rows;
        self.sources.extend(other.sources.iter().cloned());
        Ok(())
    }

    pub fn column(&self, name: &str) -> Option<&ColumnProfile> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Reads and validates a saved profile.
    pub fn load(path: &std::path::Path, shown: &str) -> Result<Profile> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            user(format!("cannot read profile {}: {e}", crate::error::quoted(shown)))
                .hint("write one with `mlgate profile DATA -o FILE.profile.json`")
        })?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| user(format!("{shown}:{}:{}: not valid JSON: {e}", e.line(), e.column())))?;
        let schema: serde_json::Value = serde_json::from_str(PROFILE_SCHEMA).expect("embedded schema");
        let validator = jsonschema::validator_for(&schema).expect("embedded schema compiles");
        let errors: Vec<String> =
            validator.iter_errors(&value).take(10).map(|e| format!("  - {}: {e}", e.instance_path())).collect();
        if !errors.is_empty() {
            return Err(user(format!("{shown} is not a valid mlgate profile:\n{}", errors.join("\n")))
                .hint("profiles are written by `mlgate profile`; see schemas/profile.schema.json")
                .into());
        }
        let p: Profile = serde_json::from_value(value).map_err(|e| user(format!("{shown}: {e}")))?;
        if p.profile_version != PROFILE_VERSION && p.profile_version != GRID_PROFILE_VERSION {
            return Err(user(format!(
                "{shown} has profile_version {}, this mlgate reads versions {PROFILE_VERSION} and {GRID_PROFILE_VERSION}",
                p.profile_version
            ))
            .hint("re-create the profile with this version of mlgate")
            .into());
        }
        for c in &p.columns {
            let Some((grid, finite)) = c.numeric.as_ref().and_then(|n| n.grid.as_ref().map(|g| (g, n.count))) else {
                continue;
            };
            if !grid.is_consistent() || grid.total() != finite {
                return Err(user(format!(
                    "{shown}: column {} has inconsistent grid counts ({} bins for {} cuts, {} values counted of {finite} finite)",
                    crate::error::quoted(&c.name),
                    grid.counts.len(),
                    grid.cuts.len(),
                    grid.total()
                ))
                .hint("the profile was edited or truncated; re-create it with `mlgate profile`")
                .into());
            }
        }
        Ok(p)
    }
}

/// The JSON Schema of profile files.
pub const PROFILE_SCHEMA: &str = include_str!("../../schemas/profile.schema.json");

#[cfg(test)]
mod tests {
    use super::*;

    fn build(df: &DataFrame) -> Vec<ColumnProfile> {
        df.columns()
            .iter()
            .map(|c| {
                let s = c.as_materialized_series();
                let mut b = ColumnBuilder::new(s.name(), s.dtype());
                b.add(s).unwrap();
                b.finish()
            })
            .collect()
    }

    fn profile(df: &DataFrame) -> Profile {
        Profile {
            profile_version: PROFILE_VERSION,
            tool_version: "test".into(),
            sources: vec![],
            rows: df.height() as u64,
            columns: build(df),
        }
    }

    #[test]
    fn merging_halves_gives_the_counts_of_the_whole() {
        let n = 10_000usize;
        let x: Vec<Option<f64>> = (0..n)
            .map(|i| match i % 101 {
                0 => None,
                1 => Some(f64::NAN),
                2 => Some(f64::INFINITY),
                _ => Some((i as f64 * 0.37).sin() * 50.0 + (i % 13) as f64),
            })
            .collect();
        let c: Vec<Option<&str>> =
            (0..n).map(|i| if i % 17 == 0 { None } else { Some(["a", "b", "c", "d"][i % 4]) }).collect();
        let k: Vec<i64> = (0..n).map(|i| (i % 37) as i64).collect();
        let df = df!("x" => x, "c" => c, "k" => k).unwrap();
        let whole = profile(&df);
        let mut a = profile(&df.slice(0, 3_333));
        let b = profile(&df.slice(3_333, n - 3_333));
        a.merge(&b).unwrap();
        assert_eq!(a.rows, whole.rows);
        for (m, w) in a.columns.iter().zip(&whole.columns) {
            assert_eq!((m.rows, m.nulls), (w.rows, w.nulls), "{}", m.name);
            assert_eq!(m.categorical, w.categorical, "{}", m.name);
            if let (Some(mn), Some(wn)) = (&m.numeric, &w.numeric) {
                assert_eq!((mn.nan, mn.pos_inf, mn.neg_inf, mn.count), (wn.nan, wn.pos_inf, wn.neg_inf, wn.count));
                assert_eq!((mn.min, mn.max), (wn.min, wn.max));
                assert_eq!(mn.hist, wn.hist, "{}: histogram counts must be identical", m.name);
                assert!((mn.mean - wn.mean).abs() < 1e-9 && (mn.std() - wn.std()).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn moments_match_numpy() {
        // np.mean / np.std of [1, 2, 3, 4, 100] -> 22.0, 39.01281840626232
        let df = df!("x" => [1.0f64, 2.0, 3.0, 4.0, 100.0]).unwrap();
        let p = profile(&df);
        let n = p.columns[0].numeric.as_ref().unwrap();
        assert_eq!(n.mean, 22.0);
        assert!((n.std() - 39.01281840626232).abs() < 1e-9);
    }

    #[test]
    fn category_cap_keeps_the_most_frequent() {
        let mut map = HashMap::new();
        map.insert("a".to_string(), 5);
        map.insert("b".to_string(), 3);
        map.insert("c".to_string(), 1);
        let c = CategoricalProfile::from_map(map, 0, false, 2);
        assert_eq!(c.counts, vec![("a".to_string(), 5), ("b".to_string(), 3)]);
        assert_eq!((c.other, c.capped), (1, true));
    }
}
