//! Uncertainty: Wilson intervals for proportions, DeLong's variance for ROC AUC (single and
//! paired), McNemar's exact test for paired correctness, and a seeded bootstrap.

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal};

/// The two-sided normal quantile for a confidence level (1.959964 for 0.95).
pub fn z_for(level: f64) -> f64 {
    Normal::standard().inverse_cdf(1.0 - (1.0 - level) / 2.0)
}

/// Two-sided p-value of a standard normal statistic.
pub fn normal_p(z: f64) -> f64 {
    (2.0 * Normal::standard().sf(z.abs())).min(1.0)
}

/// Wilson score interval for `k` successes in `n` trials (no continuity correction), as
/// `statsmodels.stats.proportion.proportion_confint(k, n, method='wilson')`.
pub fn wilson(k: u64, n: u64, level: f64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let z = z_for(level);
    let p = k / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At k = 0 (or k = n) the bound is exactly 0 (or 1); avoid rounding residue.
    let lo = if k == 0.0 { 0.0 } else { (centre - half).max(0.0) };
    let hi = if k == n { 1.0 } else { (centre + half).min(1.0) };
    Some((lo, hi))
}

/// Newcombe's hybrid score interval (his method 10) for the difference of two independent
/// proportions `k1/n1 − k2/n2`, from the two Wilson intervals.
pub fn newcombe_diff(k1: u64, n1: u64, k2: u64, n2: u64, level: f64) -> Option<(f64, f64)> {
    let (l1, u1) = wilson(k1, n1, level)?;
    let (l2, u2) = wilson(k2, n2, level)?;
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    let d = p1 - p2;
    Some((d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(), d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt()))
}

/// Midranks (average ranks, 1-based) of `v`.
fn midranks(v: &[f64]) -> Vec<f64> {
    super::rank::average_ranks(v)
}

/// DeLong's structural components of one model's AUC: (AUC, V10 over positives, V01 over
/// negatives), by the midrank algorithm of Sun & Xu (2014).
pub fn delong_components(pos: &[f64], neg: &[f64]) -> Option<(f64, Vec<f64>, Vec<f64>)> {
    let (m, n) = (pos.len(), neg.len());
    if m == 0 || n == 0 {
        return None;
    }
    let tx = midranks(pos);
    let ty = midranks(neg);
    let z: Vec<f64> = pos.iter().chain(neg).copied().collect();
    let tz = midranks(&z);
    let auc = (tz[..m].iter().sum::<f64>() - m as f64 * (m as f64 + 1.0) / 2.0) / (m as f64 * n as f64);
    let v10: Vec<f64> = (0..m).map(|i| (tz[i] - tx[i]) / n as f64).collect();
    let v01: Vec<f64> = (0..n).map(|j| 1.0 - (tz[m + j] - ty[j]) / m as f64).collect();
    Some((auc, v10, v01))
}

fn cov(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    if a.len() < 2 {
        return 0.0;
    }
    let ma = a.iter().sum::<f64>() / n;
    let mb = b.iter().sum::<f64>() / n;
    a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum::<f64>() / (n - 1.0)
}

/// AUC and its DeLong variance.
pub fn delong_auc(pos: &[f64], neg: &[f64]) -> Option<(f64, f64)> {
    let (auc, v10, v01) = delong_components(pos, neg)?;
    let var = cov(&v10, &v10) / pos.len() as f64 + cov(&v01, &v01) / neg.len() as f64;
    Some((auc, var))
}

/// Paired DeLong test of two models' AUCs on the same rows: (auc_a, auc_b, z, p, se of
/// the difference).
pub fn delong_paired(a_pos: &[f64], a_neg: &[f64], b_pos: &[f64], b_neg: &[f64]) -> Option<(f64, f64, f64, f64, f64)> {
    let (auc_a, a10, a01) = delong_components(a_pos, a_neg)?;
    let (auc_b, b10, b01) = delong_components(b_pos, b_neg)?;
    let (m, n) = (a_pos.len() as f64, a_neg.len() as f64);
    let var_a = cov(&a10, &a10) / m + cov(&a01, &a01) / n;
    let var_b = cov(&b10, &b10) / m + cov(&b01, &b01) / n;
    let cov_ab = cov(&a10, &b10) / m + cov(&a01, &b01) / n;
    let var = (var_a + var_b - 2.0 * cov_ab).max(0.0);
    let diff = auc_a - auc_b;
    if var == 0.0 {
        let p = if diff == 0.0 { 1.0 } else { 0.0 };
        return Some((auc_a, auc_b, if diff == 0.0 { 0.0 } else { f64::INFINITY * diff.signum() }, p, 0.0));
    }
    let z = diff / var.sqrt();
    Some((auc_a, auc_b, z, normal_p(z), var.sqrt()))
}

/// McNemar's exact test on the discordant pairs: `b` = A right and B wrong, `c` = A wrong
/// and B right. Two-sided p = min(1, 2·P(X ≤ min(b, c))), X ~ Binomial(b + c, ½), as
/// `statsmodels.stats.contingency_tables.mcnemar(table, exact=True)`.
pub fn mcnemar_exact(b: u64, c: u64) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    let d = Binomial::new(0.5, n).expect("valid binomial");
    (2.0 * d.cdf(k)).min(1.0)
}

/// Mean of `v` with its normal-theory interval (mean ± z·sd/√n); for large samples of a
/// per-row quantity, where the central limit theorem makes a bootstrap unnecessary.
pub fn mean_interval(v: &[f64], level: f64) -> Option<(f64, f64, f64, f64)> {
    let n = v.len();
    if n < 2 {
        return None;
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n as f64 - 1.0);
    let se = (var / n as f64).sqrt();
    let h = z_for(level) * se;
    Some((mean, mean - h, mean + h, se))
}

/// A small seeded generator (SplitMix64): resamples are identical on every machine.
pub struct SeededRng(u64);

impl SeededRng {
    pub fn new(seed: u64) -> SeededRng {
        SeededRng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1) with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform index in `0..n` (Lemire's multiply-shift; bias below 2⁻³² for n < 2³²).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }
}

/// Percentile bootstrap: `stat` on `b` resamples of `0..n` drawn with replacement.
/// Returns the sorted finite replicate values.
pub fn bootstrap<F: FnMut(&[usize]) -> Option<f64>>(n: usize, b: usize, seed: u64, mut stat: F) -> Vec<f64> {
    let mut rng = SeededRng::new(seed);
    let mut idx = vec![0usize; n];
    let mut out = Vec::with_capacity(b);
    for _ in 0..b {
        for v in idx.iter_mut() {
            *v = rng.below(n);
        }
        if let Some(x) = stat(&idx)
            && x.is_finite()
        {
            out.push(x);
        }
    }
    out.sort_by(f64::total_cmp);
    out
}

/// Percentile bootstrap where each resample is handed over as row weights (how often each
/// row was drawn), so statistics can be computed without copying rows. Same draws as
/// [`bootstrap`] for the same seed.
pub fn bootstrap_weights<F: FnMut(&[u32]) -> Option<f64>>(n: usize, b: usize, seed: u64, mut stat: F) -> Vec<f64> {
    let mut rng = SeededRng::new(seed);
    let mut w = vec![0u32; n];
    let mut out = Vec::with_capacity(b);
    for _ in 0..b {
        w.iter_mut().for_each(|x| *x = 0);
        for _ in 0..n {
            w[rng.below(n)] += 1;
        }
        if let Some(x) = stat(&w)
            && x.is_finite()
        {
            out.push(x);
        }
    }
    out.sort_by(f64::total_cmp);
    out
}

/// Delta-method normal interval of F1 = 2·TP / (2·TP + FP + FN) from multinomial counts.
pub fn f1_interval(tp: u64, fp: u64, fn_: u64, tn: u64, level: f64) -> Option<(f64, f64, f64)> {
    let n = (tp + fp + fn_ + tn) as f64;
    let (a, b, c) = (tp as f64 / n, fp as f64 / n, fn_ as f64 / n);
    let d = 2.0 * a + b + c;
    if n < 2.0 || d == 0.0 {
        return None;
    }
    let f1 = 2.0 * a / d;
    let g = [2.0 * (b + c) / (d * d), -2.0 * a / (d * d), -2.0 * a / (d * d)];
    let p = [a, b, c];
    // Var = gᵀ (diag(p) − p pᵀ) g / n
    let gp: f64 = g.iter().zip(&p).map(|(x, y)| x * y).sum();
    let var = (g.iter().zip(&p).map(|(x, y)| x * x * y).sum::<f64>() - gp * gp) / n;
    let h = z_for(level) * var.max(0.0).sqrt();
    Some((f1, (f1 - h).max(0.0), (f1 + h).min(1.0)))
}

/// The central `level` interval of sorted bootstrap replicates.
pub fn percentile_interval(sorted: &[f64], level: f64) -> Option<(f64, f64)> {
    if sorted.len() < 10 {
        return None;
    }
    let a = (1.0 - level) / 2.0;
    Some((super::quantile_sorted(sorted, a), super::quantile_sorted(sorted, 1.0 - a)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn newcombe_matches_statsmodels() {
        // statsmodels 0.15.0 confint_proportions_2indep(c1, n1, c2, n2, method="newcomb",
        // compare="diff", alpha=0.05).
        for (c1, n1, c2, n2, lo, hi) in [
            (5, 1500, 0, 4000, 0.0011970433007553556, 0.0077794523250993616),
            (1, 1000, 0, 4000, -0.0002643604335324228, 0.005642558597957937),
            (12, 3000, 20, 4000, -0.004205182795671487, 0.0024604529962655016),
            (300, 1000, 10, 2000, 0.26709207638818705, 0.3242131130371265),
            (0, 50, 3, 60, -0.1370051647634852, 0.02854702483316282),
        ] {
            let (l, h) = super::newcombe_diff(c1, n1, c2, n2, 0.95).unwrap();
            assert!((l - lo).abs() < 1e-12 && (h - hi).abs() < 1e-12, "{c1}/{n1} − {c2}/{n2}: {l} {h}");
        }
    }

    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    fn uniform(rng: &mut SeededRng) -> f64 {
        ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(rng: &mut SeededRng) -> f64 {
        let (u, v) = (uniform(rng), uniform(rng));
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// The intervals are only honest if they cover the truth about as often as they claim:
    /// simulated data with a known answer, 95% intervals, coverage counted.
    #[test]
    fn intervals_cover_the_truth_at_their_nominal_rate() {
        let mut rng = SeededRng::new(7);
        let trials = 400;
        let (mut boot, mut wil, mut dl) = (0, 0, 0);
        for t in 0..trials {
            // Percentile bootstrap of the mean of 100 exponential(1) draws (true mean 1).
            let x: Vec<f64> = (0..100).map(|_| -uniform(&mut rng).ln()).collect();
            let reps = bootstrap(x.len(), 400, t as u64, |idx| {
                Some(idx.iter().map(|&i| x[i]).sum::<f64>() / idx.len() as f64)
            });
            let (lo, hi) = percentile_interval(&reps, 0.95).unwrap();
            boot += usize::from(lo <= 1.0 && 1.0 <= hi);
            // Wilson for a rare event: p = 0.1, n = 60.
            let k = (0..60).filter(|_| uniform(&mut rng) < 0.1).count() as u64;
            let (lo, hi) = wilson(k, 60, 0.95).unwrap();
            wil += usize::from(lo <= 0.1 && 0.1 <= hi);
            // DeLong for AUC: scores N(1, 1) vs N(0, 1), true AUC = Φ(1/√2).
            let pos: Vec<f64> = (0..150).map(|_| 1.0 + normal(&mut rng)).collect();
            let neg: Vec<f64> = (0..150).map(|_| normal(&mut rng)).collect();
            let (auc, var) = delong_auc(&pos, &neg).unwrap();
            let truth = 0.760_249_938_906_523_3; // scipy.stats.norm.cdf(1 / sqrt(2))
            let h = z_for(0.95) * var.sqrt();
            dl += usize::from(auc - h <= truth && truth <= auc + h);
        }
        let rate = |k: usize| k as f64 / trials as f64;
        // 400 trials: the standard error of a 95% coverage estimate is about 1.1 points.
        assert!((0.90..=0.98).contains(&rate(boot)), "bootstrap coverage {}", rate(boot));
        assert!((0.92..=0.99).contains(&rate(wil)), "Wilson coverage {}", rate(wil));
        assert!((0.92..=0.98).contains(&rate(dl)), "DeLong coverage {}", rate(dl));
    }

    #[test]
    fn wilson_matches_statsmodels() {
        // proportion_confint(18, 25, alpha=0.05, method='wilson') -> (0.5242339480963842, 0.8571614614904344)
        let (lo, hi) = wilson(18, 25, 0.95).unwrap();
        assert!(close(lo, WILSON_18_25.0, 1e-12) && close(hi, WILSON_18_25.1, 1e-12), "{lo} {hi}");
        let (lo, hi) = wilson(0, 10, 0.95).unwrap();
        assert_eq!(lo, 0.0);
        assert!(close(hi, WILSON_0_10, 1e-12), "{hi}");
        assert!(wilson(0, 0, 0.95).is_none());
    }

    const WILSON_18_25: (f64, f64) = (0.5242339480963842, 0.8571614614904344);
    const WILSON_0_10: f64 = 0.27753279986288926;

    #[test]
    fn delong_matches_the_pairwise_definition() {
        // Reference: an independent O(m·n) implementation of DeLong et al. (1988) in
        // Python (tests/fixtures/stats/delong_reference.py), on these scores.
        let a_pos = [0.9, 0.8, 0.75, 0.6, 0.55, 0.4];
        let a_neg = [0.7, 0.5, 0.45, 0.3, 0.2, 0.2, 0.1];
        let b_pos = [0.8, 0.85, 0.5, 0.65, 0.3, 0.45];
        let b_neg = [0.6, 0.55, 0.5, 0.35, 0.25, 0.15, 0.3];
        let (auc, var) = delong_auc(&a_pos, &a_neg).unwrap();
        assert!(close(auc, DELONG.0, 1e-12) && close(var, DELONG.1, 1e-12), "{auc} {var}");
        let (_, auc_b, z, p, _) = delong_paired(&a_pos, &a_neg, &b_pos, &b_neg).unwrap();
        assert!(close(auc_b, DELONG.2, 1e-12));
        assert!(close(z, DELONG.3, 1e-9) && close(p, DELONG.4, 1e-9), "{z} {p}");
    }

    const DELONG: (f64, f64, f64, f64, f64) =
        (0.8809523809523809, 0.009561602418745275, 0.7619047619047619, 1.0429500192085324, 0.2969714416993219);

    #[test]
    fn mcnemar_matches_statsmodels() {
        // mcnemar([[10, 9], [2, 30]], exact=True).pvalue -> 0.0654296875
        assert!(close(mcnemar_exact(9, 2), 0.0654296875, 1e-12));
        assert_eq!(mcnemar_exact(0, 0), 1.0);
        assert_eq!(mcnemar_exact(5, 5), 1.0);
    }

    #[test]
    fn f1_delta_interval_matches_the_bootstrap_on_large_samples() {
        // 20,000 rows with tp = 6,000, fp = 2,000, fn = 3,000: the delta-method interval
        // and a bootstrap of the same counts agree to within a few thousandths.
        let (tp, fp, fn_, tn) = (6000u64, 2000u64, 3000u64, 9000u64);
        let (f1, lo, hi) = f1_interval(tp, fp, fn_, tn, 0.95).unwrap();
        assert!((f1 - 12000.0 / 17000.0).abs() < 1e-12);
        let rows: Vec<u8> = [(0u8, tp), (1, fp), (2, fn_), (3, tn)]
            .iter()
            .flat_map(|(k, n)| std::iter::repeat_n(*k, *n as usize))
            .collect();
        let reps = bootstrap_weights(rows.len(), 400, 7, |w| {
            let mut c = [0f64; 4];
            for (r, k) in rows.iter().zip(w) {
                c[*r as usize] += *k as f64;
            }
            Some(2.0 * c[0] / (2.0 * c[0] + c[1] + c[2]))
        });
        let (blo, bhi) = percentile_interval(&reps, 0.95).unwrap();
        assert!((lo - blo).abs() < 0.003 && (hi - bhi).abs() < 0.003, "delta [{lo}, {hi}] vs bootstrap [{blo}, {bhi}]");
    }

    #[test]
    fn bootstrap_is_reproducible() {
        let data: Vec<f64> = (0..50).map(|i| i as f64).collect();
        let mean = |idx: &[usize]| Some(idx.iter().map(|&i| data[i]).sum::<f64>() / idx.len() as f64);
        let a = bootstrap(50, 200, 42, mean);
        let b = bootstrap(50, 200, 42, mean);
        assert_eq!(a, b);
        let (lo, hi) = percentile_interval(&a, 0.95).unwrap();
        assert!(lo < 24.5 && 24.5 < hi && hi - lo < 16.0, "{lo} {hi}");
    }
}
