//! Multiple-testing control across columns: every drift report compares many columns, so
//! raw p-values overstate significance.

/// Benjamini–Hochberg adjusted p-values (false discovery rate), in input order; NaN
/// entries stay NaN and do not count as tests. Matches
/// `scipy.stats.false_discovery_control(p, method='bh')`.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_finite()).collect();
    let m = idx.len() as f64;
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out = vec![f64::NAN; p.len()];
    let mut running = 1.0f64;
    for (rank, &i) in idx.iter().enumerate().rev() {
        let adj = (p[i] * m / (rank as f64 + 1.0)).min(1.0);
        running = running.min(adj);
        out[i] = running;
    }
    out
}

/// Bonferroni adjusted p-values: min(1, m·p).
pub fn bonferroni(p: &[f64]) -> Vec<f64> {
    let m = p.iter().filter(|x| x.is_finite()).count() as f64;
    p.iter().map(|x| if x.is_finite() { (x * m).min(1.0) } else { f64::NAN }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bh_matches_scipy() {
        // scipy.stats.false_discovery_control([0.01, 0.04, 0.03, 0.2, 0.001]) ->
        // [0.025, 0.05, 0.05, 0.2, 0.005]
        let got = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.2, 0.001]);
        let want = [0.025, 0.05, 0.05, 0.2, 0.005];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
        let got = benjamini_hochberg(&[0.5, f64::NAN, 0.01]);
        assert!((got[0] - 0.5).abs() < 1e-12 && got[1].is_nan() && (got[2] - 0.02).abs() < 1e-12, "{got:?}");
    }

    #[test]
    fn bonferroni_caps_at_one() {
        let b = bonferroni(&[0.01, 0.6, f64::NAN]);
        assert_eq!(&b[..2], &[0.02, 1.0]);
        assert!(b[2].is_nan());
    }
}
