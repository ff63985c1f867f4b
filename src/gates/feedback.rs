//! Feedback loops (right-censoring): when a model's own decisions choose which outcomes get
//! observed (only approved loans are repaid or not), metrics on observed outcomes, and a
//! model retrained on them, are biased toward the decisions it already makes. The canary
//! gate asks it of the model that served the traffic, the drift gate of the current data
//! once delayed outcomes are joined. Pure: scores and outcomes in, a finding out.

use crate::results::{Check, Status, Threshold};
use crate::stats::intervals::newcombe_diff;
use crate::text::{num, pct};

/// What the comparison of outcome coverage across the decision found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub status: Status,
    /// Coverage of the less-observed decision ÷ coverage of the more-observed one.
    pub ratio: f64,
    pub labelled: u64,
    pub scored: u64,
    pub message: String,
}

impl Finding {
    /// The finding as the asking gate's check on `subject`.
    pub fn into_check(self, code: impl Into<String>, subject: &str, r: &Rule) -> Check {
        Check::new(code, subject, self.status, self.message)
            .with_value("coverage_ratio", self.ratio)
            .with_threshold(Threshold::at_least(Some(r.min_coverage_ratio), None))
            .with_counts(self.labelled, self.scored)
    }
}

/// The rule's settings, owned by the gate that asks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Scores at or above it are positive decisions.
    pub threshold: f64,
    /// Fewer scored rows than this on a side of the decision: not judged.
    pub min_rows: u64,
    /// Warn below this coverage ratio when the difference is significant (0 turns it off).
    pub min_coverage_ratio: f64,
    pub alpha: f64,
}

/// Compares how often outcomes are known for the rows `who` decided positive and negative.
/// `None` when there is nothing to compare: every outcome known, none yet, too few rows on a
/// side, or the rule is off.
pub fn coverage(score: &[f64], label: &[Option<bool>], who: &str, r: &Rule) -> Option<Finding> {
    if label.is_empty() || r.min_coverage_ratio <= 0.0 {
        return None;
    }
    let (mut n, mut k) = ([0u64; 2], [0u64; 2]);
    let (mut sum, mut count) = ([0.0f64; 2], [0u64; 2]);
    for (i, x) in score.iter().enumerate().filter(|(_, x)| x.is_finite()) {
        let d = (*x >= r.threshold) as usize;
        let known = label.get(i).is_some_and(Option::is_some);
        n[d] += 1;
        k[d] += known as u64;
        sum[known as usize] += *x;
        count[known as usize] += 1;
    }
    let labelled = k[0] + k[1];
    if labelled == 0 || labelled == n[0] + n[1] || n[0].min(n[1]) < r.min_rows {
        return None;
    }
    let cover = [k[0] as f64 / n[0] as f64, k[1] as f64 / n[1] as f64];
    let ratio = cover[0].min(cover[1]) / cover[0].max(cover[1]);
    let level = 1.0 - r.alpha;
    let (lo, hi) = newcombe_diff(k[1], n[1], k[0], n[0], level).unwrap_or((0.0, 0.0));
    let significant = lo > 0.0 || hi < 0.0;
    let status = if ratio < r.min_coverage_ratio && significant { Status::Warn } else { Status::Pass };
    let mean = |known: usize| sum[known] / count[known].max(1) as f64;
    let base = format!(
        "outcomes known for {} of the {who}'s positive decisions and {} of its negative ones (difference {} to {} at {}%); mean score of labelled rows {}, of unlabelled {}",
        pct(cover[1]),
        pct(cover[0]),
        pct(lo),
        pct(hi),
        num(level * 100.0),
        num(mean(1)),
        num(mean(0))
    );
    let message = if status == Status::Warn {
        format!(
            "{base}: the {who}'s own decisions choose which outcomes are seen, so accuracy, calibration and AUC on observed outcomes — and a model retrained on them — are biased toward the decisions it already makes. Remedies: serve a small exploration share regardless of the score so its outcomes are observed, weight observed outcomes by 1 / P(observed | score) (propensity weights), or judge on the exploration traffic only"
        )
    } else {
        format!("{base}: observed alike on both sides of the decision")
    };
    Some(Finding { status, ratio, labelled, scored: n[0] + n[1], message })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule { threshold: 0.5, min_rows: 10, min_coverage_ratio: 0.5, alpha: 0.05 };

    #[test]
    fn outcomes_seen_only_for_one_decision_warn() {
        // Approved (score < 0.5) rows have outcomes; declined ones almost never.
        let score: Vec<f64> = (0..2000).map(|i| (i % 100) as f64 / 100.0).collect();
        let label: Vec<Option<bool>> =
            score.iter().enumerate().map(|(i, s)| (*s < 0.5 || i % 20 == 0).then_some(i % 3 == 0)).collect();
        let f = coverage(&score, &label, "model", &RULE).unwrap();
        assert_eq!(f.status, Status::Warn);
        assert!(f.ratio < 0.2, "{}", f.ratio);
        assert!(f.message.contains("propensity"));
        // Outcomes missing at random: observed alike.
        let label: Vec<Option<bool>> = (0..2000).map(|i| (i % 7 != 0).then_some(i % 3 == 0)).collect();
        assert_eq!(coverage(&score, &label, "model", &RULE).unwrap().status, Status::Pass);
        // Every outcome known, or none: nothing to compare.
        assert!(coverage(&score, &vec![Some(true); 2000], "model", &RULE).is_none());
        assert!(coverage(&score, &vec![None; 2000], "model", &RULE).is_none());
    }
}
