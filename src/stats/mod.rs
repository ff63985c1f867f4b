//! Pure statistics: no I/O, no configuration types, no polars. Every function here is
//! tested against independently computed values (scipy, numpy, scikit-learn), recorded in
//! the tests with the call that produced them.

pub mod agreement;
pub mod chi2;
pub mod ecdf;
pub mod exact;
pub mod grid;
pub mod hist;
pub mod intervals;
pub mod ks;
pub mod mannwhitney;
pub mod metrics;
pub mod multiple;
pub mod psi;
pub mod rank;
pub mod sequential;
pub mod sort;
pub mod wasserstein;

/// Quantile of sorted data with linear interpolation (numpy's default, "type 7").
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    lerp(sorted[lo], sorted[hi], pos - lo as f64)
}

/// numpy's `_lerp`: a + (b − a)·t, switching form near t = 1 for monotonicity.
pub fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 { b - diff * (1.0 - t) } else { a + diff * t }
}

/// Population mean and standard deviation (ddof = 0, like `np.std`), two-pass.
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    mean_std_passes(values.len(), || values.iter().copied())
}

/// [`mean_std`] of `n` values that `pass` yields afresh each time it is called (two passes,
/// in the order given: the same values in the same order give the same result).
pub fn mean_std_passes<I: Iterator<Item = f64>>(n: usize, pass: impl Fn() -> I) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let n = n as f64;
    let mean = pass().sum::<f64>() / n;
    let var = pass().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy() {
        // np.quantile([1, 2, 3, 4, 10], [0, .1, .25, .5, .9, 1]) -> [1, 1.4, 2, 3, 7.6, 10]
        let d = [1.0, 2.0, 3.0, 4.0, 10.0];
        let got: Vec<f64> = [0.0, 0.1, 0.25, 0.5, 0.9, 1.0].iter().map(|q| quantile_sorted(&d, *q)).collect();
        let want = [1.0, 1.4, 2.0, 3.0, 7.6, 10.0];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
    }

    #[test]
    fn std_is_population() {
        // np.std([2, 4, 4, 4, 5, 5, 7, 9]) -> 2.0
        assert_eq!(mean_std(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]), (5.0, 2.0));
    }
}
