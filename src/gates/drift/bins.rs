//! The bins a numeric column's PSI and Jensen–Shannon distance are computed over.
//!
//! Every value of the current sample must land in a bin that means something for it, so a
//! value the reference never had cannot hide among values it had:
//! - a reference with at most 20 distinct values gets one bin per value, one for each gap
//!   between two values, one below its minimum and one above its maximum (a flag that was
//!   always 0 in training and now fires lands in "> 0", not in the bin of 0);
//! - otherwise bins are cut at the reference's i/`bins` quantiles, with two more bins for
//!   values below the reference's minimum and above its maximum.
//!
//! Bins empty on both sides are dropped (they add nothing to PSI). With a profile, edges sit
//! on histogram bucket boundaries so both sides' counts stay exact. Evidently's binning
//! (Sturges bins over both sides combined) is reproduced as Evidently computes it.

use super::column::NumericData;
use super::settings::CompareSettings;
use crate::stats::psi;
use crate::text;

/// Labels and counts of the bins, on both sides.
pub struct Binned {
    pub labels: Vec<String>,
    pub reference: Vec<u64>,
    pub current: Vec<u64>,
    /// Bins beyond the reference's minimum or maximum.
    pub outer: Vec<bool>,
}

impl Binned {
    /// Bins whose first and last are beyond the reference's range.
    fn with_outer_ends(labels: Vec<String>, reference: Vec<u64>, current: Vec<u64>) -> Binned {
        let n = reference.len();
        let outer = (0..n).map(|i| i == 0 || i + 1 == n).collect();
        Binned { labels, reference, current, outer }
    }

    /// Bins that all lie within the reference's range (Evidently's).
    fn inner(labels: Vec<String>, reference: Vec<u64>, current: Vec<u64>) -> Binned {
        let outer = vec![false; reference.len()];
        Binned { labels, reference, current, outer }
    }
}

/// Bins from sorted exact data.
pub fn exact(ra: &[f64], cb: &[f64], a: &NumericData, b: &NumericData, s: &CompareSettings) -> Binned {
    let distinct_ref = count_distinct_up_to(ra, 21);
    if s.evidently {
        return evidently(ra, cb, a, b, distinct_ref);
    }
    let binned = if distinct_ref <= 20 {
        let mut values = ra.to_vec();
        values.dedup();
        point_bins(&values, ra, cb)
    } else {
        let (min, max) = (ra[0], ra[ra.len() - 1]);
        let mut edges = vec![min];
        edges.extend(psi::quantile_edges(ra, s.bins).into_iter().filter(|e| *e > min));
        edges.push(max.next_up());
        edges.dedup();
        let mut labels = edge_labels(&edges);
        let n = labels.len();
        // The last two bins read as what they are: up to the maximum, and above it.
        labels[n - 2] = format!("[{}, {}]", text::num(edges[edges.len() - 2]), text::num(max));
        labels[n - 1] = format!("> {}", text::num(max));
        Binned::with_outer_ends(labels, psi::count_left_closed(ra, &edges), psi::count_left_closed(cb, &edges))
    };
    drop_empty(binned)
}

/// Evidently's bins: equal-width Sturges bins over both sides when the reference has more
/// than 20 distinct values, else one bin per value seen on either side.
fn evidently(ra: &[f64], cb: &[f64], a: &NumericData, b: &NumericData, distinct_ref: usize) -> Binned {
    if distinct_ref > 20 {
        let lo = ra[0].min(cb[0]);
        let hi = ra[ra.len() - 1].max(cb[cb.len() - 1]);
        // pandas keeps an integer dtype only when the column had no missing values.
        let integer = a.integer && b.integer && a.nulls + b.nulls == 0;
        let edges = psi::sturges_edges(lo, hi, ra.len() + cb.len(), integer);
        let mut labels: Vec<String> =
            edges.windows(2).map(|w| format!("[{}, {})", text::num(w[0]), text::num(w[1]))).collect();
        if let Some(l) = labels.last_mut() {
            *l = l.replace(')', "]");
        }
        return Binned::inner(labels, psi::numpy_hist_counts(ra, &edges), psi::numpy_hist_counts(cb, &edges));
    }
    let mut values: Vec<f64> = ra.iter().chain(cb.iter()).copied().collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    let count = |v: &[f64], x: f64| (v.partition_point(|y| *y <= x) - v.partition_point(|y| *y < x)) as u64;
    Binned::inner(
        values.iter().map(|v| text::num(*v)).collect(),
        values.iter().map(|&x| count(ra, x)).collect(),
        values.iter().map(|&x| count(cb, x)).collect(),
    )
}

/// One bin per reference value, one per gap between two values, one below the smallest and
/// one above the largest.
fn point_bins(values: &[f64], ra: &[f64], cb: &[f64]) -> Binned {
    let counts = |s: &[f64]| -> Vec<u64> {
        let below = |v: f64| s.partition_point(|x| *x < v);
        let upto = |v: f64| s.partition_point(|x| *x <= v);
        let mut out = vec![below(values[0]) as u64];
        for (i, &v) in values.iter().enumerate() {
            out.push((upto(v) - below(v)) as u64);
            let next = values.get(i + 1).map(|&n| below(n)).unwrap_or(s.len());
            out.push((next - upto(v)) as u64);
        }
        out
    };
    let last = values.len() - 1;
    let mut labels = vec![format!("< {}", text::num(values[0]))];
    for (i, &v) in values.iter().enumerate() {
        labels.push(text::num(v));
        labels.push(match values.get(i + 1) {
            Some(&n) => format!("({}, {})", text::num(v), text::num(n)),
            None => format!("> {}", text::num(values[last])),
        });
    }
    Binned::with_outer_ends(labels, counts(ra), counts(cb))
}

/// Bins from histograms: edges on bucket boundaries so both sides' counts are exact.
pub fn binned(a: &NumericData, b: &NumericData, s: &CompareSettings) -> Binned {
    let mut ha = a.hist();
    let mut hb = b.hist();
    let level = ha.level().max(hb.level());
    ha.coarsen_to(level);
    hb.coarsen_to(level);
    let sorted = ha.sorted();
    let (Some(first), Some(last)) = (sorted.first(), sorted.last()) else {
        return Binned::inner(vec![], vec![], vec![]);
    };
    let (edges, labels) = if level == 0 && sorted.len() <= 20 {
        // A bucket per reference value at the finest level: point bins and the gaps.
        let mut edges = Vec::new();
        let mut labels = vec![format!("< {}", text::num(ha.lower(first.0)))];
        for (i, (k, _)) in sorted.iter().enumerate() {
            edges.push(ha.lower(*k));
            edges.push(ha.upper(*k));
            labels.push(text::num(ha.lower(*k)));
            labels.push(match sorted.get(i + 1) {
                Some((n, _)) => format!("({}, {})", text::num(ha.lower(*k)), text::num(ha.lower(*n))),
                None => format!("> {}", text::num(ha.lower(*k))),
            });
        }
        // Adjacent buckets share a boundary: the gap between them is empty, drop its edge.
        let mut out_edges = Vec::new();
        let mut out_labels = vec![labels[0].clone()];
        for (i, e) in edges.iter().enumerate() {
            if out_edges.last() == Some(e) {
                out_labels.pop();
            } else {
                out_edges.push(*e);
            }
            out_labels.push(labels[i + 1].clone());
        }
        (out_edges, out_labels)
    } else {
        let mut edges = quantile_bucket_edges(&ha, &sorted, s.bins);
        edges.insert(0, ha.lower(first.0));
        edges.push(ha.upper(last.0));
        edges.sort_by(f64::total_cmp);
        edges.dedup();
        let labels = edge_labels(&edges);
        (edges, labels)
    };
    drop_empty(Binned::with_outer_ends(labels, ha.count_left_closed(&edges), hb.count_left_closed(&edges)))
}

/// Interior edges: the bucket boundaries whose cumulative counts are closest to the
/// reference's i/`bins` ranks.
fn quantile_bucket_edges(ha: &crate::stats::hist::FloatHist, sorted: &[(u32, u64)], bins: usize) -> Vec<f64> {
    let n: u64 = sorted.iter().map(|(_, c)| c).sum();
    let mut cum = Vec::with_capacity(sorted.len());
    let mut acc = 0u64;
    for (_, c) in sorted {
        acc += c;
        cum.push(acc);
    }
    let mut edges = Vec::new();
    for i in 1..bins {
        let target = n as f64 * i as f64 / bins as f64;
        let j = cum.partition_point(|&c| (c as f64) < target);
        let cand = [j.saturating_sub(1), j.min(cum.len() - 1)];
        let best = cand
            .iter()
            .min_by(|x, y| ((cum[**x] as f64) - target).abs().total_cmp(&((cum[**y] as f64) - target).abs()))
            .copied()
            .unwrap_or(0);
        if best + 1 < sorted.len() {
            edges.push(ha.upper(sorted[best].0));
        }
    }
    edges
}

/// Bins empty on both sides add nothing; keeping them would only lengthen the report.
fn drop_empty(b: Binned) -> Binned {
    let keep: Vec<usize> = (0..b.reference.len()).filter(|&i| b.reference[i] + b.current[i] > 0).collect();
    Binned {
        labels: keep.iter().map(|&i| b.labels[i].clone()).collect(),
        reference: keep.iter().map(|&i| b.reference[i]).collect(),
        current: keep.iter().map(|&i| b.current[i]).collect(),
        outer: keep.iter().map(|&i| b.outer[i]).collect(),
    }
}

fn count_distinct_up_to(sorted: &[f64], cap: usize) -> usize {
    let mut n = 0;
    let mut prev: Option<f64> = None;
    for &v in sorted {
        if prev != Some(v) {
            n += 1;
            if n >= cap {
                return n;
            }
            prev = Some(v);
        }
    }
    n
}

/// `< e0`, `[e0, e1)`, …, `≥ e_last`.
fn edge_labels(edges: &[f64]) -> Vec<String> {
    if edges.is_empty() {
        return vec!["all".into()];
    }
    let mut out = Vec::with_capacity(edges.len() + 1);
    out.push(format!("< {}", text::num(edges[0])));
    for w in edges.windows(2) {
        out.push(format!("[{}, {})", text::num(w[0]), text::num(w[1])));
    }
    out.push(format!("≥ {}", text::num(edges[edges.len() - 1])));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_the_reference_never_had_get_their_own_bins() {
        let b = point_bins(&[0.0], &[0.0; 10], &[0.0, 1.0, 2.0, 3.0]);
        assert_eq!(b.labels, ["< 0", "0", "> 0"]);
        assert_eq!((b.reference, b.current), (vec![0, 10, 0], vec![0, 1, 3]));
        let b = point_bins(&[1.0, 3.0], &[1.0, 1.0, 3.0], &[0.0, 2.0, 3.0, 4.0]);
        assert_eq!(b.labels, ["< 1", "1", "(1, 3)", "3", "> 3"]);
        assert_eq!((b.reference, b.current), (vec![0, 2, 0, 1, 0], vec![1, 0, 1, 1, 1]));
    }

    #[test]
    fn empty_bins_are_dropped() {
        let b =
            drop_empty(Binned::with_outer_ends(vec!["a".into(), "b".into(), "c".into()], vec![0, 2, 0], vec![0, 1, 1]));
        assert_eq!((b.labels, b.outer), (vec!["b".to_string(), "c".to_string()], vec![false, true]));
    }
}
