//! Check codes of the drift gate: stable names users grep, waive and look up with
//! `mlgate explain`.

crate::check_codes! {
    /// Every check code the drift gate emits.
    pub enum Code {
        Psi = "drift.psi":
            "Population Stability Index between reference and current bins is above its level ([gates.drift].psi).",
        Ks = "drift.ks":
            "Two-sample Kolmogorov–Smirnov statistic D (numeric columns); judged against its levels only when significant after correction.",
        Chi2 = "drift.chi2":
            "χ² test of homogeneity (categorical columns), Cramér's V as effect size; judged only when significant after correction.",
        Js = "drift.js":
            "Jensen–Shannon distance between the binned distributions (natural log); informational unless levels are set.",
        Wasserstein = "drift.wasserstein":
            "Wasserstein distance in reference standard deviations (numeric columns; both samples' when the reference is constant); judged against its levels only when the KS test is significant.",
        NullRate = "drift.null-rate":
            "The share of missing values (null or NaN) changed by more than its level ([gates.drift].null_rate).",
        Unseen = "drift.unseen-category":
            "The share of current values in categories never seen in the reference is above its level ([gates.drift].unseen).",
        TypeMismatch = "drift.type-mismatch":
            "A column is numeric on one side and text on the other: not comparable, and a failure.",
        MissingColumn = "drift.missing-column":
            "A compared column is missing from the reference or the current data.",
        NotComparable = "drift.not-comparable":
            "A statistic cannot be computed for this column (all missing, constant reference, too many categories, dates); the message says why.",
        SampleSize = "drift.sample-size":
            "A side has fewer rows than min_rows; the statistics are too noisy to judge.",
        LabelRate = "drift.label-rate":
            "Prior drift: the rate of the rarer label changed between reference and current by more than its level ([gates.drift].label_rate, relative change, log risk-ratio interval); judged only when significant.",
        Performance = "drift.performance":
            "The model's AUC on labelled current rows fell from its reference AUC by more than its level ([gates.drift].performance; unpaired DeLong interval); judged only when the fall is significant. With stable inputs, concept drift.",
        FeedbackLoop = "drift.feedback-loop":
            "Outcomes joined to the current rows are known far more often for one of the model's decisions than for the other: metrics and retraining on observed outcomes are biased (remedies in the message).",
        Importance = "drift.importance":
            "Columns that drifted hold more than the allowed share of feature importance (when an importance file is given).",
    }
}
