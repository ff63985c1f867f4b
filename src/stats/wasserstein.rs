//! First Wasserstein (earth mover's) distance between two samples, as
//! `scipy.stats.wasserstein_distance(u, v)`: the area between the two empirical CDFs.

/// W1 of two sorted samples.
pub fn w1_sorted(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return f64::NAN;
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut total = 0.0;
    // Current position and the CDFs just after it.
    let mut x = a[0].min(b[0]);
    while i < a.len() || j < b.len() {
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        let next = match (a.get(i), b.get(j)) {
            (Some(&p), Some(&q)) => p.min(q),
            (Some(&p), None) => p,
            (None, Some(&q)) => q,
            (None, None) => break,
        };
        total += (i as f64 / na - j as f64 / nb).abs() * (next - x);
        x = next;
    }
    total
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
