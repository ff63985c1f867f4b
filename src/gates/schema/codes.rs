//! Check codes of the schema gate: stable names users grep, waive and look up with
//! `mlgate explain`.

crate::check_codes! {
    /// Every check code the schema gate emits.
    pub enum Code {
        RowCount = "schema.row-count":
            "The number of data rows is outside the schema's `rows.min`/`rows.max`.",
        MissingColumn = "schema.missing-column":
            "A column the schema requires is not in the data.",
        UnexpectedColumn = "schema.unexpected-column":
            "A column is not in the schema; fails only in strict mode, otherwise reported as skipped.",
        Type = "schema.type":
            "Values do not have the declared type (e.g. text in a numeric column, fractions in an integer column); counts the offending values.",
        Nulls = "schema.nulls":
            "More nulls than `max_null_fraction` allows, or any null in a column with `nullable: false`.",
        NonFinite = "schema.non-finite":
            "NaN or ±infinity in a numeric column whose schema does not set `allow_non_finite`.",
        Range = "schema.range":
            "Values below `min` or above `max`.",
        Category = "schema.category":
            "The share of values outside `categories` exceeds the column's `max_unseen_fraction` (none allowed unless set).",
        Unique = "schema.unique":
            "A value repeats in a column declared `unique`.",
        Pattern = "schema.pattern":
            "Values do not match the column's `pattern` in full.",
        Record = "schema.record":
            "A JSON Lines record does not satisfy the user-supplied JSON Schema.",
    }
}
