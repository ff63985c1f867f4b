//! Check codes of the threshold review: stable names users grep, waive and look up with
//! `mlgate explain`.

crate::check_codes! {
    /// Every check code the threshold review emits.
    pub enum Code {
        Loosened = "thresholds.loosened":
            "Compared with the base commit, a gate's thresholds got looser (or changed in a way mlgate cannot rank); blocks unless an approval is recorded.",
        MovedWithModel = "thresholds.moved-with-model":
            "The change edits thresholds and the candidate's predictions or model files together; thresholds must be fixed before the model they judge, so this blocks unless approved.",
        Tightened = "thresholds.tightened":
            "Compared with the base commit, a gate's thresholds got stricter; allowed and noted.",
        Unchanged = "thresholds.unchanged":
            "No gate threshold changed since the base commit.",
    }
}
