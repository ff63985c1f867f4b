//! Schema gate: does a dataset look like the data the model was built for?
//!
//! One pass per constraint over an in-memory column: presence and type, nulls, non-finite
//! numbers, ranges, allowed categories (with the share of unseen values), uniqueness,
//! string patterns, row-count bounds and, in strict mode, unexpected columns. Each
//! violation carries its count and up to [`MAX_EXAMPLES`] example rows (1-based data rows;
//! a CSV header is not counted). JSON Lines files can also be validated record by record
//! against a user-supplied JSON Schema ([`check_records`]).
//!
//! A constraint that holds still produces a `pass` check, so the report shows everything
//! that was verified, not only what broke.

pub mod cfg;
mod checks;
pub mod codes;
pub mod infer;
pub mod spec;

use std::collections::HashSet;

use anyhow::Result;
use polars::prelude::*;

use crate::data::types::Kind;
use crate::results::{Check, Example, GateKind, GateResult, Status, Threshold};
use crate::text;
use codes::Code;
pub use spec::{ColumnSpec, DataSchema, Severity};

/// Example rows kept per violation.
pub const MAX_EXAMPLES: usize = 5;

/// Collects violations while scanning a column.
pub(crate) struct Tally {
    pub(crate) count: u64,
    pub(crate) examples: Vec<Example>,
}

impl Tally {
    pub(crate) fn new() -> Tally {
        Tally { count: 0, examples: Vec::new() }
    }
    pub(crate) fn hit(&mut self, idx: usize, value: Option<String>) {
        self.count += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(Example { row: idx as u64 + 1, value: value.map(|v| text::clip(&v, 200)) });
        }
    }
}

pub(crate) fn sev(s: Severity) -> Status {
    match s {
        Severity::Fail => Status::Fail,
        Severity::Warn => Status::Warn,
    }
}

/// Polars data types to read declared-string columns as, so a CSV column of zip codes
/// (`02134`) is not turned into integers before it is checked.
pub fn read_overrides(schema: &DataSchema) -> Vec<(String, DataType)> {
    schema.columns.iter().filter(|c| c.kind == Kind::String).map(|c| (c.name.clone(), DataType::String)).collect()
}

/// Runs the schema gate on one dataset.
///
/// `dataset` is the logical name (used in the gate id), `df` the loaded data.
pub fn run(dataset: &str, df: &DataFrame, schema: &DataSchema, schema_shown: &str) -> Result<GateResult> {
    let mut checks = Vec::new();
    let rows = df.height() as u64;

    if let Some(b) = &schema.rows {
        let status = if b.min.is_some_and(|m| rows < m) || b.max.is_some_and(|m| rows > m) {
            Status::Fail
        } else {
            Status::Pass
        };
        let bounds = match (b.min, b.max) {
            (Some(lo), Some(hi)) => format!("between {} and {}", text::int(lo), text::int(hi)),
            (Some(lo), None) => format!("at least {}", text::int(lo)),
            (None, Some(hi)) => format!("at most {}", text::int(hi)),
            (None, None) => "unbounded".into(),
        };
        let msg = format!("{} rows; the schema expects {bounds}", text::int(rows));
        let mut c = Check::new(Code::RowCount, dataset, status, msg).with_value("rows", rows as f64);
        c.threshold = match (b.min, b.max) {
            (Some(lo), _) if rows < lo => Some(Threshold::at_least(None, Some(lo as f64))),
            (_, Some(hi)) => Some(Threshold::at_most(None, Some(hi as f64))),
            (Some(lo), None) => Some(Threshold::at_least(None, Some(lo as f64))),
            (None, None) => None,
        };
        checks.push(c);
    }

    for spec in &schema.columns {
        match df.column(&spec.name) {
            Ok(col) => checks.extend(checks::check_column(spec, col.as_materialized_series(), rows)?),
            Err(_) => {
                let status = if spec.required { sev(spec.severity) } else { Status::Skipped };
                let msg = if spec.required {
                    format!("column {} is missing", crate::error::quoted(&spec.name))
                } else {
                    format!("optional column {} is absent", crate::error::quoted(&spec.name))
                };
                checks.push(Check::new(Code::MissingColumn, &spec.name, status, msg));
            }
        }
    }

    let declared: HashSet<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
    for name in df.get_column_names() {
        if !declared.contains(name.as_str()) {
            let (status, msg) = if schema.strict {
                (Status::Fail, "column is not in the schema (strict mode)".to_string())
            } else {
                (Status::Skipped, "column is not in the schema; not checked".to_string())
            };
            checks.push(Check::new(Code::UnexpectedColumn, name.as_str(), status, msg));
        }
    }

    let mut g = GateResult::from_checks(&format!("schema:{dataset}"), GateKind::Schema, checks);
    let failing: Vec<&Check> = g.checks.iter().filter(|c| c.status >= Status::Warn).collect();
    g.summary = if failing.is_empty() {
        format!(
            "{}: {} rows match {} ({} columns checked)",
            dataset,
            text::int(rows),
            schema_shown,
            schema.columns.len()
        )
    } else {
        let cols: HashSet<&str> = failing.iter().map(|c| c.subject.as_str()).collect();
        format!(
            "{}: {} in {} against {}",
            dataset,
            text::plural(failing.len() as u64, "violation", "violations"),
            text::plural(cols.len() as u64, "column", "columns"),
            schema_shown
        )
    };
    g.inputs = vec![dataset.to_string(), "schema".to_string()];
    g.thresholds.values = serde_json::json!({
        "schema": schema_shown,
        "strict": schema.strict,
        "columns": schema.columns.len(),
        "rows": schema.rows,
    });
    g.method.insert("row_numbers".into(), "1-based data rows; a CSV header is not counted".into());
    g.method.insert("examples_per_check".into(), MAX_EXAMPLES.into());
    Ok(g)
}

/// Validates every record of a JSON Lines text against a JSON Schema.
///
/// Blank lines are skipped (and not counted as records). Returns one check for the file.
pub fn check_records(dataset: &str, jsonl: &[u8], validator: &jsonschema::Validator, schema_shown: &str) -> Check {
    let mut t = Tally::new();
    let mut records = 0u64;
    for (i, line) in jsonl.split(|b| *b == b'\n').enumerate() {
        let text = String::from_utf8_lossy(line);
        if text.trim().is_empty() {
            continue;
        }
        records += 1;
        let value: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                t.hit(i, Some(format!("not JSON: {e}")));
                continue;
            }
        };
        if let Some(err) = validator.iter_errors(&value).next() {
            let at = err.instance_path().to_string();
            t.hit(i, Some(format!("{}: {}", if at.is_empty() { "/" } else { &at }, err)));
        }
    }
    // Example rows are line numbers here; for JSON Lines they coincide with data rows.
    let status = if t.count > 0 { Status::Fail } else { Status::Pass };
    let msg = if t.count == 0 {
        format!("all {} records satisfy {}", text::int(records), schema_shown)
    } else {
        format!(
            "{} of {} records violate {} (lines {})",
            text::int(t.count),
            text::int(records),
            schema_shown,
            t.examples.iter().map(|e| e.row.to_string()).collect::<Vec<_>>().join(", ")
        )
    };
    Check::new(Code::Record, dataset, status, msg).with_counts(t.count, records).with_examples(t.examples)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(json: &str) -> DataSchema {
        DataSchema::parse(json, "s.json").unwrap()
    }

    fn find<'a>(g: &'a GateResult, code: Code, subject: &str) -> &'a Check {
        g.check(code.as_str(), subject).unwrap_or_else(|| panic!("no {code:?} for {subject}: {:#?}", g.checks))
    }

    #[test]
    fn clean_data_passes_every_constraint() {
        let df = df!(
            "id" => ["C1", "C2", "C3"],
            "age" => [20i64, 30, 40],
            "plan" => ["a", "b", "a"],
            "x" => [0.5f64, 1.5, 2.0],
        )
        .unwrap();
        let s = schema(
            r#"{"strict":true,"rows":{"min":2},"columns":[
              {"name":"id","type":"string","unique":true,"pattern":"C[0-9]+","nullable":false},
              {"name":"age","type":"integer","min":18,"max":99},
              {"name":"plan","type":"string","categories":["a","b"]},
              {"name":"x","type":"float","max_null_fraction":0.1}]}"#,
        );
        let g = run("test", &df, &s, "s.json").unwrap();
        assert_eq!(g.status, Status::Pass, "{:#?}", g.checks);
        assert_eq!(g.id, "schema:test");
        assert!(g.checks.len() >= 9);
    }

    #[test]
    fn violations_carry_counts_and_example_rows() {
        let df = df!(
            "id" => [Some("C1"), Some("C2"), Some("C1"), None, Some("bad")],
            "age" => [Some(20i64), Some(-3), Some(30), Some(150), None],
            "plan" => ["a", "zz", "a", "b", "zz"],
            "extra" => [1, 2, 3, 4, 5],
        )
        .unwrap();
        let s = schema(
            r#"{"strict":true,"rows":{"max":3},"columns":[
              {"name":"id","type":"string","unique":true,"pattern":"C[0-9]+","nullable":false},
              {"name":"age","type":"integer","min":0,"max":120,"max_null_fraction":0.1},
              {"name":"plan","type":"string","categories":["a","b"],"max_unseen_fraction":0.2},
              {"name":"gone","type":"float"}]}"#,
        );
        let g = run("current", &df, &s, "s.json").unwrap();
        assert_eq!(g.status, Status::Fail);
        let r = find(&g, Code::Range, "age");
        assert_eq!(r.count, Some(2));
        assert_eq!(r.examples.iter().map(|e| e.row).collect::<Vec<_>>(), vec![2, 4]);
        let u = find(&g, Code::Unique, "id");
        assert_eq!(u.count, Some(1));
        assert_eq!(u.examples[0].row, 3);
        let p = find(&g, Code::Pattern, "id");
        assert_eq!(p.count, Some(1));
        assert_eq!(p.examples[0].row, 5);
        let n = find(&g, Code::Nulls, "id");
        assert_eq!(n.status, Status::Fail);
        assert_eq!(n.examples[0].row, 4);
        let nf = find(&g, Code::Nulls, "age");
        assert_eq!(nf.value, Some(0.2));
        assert_eq!(nf.status, Status::Fail);
        let c = find(&g, Code::Category, "plan");
        assert_eq!(c.count, Some(2));
        assert_eq!(c.value, Some(0.4));
        assert_eq!(c.status, Status::Fail);
        assert_eq!(find(&g, Code::MissingColumn, "gone").status, Status::Fail);
        assert_eq!(find(&g, Code::UnexpectedColumn, "extra").status, Status::Fail);
        assert_eq!(find(&g, Code::RowCount, "current").status, Status::Fail);
    }

    #[test]
    fn text_in_a_numeric_column_is_counted() {
        let df = df!("x" => ["1.5", "abc", "2", "", "n/a"]).unwrap();
        let s = schema(r#"{"columns":[{"name":"x","type":"float","min":0}]}"#);
        let g = run("d", &df, &s, "s.json").unwrap();
        let t = find(&g, Code::Type, "x");
        assert_eq!(t.status, Status::Fail);
        assert_eq!(t.count, Some(3));
        assert_eq!(t.examples.iter().map(|e| e.row).collect::<Vec<_>>(), vec![2, 4, 5]);
        // Parseable values are still range-checked.
        assert_eq!(find(&g, Code::Range, "x").status, Status::Pass);
    }

    #[test]
    fn whole_floats_satisfy_integer_and_nan_is_reported() {
        let df = df!("n" => [1.0f64, 2.0, 3.0], "f" => [1.0f64, f64::NAN, f64::INFINITY]).unwrap();
        let s = schema(r#"{"columns":[{"name":"n","type":"integer"},{"name":"f","type":"float"}]}"#);
        let g = run("d", &df, &s, "s.json").unwrap();
        assert_eq!(find(&g, Code::Type, "n").status, Status::Pass);
        let nf = find(&g, Code::NonFinite, "f");
        assert_eq!(nf.status, Status::Fail);
        assert_eq!(nf.count, Some(2));
    }

    #[test]
    fn warn_severity_and_optional_columns() {
        let df = df!("a" => [5i64, 500]).unwrap();
        let s = schema(
            r#"{"columns":[{"name":"a","type":"integer","max":100,"severity":"warn"},
                           {"name":"b","type":"string","required":false}]}"#,
        );
        let g = run("d", &df, &s, "s.json").unwrap();
        assert_eq!(g.status, Status::Warn);
        assert_eq!(find(&g, Code::MissingColumn, "b").status, Status::Skipped);
    }

    #[test]
    fn integer_categories_match_integer_columns() {
        let df = df!("tier" => [1i64, 2, 3]).unwrap();
        let s = schema(r#"{"columns":[{"name":"tier","type":"integer","categories":[1,2]}]}"#);
        let g = run("d", &df, &s, "s.json").unwrap();
        let c = find(&g, Code::Category, "tier");
        assert_eq!(c.count, Some(1));
        assert_eq!(c.examples[0].value.as_deref(), Some("3"));
    }

    #[test]
    fn records_are_validated_against_json_schema() {
        let text = "{\"age\": 3}\n\n{\"age\": -1}\n{\"age\": \"x\"}\n";
        let js =
            serde_json::json!({"type":"object","properties":{"age":{"type":"integer","minimum":0}},"required":["age"]});
        let v = jsonschema::validator_for(&js).unwrap();
        let c = check_records("d", text.as_bytes(), &v, "r.json");
        assert_eq!(c.count, Some(2));
        assert_eq!(c.total, Some(3));
        assert_eq!(c.examples[0].row, 3);
        assert!(c.examples[0].value.as_ref().unwrap().contains("/age"));
    }
}
