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
use crate::stats::exact::Exact;
use crate::stats::grid::{Grid, GridKind};
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
pub fn exact(ra: Exact, cb: Exact, a: &NumericData, b: &NumericData, s: &CompareSettings) -> Binned {
    let distinct_ref = ra.distinct_up_to(21);
    if s.evidently {
        return evidently(ra, cb, a, b, distinct_ref);
    }
    let binned = if distinct_ref <= 20 {
        point_bins(&ra.distinct(), ra, cb)
    } else {
        let (min, max) = (ra.first(), ra.last());
        let qs: Vec<f64> = (1..s.bins).map(|i| i as f64 / s.bins as f64).collect();
        let mut edges = vec![min];
        edges.extend(psi::tidy_edges(ra.quantiles(&qs)).into_iter().filter(|e| *e > min));
        edges.push(max.next_up());
        edges.dedup();
        let labels = quantile_labels(&edges, max);
        Binned::with_outer_ends(labels, count_left_closed(ra, &edges), count_left_closed(cb, &edges))
    };
    drop_empty(binned)
}

/// Labels of reference-quantile bins; the last two read as what they are: up to the
/// maximum, and above it.
fn quantile_labels(edges: &[f64], max: f64) -> Vec<String> {
    let mut labels = edge_labels(edges);
    let n = labels.len();
    labels[n - 2] = format!("[{}, {}]", text::num(edges[edges.len() - 2]), text::num(max));
    labels[n - 1] = format!("> {}", text::num(max));
    labels
}

/// Bins from counts over a reference's cuts (pushed-down or `--edges-from` profiles): the
/// bins of [`exact`], summed from the finer cuts both sides were counted over, so the
/// counts are those of the data when the cuts are its exact quantiles.
pub fn grid(ga: &Grid, gb: &Grid, s: &CompareSettings) -> Result<Binned, String> {
    if ga.kind == GridKind::Points {
        return Ok(drop_empty(Binned::with_outer_ends(point_labels(&ga.cuts), ga.counts.clone(), gb.counts.clone())));
    }
    let levels = ga.quantiles.len() + 1;
    if s.bins == 0 || !levels.is_multiple_of(s.bins) {
        return Err(format!(
            "not comparable: bins = {} needs the reference's quantiles at multiples of 1/{}, and its profile holds them at multiples of 1/{levels}; re-create the reference profile with --levels set to a multiple of {}",
            s.bins, s.bins, s.bins
        ));
    }
    let step = levels / s.bins;
    let min = ga.cuts[0];
    let max = ga.cuts[ga.cuts.len() - 1].next_down();
    let qs: Vec<f64> = (1..s.bins).map(|i| ga.quantiles[i * step - 1]).collect();
    let mut edges = vec![min];
    edges.extend(psi::tidy_edges(qs).into_iter().filter(|e| *e > min));
    edges.push(max.next_up());
    edges.dedup();
    // Every coarse edge is one of the cuts: each fine bin lies inside one coarse bin.
    let coarse = |g: &Grid| -> Vec<u64> {
        let mut out = vec![0u64; edges.len() + 1];
        for (j, &c) in g.counts.iter().enumerate() {
            let k = if j == 0 { 0 } else { edges.partition_point(|e| *e <= g.cuts[j - 1]) };
            out[k] += c;
        }
        out
    };
    let labels = quantile_labels(&edges, max);
    Ok(drop_empty(Binned::with_outer_ends(labels, coarse(ga), coarse(gb))))
}

/// Counts in `(−∞, e0), [e0, e1), …, [e_last, +∞)`.
fn count_left_closed(v: Exact, edges: &[f64]) -> Vec<u64> {
    let before = v.count_before(edges, false);
    let mut out = Vec::with_capacity(edges.len() + 1);
    let mut prev = 0;
    for c in before.into_iter().chain(std::iter::once(v.len())) {
        out.push((c - prev) as u64);
        prev = c;
    }
    out
}

/// `np.histogram` counts over `edges` (the last bin closed), of values within the edges.
fn numpy_hist_counts(v: Exact, edges: &[f64]) -> Vec<u64> {
    let k = edges.len();
    let mut cum = v.count_before(&edges[..k - 1], false);
    // Sturges edges end at (or beyond) the largest value: no second pass to count up to it.
    let last =
        if v.is_empty() || edges[k - 1] >= v.last() { v.len() } else { v.count_before(&edges[k - 1..], true)[0] };
    cum.push(last);
    cum.windows(2).map(|w| (w[1] - w[0]) as u64).collect()
}

/// Evidently's bins: equal-width Sturges bins over both sides when the reference has more
/// than 20 distinct values, else one bin per value seen on either side.
fn evidently(ra: Exact, cb: Exact, a: &NumericData, b: &NumericData, distinct_ref: usize) -> Binned {
    if distinct_ref > 20 {
        let lo = ra.first().min(cb.first());
        let hi = ra.last().max(cb.last());
        // pandas keeps an integer dtype only when the column had no missing values.
        let integer = a.integer && b.integer && a.nulls + b.nulls == 0;
        let edges = psi::sturges_edges(lo, hi, ra.len() + cb.len(), integer);
        let mut labels: Vec<String> =
            edges.windows(2).map(|w| format!("[{}, {})", text::num(w[0]), text::num(w[1]))).collect();
        if let Some(l) = labels.last_mut() {
            *l = l.replace(')', "]");
        }
        return Binned::inner(labels, numpy_hist_counts(ra, &edges), numpy_hist_counts(cb, &edges));
    }
    let mut values = ra.distinct();
    values.extend(cb.distinct());
    values.sort_by(f64::total_cmp);
    values.dedup();
    let count = |v: Exact| -> Vec<u64> {
        let below = v.count_before(&values, false);
        let upto = v.count_before(&values, true);
        upto.iter().zip(&below).map(|(u, b)| (u - b) as u64).collect()
    };
    Binned::inner(values.iter().map(|v| text::num(*v)).collect(), count(ra), count(cb))
}

/// One bin per reference value, one per gap between two values, one below the smallest and
/// one above the largest.
fn point_bins(values: &[f64], ra: Exact, cb: Exact) -> Binned {
    let counts = |s: Exact| -> Vec<u64> {
        let below = s.count_before(values, false);
        let upto = s.count_before(values, true);
        let mut out = vec![below[0] as u64];
        for i in 0..values.len() {
            out.push((upto[i] - below[i]) as u64);
            let next = below.get(i + 1).copied().unwrap_or(s.len());
            out.push((next - upto[i]) as u64);
        }
        out
    };
    Binned::with_outer_ends(point_labels(values), counts(ra), counts(cb))
}

/// `< v0`, `v0`, `(v0, v1)`, …, `v_last`, `> v_last`.
fn point_labels(values: &[f64]) -> Vec<String> {
    let last = values.len() - 1;
    let mut labels = vec![format!("< {}", text::num(values[0]))];
    for (i, &v) in values.iter().enumerate() {
        labels.push(text::num(v));
        labels.push(match values.get(i + 1) {
            Some(&n) => format!("({}, {})", text::num(v), text::num(n)),
            None => format!("> {}", text::num(values[last])),
        });
    }
    labels
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
    use crate::stats::exact::VecStream;

    #[test]
    fn values_the_reference_never_had_get_their_own_bins() {
        let b = point_bins(&[0.0], Exact::Slice(&[0.0; 10]), Exact::Slice(&[0.0, 1.0, 2.0, 3.0]));
        assert_eq!(b.labels, ["< 0", "0", "> 0"]);
        assert_eq!((b.reference, b.current), (vec![0, 10, 0], vec![0, 1, 3]));
        let cur = VecStream(vec![0.0, 2.0, 3.0, 4.0]);
        let b = point_bins(&[1.0, 3.0], Exact::Slice(&[1.0, 1.0, 3.0]), Exact::Stream(&cur));
        assert_eq!(b.labels, ["< 1", "1", "(1, 3)", "3", "> 3"]);
        assert_eq!((b.reference, b.current), (vec![0, 2, 0, 1, 0], vec![1, 0, 1, 1, 1]));
    }

    #[test]
    fn empty_bins_are_dropped() {
        let b =
            drop_empty(Binned::with_outer_ends(vec!["a".into(), "b".into(), "c".into()], vec![0, 2, 0], vec![0, 1, 1]));
        assert_eq!((b.labels, b.outer), (vec!["b".to_string(), "c".to_string()], vec![false, true]));
    }

    #[test]
    fn counts_left_closed_and_numpy_histogram() {
        let r: Vec<f64> = (1..=10).map(|x| x as f64).collect();
        let stream = VecStream(r.clone());
        for v in [Exact::Slice(&r), Exact::Stream(&stream)] {
            // np.quantile(1..10, [.25, .5, .75]) -> [3.25, 5.5, 7.75]
            assert_eq!(count_left_closed(v, &[3.25, 5.5, 7.75]), vec![3, 2, 2, 3]);
        }
        let t = [1.0, 1.0, 1.0, 1.0, 2.0];
        assert_eq!(count_left_closed(Exact::Slice(&t), &[1.0]), vec![0, 5]);
        // np.histogram([1, 2, 2, 3, 4], [1, 2, 3, 4]) -> [1, 2, 2]: the last bin is closed.
        let h = [1.0, 2.0, 2.0, 3.0, 4.0];
        let stream = VecStream(h.to_vec());
        for v in [Exact::Slice(&h), Exact::Stream(&stream)] {
            assert_eq!(numpy_hist_counts(v, &[1.0, 2.0, 3.0, 4.0]), vec![1, 2, 2]);
        }
    }
}
