//! Every check code mlgate emits, with a one-line description (`mlgate explain CODE`).
//!
//! Codes are stable: users grep, waive and document them. A test checks that every code a
//! gate module declares is listed here exactly once.

/// `(code, description)` for every check code.
pub const CODES: &[(&str, &str)] = &[
    ("schema.row-count", "The number of data rows is outside the schema's `rows.min`/`rows.max`."),
    ("schema.missing-column", "A column the schema requires is not in the data."),
    (
        "schema.unexpected-column",
        "A column is not in the schema; fails only in strict mode, otherwise reported as skipped.",
    ),
    (
        "schema.type",
        "Values do not have the declared type (e.g. text in a numeric column, fractions in an integer column); counts the offending values.",
    ),
    ("schema.nulls", "More nulls than `max_null_fraction` allows, or any null in a column with `nullable: false`."),
    ("schema.non-finite", "NaN or ±infinity in a numeric column whose schema does not set `allow_non_finite`."),
    ("schema.range", "Values below `min` or above `max`."),
    ("schema.category", "The share of values outside `categories` exceeds `max_unseen_fraction` (default 0)."),
    ("schema.unique", "A value repeats in a column declared `unique`."),
    ("schema.pattern", "Values do not match the column's `pattern` in full."),
    ("schema.record", "A JSON Lines record does not satisfy the user-supplied JSON Schema."),
    (
        "drift.psi",
        "Population Stability Index between reference and current bins is above its level (default warn 0.1, fail 0.2).",
    ),
    (
        "drift.ks",
        "Two-sample Kolmogorov–Smirnov statistic D (numeric columns); judged against its levels only when significant after correction.",
    ),
    (
        "drift.chi2",
        "χ² test of homogeneity (categorical columns), Cramér's V as effect size; judged only when significant after correction.",
    ),
    (
        "drift.js",
        "Jensen–Shannon distance between the binned distributions (natural log); informational unless levels are set.",
    ),
    (
        "drift.wasserstein",
        "Wasserstein distance in reference standard deviations (numeric columns); informational unless levels are set.",
    ),
    (
        "drift.null-rate",
        "The share of missing values (null or NaN) changed by more than its level (default warn 5, fail 10 points).",
    ),
    (
        "drift.unseen-category",
        "The share of current values in categories never seen in the reference is above its level (default warn 1%, fail 5%).",
    ),
    ("drift.type-mismatch", "A column is numeric on one side and text on the other: not comparable, and a failure."),
    ("drift.missing-column", "A compared column is missing from the reference or the current data."),
    (
        "drift.not-comparable",
        "A statistic cannot be computed for this column (all missing, constant reference, too many categories, dates); the message says why.",
    ),
    ("drift.sample-size", "A side has fewer rows than min_rows; the statistics are too noisy to judge."),
    (
        "drift.importance",
        "Columns that drifted hold more than the allowed share of feature importance (when an importance file is given).",
    ),
    ("leakage.point-in-time", "Rows use a feature value observed after the row's as-of time (per observed_at pair)."),
    (
        "leakage.temporal-split",
        "With a temporal split, the training period (plus the gap) reaches into the test period.",
    ),
    ("leakage.entity-overlap", "The same entity (customer, patient, …) appears in both train and test."),
    ("leakage.duplicate-features", "Test rows whose features (label excluded) exactly repeat a training row."),
    ("leakage.duplicate-rows", "Test rows that exactly repeat a training row, label included."),
    (
        "leakage.target",
        "A single feature predicts the label almost perfectly (max(AUC, 1 − AUC) or |Spearman ρ| above the bound, default 0.99).",
    ),
    ("leakage.label-in-features", "The label, or an exact copy of it, is among the features."),
    (
        "leakage.not-evaluated",
        "A leakage check could not run: a timestamp column that does not parse, or a missing column; the message says which rows and formats.",
    ),
    (
        "slices.overall",
        "The model's metric over all rows, against the absolute minimum when `min` is set (the reference point for slice gaps).",
    ),
    (
        "slices.metric",
        "A slice's metric is below `min`, or more than `max_gap` below the overall metric; judged on the confidence interval so small noisy slices do not fail by chance.",
    ),
    ("slices.too-small", "A slice has fewer rows than `min_rows`; it is shown but not judged."),
    (
        "slices.undefined",
        "The metric cannot be computed on a slice (for example ROC AUC on a slice with a single class).",
    ),
    (
        "baseline.metric",
        "The candidate against the champion (baseline predictions) on one metric: improvement with a paired test and interval, against `min_improvement` / `max_regression`.",
    ),
    ("baseline.trivial", "The candidate against a trivial baseline (majority class, prior probability or mean)."),
    (
        "baseline.unmatched",
        "Candidate and baseline rows that could not be paired by entity and were left out of the comparison.",
    ),
    ("baseline.agreement", "How often candidate and baseline predict the same class (context for the paired tests)."),
    (
        "model.invalid-predictions",
        "Labelled rows have a null, NaN or infinite prediction; they are left out of every metric and the gate fails.",
    ),
    (
        "thresholds.loosened",
        "Compared with the base commit, a gate's thresholds got looser (or changed in a way mlgate cannot rank); blocks unless an approval is recorded.",
    ),
    (
        "thresholds.moved-with-model",
        "The change edits thresholds and the candidate's predictions or model files together; thresholds must be fixed before the model they judge, so this blocks unless approved.",
    ),
    ("thresholds.tightened", "Compared with the base commit, a gate's thresholds got stricter; allowed and noted."),
    ("thresholds.unchanged", "No gate threshold changed since the base commit."),
];

/// The description of a code, if it exists.
pub fn describe(code: &str) -> Option<&'static str> {
    CODES.iter().find(|(c, _)| *c == code).map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        let shape = regex::Regex::new(r"^[a-z]+\.[a-z0-9-]+$").unwrap();
        for (c, d) in CODES {
            assert!(seen.insert(c), "duplicate code {c}");
            assert!(shape.is_match(c), "{c}");
            assert!(d.ends_with('.'), "{c}: description should be a sentence");
        }
    }

    #[test]
    fn every_drift_code_is_documented() {
        use crate::gates::drift::code::*;
        for c in [
            PSI,
            KS,
            CHI2,
            JS,
            WASSERSTEIN,
            NULL_RATE,
            UNSEEN,
            TYPE_MISMATCH,
            MISSING_COLUMN,
            NOT_COMPARABLE,
            SAMPLE_SIZE,
            IMPORTANCE,
        ] {
            assert!(describe(c).is_some(), "{c} is not in CODES");
        }
    }

    #[test]
    fn every_leakage_code_is_documented() {
        use crate::gates::leakage::code::*;
        for c in [
            POINT_IN_TIME,
            TEMPORAL_SPLIT,
            ENTITY_OVERLAP,
            DUPLICATE_FEATURES,
            DUPLICATE_ROWS,
            TARGET,
            LABEL_IN_FEATURES,
            NOT_EVALUATED,
        ] {
            assert!(describe(c).is_some(), "{c} is not in CODES");
        }
    }

    #[test]
    fn every_model_code_is_documented() {
        use crate::gates::{baseline, model, slices};
        for c in [
            slices::code::OVERALL,
            slices::code::SLICE,
            slices::code::TOO_SMALL,
            slices::code::UNDEFINED,
            baseline::code::METRIC,
            baseline::code::TRIVIAL,
            baseline::code::UNMATCHED,
            baseline::code::AGREEMENT,
            model::code::INVALID_PREDICTIONS,
        ] {
            assert!(describe(c).is_some(), "{c} is not in CODES");
        }
    }

    #[test]
    fn every_thresholds_code_is_documented() {
        use crate::gates::thresholds::code::*;
        for c in [LOOSENED, MOVED_WITH_MODEL, TIGHTENED, UNCHANGED] {
            assert!(describe(c).is_some(), "{c} is not in CODES");
        }
    }

    #[test]
    fn every_schema_code_is_documented() {
        use crate::gates::schema::code::*;
        for c in [
            ROW_COUNT,
            MISSING_COLUMN,
            UNEXPECTED_COLUMN,
            TYPE,
            NULLS,
            NON_FINITE,
            RANGE,
            CATEGORY,
            UNIQUE,
            PATTERN,
            RECORD,
        ] {
            assert!(describe(c).is_some(), "{c} is not in CODES");
        }
    }
}
