//! The check code shared by the model gates (slices, baseline): predictions that cannot
//! be scored.

crate::check_codes! {
    /// Check codes of prediction loading, shared by the slices and baseline gates.
    pub enum Code {
        InvalidPredictions = "model.invalid-predictions":
            "Labelled rows have a null, NaN or infinite prediction; they are left out of every metric and the gate fails.",
    }
}
