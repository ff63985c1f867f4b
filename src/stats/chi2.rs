//! Chi-square test of homogeneity for a 2×k table (reference counts vs current counts),
//! matching `scipy.stats.chi2_contingency` with its default Yates correction (applied only
//! when there is one degree of freedom), and Cramér's V as the effect size.

use statrs::distribution::{ChiSquared, ContinuousCDF};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chi2Result {
    pub statistic: f64,
    pub dof: usize,
    pub p_value: f64,
    /// Cramér's V = sqrt(χ² / (N · (min(rows, cols) − 1))), in [0, 1].
    pub cramers_v: f64,
}

/// χ² test on two count vectors over the same categories. Categories empty on both sides
/// are dropped (they carry no information and would make an expected count zero).
/// Returns `None` when fewer than two categories remain or a side is empty.
pub fn homogeneity(a: &[u64], b: &[u64]) -> Option<Chi2Result> {
    let cols: Vec<(f64, f64)> =
        a.iter().zip(b).filter(|(x, y)| **x + **y > 0).map(|(x, y)| (*x as f64, *y as f64)).collect();
    let na: f64 = cols.iter().map(|c| c.0).sum();
    let nb: f64 = cols.iter().map(|c| c.1).sum();
    if cols.len() < 2 || na == 0.0 || nb == 0.0 {
        return None;
    }
    let total = na + nb;
    let dof = cols.len() - 1;
    let mut stat = 0.0;
    for (x, y) in &cols {
        let col = x + y;
        for (obs, row) in [(*x, na), (*y, nb)] {
            let exp = row * col / total;
            let mut diff = (obs - exp).abs();
            if dof == 1 {
                // Yates: move each observation 0.5 towards its expectation, never past it.
                diff = (diff - 0.5).max(0.0);
            }
            stat += diff * diff / exp;
        }
    }
    let p_value = ChiSquared::new(dof as f64).map(|d| d.sf(stat)).unwrap_or(f64::NAN);
    // Effect size from the uncorrected statistic, as is conventional.
    let mut raw = 0.0;
    for (x, y) in &cols {
        let col = x + y;
        for (obs, row) in [(*x, na), (*y, nb)] {
            let exp = row * col / total;
            raw += (obs - exp) * (obs - exp) / exp;
        }
    }
    let cramers_v = (raw / total).sqrt().min(1.0);
    Some(Chi2Result { statistic: stat, dof, p_value, cramers_v })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn matches_scipy_chi2_contingency() {
        // scipy.stats.chi2_contingency([[120, 90, 40], [110, 95, 60]]) ->
        // statistic=4.136533711726495, pvalue=0.12640466947998322, dof=2
        let r = homogeneity(&[120, 90, 40], &[110, 95, 60]).unwrap();
        assert_eq!(r.dof, 2);
        assert!(close(r.statistic, 4.136533711726495, 1e-10), "{r:?}");
        assert!(close(r.p_value, 0.12640466947998322, 1e-9), "{r:?}");
        // 2×2 uses Yates: chi2_contingency([[30, 70], [45, 55]]) ->
        // statistic=4.181333333333333, pvalue=0.04087153408900628, dof=1
        let r = homogeneity(&[30, 70], &[45, 55]).unwrap();
        assert!(close(r.statistic, 4.181333333333333, 1e-10), "{r:?}");
        assert!(close(r.p_value, 0.04087153408900628, 1e-9), "{r:?}");
        // Tiny p-values keep their precision (survival function, not 1 − cdf):
        // chi2_contingency([[500, 300], [300, 500]]) -> statistic=99.0025, pvalue=2.5218321340413693e-23
        let r = homogeneity(&[500, 300], &[300, 500]).unwrap();
        assert!(close(r.statistic, 99.0025, 1e-10), "{r:?}");
        assert!(close(r.p_value, 2.5218321340413693e-23, 1e-6), "{r:?}");
    }

    #[test]
    fn degenerate_tables() {
        assert!(homogeneity(&[5, 0], &[7, 0]).is_none());
        assert!(homogeneity(&[0, 0], &[3, 4]).is_none());
        let r = homogeneity(&[10, 0, 5], &[10, 0, 5]).unwrap();
        assert_eq!(r.dof, 1);
        assert_eq!(r.cramers_v, 0.0);
    }
}
