//! Two-sample Kolmogorov–Smirnov test, two-sided, matching `scipy.stats.ks_2samp`
//! (`method='auto'`): the exact null distribution when both samples have at most 10,000
//! values, otherwise the one-sample distribution `kstwo(n_e)` with
//! `n_e = round(n1·n2/(n1+n2))`, evaluated the way scipy's `kolmogn` does (Simard &
//! L'Ecuyer 2011): Ruben–Gambino tails, 2× the exact one-sided Smirnov probability, the
//! Durbin matrix (Marsaglia–Tsang–Wang) or the Pelz–Good expansion.
//!
//! The exact two-sample probability counts lattice paths that leave the band
//! |x/n1 − y/n2| < d (Hodges 1958), computed directly as a probability so it never
//! overflows: q(x, y) = (x·q(x−1, y) + y·q(x, y−1)) / (x + y) inside the band, 1 outside.

use statrs::function::gamma::ln_gamma;

/// Samples up to this size get the exact p-value (scipy's `MAX_AUTO_N`).
pub const MAX_EXACT_N: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KsResult {
    /// sup |F1 − F2|.
    pub statistic: f64,
    pub p_value: f64,
    /// `exact` or `asymptotic`.
    pub method: &'static str,
}

/// The KS statistic of two sorted samples (ties handled like scipy: ECDFs compared after
/// every value, `searchsorted(side='right')`).
pub fn statistic_sorted(a: &[f64], b: &[f64]) -> f64 {
    super::ecdf::distances_sorted(a, b).ks
}

/// Two-sided two-sample KS test of sorted samples.
pub fn ks_2samp_sorted(a: &[f64], b: &[f64]) -> KsResult {
    let d = statistic_sorted(a, b);
    let (p, method) = p_value(d, a.len(), b.len());
    KsResult { statistic: d, p_value: p, method }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// p-value of a two-sided KS statistic `d` for sample sizes `n1`, `n2`.
pub fn p_value(d: f64, n1: usize, n2: usize) -> (f64, &'static str) {
    if n1 == 0 || n2 == 0 {
        return (f64::NAN, "undefined");
    }
    if n1.max(n2) <= MAX_EXACT_N {
        let (m, n) = (n1 as u64, n2 as u64);
        let g = gcd(m, n);
        let lcm = (m / g) * n;
        let h = (d * lcm as f64).round() as u64;
        if h == 0 {
            return (1.0, "exact");
        }
        let p = exact_outside_band(m, n, g, h);
        return (p.clamp(0.0, 1.0), "exact");
    }
    let en = round_half_even(n1 as f64 * n2 as f64 / (n1 + n2) as f64);
    (kolmogorov_sf(en as u64, d), "asymptotic")
}

fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 { r - x.signum() } else { r }
}

/// Probability that a uniformly random monotone lattice path from (0,0) to (m,n) leaves the
/// band |n·x − m·y| < h·g at some point.
fn exact_outside_band(m: u64, n: u64, g: u64, h: u64) -> f64 {
    // Iterate over the longer side; the probability is symmetric.
    let (m, n) = if m < n { (n, m) } else { (m, n) };
    let (mi, ni, hg) = (m as i64, n as i64, (h * g) as i64);
    // Band of y for a given x: n·x − h·g < m·y < n·x + h·g.
    let band = |x: i64| -> (i64, i64) {
        let lo = (ni * x - hg).div_euclid(mi) + 1; // smallest y with m·y > n·x − hg
        let hi_num = ni * x + hg;
        let hi = if hi_num.rem_euclid(mi) == 0 { hi_num / mi - 1 } else { hi_num.div_euclid(mi) };
        (lo.max(0), hi.min(ni))
    };
    let len = (n + 1) as usize;
    let mut prev = vec![1.0f64; len];
    let mut cur = vec![1.0f64; len];
    // Column x = 0: the path runs up the y axis.
    let (lo0, hi0) = band(0);
    let mut prev_range = (lo0, hi0);
    for y in 0..=ni {
        prev[y as usize] = if y == 0 {
            0.0
        } else if y >= lo0 && y <= hi0 {
            prev[(y - 1) as usize]
        } else {
            1.0
        };
    }
    for x in 1..=mi {
        let (lo, hi) = band(x);
        // Reset last column's band to 1 where this column reads outside it.
        for y in prev_range.0.max(0)..=prev_range.1.min(ni) {
            cur[y as usize] = 1.0;
        }
        if lo <= hi {
            for y in lo..=hi {
                let left = if y >= prev_range.0 && y <= prev_range.1 { prev[y as usize] } else { 1.0 };
                let down = if y == 0 {
                    // (x, 0) comes only from (x−1, 0).
                    0.0
                } else if y > lo {
                    cur[(y - 1) as usize]
                } else {
                    1.0
                };
                let (xf, yf) = (x as f64, y as f64);
                cur[y as usize] = if y == 0 { left } else { (xf * left + yf * down) / (xf + yf) };
            }
        }
        std::mem::swap(&mut prev, &mut cur);
        prev_range = (lo, hi);
        if lo > hi {
            return 1.0;
        }
    }
    if ni >= prev_range.0 && ni <= prev_range.1 { prev[ni as usize] } else { 1.0 }
}

// ---------------------------------------------------------------------------------------
// One-sample two-sided distribution kstwo(n): survival function P(D_n ≥ x).

/// P(D_n ≥ x) for the one-sample two-sided KS statistic, following scipy's `kolmogn`.
pub fn kolmogorov_sf(n: u64, x: f64) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    let nf = n as f64;
    if x >= 1.0 {
        return 0.0;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let t = nf * x;
    if t <= 1.0 {
        if t <= 0.5 {
            return 1.0;
        }
        // Ruben–Gambino: P(D_n ≤ x) = n!/n^n (2t − 1)^n.
        let log_cdf = ln_factorial(n) - nf * nf.ln() + nf * (2.0 * t - 1.0).ln();
        return clip(1.0 - log_cdf.exp());
    }
    if t >= nf - 1.0 {
        return clip(2.0 * (1.0 - x).powf(nf));
    }
    if x >= 0.5 {
        return clip(2.0 * smirnov_sf(n, x));
    }
    let nx2 = t * x;
    if n <= 140 {
        if nx2 <= 4.0 {
            return clip(1.0 - durbin_cdf(n, x));
        }
        return clip(2.0 * smirnov_sf(n, x));
    }
    if nx2 >= 370.0 {
        return 0.0;
    }
    if nx2 >= 2.2 {
        return clip(2.0 * smirnov_sf(n, x));
    }
    let cdf = if n <= 100_000 && nf * x.powf(1.5) <= 1.4 { durbin_cdf(n, x) } else { pelz_good_cdf(n, x) };
    clip(1.0 - cdf)
}

fn clip(p: f64) -> f64 {
    p.clamp(0.0, 1.0)
}

fn ln_factorial(n: u64) -> f64 {
    ln_gamma(n as f64 + 1.0)
}

/// Exact one-sided Smirnov survival P(D_n⁺ ≥ x) (Birnbaum & Tingey 1951), summed in log
/// space so large n does not overflow.
pub fn smirnov_sf(n: u64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    if x >= 1.0 {
        return 0.0;
    }
    let nf = n as f64;
    let jmax = (nf * (1.0 - x)).floor() as u64;
    let lnf_n = ln_factorial(n);
    let mut terms = Vec::with_capacity(jmax as usize + 1);
    for j in 0..=jmax {
        let jf = j as f64;
        let a = 1.0 - x - jf / nf;
        let b = x + jf / nf;
        if a <= 0.0 {
            if j == n {
                // (1 − x − 1)^0 = 1 only when x = 0; excluded above.
            }
            continue;
        }
        let lt = lnf_n - ln_factorial(j) - ln_factorial(n - j) + (nf - jf) * a.ln() + (jf - 1.0) * b.ln();
        terms.push(lt);
    }
    let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return 0.0;
    }
    let sum: f64 = terms.iter().map(|t| (t - max).exp()).sum();
    clip(x * (max.exp() * sum))
}

/// P(D_n < x) by the Durbin matrix method as programmed by Marsaglia, Tsang & Wang (2003).
pub fn durbin_cdf(n: u64, d: f64) -> f64 {
    let nf = n as f64;
    let k = (nf * d).floor() as usize + 1;
    let m = 2 * k - 1;
    let h = k as f64 - nf * d;
    let mut hm = vec![0.0f64; m * m];
    for i in 0..m {
        for j in 0..m {
            hm[i * m + j] = if i + 1 >= j { 1.0 } else { 0.0 };
        }
    }
    for i in 0..m {
        hm[i * m] -= h.powi(i as i32 + 1);
        hm[(m - 1) * m + i] -= h.powi((m - i) as i32);
    }
    if 2.0 * h - 1.0 > 0.0 {
        hm[(m - 1) * m] += (2.0 * h - 1.0).powi(m as i32);
    }
    for i in 0..m {
        for j in 0..m {
            if i + 1 > j {
                for g in 1..=(i + 1 - j) {
                    hm[i * m + j] /= g as f64;
                }
            }
        }
    }
    let (q, mut eq) = mat_pow(&hm, m, n);
    let mut s = q[(k - 1) * m + (k - 1)];
    for i in 1..=n {
        s = s * i as f64 / nf;
        if s < 1e-140 {
            s *= 1e140;
            eq -= 140;
        }
    }
    clip(s * 10f64.powi(eq))
}

fn mat_mul(a: &[f64], b: &[f64], m: usize) -> Vec<f64> {
    let mut c = vec![0.0; m * m];
    for i in 0..m {
        for k in 0..m {
            let aik = a[i * m + k];
            if aik == 0.0 {
                continue;
            }
            for j in 0..m {
                c[i * m + j] += aik * b[k * m + j];
            }
        }
    }
    c
}

/// A^n with a decimal exponent kept aside to avoid overflow.
fn mat_pow(a: &[f64], m: usize, n: u64) -> (Vec<f64>, i32) {
    if n == 1 {
        return (a.to_vec(), 0);
    }
    let (half, ehalf) = mat_pow(a, m, n / 2);
    let mut v = mat_mul(&half, &half, m);
    let mut ev = 2 * ehalf;
    if n % 2 == 1 {
        v = mat_mul(a, &v, m);
    }
    if v[(m / 2) * m + m / 2] > 1e140 {
        for x in v.iter_mut() {
            *x *= 1e-140;
        }
        ev += 140;
    }
    (v, ev)
}

/// The Pelz–Good (1976) asymptotic expansion of P(D_n ≤ x) to order n^(−3/2), in the form
/// given by Simard & L'Ecuyer (2011).
pub fn pelz_good_cdf(n: u64, x: f64) -> f64 {
    use std::f64::consts::PI;
    let nf = n as f64;
    let z = nf.sqrt() * x;
    let (z2, z3, z4, z6, z7, z8, z10) = (z * z, z.powi(3), z.powi(4), z.powi(6), z.powi(7), z.powi(8), z.powi(10));
    let pi2 = PI * PI;
    let (pi4, pi6) = (pi2 * pi2, pi2 * pi2 * pi2);
    let sqrt2pi = (2.0 * PI).sqrt();
    if -pi2 / 8.0 / z2 < -745.0 {
        return 0.0;
    }
    let kmax = (16.0 * z / PI).ceil().max(1.0) as i64;
    let (mut k0, mut k1, mut k2, mut k3) = (0.0, 0.0, 0.0, 0.0);
    // Sums over odd m = 2k − 1 of c · exp(−m²π²/(8z²)).
    for k in 1..=kmax {
        let mm = (2 * k - 1) as f64;
        let (m2, m4, m6) = (mm * mm, mm.powi(4), mm.powi(6));
        let e = (-m2 * pi2 / (8.0 * z2)).exp();
        k0 += e;
        k1 += (pi2 * m2 / 4.0 - z2) * e;
        k2 += (6.0 * z6 + 2.0 * z4 + (2.0 * z4 - 5.0 * z2) * pi2 * m2 / 4.0 + pi4 * (1.0 - 2.0 * z2) * m4 / 16.0) * e;
        k3 += (-30.0 * z6 - 90.0 * z8
            + pi2 * (135.0 * z4 - 96.0 * z6) * m2 / 4.0
            + pi4 * (-60.0 * z2 + 212.0 * z4) * m4 / 16.0
            + pi6 * (5.0 - 30.0 * z2) * m6 / 64.0)
            * e;
    }
    k0 *= sqrt2pi / z;
    k1 *= sqrt2pi / (6.0 * z4);
    k2 *= sqrt2pi / (72.0 * z7);
    k3 *= sqrt2pi / (6480.0 * z10);
    // Sums over all integers k of k² exp(−π²k²/(2z²)).
    let (mut s2, mut s3) = (0.0, 0.0);
    for k in 1..=kmax {
        let kf = k as f64;
        let e = (-pi2 * kf * kf / (2.0 * z2)).exp();
        s2 += kf * kf * e;
        s3 += (3.0 * z2 - pi2 * kf * kf) * kf * kf * e;
    }
    k2 += -pi2 * sqrt2pi / (36.0 * z3) * s2;
    k3 += pi2 * sqrt2pi / (216.0 * z6) * s3;
    k0 + k1 / nf.sqrt() + k2 / nf + k3 / nf.powf(1.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    // Reference values: scipy 1.17.1, `scipy.stats.ks_2samp(a, b)` (method='auto').
    #[test]
    fn exact_small_samples_match_scipy() {
        let a = [
            0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77, 1.09,
            -1.28, 2.36, 1.31, 1.05, -0.32, -0.4, 1.06, -2.47,
        ];
        let b =
            [2.2, 1.45, 1.31, 1.4, 1.51, 1.63, 0.89, 1.03, 1.28, 1.58, 0.49, 1.5, 1.64, 2.37, 1.56, 0.96, 2.02, 0.69];
        let mut a = a.to_vec();
        let mut b = b.to_vec();
        a.sort_by(f64::total_cmp);
        b.sort_by(f64::total_cmp);
        let r = ks_2samp_sorted(&a, &b);
        // -> statistic=0.6644444444444444, pvalue=6.355139142585484e-05
        assert!(close(r.statistic, 0.6644444444444444, 1e-12), "{r:?}");
        assert!(close(r.p_value, 6.355139142585484e-05, 1e-9), "{r:?}");
        assert_eq!(r.method, "exact");
    }

    #[test]
    fn exact_with_ties_and_equal_sizes() {
        // ks_2samp([1,2,2,3,4,5], [2,3,3,4,6,7]) -> statistic=0.3333333333333333, pvalue=0.9307359307359307
        let r = ks_2samp_sorted(&[1.0, 2.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 3.0, 3.0, 4.0, 6.0, 7.0]);
        assert!(close(r.statistic, 1.0 / 3.0, 1e-12));
        assert!(close(r.p_value, 0.9307359307359307, 1e-9), "{r:?}");
        // Disjoint samples: ks_2samp([1,2,3],[4,5,6,7]) -> statistic=1.0, pvalue=0.05714285714285715
        let r = ks_2samp_sorted(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0, 7.0]);
        assert_eq!(r.statistic, 1.0);
        assert!(close(r.p_value, 0.05714285714285715, 1e-9), "{r:?}");
        // Identical samples.
        let r = ks_2samp_sorted(&[1.0, 2.0], &[1.0, 2.0]);
        assert_eq!((r.statistic, r.p_value), (0.0, 1.0));
    }

    #[test]
    fn exact_p_value_grid_matches_scipy() {
        // scipy.stats._stats_py._attempt_exact_2kssamp(n1, n2, gcd(n1, n2), d, 'two-sided')[2]
        let cases = [
            (100, 80, 0.2, 0.04985661008315778),
            (100, 80, 0.1, 0.7289558095085651),
            (300, 500, 0.08, 0.17283601387272207),
            (1000, 1000, 0.05, 0.16411447756429137),
            (37, 1000, 0.3, 0.0023859870828841696),
        ];
        for (n1, n2, d, want) in cases {
            let (p, m) = p_value(d, n1, n2);
            assert_eq!(m, "exact");
            assert!(close(p, want, 1e-8), "n1={n1} n2={n2} d={d}: {p} vs {want}");
        }
    }

    #[test]
    fn asymptotic_matches_scipy_kstwo() {
        // scipy.stats.kstwo.sf(d, n), one case per branch of scipy's kolmogn.
        let cases = [
            (20000u64, 0.005, 0.6974088406327613), // Pelz–Good
            (6000, 0.012, 0.3505233379793474),     // Pelz–Good
            (50000, 0.01, 9.018048811843602e-05),  // 2 × Smirnov
            (50000, 0.03, 1.5783051787103078e-39), // 2 × Smirnov, deep tail
            (5000, 0.03, 0.00024159234422666817),  // 2 × Smirnov
            (1000, 0.012, 0.9984464668620097),     // Durbin matrix (n·x^1.5 ≤ 1.4)
            (50, 0.1, 0.6623112704658186),         // n ≤ 140, Durbin
            (50, 0.25, 0.0030657620198693003),     // n ≤ 140, Pomeranz region (Durbin here)
            (120, 0.25, 4.283039195002836e-07),    // n ≤ 140, 2 × Smirnov
            (3, 0.4, 0.5946666666666665),          // Ruben–Gambino lower tail
            (10, 0.05, 1.0),                       // t ≤ 0.5
            (10, 0.95, 1.9531250000000172e-13),    // Ruben–Gambino upper tail
        ];
        for (n, d, want) in cases {
            let p = kolmogorov_sf(n, d);
            assert!(close(p, want, 1e-7), "n={n} d={d}: {p} vs {want}");
        }
        // ks_2samp with n1 = 20000, n2 = 30000, d = 0.02 -> en = 12000:
        // kstwo.sf(0.02, 12000) = 0.00013357286372337897
        let (p, m) = p_value(0.02, 20000, 30000);
        assert_eq!(m, "asymptotic");
        assert!(close(p, 0.00013357286372337897, 1e-7), "{p}");
    }

    #[test]
    fn large_samples_end_to_end() {
        // rng = np.random.default_rng(7); a = np.round(rng.normal(0, 1, 12000), 3);
        // b = np.round(rng.normal(0.05, 1, 15000), 3): ks_2samp(a, b) ->
        // statistic=0.03031666666666666, pvalue=9.309750686881272e-06. The arrays are too big to
        // inline, so this checks the same pipeline on the statistic alone.
        let (p, m) = p_value(0.03031666666666666, 12000, 15000);
        assert_eq!(m, "asymptotic");
        assert!(close(p, 9.309750686881272e-06, 1e-7), "{p}");
    }
}
