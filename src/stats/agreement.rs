//! Agreement between two raters on an ordinal scale: Cohen's kappa with quadratic weights,
//! as used to compare `mlgate score` with expert audits (`examples/rubric_agreement.rs`).

/// Quadratic-weighted Cohen's kappa of two ratings of the same items on categories
/// `0..k`. `None` when the ratings differ in length, are empty, or a category is out of
/// range. When the expected disagreement is zero (both raters constant) the value is 0, no
/// agreement beyond chance (scikit-learn returns NaN there).
pub fn quadratic_kappa(a: &[usize], b: &[usize], k: usize) -> Option<f64> {
    if a.len() != b.len() || a.is_empty() || k < 2 || a.iter().chain(b).any(|&x| x >= k) {
        return None;
    }
    let n = a.len() as f64;
    let mut observed = vec![vec![0.0; k]; k];
    let (mut ra, mut rb) = (vec![0.0; k], vec![0.0; k]);
    for (&x, &y) in a.iter().zip(b) {
        observed[x][y] += 1.0;
        ra[x] += 1.0;
        rb[y] += 1.0;
    }
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            let w = ((i as f64 - j as f64) / (k as f64 - 1.0)).powi(2);
            num += w * observed[i][j];
            den += w * ra[i] * rb[j] / n;
        }
    }
    Some(if den == 0.0 { 0.0 } else { 1.0 - num / den })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values: scikit-learn 1.9.1, `cohen_kappa_score(a, b, weights="quadratic")`.
    #[test]
    fn matches_scikit_learn() {
        let a = [0, 0, 1, 2, 2, 1, 0, 0, 0, 1, 2, 0, 0, 1];
        let b = [0, 1, 1, 2, 1, 0, 0, 0, 2, 1, 2, 0, 0, 0];
        assert!((quadratic_kappa(&a, &b, 3).unwrap() - 0.5483870967741935).abs() < 1e-15);
        // A rater that says 0 for everything agrees no better than chance.
        let mut a2 = vec![0; 20];
        a2.extend([1; 5]);
        a2.extend([2; 3]);
        assert_eq!(quadratic_kappa(&a2, &[0; 28], 3), Some(0.0));
        assert_eq!(quadratic_kappa(&a, &a, 3), Some(1.0));
        assert_eq!(quadratic_kappa(&[0, 3], &[0, 1], 3), None);
    }
}
