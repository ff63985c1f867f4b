//! Check codes of the baseline gate: stable names users grep, waive and look up with
//! `mlgate explain`.

crate::check_codes! {
    /// Every check code the baseline gate emits.
    pub enum Code {
        Metric = "baseline.metric":
            "The candidate against the champion (baseline predictions) on one metric: improvement with a paired test and interval, against `min_improvement` / `max_regression`.",
        Trivial = "baseline.trivial":
            "The candidate against a trivial baseline (majority class, prior probability or mean): it must be shown better, by more than trivial_margin.",
        Unmatched = "baseline.unmatched":
            "Candidate and baseline rows that could not be paired by entity and were left out of the comparison.",
        Agreement = "baseline.agreement":
            "How often candidate and baseline predict the same class (context for the paired tests).",
    }
}
