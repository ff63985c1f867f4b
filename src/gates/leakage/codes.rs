//! Check codes of the leakage gate: stable names users grep, waive and look up with
//! `mlgate explain`.

crate::check_codes! {
    /// Every check code the leakage gate emits.
    pub enum Code {
        PointInTime = "leakage.point-in-time":
            "Rows use a feature value observed after the row's as-of time (per observed_at pair).",
        TemporalSplit = "leakage.temporal-split":
            "With a temporal split, the training period (plus the gap) reaches into the test period.",
        EntityOverlap = "leakage.entity-overlap":
            "The same entity (customer, patient, …) appears in both train and test.",
        DuplicateFeatures = "leakage.duplicate-features":
            "Test rows whose features (label excluded) exactly repeat a training row, beyond the share of training rows that repeat each other by coincidence.",
        DuplicateRows = "leakage.duplicate-rows":
            "Test rows that exactly repeat a training row, label included, beyond the share of training rows that repeat each other by coincidence.",
        Target = "leakage.target":
            "A single feature predicts the label almost perfectly (max(AUC, 1 − AUC) or |Spearman ρ| above the bound: target_auc, target_rho).",
        LabelInFeatures = "leakage.label-in-features":
            "The label, or an exact copy of it, is among the features.",
        NotEvaluated = "leakage.not-evaluated":
            "A leakage check could not run: a timestamp column that does not parse, or a missing column; the message says which rows and formats.",
    }
}
