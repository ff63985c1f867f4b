//! The training–serving skew gate: the features the training pipeline computed (offline)
//! joined row by row to the features the service computed for the same requests (online),
//! each difference counted and its cause named (ML Test Score, Monitor 3).
//!
//! With a key the sides are paired exactly (or on an entity and a time within a window);
//! join coverage and ambiguous keys are checks of their own, since a logging or key bug
//! hides every other finding. Without a key the sides are compared as distributions
//! (`dist.rs`), which is weaker evidence and said so.

pub mod cause;
pub mod cfg;
pub mod codes;
pub mod compare;
pub mod dist;
mod impute;
pub mod join;
mod report;
pub mod settings;

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

use crate::data::time::to_micros;
use crate::results::series::{SkewCoverage, SkewSeries};
use crate::results::{GateKind, GateResult};
pub use settings::Settings;

/// The gate's inputs: the two tables, the online one with `rename` already applied.
pub struct Sides<'a> {
    pub offline: &'a DataFrame,
    pub online: &'a DataFrame,
}

/// The features compared: `columns` when given, else every column both sides have except
/// the key, the time and the excluded ones (offline order). Also the columns one side
/// lacks, for a note.
pub fn features(sides: &Sides<'_>, s: &Settings) -> (Vec<String>, Vec<String>, Vec<String>) {
    let names = |df: &DataFrame| -> Vec<String> { df.get_column_names().iter().map(|n| n.to_string()).collect() };
    let (off, on) = (names(sides.offline), names(sides.online));
    let skip = |c: &String| s.key.contains(c) || s.time.as_ref() == Some(c) || s.exclude.contains(c);
    if let Some(cols) = &s.columns {
        return (cols.clone(), vec![], vec![]);
    }
    let both: Vec<String> = off.iter().filter(|c| on.contains(c) && !skip(c)).cloned().collect();
    let only_off: Vec<String> = off.iter().filter(|c| !on.contains(c) && !skip(c)).cloned().collect();
    let only_on: Vec<String> = on.iter().filter(|c| !off.contains(c) && !skip(c)).cloned().collect();
    (both, only_off, only_on)
}

/// Judges skew between the two sides.
pub fn run(sides: &Sides<'_>, s: &Settings) -> Result<GateResult> {
    let (features, only_off, only_on) = features(sides, s);
    let mut notes = Vec::new();
    for (list, side) in [(&only_off, "offline"), (&only_on, "online")] {
        if !list.is_empty() {
            notes.push(format!(
                "{} only {side} (not compared; rename = {{ online_name = \"offline_name\" }} pairs columns named differently): {}",
                crate::text::plural(list.len() as u64, "column is", "columns are"),
                crate::text::list_some(list, 8)
            ));
        }
    }
    let mut g = if s.key.is_empty() { distribution(sides, s, &features)? } else { joined(sides, s, &features)? };
    g.notes.splice(0..0, notes);
    Ok(g)
}

fn distribution(sides: &Sides<'_>, s: &Settings, features: &[String]) -> Result<GateResult> {
    let outcomes: Vec<report::Outcome> =
        features.par_iter().map(|f| report::distribution_feature(f, sides, s)).collect::<Result<_>>()?;
    let mut g = report::assemble(outcomes, vec![], s, "distribution", None);
    g.notes.push(
        "no key was given, so the sides were compared as distributions: weaker evidence than a join, blind to a \
         pipeline that computes wrong values with the right distribution; give `key` to compare row by row"
            .into(),
    );
    g.method.insert("comparison".into(), "distributions (no key): L∞ of category shares, Jensen–Shannon distance over offline quantile bins; a level applies only when χ² p < 0.05".into());
    Ok(g)
}

fn joined(sides: &Sides<'_>, s: &Settings, features: &[String]) -> Result<GateResult> {
    let (off, on) = (sides.offline, sides.online);
    let codes = join::key_codes(off, on, &s.key, &s.time_options)?;
    let j = match &s.time {
        Some(t) => {
            let mut times = to_micros(off.column(t)?.as_materialized_series(), &s.time_options)?.micros;
            times.extend(to_micros(on.column(t)?.as_materialized_series(), &s.time_options)?.micros);
            join::within(&codes, &times, off.height(), s.within_us)
        }
        None => join::exact(&codes, off.height()),
    };
    let mut key_cols = s.key.clone();
    key_cols.extend(s.time.clone());
    let coverage_checks = report::coverage(&j, sides, &key_cols, s);
    let outcomes: Vec<report::Outcome> = if j.pairs.is_empty() {
        features.iter().map(|f| report::not_joined(f)).collect()
    } else {
        features.par_iter().map(|f| report::joined_feature(f, sides, &j, &key_cols, s)).collect::<Result<_>>()?
    };
    let coverage = SkewCoverage {
        offline_rows: j.offline_rows as u64,
        online_rows: j.online_rows as u64,
        joined: j.pairs.len() as u64,
        unmatched_offline: j.unmatched_offline.len() as u64,
        unmatched_online: j.unmatched_online.len() as u64,
        ambiguous_offline: j.ambiguous_offline.len() as u64,
        ambiguous_online: j.ambiguous_online.len() as u64,
    };
    let mut g = report::assemble(outcomes, coverage_checks, s, "join", Some(coverage));
    let how = match &s.time {
        Some(t) => {
            format!("{} exactly and {t} within {}", s.key.join(", "), crate::text::num(s.within_us as f64 / 1e6)) + " s"
        }
        None => format!("{} exactly", s.key.join(", ")),
    };
    g.method.insert("join".into(), how.into());
    let t = &s.tolerance;
    g.method.insert(
        "equal".into(),
        format!(
            "numbers: |offline − online| ≤ {} + {} × max(|offline|, |online|); text and times exactly; missing on both sides is equal, NaN reads as missing",
            crate::text::num(t.abs),
            crate::text::num(t.rel)
        )
        .into(),
    );
    g.method.insert(
        "cause".into(),
        format!("named when it explains at least {}% of a feature's differing rows", (cause::FIT * 100.0) as u32)
            .into(),
    );
    Ok(g)
}

/// The gate result's kind and series type, for the assembling code in `report.rs`.
fn series(
    mode: &str,
    coverage: Option<SkewCoverage>,
    rows: Vec<crate::results::series::SkewRow>,
    s: &Settings,
) -> SkewSeries {
    SkewSeries { mode: mode.into(), coverage, features: rows, max_mismatch: s.tolerance.max_mismatch }
}

const KIND: GateKind = GateKind::Skew;
