//! First Wasserstein (earth mover's) distance between two samples, as
//! `scipy.stats.wasserstein_distance(u, v)`: the area between the two empirical CDFs.

/// W1 of two sorted samples (see [`super::ecdf`], which computes it with the KS statistic).
pub fn w1_sorted(a: &[f64], b: &[f64]) -> f64 {
    super::ecdf::distances_sorted(a, b).w1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy() {
        // scipy.stats.wasserstein_distance([0, 1, 3], [5, 6, 8]) -> 5.0
        assert_eq!(w1_sorted(&[0.0, 1.0, 3.0], &[5.0, 6.0, 8.0]), 5.0);
        // wasserstein_distance([3.4, 3.9, 7.5, 7.8], [4.5, 1.4]) -> 2.7
        let mut a = vec![3.4, 3.9, 7.5, 7.8];
        let mut b = vec![4.5, 1.4];
        a.sort_by(f64::total_cmp);
        b.sort_by(f64::total_cmp);
        assert!((w1_sorted(&a, &b) - 2.7).abs() < 1e-12);
        // wasserstein_distance([1, 1, 2, 5], [1, 2, 2, 2, 9]) -> 1.25
        assert!((w1_sorted(&[1.0, 1.0, 2.0, 5.0], &[1.0, 2.0, 2.0, 2.0, 9.0]) - 1.25).abs() < 1e-12);
        assert_eq!(w1_sorted(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
    }
}
