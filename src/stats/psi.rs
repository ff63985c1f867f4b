//! Binning, the Population Stability Index and the Jensen–Shannon distance.
//!
//! PSI = Σ (c − r) · ln(c / r) over bins, where r and c are the reference and current
//! shares. Peers disagree by up to 3× on the same data because of the binning and of how an
//! empty bin is handled, so both are explicit here and stated in every report:
//!
//! - default binning: reference-quantile bins, `(−∞, e1), [e1, e2), …, [e_k, +∞)` with
//!   edges at the reference's i/bins quantiles (numpy's linear interpolation), duplicate
//!   edges merged; current values beyond the reference range land in the open end bins;
//! - compatibility binning ([`sturges_edges`]): Evidently's equal-width Sturges bins over
//!   reference and current combined, counted like `np.histogram`;
//! - empty bins: see [`EmptyBins`].

use serde::{Deserialize, Serialize};

/// How a bin with zero share on one side enters PSI (a log of zero is undefined).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum EmptyBins {
    /// A zero share becomes `epsilon`; other shares are unchanged (no renormalisation).
    Replace,
    /// Every count gets +0.5 and shares are renormalised (Jeffreys smoothing).
    Smooth,
    /// Evidently's rule: a zero share becomes 1e-4, or (smallest non-zero share) / 1e6 when
    /// that share is at most 1e-4; no renormalisation.
    Evidently,
}

impl EmptyBins {
    pub fn describe(self, epsilon: f64) -> String {
        match self {
            EmptyBins::Replace => format!("a zero share becomes {epsilon} on that side, no renormalisation"),
            EmptyBins::Smooth => "every bin count gets +0.5, shares renormalised".into(),
            EmptyBins::Evidently => {
                "Evidently's rule: a zero share becomes 1e-4, or the smallest non-zero share / 1e6 when that share is ≤ 1e-4; no renormalisation".into()
            }
        }
    }
}

/// Shares of each bin after applying the empty-bin rule to one side's counts.
pub fn shares(counts: &[u64], rule: EmptyBins, epsilon: f64) -> Vec<f64> {
    let n: u64 = counts.iter().sum();
    let k = counts.len() as f64;
    match rule {
        EmptyBins::Smooth => counts.iter().map(|&c| (c as f64 + 0.5) / (n as f64 + 0.5 * k)).collect(),
        EmptyBins::Replace => counts.iter().map(|&c| if c == 0 { epsilon } else { c as f64 / n as f64 }).collect(),
        EmptyBins::Evidently => evidently_fill(&counts.iter().map(|&c| c as f64 / n as f64).collect::<Vec<_>>()),
    }
}

/// Evidently's `feel_zeroes` step on shares.
pub fn evidently_fill(shares: &[f64]) -> Vec<f64> {
    let min_nonzero = shares.iter().copied().filter(|&s| s != 0.0).fold(f64::INFINITY, f64::min);
    if !min_nonzero.is_finite() {
        return shares.to_vec();
    }
    let fill = if min_nonzero <= 0.0001 { min_nonzero / 1e6 } else { 0.0001 };
    shares.iter().map(|&s| if s == 0.0 { fill } else { s }).collect()
}

/// PSI of two share vectors and each bin's contribution.
pub fn psi(reference: &[f64], current: &[f64]) -> (f64, Vec<f64>) {
    let contrib: Vec<f64> = reference.iter().zip(current).map(|(&r, &c)| (r - c) * (r / c).ln()).collect();
    (contrib.iter().sum(), contrib)
}

/// Jensen–Shannon *distance* (the square root of the divergence), natural log, as
/// `scipy.spatial.distance.jensenshannon(p, q)`: inputs are normalised to sum to 1 first.
/// Range [0, √ln 2 ≈ 0.8326].
pub fn js_distance(p: &[f64], q: &[f64]) -> f64 {
    let sp: f64 = p.iter().sum();
    let sq: f64 = q.iter().sum();
    if sp <= 0.0 || sq <= 0.0 {
        return f64::NAN;
    }
    let rel_entr = |x: f64, y: f64| if x == 0.0 { 0.0 } else { x * (x / y).ln() };
    let mut js = 0.0;
    for (&a, &b) in p.iter().zip(q) {
        let (a, b) = (a / sp, b / sq);
        let m = (a + b) / 2.0;
        js += rel_entr(a, m) + rel_entr(b, m);
    }
    (js / 2.0).max(0.0).sqrt()
}

/// Interior edges at the reference's i/bins quantiles (i = 1..bins−1), duplicates merged.
pub fn quantile_edges(sorted_ref: &[f64], bins: usize) -> Vec<f64> {
    tidy_edges((1..bins).map(|i| super::quantile_sorted(sorted_ref, i as f64 / bins as f64)).collect())
}

/// Quantiles made into edges: duplicates merged, ascending.
pub fn tidy_edges(mut edges: Vec<f64>) -> Vec<f64> {
    edges.dedup();
    // Equal neighbours after interpolation can still differ by rounding only; keep order.
    edges.sort_by(f64::total_cmp);
    edges.dedup();
    edges
}

/// `np.histogram_bin_edges(combined, bins="sturges")` for data with the given minimum,
/// maximum and size. `integer` is true when numpy would see an integer array (then a
/// width below 1 is raised to 1).
pub fn sturges_edges(min: f64, max: f64, n: usize, integer: bool) -> Vec<f64> {
    let (mut first, mut last) = (min, max);
    if first == last {
        first -= 0.5;
        last += 0.5;
    }
    let n_bins = if n == 0 {
        1
    } else {
        let mut width = (max - min) / ((n as f64).log2() + 1.0);
        if width > 0.0 {
            if integer && width < 1.0 {
                width = 1.0;
            }
            ((last - first) / width).ceil() as usize
        } else {
            1
        }
    };
    linspace(first, last, n_bins + 1)
}

/// `np.linspace(start, stop, num)` with numpy's exact arithmetic (i·step + start, last = stop).
pub fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    if num == 1 {
        return vec![start];
    }
    let div = (num - 1) as f64;
    let delta = stop - start;
    let step = delta / div;
    let mut out: Vec<f64> = (0..num)
        .map(|i| if step == 0.0 { (i as f64 / div) * delta + start } else { i as f64 * step + start })
        .collect();
    out[num - 1] = stop;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn psi_of_identical_shares_is_zero() {
        let s = [0.25, 0.25, 0.5];
        assert_eq!(psi(&s, &s).0, 0.0);
    }

    #[test]
    fn psi_matches_hand_computation() {
        // numpy: r = [.1,.2,.3,.4]; c = [.2,.2,.2,.4]; np.sum((r - c) * np.log(r / c))
        //   -> 0.10986122886681096
        let (v, contrib) = psi(&[0.1, 0.2, 0.3, 0.4], &[0.2, 0.2, 0.2, 0.4]);
        assert!(close(v, 0.10986122886681096, 1e-12), "{v}");
        assert_eq!(contrib.len(), 4);
    }

    #[test]
    fn js_matches_scipy() {
        // scipy.spatial.distance.jensenshannon([1.0, 0.0], [0.5, 0.5]) -> 0.464501404022459
        assert!(close(js_distance(&[1.0, 0.0], &[0.5, 0.5]), JS_1, 1e-10));
        // jensenshannon([0.1, 0.2, 0.7], [0.3, 0.3, 0.4]) (unnormalised inputs are normalised)
        assert!(close(js_distance(&[1.0, 2.0, 7.0], &[3.0, 3.0, 4.0]), JS_2, 1e-10));
        assert_eq!(js_distance(&[1.0, 2.0], &[2.0, 4.0]), 0.0);
    }

    const JS_1: f64 = 0.464501404022459;
    const JS_2: f64 = 0.22784261945058354;

    #[test]
    fn quantile_edges_merge_ties() {
        let r: Vec<f64> = (1..=10).map(|x| x as f64).collect();
        // np.quantile(1..10, [.25, .5, .75]) -> [3.25, 5.5, 7.75]
        let e = quantile_edges(&r, 4);
        assert_eq!(e, vec![3.25, 5.5, 7.75]);
        // Ties collapse edges.
        let t = [1.0, 1.0, 1.0, 1.0, 2.0];
        assert_eq!(quantile_edges(&t, 4), vec![1.0]);
    }

    #[test]
    fn sturges_edges_match_numpy() {
        // np.histogram_bin_edges(np.arange(1., 33.), bins="sturges") -> 7 bins over [1, 32]
        let e = sturges_edges(1.0, 32.0, 32, false);
        assert_eq!(e.len(), 7);
        assert_eq!(e[0], 1.0);
        assert_eq!(e[6], 32.0);
        assert!(close(e[1], 6.166666666666667, 1e-15));
        // Integer data with a width below 1 gets width 1:
        // np.histogram_bin_edges(np.array([0]*600000 + list(range(21)) ), bins="sturges") -> 21 bins
        let e = sturges_edges(0.0, 20.0, 600_021, true);
        assert_eq!(e.len(), 21);
        let e = sturges_edges(0.0, 20.0, 600_021, false);
        assert_eq!(e.len(), 22);
        // Constant data: numpy widens to [x - 0.5, x + 0.5] with one bin.
        assert_eq!(sturges_edges(3.0, 3.0, 10, false), vec![2.5, 3.5]);
    }

    #[test]
    fn empty_bin_rules() {
        assert_eq!(shares(&[0, 5, 5], EmptyBins::Replace, 1e-4), vec![1e-4, 0.5, 0.5]);
        let s = shares(&[0, 1, 3], EmptyBins::Smooth, 0.0);
        assert!(close(s[0], 0.5 / 5.5, 1e-12));
        // Evidently: min non-zero share 0.25 > 1e-4 -> fill 1e-4
        assert_eq!(shares(&[0, 1, 3], EmptyBins::Evidently, 0.0), vec![1e-4, 0.25, 0.75]);
        // min non-zero share 1e-5 <= 1e-4 -> fill 1e-11
        let s = evidently_fill(&[0.0, 1e-5, 1.0 - 1e-5]);
        assert!(close(s[0], 1e-11, 1e-9));
    }
}
