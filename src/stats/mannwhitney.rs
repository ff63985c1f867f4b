//! The Mann–Whitney U test (Wilcoxon rank-sum) with the normal approximation, tie
//! correction and continuity correction, as
//! `scipy.stats.mannwhitneyu(x, y, alternative=…, method="asymptotic")`.

use statrs::distribution::{ContinuousCDF, Normal};

/// Which difference the test looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alternative {
    TwoSided,
    /// `x` tends to be larger than `y`.
    Greater,
    /// `x` tends to be smaller than `y`.
    Less,
}

/// `U` of `x` (the number of pairs with x > y, ties counting a half) and the p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitney {
    pub u: f64,
    pub p: f64,
}

/// The test of `x` against `y` over their finite values (NaN and infinities are left out);
/// `None` when a side has none or every value is tied.
pub fn mann_whitney(x: &[f64], y: &[f64], alt: Alternative) -> Option<MannWhitney> {
    let finite = |v: &[f64]| -> Vec<f64> { v.iter().copied().filter(|z| z.is_finite()).collect() };
    let (x, y) = (&finite(x)[..], &finite(y)[..]);
    let (n1, n2) = (x.len(), y.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    // One sort gives both the rank sum of x and the tie groups: each group of equal values
    // shares its mean rank, and adds t³ − t to the tie correction.
    let mut keys: Vec<u64> = x.iter().chain(y).map(|&v| super::sort::ordered_bits(v + 0.0)).collect(); // -0 ties with 0
    let mut idx: Vec<u32> = (0..keys.len() as u32).collect();
    super::rank::radix_sort_pairs(&mut keys, &mut idx);
    let (mut r1, mut ties, mut i) = (0.0, 0.0, 0);
    while i < keys.len() {
        let mut j = i + 1;
        while j < keys.len() && keys[j] == keys[i] {
            j += 1;
        }
        let rank = (i + j + 1) as f64 / 2.0;
        let from_x = idx[i..j].iter().filter(|&&k| (k as usize) < n1).count() as f64;
        r1 += rank * from_x;
        let t = (j - i) as f64;
        ties += t * t * t - t;
        i = j;
    }
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let u1 = r1 - n1f * (n1f + 1.0) / 2.0;
    let u2 = n1f * n2f - u1;
    let n = n1f + n2f;
    let var = n1f * n2f / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)));
    if var <= 0.0 || !var.is_finite() {
        return None;
    }
    let mu = n1f * n2f / 2.0;
    let sd = var.sqrt();
    let sf = |u: f64| Normal::standard().sf((u - mu - 0.5) / sd);
    let p = match alt {
        Alternative::Greater => sf(u1),
        Alternative::Less => sf(u2),
        Alternative::TwoSided => (2.0 * sf(u1.max(u2))).min(1.0),
    };
    Some(MannWhitney { u: u1, p })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1e-300), "{a} vs {b}");
    }

    #[test]
    fn matches_scipy_with_ties() {
        // scipy 1.17.1: mannwhitneyu(x, y, alternative=…, method="asymptotic")
        let x = [1.0, 2.0, 2.0, 3.0, 5.0, 8.0, 8.0, 9.0, 12.0];
        let y = [2.0, 3.0, 3.0, 4.0, 4.0, 6.0, 7.0, 7.0, 7.0, 10.0, 11.0];
        for (alt, p) in [
            (Alternative::TwoSided, 0.8187676499186198),
            (Alternative::Greater, 0.620010001703919),
            (Alternative::Less, 0.4093838249593099),
        ] {
            let r = mann_whitney(&x, &y, alt).unwrap();
            assert_eq!(r.u, 46.0);
            close(r.p, p);
        }
        // a = [(i*7919 % 1000)/10 for i in range(400)], b = [(j*104729 % 1100)/10 + 5 for j in range(300)]
        let a: Vec<f64> = (0..400u64).map(|i| ((i * 7919) % 1000) as f64 / 10.0).collect();
        let b: Vec<f64> = (0..300u64).map(|j| ((j * 104729) % 1100) as f64 / 10.0 + 5.0).collect();
        for (alt, p) in [
            (Alternative::TwoSided, 0.00010606340285249136),
            (Alternative::Greater, 5.303170142624568e-05),
            (Alternative::Less, 0.9999470505169678),
        ] {
            let r = mann_whitney(&b, &a, alt).unwrap();
            assert_eq!(r.u, 70263.5);
            assert!((r.p - p).abs() <= 1e-10 * p, "{alt:?}: {} vs {p}", r.p);
        }
    }

    #[test]
    fn degenerate_inputs_have_no_answer() {
        assert!(mann_whitney(&[], &[1.0], Alternative::TwoSided).is_none());
        // A fuzzer finding: NaN never equals itself, and the tie count looped forever.
        let r = mann_whitney(&[1.0, f64::NAN, 2.0], &[f64::NAN, 3.0, f64::INFINITY], Alternative::Greater).unwrap();
        assert_eq!(r, mann_whitney(&[1.0, 2.0], &[3.0], Alternative::Greater).unwrap());
        // −0 and 0 are one value (a tie), as in scipy.
        assert_eq!(
            mann_whitney(&[-0.0, 1.0], &[0.0, 2.0], Alternative::TwoSided),
            mann_whitney(&[0.0, 1.0], &[0.0, 2.0], Alternative::TwoSided)
        );
        assert!(mann_whitney(&[2.0, 2.0], &[2.0], Alternative::TwoSided).is_none());
    }
}
