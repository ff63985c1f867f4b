//! Column data as the drift gate sees it: exact sorted values and exact category counts
//! when the data was read in memory, or a profile's histogram when it came from a saved
//! profile or a streaming pass.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;
use polars::prelude::*;

use crate::profile::{ColumnKind, ColumnProfile, NumericProfile};
use crate::stats::exact::{Exact, SortedStream};
use crate::stats::grid::Grid;
use crate::stats::hist::FloatHist;

#[derive(Debug, Clone)]
pub enum ColumnData {
    Numeric(NumericData),
    Categorical(CatData),
    /// Dates, timestamps, nested types: not compared.
    Other {
        rows: u64,
        nulls: u64,
        dtype: String,
    },
}

#[derive(Debug, Clone)]
pub struct NumericData {
    pub rows: u64,
    pub nulls: u64,
    pub nan: u64,
    pub pos_inf: u64,
    pub neg_inf: u64,
    /// Stored as an integer type (matters for numpy-compatible Sturges bins).
    pub integer: bool,
    pub dtype: String,
    pub values: NumValues,
}

#[derive(Debug, Clone)]
pub enum NumValues {
    /// Every finite value, sorted.
    Sorted(Vec<f64>),
    /// Every finite value, sorted, kept by the loader outside memory; with the profile of
    /// the same values taken while reading them.
    Stream(Arc<dyn SortedStream>, Box<NumericProfile>),
    /// A profile: moments and a histogram of the finite values.
    Profile(Box<NumericProfile>),
}

#[derive(Debug, Clone)]
pub struct CatData {
    pub rows: u64,
    pub nulls: u64,
    pub dtype: String,
    pub counts: HashMap<String, u64>,
    /// Values not tracked individually (cap reached).
    pub other: u64,
    pub capped: bool,
}

impl ColumnData {
    pub fn rows(&self) -> u64 {
        match self {
            ColumnData::Numeric(n) => n.rows,
            ColumnData::Categorical(c) => c.rows,
            ColumnData::Other { rows, .. } => *rows,
        }
    }

    /// Nulls plus NaN: what a reader would call missing.
    pub fn missing(&self) -> u64 {
        match self {
            ColumnData::Numeric(n) => n.nulls + n.nan,
            ColumnData::Categorical(c) => c.nulls,
            ColumnData::Other { nulls, .. } => *nulls,
        }
    }

    pub fn kind_label(&self) -> String {
        match self {
            ColumnData::Numeric(n) => format!("numeric ({})", n.dtype),
            ColumnData::Categorical(c) => format!("categorical ({})", c.dtype),
            ColumnData::Other { dtype, .. } => dtype.to_string(),
        }
    }

    /// Exact data from an in-memory column.
    pub fn from_series(s: &Series) -> Result<ColumnData> {
        let rows = s.len() as u64;
        let nulls = s.null_count() as u64;
        let dtype = s.dtype().to_string();
        match crate::profile::column_kind(s.dtype()) {
            ColumnKind::Numeric => {
                let integer = crate::data::types::Kind::of(s.dtype()) == crate::data::types::Kind::Integer;
                let f = s.cast(&DataType::Float64)?;
                let f = f.f64()?;
                let mut finite = Vec::with_capacity(f.len() - f.null_count());
                let (mut nan, mut pinf, mut ninf) = (0u64, 0u64, 0u64);
                for arr in f.downcast_iter() {
                    let vals = arr.values().as_slice();
                    let mut push = |v: f64| {
                        if v.is_finite() {
                            finite.push(v);
                        } else if v.is_nan() {
                            nan += 1;
                        } else if v > 0.0 {
                            pinf += 1;
                        } else {
                            ninf += 1;
                        }
                    };
                    match arr.validity() {
                        None => vals.iter().for_each(|&v| push(v)),
                        Some(valid) => vals.iter().zip(valid.iter()).filter(|(_, ok)| *ok).for_each(|(&v, _)| push(v)),
                    }
                }
                crate::stats::sort::sort_floats(&mut finite);
                Ok(ColumnData::Numeric(NumericData {
                    rows,
                    nulls,
                    nan,
                    pos_inf: pinf,
                    neg_inf: ninf,
                    integer,
                    dtype,
                    values: NumValues::Sorted(finite),
                }))
            }
            ColumnKind::Categorical => {
                if crate::data::types::looks_like_timestamps(s) {
                    return Ok(ColumnData::Other { rows, nulls, dtype: format!("timestamps stored as {dtype}") });
                }
                let t = s.cast(&DataType::String)?;
                let key = PlSmallStr::from("v");
                let df = DataFrame::new_infer_height(vec![t.with_name(key.clone()).into_column()])?;
                let grouped = df.lazy().group_by([col("v")]).agg([len().alias("n")]).collect()?;
                let mut counts = HashMap::with_capacity(grouped.height());
                let keys = grouped.column("v")?.str()?.clone();
                let ns = grouped.column("n")?.u32()?.clone();
                for (k, n) in keys.iter().zip(ns.iter()) {
                    if let (Some(k), Some(n)) = (k, n) {
                        counts.insert(k.to_string(), n as u64);
                    }
                }
                let capped = counts.len() > crate::profile::STREAM_CATEGORY_CAP;
                let mut other = 0;
                if capped {
                    // Same cap as a streaming profile, so both paths judge alike.
                    let mut v: Vec<(String, u64)> = counts.into_iter().collect();
                    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                    other = v[crate::profile::STREAM_CATEGORY_CAP..].iter().map(|c| c.1).sum();
                    v.truncate(crate::profile::STREAM_CATEGORY_CAP);
                    counts = v.into_iter().collect();
                }
                Ok(ColumnData::Categorical(CatData { rows, nulls, dtype, counts, other, capped }))
            }
            ColumnKind::Other => Ok(ColumnData::Other { rows, nulls, dtype }),
        }
    }

    /// Data from a saved or streamed profile.
    pub fn from_profile(p: &ColumnProfile) -> ColumnData {
        match (p.kind, &p.numeric, &p.categorical) {
            (ColumnKind::Numeric, Some(n), _) => ColumnData::Numeric(NumericData {
                rows: p.rows,
                nulls: p.nulls,
                nan: n.nan,
                pos_inf: n.pos_inf,
                neg_inf: n.neg_inf,
                integer: n.integer,
                dtype: p.dtype.clone(),
                values: NumValues::Profile(Box::new(n.clone())),
            }),
            (ColumnKind::Categorical, _, Some(c)) => ColumnData::Categorical(CatData {
                rows: p.rows,
                nulls: p.nulls,
                dtype: p.dtype.clone(),
                counts: c.counts.iter().cloned().collect(),
                other: c.other,
                capped: c.capped,
            }),
            _ => ColumnData::Other { rows: p.rows, nulls: p.nulls, dtype: p.dtype.clone() },
        }
    }
}

impl NumericData {
    /// The exact sorted values, when the data was read (not profiled).
    pub fn exact(&self) -> Option<Exact<'_>> {
        match &self.values {
            NumValues::Sorted(v) => Some(Exact::Slice(v)),
            NumValues::Stream(s, _) => Some(Exact::Stream(s.as_ref())),
            NumValues::Profile(_) => None,
        }
    }

    pub fn finite(&self) -> u64 {
        match &self.values {
            NumValues::Profile(p) => p.count,
            _ => self.exact().map_or(0, |e| e.len() as u64),
        }
    }

    /// Population mean and standard deviation of the finite values.
    pub fn mean_std(&self) -> (f64, f64) {
        match (&self.values, self.exact()) {
            (_, Some(e)) => e.mean_std(),
            (NumValues::Profile(p), None) => (p.mean, p.std()),
            _ => (f64::NAN, f64::NAN),
        }
    }

    pub fn min_max(&self) -> Option<(f64, f64)> {
        match (&self.values, self.exact()) {
            (_, Some(e)) => (!e.is_empty()).then(|| (e.first(), e.last())),
            (NumValues::Profile(p), None) => Some((p.min?, p.max?)),
            _ => None,
        }
    }

    /// Counts over a reference's cuts, when the data came from such a profile.
    pub fn grid(&self) -> Option<&Grid> {
        match &self.values {
            NumValues::Profile(p) => p.grid.as_ref(),
            _ => None,
        }
    }

    pub fn hist(&self) -> FloatHist {
        match &self.values {
            NumValues::Sorted(v) => FloatHist::from_sorted(v),
            NumValues::Stream(_, p) | NumValues::Profile(p) => p.hist.clone(),
        }
    }

    /// Quantiles at ascending `qs` (one pass over values kept on disk).
    pub fn quantiles(&self, qs: &[f64]) -> Vec<f64> {
        match (&self.values, self.exact()) {
            (_, Some(e)) => e.quantiles(qs),
            (NumValues::Profile(p), None) => match (&p.grid, p.min, p.max) {
                (Some(g), Some(lo), Some(hi)) if p.hist.is_empty() => {
                    qs.iter().map(|&q| g.quantile(q, lo, hi)).collect()
                }
                _ => qs.iter().map(|&q| p.hist.quantile(q)).collect(),
            },
            _ => vec![f64::NAN; qs.len()],
        }
    }
}
