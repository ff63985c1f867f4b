//! Check codes of the slices gate: stable names users grep, waive and look up with
//! `mlgate explain`.

crate::check_codes! {
    /// Every check code the slices gate emits.
    pub enum Code {
        Overall = "slices.overall":
            "The model's metric over all rows, against the absolute minimum when `min` is set (the reference point for slice gaps).",
        Slice = "slices.metric":
            "A slice's metric is below `min`, or more than `max_gap` below the overall metric; judged on the confidence interval so small noisy slices do not fail by chance.",
        TooSmall = "slices.too-small":
            "A slice has fewer rows than `min_rows`; it is shown but not judged.",
        Undefined = "slices.undefined":
            "The metric cannot be computed on a slice (for example ROC AUC on a slice with a single class).",
    }
}
