//! The two distances between empirical CDFs the drift gate reports, in one merge of two
//! sorted samples: the KS statistic sup |F₁ − F₂| and the first Wasserstein distance
//! ∫ |F₁ − F₂| dx. Both walk the distinct values of the union in order, with the ECDFs
//! compared after every value (`searchsorted(side='right')`, as scipy), so one walk serves
//! both: half the work of two, and the very same floating-point operations in the same
//! order as each computed alone (results are bit-identical).

/// KS statistic and W1 of two sorted samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Distances {
    /// sup |F₁ − F₂| over the values (0 when a sample is empty).
    pub ks: f64,
    /// ∫ |F₁ − F₂| dx (NaN when a sample is empty).
    pub w1: f64,
}

/// Both distances of two sorted samples (ascending, no NaN).
pub fn distances_sorted(a: &[f64], b: &[f64]) -> Distances {
    distances(a.iter().copied(), a.len(), b.iter().copied(), b.len())
}

/// Both distances of two samples given as ascending iterators of `la` and `lb` values (a
/// sample read back in order from disk works as well as a slice, with the same result).
pub fn distances(a: impl Iterator<Item = f64>, la: usize, b: impl Iterator<Item = f64>, lb: usize) -> Distances {
    if la == 0 || lb == 0 {
        return Distances { ks: 0.0, w1: f64::NAN };
    }
    let (na, nb) = (la as f64, lb as f64);
    let (mut a, mut b) = (a.peekable(), b.peekable());
    let (mut i, mut j) = (0usize, 0usize);
    let (mut ks, mut w1) = (0.0f64, 0.0f64);
    // The current value and, after passing it on both sides, the ECDFs at it.
    let mut x = match (a.peek(), b.peek()) {
        (Some(&p), Some(&q)) => p.min(q),
        _ => return Distances { ks: 0.0, w1: f64::NAN },
    };
    loop {
        // KS compares only while neither sample is exhausted; after that the difference
        // only shrinks.
        let both = i < la && j < lb;
        while a.next_if(|&v| v <= x).is_some() {
            i += 1;
        }
        while b.next_if(|&v| v <= x).is_some() {
            j += 1;
        }
        let diff = (i as f64 / na - j as f64 / nb).abs();
        if both {
            ks = ks.max(diff);
        }
        let next = match (a.peek(), b.peek()) {
            (Some(&p), Some(&q)) => p.min(q),
            (Some(&p), None) => p,
            (None, Some(&q)) => q,
            (None, None) => break,
        };
        w1 += diff * (next - x);
        x = next;
    }
    Distances { ks, w1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy() {
        // scipy.stats.ks_2samp([0, 0, 1], [2, 3]).statistic -> 1.0;
        // scipy.stats.wasserstein_distance([0, 0, 1], [2, 3]) -> 2.1666666666666665
        let d = distances_sorted(&[0.0, 0.0, 1.0], &[2.0, 3.0]);
        assert_eq!(d, Distances { ks: 1.0, w1: 2.1666666666666665 });
        assert_eq!(distances_sorted(&[2.0, 3.0], &[0.0, 0.0, 1.0]), d);
        // ks_2samp([1, 1, 2, 5], [1, 2, 2, 2, 9]).statistic -> 0.30000000000000004
        // (0.5 - 0.2), wasserstein_distance(...) -> 1.25
        let d = distances_sorted(&[1.0, 1.0, 2.0, 5.0], &[1.0, 2.0, 2.0, 2.0, 9.0]);
        assert!((d.ks - 0.3).abs() < 1e-15 && (d.w1 - 1.25).abs() < 1e-12, "{d:?}");
        assert_eq!(distances_sorted(&[1.0, 1.0], &[1.0]), Distances { ks: 0.0, w1: 0.0 });
        assert!(distances_sorted(&[], &[1.0]).w1.is_nan());
    }
}
