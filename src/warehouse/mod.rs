//! Profiles computed where the data lives.
//!
//! A warehouse or lakehouse computes mlgate's profile of a query's columns in two scans and
//! sends back a few thousand aggregate rows; the judging stays in mlgate. Pass 1 (reference
//! only) asks the engine for each numeric column's quantiles; pass 2 counts values over the
//! cuts made from them — the reference's own cuts for both the reference and every current
//! sample, written into the SQL as literals — with category counts, nulls, NaN and
//! infinities, and moments. mlgate prints the SQL for any of six dialects ([`Dialect`]) and
//! reads the engine's saved answers, or runs both passes itself over a PostgreSQL
//! connection ([`postgres`]).

pub mod dialect;
pub mod postgres;
pub mod query;
pub mod result;

use anyhow::Result;

pub use dialect::{Dialect, Quantiles};
pub use query::{Column, Cuts};
use result::Row;

use crate::profile::{GRID_PROFILE_VERSION, Profile, ProfileSource};
use crate::stats::grid::Percentile;

/// One profile to compute in an engine.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub dialect: Dialect,
    pub query: String,
    pub columns: Vec<Column>,
    /// Quantile levels of the reference's grid.
    pub levels: usize,
    pub quantiles: Quantiles,
    /// The reference whose cuts a current sample is counted over (no pass 1 then).
    pub reference: Option<&'a Profile>,
}

impl Job<'_> {
    pub fn percentile(&self) -> Percentile {
        match self.reference.and_then(first_grid) {
            Some(p) => p,
            None => self.dialect.percentile(self.quantiles),
        }
    }

    /// Whether pass 1 is needed: a reference with numeric columns.
    pub fn needs_pass1(&self) -> bool {
        self.reference.is_none() && self.columns.iter().any(|c| c.kind == crate::profile::ColumnKind::Numeric)
    }

    pub fn pass1_sql(&self) -> String {
        query::pass1(self.dialect, &self.query, &self.columns, self.levels, self.quantiles)
    }

    /// The cuts pass 2 counts over: from the reference profile, or from pass 1's answer.
    pub fn cuts(&self, pass1: Option<&[Row]>, shown: &str) -> Result<Vec<Cuts>> {
        match (self.reference, pass1) {
            (Some(r), _) => Ok(result::cuts_from_reference(r, &self.columns)),
            (None, Some(rows)) => result::cuts_from_pass1(rows, &self.columns, self.levels, &self.percentile(), shown),
            (None, None) if !self.needs_pass1() => Ok(vec![Cuts::Count; self.columns.len()]),
            (None, None) => Err(crate::error::user("pass 2 needs the reference's edges")
                .hint("pass pass 1's result with --from-result, or the reference profile with --edges-from")
                .into()),
        }
    }

    pub fn pass2_sql(&self, cuts: &[Cuts]) -> String {
        query::pass2(self.dialect, &self.query, &self.columns, cuts)
    }

    /// The profile from pass 2's answer.
    pub fn profile(&self, cuts: &[Cuts], pass2: &[Row], shown: &str) -> Result<Profile> {
        let (rows, columns) = result::columns_from_pass2(pass2, &self.columns, cuts, &self.percentile(), shown)?;
        Ok(Profile {
            profile_version: GRID_PROFILE_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            sources: vec![ProfileSource {
                path: format!("sql ({})", self.dialect.name()),
                format: "sql".into(),
                sha256: crate::provenance::sha256_hex(self.query.trim().as_bytes()),
                rows,
            }],
            rows,
            columns,
        })
    }
}

/// The percentile function the reference's grids were made with.
fn first_grid(p: &Profile) -> Option<Percentile> {
    p.columns.iter().find_map(|c| c.numeric.as_ref()?.grid.as_ref().map(|g| g.percentile.clone()))
}

/// Columns declared on the command line (`--numeric`, `--categorical`, `--other`), in that order.
pub fn declared(numeric: &[String], categorical: &[String], other: &[String]) -> Vec<Column> {
    use crate::profile::ColumnKind;
    let mut out = Vec::new();
    for (names, kind, dtype) in [
        (numeric, ColumnKind::Numeric, "numeric (declared)"),
        (categorical, ColumnKind::Categorical, "text (declared)"),
        (other, ColumnKind::Other, "other (declared)"),
    ] {
        out.extend(names.iter().map(|n| Column { name: n.clone(), kind, dtype: dtype.into(), integer: false }));
    }
    out
}
