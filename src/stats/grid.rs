//! Counts over fixed cut points: the numeric summary a SQL engine can compute.
//!
//! A [`Grid`] holds a reference's quantiles at `j/levels` and the cuts made from them
//! (`[min] ∪ {quantiles above min} ∪ [next_up(max)]`, bins left-closed), or, for a reference
//! with at most [`POINT_VALUES`] distinct values, the values themselves (a bin per value and
//! a bin per gap, as the exact drift bins). A current sample is counted over the
//! *reference's* cuts, so both sides' counts are exact and PSI over those bins is the
//! statistic mlgate computes from the data itself. The cuts are literals in the SQL an
//! engine runs (`profile::sql`), or applied value by value here.

use serde::{Deserialize, Serialize};

use super::exact::Exact;

/// A reference with at most this many distinct finite values is binned by value.
pub const POINT_VALUES: usize = 20;
/// Quantile levels of a grid unless asked otherwise: percentiles.
pub const DEFAULT_LEVELS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GridKind {
    /// Cuts at the reference's quantiles; bins `(−∞, c0), [c0, c1), …, [c_last, ∞)`.
    Quantiles,
    /// Cuts at each reference value; bins `< v0, = v0, (v0, v1), = v1, …, > v_last`.
    Points,
}

/// How the reference's quantiles were computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Percentile {
    /// The function, e.g. `percentile_cont` (PostgreSQL), `approx_percentile` (Trino), `mlgate`.
    pub function: String,
    pub exact: bool,
    /// For an approximate function: the documented bound on its rank error, as a share of rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank_error: Option<f64>,
}

impl Percentile {
    pub fn mlgate() -> Percentile {
        Percentile { function: "mlgate (linear interpolation, as numpy)".into(), exact: true, rank_error: None }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    pub kind: GridKind,
    /// The reference's quantiles at `j / (len + 1)`, `j = 1 … len`, as computed (`quantiles` kind).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quantiles: Vec<f64>,
    /// Ascending cut points: bin edges, or the reference's values (`points`).
    pub cuts: Vec<f64>,
    /// Finite values per bin of this side.
    pub counts: Vec<u64>,
    pub percentile: Percentile,
}

/// The cuts of a quantile grid: the minimum, every quantile above it, and the value just
/// above the maximum (so the last inner bin holds the maximum), ascending and distinct.
pub fn quantile_cuts(min: f64, max: f64, quantiles: &[f64]) -> Vec<f64> {
    let mut qs: Vec<f64> = quantiles.iter().copied().filter(|q| *q > min && *q <= max).collect();
    qs.sort_by(f64::total_cmp);
    let mut cuts = vec![min];
    cuts.extend(qs);
    cuts.push(max.next_up());
    cuts.dedup();
    cuts
}

impl Grid {
    /// An empty grid over `cuts`.
    pub fn new(kind: GridKind, quantiles: Vec<f64>, cuts: Vec<f64>, percentile: Percentile) -> Grid {
        let bins = bins_for(kind, cuts.len());
        Grid { kind, quantiles, cuts, counts: vec![0; bins], percentile }
    }

    /// The same cuts with no counts: how another sample is counted against this one.
    pub fn emptied(&self) -> Grid {
        Grid { counts: vec![0; self.counts.len()], ..self.clone() }
    }

    /// Whether `counts` has the length the kind and cuts call for, cuts ascend and are finite.
    pub fn is_consistent(&self) -> bool {
        self.counts.len() == bins_for(self.kind, self.cuts.len())
            && self.cuts.iter().all(|c| c.is_finite())
            && self.cuts.windows(2).all(|w| w[0] < w[1])
            && self.quantiles.iter().all(|q| q.is_finite())
    }

    /// The bin a finite value falls in.
    #[inline]
    pub fn bin_of(&self, x: f64) -> usize {
        match self.kind {
            GridKind::Quantiles => self.cuts.partition_point(|c| *c <= x),
            GridKind::Points => {
                let p = self.cuts.partition_point(|c| *c < x);
                if p < self.cuts.len() && self.cuts[p] == x { 2 * p + 1 } else { 2 * p }
            }
        }
    }

    /// Counts finite values.
    pub fn add_slice(&mut self, values: &[f64]) {
        for &x in values {
            let b = self.bin_of(x);
            self.counts[b] += 1;
        }
    }

    /// Counts sorted finite values.
    pub fn count_exact(&mut self, v: Exact) {
        let mut cum: Vec<usize> = Vec::with_capacity(self.counts.len() + 1);
        cum.push(0);
        match self.kind {
            GridKind::Quantiles => cum.extend(v.count_before(&self.cuts, false)),
            GridKind::Points => {
                let below = v.count_before(&self.cuts, false);
                let upto = v.count_before(&self.cuts, true);
                for (b, u) in below.into_iter().zip(upto) {
                    cum.push(b);
                    cum.push(u);
                }
            }
        }
        cum.push(v.len());
        for (i, w) in cum.windows(2).enumerate() {
            self.counts[i] += (w[1] - w[0]) as u64;
        }
    }

    /// A reference's grid from its sorted finite values: by value when it has at most
    /// [`POINT_VALUES`] of them, else at its quantiles `j / levels` (linear interpolation).
    pub fn from_exact(v: Exact, levels: usize) -> Option<Grid> {
        if v.is_empty() {
            return None;
        }
        let mut g = if v.distinct_up_to(POINT_VALUES + 1) <= POINT_VALUES {
            Grid::new(GridKind::Points, vec![], v.distinct(), Percentile::mlgate())
        } else {
            let qs: Vec<f64> = (1..levels).map(|j| j as f64 / levels as f64).collect();
            let quantiles = v.quantiles(&qs);
            let cuts = quantile_cuts(v.first(), v.last(), &quantiles);
            Grid::new(GridKind::Quantiles, quantiles, cuts, Percentile::mlgate())
        };
        g.count_exact(v);
        Some(g)
    }

    /// Adds another sample's counts over the same cuts.
    pub fn merge(&mut self, o: &Grid) -> Result<(), String> {
        if !self.same_cuts(o) {
            return Err("the profiles were counted over different cuts".into());
        }
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        Ok(())
    }

    pub fn same_cuts(&self, o: &Grid) -> bool {
        self.kind == o.kind && self.cuts == o.cuts && self.quantiles == o.quantiles
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The `[low, high]` span of each bin, the outer bins closed by the given extremes.
    pub fn spans(&self, min: f64, max: f64) -> Vec<(f64, f64)> {
        let c = &self.cuts;
        match self.kind {
            GridKind::Quantiles => (0..self.counts.len())
                .map(|i| {
                    let lo = if i == 0 { min.min(c[0]) } else { c[i - 1] };
                    let hi = if i == c.len() { max.max(c[i - 1]) } else { c[i] };
                    (lo, hi)
                })
                .collect(),
            GridKind::Points => (0..self.counts.len())
                .map(|i| {
                    let p = i / 2;
                    if i % 2 == 1 {
                        (c[p], c[p])
                    } else if i == 0 {
                        (min.min(c[0]), c[0])
                    } else if p == c.len() {
                        (c[p - 1], max.max(c[p - 1]))
                    } else {
                        (c[p - 1], c[p])
                    }
                })
                .collect(),
        }
    }

    /// The quantile at `q`, spreading each bin's values uniformly over its span.
    pub fn quantile(&self, q: f64, min: f64, max: f64) -> f64 {
        let n = self.total();
        if n == 0 {
            return f64::NAN;
        }
        let target = q.clamp(0.0, 1.0) * n as f64;
        let mut acc = 0.0;
        for ((lo, hi), &c) in self.spans(min, max).into_iter().zip(&self.counts) {
            if c > 0 && acc + c as f64 >= target {
                let t = ((target - acc) / c as f64).clamp(0.0, 1.0);
                return lo + (hi - lo) * t;
            }
            acc += c as f64;
        }
        max
    }
}

fn bins_for(kind: GridKind, cuts: usize) -> usize {
    match kind {
        GridKind::Quantiles => cuts + 1,
        GridKind::Points => 2 * cuts + 1,
    }
}

/// Two sides counted over the same cuts.
pub struct Paired<'a> {
    pub a: &'a Grid,
    pub b: &'a Grid,
    /// The smallest and largest finite value of both sides together.
    pub min: f64,
    pub max: f64,
}

impl Paired<'_> {
    /// KS statistic bounds: the exact ECDF difference at the cuts (a lower bound on D) and
    /// the largest difference possible inside a bin (an upper bound).
    pub fn ks_bounds(&self) -> (f64, f64) {
        let (na, nb) = (self.a.total() as f64, self.b.total() as f64);
        let (mut ca, mut cb) = (0u64, 0u64);
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for (i, (x, y)) in self.a.counts.iter().zip(&self.b.counts).enumerate() {
            let (fa0, fb0) = (ca as f64 / na, cb as f64 / nb);
            ca += x;
            cb += y;
            let (fa1, fb1) = (ca as f64 / na, cb as f64 / nb);
            lo = lo.max((fa1 - fb1).abs());
            // A point bin holds one value: both ECDFs jump there together, nothing in between.
            let inside = if self.a.kind == GridKind::Points && i % 2 == 1 {
                0.0
            } else {
                (fa1 - fb0).abs().max((fb1 - fa0).abs())
            };
            hi = hi.max(inside).max((fa1 - fb1).abs());
        }
        (lo, hi)
    }

    /// W1 with each bin's mass spread uniformly over its span.
    pub fn wasserstein(&self) -> f64 {
        let (na, nb) = (self.a.total() as f64, self.b.total() as f64);
        let (mut fa, mut fb) = (0.0f64, 0.0f64);
        let mut total = 0.0;
        for ((lo, hi), (x, y)) in
            self.a.spans(self.min, self.max).into_iter().zip(self.a.counts.iter().zip(&self.b.counts))
        {
            let (ga, gb) = (fa + *x as f64 / na, fb + *y as f64 / nb);
            let (d0, d1) = (fa - fb, ga - gb);
            let area = if d0 * d1 >= 0.0 {
                (d0.abs() + d1.abs()) / 2.0
            } else {
                (d0 * d0 + d1 * d1) / (2.0 * (d0.abs() + d1.abs()))
            };
            total += area * (hi - lo);
            fa = ga;
            fb = gb;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_land_in_left_closed_bins_and_point_bins() {
        let g = Grid::new(GridKind::Quantiles, vec![], vec![1.0, 2.0, 3.0], Percentile::mlgate());
        let bins: Vec<usize> = [0.5, 1.0, 1.5, 2.0, 2.999, 3.0, 9.0].iter().map(|&x| g.bin_of(x)).collect();
        assert_eq!(bins, [0, 1, 1, 2, 2, 3, 3]);
        let p = Grid::new(GridKind::Points, vec![], vec![0.0, 1.0], Percentile::mlgate());
        let bins: Vec<usize> = [-1.0, 0.0, 0.5, 1.0, 2.0].iter().map(|&x| p.bin_of(x)).collect();
        assert_eq!(bins, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn counting_value_by_value_equals_counting_sorted_values() {
        let v: Vec<f64> = (0..1000).map(|i| ((i * 37) % 101) as f64 / 7.0).collect();
        let mut sorted = v.clone();
        sorted.sort_by(f64::total_cmp);
        let g = Grid::from_exact(Exact::Slice(&sorted), 10).unwrap();
        assert_eq!(g.kind, GridKind::Quantiles);
        let mut h = g.emptied();
        h.add_slice(&v);
        assert_eq!(g.counts, h.counts);
        assert_eq!(g.total(), 1000);
        // The first cut is the minimum and the last one just above the maximum.
        assert_eq!((g.cuts[0], *g.cuts.last().unwrap()), (0.0, (100.0f64 / 7.0).next_up()));
        let few = [1.0, 1.0, 2.0, 5.0];
        let p = Grid::from_exact(Exact::Slice(&few), 10).unwrap();
        assert_eq!(
            (p.kind, p.cuts.clone(), p.counts.clone()),
            (GridKind::Points, vec![1.0, 2.0, 5.0], vec![0, 2, 0, 1, 0, 1, 0])
        );
    }

    #[test]
    fn ks_bounds_contain_the_exact_statistic() {
        let a: Vec<f64> = (0..500).map(|i| i as f64).collect();
        let b: Vec<f64> = (0..500).map(|i| i as f64 + 60.0).collect();
        let ga = Grid::from_exact(Exact::Slice(&a), 20).unwrap();
        let mut gb = ga.emptied();
        gb.add_slice(&b);
        let (lo, hi) = Paired { a: &ga, b: &gb, min: 0.0, max: 559.0 }.ks_bounds();
        let exact = 60.0 / 500.0;
        assert!(lo <= exact + 1e-12 && exact <= hi + 1e-12, "{lo} ≤ {exact} ≤ {hi}");
        let w = Paired { a: &ga, b: &gb, min: 0.0, max: 559.0 }.wasserstein();
        assert!((w - 60.0).abs() < 3.0, "W1 {w} ≈ 60");
    }
}
