//! How the drift statistics were computed, stated in every report so a reader can
//! reproduce them (`method` in results.json).

use std::collections::BTreeMap;

use super::settings::Settings;
use crate::stats::psi::EmptyBins;

/// The gate's `method` entries.
pub fn describe(settings: &Settings, exact: bool, n_tests: usize) -> BTreeMap<String, serde_json::Value> {
    let s = &settings.compare;
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        m.insert(k.to_string(), serde_json::Value::String(v));
    };
    put("mode", if exact { "exact" } else { "binned" }.into());
    if s.evidently {
        put("compat", "evidently".into());
        put(
            "binning",
            "Evidently: equal-width Sturges bins over reference and current combined when the reference has more than 20 distinct values, else one bin per value; NaN and ±inf dropped first".into(),
        );
        put("empty_bins", EmptyBins::Evidently.describe(s.epsilon));
        put("wasserstein", "W1 / max(population std of reference, 0.001)".into());
    } else {
        put(
            "binning",
            format!(
                "reference-quantile bins: {} bins with edges at the reference's i/{} quantiles (linear interpolation), duplicate edges merged, plus a bin below the reference's minimum and one above its maximum; when the reference has at most 20 distinct values, one bin per value, per gap between values, and the two outer bins; bins empty on both sides dropped; categories: one bin each",
                s.bins, s.bins
            ),
        );
        let mut empty = s.empty_bins.describe(s.epsilon);
        if s.empty_bins == EmptyBins::Replace {
            empty.push_str("; a bin beyond the reference's range gets the reference share max(epsilon, 1/(n + 1))");
        }
        put("empty_bins", empty);
        put(
            "wasserstein",
            "W1 / population standard deviation of the reference (of both samples together when the reference is constant)".into(),
        );
    }
    put("log_base", "natural logarithm (e) for PSI and Jensen–Shannon".into());
    put("js", "Jensen–Shannon distance (square root of the divergence), natural log, range [0, 0.8326]".into());
    put(
        "ks",
        "two-sided two-sample KS; exact p-value when both samples have at most 10,000 values, else asymptotic (as scipy.stats.ks_2samp method='auto')".into(),
    );
    put(
        "chi2",
        "χ² test of homogeneity on the 2×k table (Yates correction when dof = 1); effect size Cramér's V".into(),
    );
    put(
        "significance",
        format!(
            "{} across {n_tests} tests at α = {}; KS, χ² and Wasserstein levels apply only to significant differences",
            settings.correction.name(),
            settings.alpha
        ),
    );
    put("missing", "nulls plus NaN, as a share of rows".into());
    if !exact {
        put(
            "profiles",
            "numeric columns of profiles are compared over shared bins: with counts over a reference's cuts (profile --grid, --edges-from, --sql), PSI and Jensen–Shannon use the reference-quantile bins above, summed from the cuts, and equal the exact statistics when the cuts are exact quantiles; KS is the lower bound of D at the cuts (or histogram bucket boundaries), tested as is, with the upper bound shown; Wasserstein spreads each bin's values uniformly over it".into(),
        );
    }
    m
}

/// The `method` entries of the drift-kind diagnosis.
pub fn describe_outcomes(m: &mut BTreeMap<String, serde_json::Value>) {
    let mut put = |k: &str, v: &str| {
        m.insert(k.to_string(), serde_json::Value::String(v.to_string()));
    };
    put(
        "label_rate",
        "prior drift: relative change in the rate of the reference's rarer label, Katz log risk-ratio interval at 1 − α (half a row when the current count is 0); levels apply only when the interval excludes no change",
    );
    put(
        "performance",
        "concept drift: reference AUC − current AUC of the model's score on labelled rows, DeLong variance per side (independent samples), normal interval at 1 − α; levels apply only to a significant fall; AUC does not move with the label rate alone, so a fall with stable inputs is concept drift",
    );
    put(
        "feedback_loop",
        "outcome coverage of the model's positive vs negative decisions on current rows (Newcombe interval); warns when the ratio is below min_coverage_ratio and the difference is significant",
    );
}
