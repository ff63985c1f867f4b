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
