//! Check codes of the training–serving skew gate: stable names users grep, waive and look
//! up with `mlgate explain`.

crate::check_codes! {
    /// Every check code the skew gate emits.
    pub enum Code {
        Unmatched = "skew.unmatched":
            "Rows on one side (online: served requests; offline: the training pipeline's rows) found no partner on the key; a low match rate is a logging or key bug that hides every other finding (max_unmatched_online, max_unmatched_offline).",
        DuplicateKeys = "skew.duplicate-keys":
            "Rows whose key (or key and time within the tolerance) pairs with more than one row of the other side or repeats on its own side; they are left out of the comparison rather than fanned out (max_duplicates).",
        Mismatch = "skew.mismatch":
            "The share of joined rows whose feature value differs between offline and online (beyond abs + rel × |value| for numbers, exactly for text; a value missing on one side only counts), with the diagnosed cause (max_mismatch).",
        Type = "skew.type":
            "A feature has different types offline and online (a number on one side, text that is not a number on the other) and cannot be compared value by value.",
        Distribution = "skew.distribution":
            "Without a key, the two sides' distributions are compared: L∞ distance of category shares (as TFDV does for categoricals) or Jensen–Shannon distance over the offline quantile bins (numerics); weaker evidence than a join (linf, js).",
        NotEvaluated = "skew.not-evaluated":
            "A feature could not be compared: too few joined rows, no values on either side, or a type that is neither a number, text nor a time.",
    }
}
