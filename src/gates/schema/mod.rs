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

pub mod spec;

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::data::types::Kind;
use crate::results::{Check, Comparison, Example, GateKind, GateResult, Status, Threshold};
use crate::text;
pub use spec::{ColumnSpec, DataSchema, Severity};

/// Example rows kept per violation.
pub const MAX_EXAMPLES: usize = 5;

/// Check codes of this gate.
pub mod code {
    pub const ROW_COUNT: &str = "schema.row-count";
    pub const MISSING_COLUMN: &str = "schema.missing-column";
    pub const UNEXPECTED_COLUMN: &str = "schema.unexpected-column";
    pub const TYPE: &str = "schema.type";
    pub const NULLS: &str = "schema.nulls";
    pub const NON_FINITE: &str = "schema.non-finite";
    pub const RANGE: &str = "schema.range";
    pub const CATEGORY: &str = "schema.category";
    pub const UNIQUE: &str = "schema.unique";
    pub const PATTERN: &str = "schema.pattern";
    pub const RECORD: &str = "schema.record";
}

/// Collects violations while scanning a column.
struct Tally {
    count: u64,
    examples: Vec<Example>,
}

impl Tally {
    fn new() -> Tally {
        Tally { count: 0, examples: Vec::new() }
    }
    fn hit(&mut self, idx: usize, value: Option<String>) {
        self.count += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(Example { row: idx as u64 + 1, value: value.map(|v| text::clip(&v, 200)) });
        }
    }
}

fn sev(s: Severity) -> Status {
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
        let mut c = Check::new(code::ROW_COUNT, dataset, status, msg).with_value("rows", rows as f64);
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
            Ok(col) => checks.extend(check_column(spec, col.as_materialized_series(), rows)?),
            Err(_) => {
                let status = if spec.required { sev(spec.severity) } else { Status::Skipped };
                let msg = if spec.required {
                    format!("column {} is missing", crate::error::quoted(&spec.name))
                } else {
                    format!("optional column {} is absent", crate::error::quoted(&spec.name))
                };
                checks.push(Check::new(code::MISSING_COLUMN, &spec.name, status, msg));
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
            checks.push(Check::new(code::UNEXPECTED_COLUMN, name.as_str(), status, msg));
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

/// All checks for one declared column.
fn check_column(spec: &ColumnSpec, s: &Series, rows: u64) -> Result<Vec<Check>> {
    let mut out = Vec::new();
    let name = spec.name.as_str();
    let actual = Kind::of(s.dtype());
    let status_bad = sev(spec.severity);

    // --- type, and the values the remaining checks see -------------------------------
    // Numeric view for numeric declarations; text view for categories/patterns/unique.
    let mut numeric: Option<Float64Chunked> = None;
    let type_check;
    if spec.kind.accepts(actual) && !(spec.kind == Kind::Integer && actual == Kind::Float) {
        type_check =
            Check::new(code::TYPE, name, Status::Pass, format!("type {} (stored as {})", spec.kind, s.dtype()));
        if actual.is_numeric() {
            numeric = Some(s.cast(&DataType::Float64)?.f64()?.clone());
        }
    } else if spec.kind == Kind::Integer && actual == Kind::Float {
        // pandas writes integer columns with missing values as floats ("3.0").
        let f = s.f64().cloned().or_else(|_| s.cast(&DataType::Float64).and_then(|x| x.f64().cloned()))?;
        let mut t = Tally::new();
        for (i, v) in f.iter().enumerate() {
            if let Some(v) = v
                && (!v.is_finite() || v.fract() != 0.0)
            {
                t.hit(i, Some(text::num(v)));
            }
        }
        let nonnull = (s.len() - s.null_count()) as u64;
        type_check = if t.count == 0 {
            Check::new(code::TYPE, name, Status::Pass, "type integer (stored as float; every value is whole)")
        } else {
            Check::new(
                code::TYPE,
                name,
                status_bad,
                format!(
                    "{} of {} values are not whole numbers; the schema says integer ({})",
                    text::int(t.count),
                    text::int(nonnull),
                    text::rows(&t.examples)
                ),
            )
            .with_counts(t.count, nonnull)
            .with_examples(t.examples)
        };
        numeric = Some(f);
    } else if spec.kind.is_numeric() && actual == Kind::String {
        let strs = s.str()?;
        let mut t = Tally::new();
        let parsed: Float64Chunked = strs
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.and_then(|v| match v.trim().parse::<f64>() {
                    Ok(x) if spec.kind != Kind::Integer || x.fract() == 0.0 || !x.is_finite() => Some(x),
                    _ => {
                        t.hit(i, Some(v.to_string()));
                        None
                    }
                })
            })
            .collect();
        let nonnull = (s.len() - s.null_count()) as u64;
        type_check = if t.count == 0 {
            Check::new(
                code::TYPE,
                name,
                Status::Pass,
                format!("type {} (stored as text; every value parses)", spec.kind),
            )
        } else {
            Check::new(
                code::TYPE,
                name,
                status_bad,
                format!(
                    "{} of {} values are not {}s ({}); the schema says {}",
                    text::int(t.count),
                    text::int(nonnull),
                    if spec.kind == Kind::Integer { "whole number" } else { "number" },
                    text::rows(&t.examples),
                    spec.kind
                ),
            )
            .with_counts(t.count, nonnull)
            .with_examples(t.examples)
        };
        numeric = Some(parsed.with_name(name.into()));
    } else if matches!(spec.kind, Kind::Date | Kind::Datetime) && actual == Kind::String {
        let strs = s.str()?;
        let mut t = Tally::new();
        for (i, v) in strs.iter().enumerate() {
            if let Some(v) = v {
                let ok = if spec.kind == Kind::Date {
                    chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").is_ok()
                } else {
                    crate::timeparse::parse_micros(v, None).is_some()
                };
                if !ok {
                    t.hit(i, Some(v.to_string()));
                }
            }
        }
        let nonnull = (s.len() - s.null_count()) as u64;
        type_check = if t.count == 0 {
            Check::new(
                code::TYPE,
                name,
                Status::Pass,
                format!("type {} (stored as text; every value parses)", spec.kind),
            )
        } else {
            Check::new(
                code::TYPE,
                name,
                status_bad,
                format!(
                    "{} of {} values are not {}s ({}); accepted forms: {}",
                    text::int(t.count),
                    text::int(nonnull),
                    spec.kind,
                    text::rows(&t.examples),
                    if spec.kind == Kind::Date { "YYYY-MM-DD" } else { crate::timeparse::ACCEPTED }
                ),
            )
            .with_counts(t.count, nonnull)
            .with_examples(t.examples)
        };
    } else {
        type_check = Check::new(
            code::TYPE,
            name,
            status_bad,
            format!("column is {} ({}), the schema says {}", actual, s.dtype(), spec.kind),
        )
        .with_detail("actual", actual.as_str())
        .with_detail("expected", spec.kind.as_str());
        out.push(type_check);
        // Values of another type cannot be judged against this column's constraints.
        out.extend(null_check(spec, s, rows));
        return Ok(out);
    }
    out.push(type_check);

    out.extend(null_check(spec, s, rows));

    if let Some(f) = &numeric {
        // NaN/inf only exist in floats; a float column with none still gets a pass.
        if actual == Kind::Float || actual == Kind::String {
            let mut t = Tally::new();
            for (i, v) in f.iter().enumerate() {
                if let Some(v) = v
                    && !v.is_finite()
                {
                    t.hit(i, Some(text::num(v)));
                }
            }
            let status = if t.count > 0 && !spec.allow_non_finite { status_bad } else { Status::Pass };
            let msg = if t.count == 0 {
                "no NaN or infinite values".to_string()
            } else {
                format!(
                    "{} ({}){}",
                    text::plural(t.count, "NaN or infinite value", "NaN or infinite values"),
                    text::rows(&t.examples),
                    if spec.allow_non_finite { "; allowed by the schema" } else { "" }
                )
            };
            out.push(
                Check::new(code::NON_FINITE, name, status, msg).with_counts(t.count, rows).with_examples(t.examples),
            );
        }
        if spec.min.is_some() || spec.max.is_some() {
            out.push(range_check(spec, f));
        }
    }

    if spec.categories.is_some() || spec.unique || spec.pattern.is_some() {
        let as_text = s.cast(&DataType::String)?;
        let strs = as_text.str()?;
        if spec.categories.is_some() {
            out.push(category_check(spec, strs));
        }
        if spec.unique {
            out.push(unique_check(spec, strs));
        }
        if let Some(p) = &spec.pattern {
            out.push(pattern_check(spec, strs, p)?);
        }
    }
    Ok(out)
}

fn null_check(spec: &ColumnSpec, s: &Series, rows: u64) -> Option<Check> {
    if spec.nullable && spec.max_null_fraction.is_none() {
        return None;
    }
    let nulls = s.null_count() as u64;
    let frac = if rows == 0 { 0.0 } else { nulls as f64 / rows as f64 };
    let limit = if spec.nullable { spec.max_null_fraction.unwrap_or(1.0) } else { 0.0 };
    let mut t = Tally::new();
    if nulls > 0 {
        for (i, isnull) in s.is_null().iter().enumerate() {
            if isnull == Some(true) {
                t.hit(i, None);
                if t.examples.len() >= MAX_EXAMPLES {
                    break;
                }
            }
        }
    }
    let bad = frac > limit;
    let status = if bad { sev(spec.severity) } else { Status::Pass };
    let msg = if nulls == 0 {
        "no nulls".to_string()
    } else if !spec.nullable {
        format!("{} nulls in a non-nullable column ({})", text::int(nulls), text::rows(&t.examples))
    } else {
        format!("{} of rows are null ({}), limit {}", text::pct(frac), text::int(nulls), text::pct(limit))
    };
    Some(
        Check::new(code::NULLS, &spec.name, status, msg)
            .with_value("null_fraction", frac)
            .with_threshold(Threshold::at_most(None, Some(limit)))
            .with_counts(nulls, rows)
            .with_examples(t.examples),
    )
}

fn range_check(spec: &ColumnSpec, f: &Float64Chunked) -> Check {
    let mut t = Tally::new();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut n = 0u64;
    for (i, v) in f.iter().enumerate() {
        let Some(v) = v else { continue };
        if !v.is_finite() {
            continue;
        }
        n += 1;
        lo = lo.min(v);
        hi = hi.max(v);
        if spec.min.is_some_and(|m| v < m) || spec.max.is_some_and(|m| v > m) {
            t.hit(i, Some(text::num(v)));
        }
    }
    let bounds = match (spec.min, spec.max) {
        (Some(a), Some(b)) => format!("[{}, {}]", text::num(a), text::num(b)),
        (Some(a), None) => format!("≥ {}", text::num(a)),
        (None, Some(b)) => format!("≤ {}", text::num(b)),
        (None, None) => String::new(),
    };
    let observed =
        if n > 0 { format!("observed [{}, {}]", text::num(lo), text::num(hi)) } else { "no finite values".into() };
    let status = if t.count > 0 { sev(spec.severity) } else { Status::Pass };
    let msg = if t.count == 0 {
        format!("all values within {bounds} ({observed})")
    } else {
        format!("{} values outside {bounds} ({}; {observed})", text::int(t.count), text::rows(&t.examples))
    };
    let mut c = Check::new(code::RANGE, &spec.name, status, msg)
        .with_counts(t.count, n)
        .with_examples(t.examples)
        .with_detail("allowed_min", spec.min)
        .with_detail("allowed_max", spec.max);
    if n > 0 {
        c = c.with_detail("observed_min", lo).with_detail("observed_max", hi);
    }
    c
}

fn category_check(spec: &ColumnSpec, strs: &StringChunked) -> Check {
    let allowed: HashSet<String> = spec.category_strings().unwrap_or_default().into_iter().collect();
    let mut t = Tally::new();
    let mut unseen: HashMap<&str, u64> = HashMap::new();
    let mut nonnull = 0u64;
    for (i, v) in strs.iter().enumerate() {
        let Some(v) = v else { continue };
        nonnull += 1;
        if !allowed.contains(v) {
            t.hit(i, Some(v.to_string()));
            // Bound memory on a column of free text: keep the first 10,000 distinct values.
            if unseen.len() < 10_000 || unseen.contains_key(v) {
                *unseen.entry(v).or_default() += 1;
            }
        }
    }
    let frac = if nonnull == 0 { 0.0 } else { t.count as f64 / nonnull as f64 };
    let limit = spec.max_unseen_fraction.unwrap_or(0.0);
    let status = if frac > limit { sev(spec.severity) } else { Status::Pass };
    let mut top: Vec<(&str, u64)> = unseen.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let distinct_unseen = top.len();
    top.truncate(10);
    let msg = if t.count == 0 {
        format!("every value is one of the {} allowed categories", allowed.len())
    } else {
        let shown: Vec<String> = top
            .iter()
            .take(3)
            .map(|(v, n)| format!("{} ×{}", crate::error::quoted(&text::clip(v, 40)), text::int(*n)))
            .collect();
        format!(
            "{} of values ({}) are outside the allowed categories, limit {}: {}",
            text::pct(frac),
            text::int(t.count),
            text::pct(limit),
            shown.join(", ")
        )
    };
    Check::new(code::CATEGORY, &spec.name, status, msg)
        .with_value("unseen_fraction", frac)
        .with_threshold(Threshold { warn: None, fail: Some(limit), comparison: Comparison::AtMost })
        .with_counts(t.count, nonnull)
        .with_examples(t.examples)
        .with_detail("distinct_unseen", distinct_unseen)
        .with_detail(
            "top_unseen",
            top.iter().map(|(v, n)| serde_json::json!({"value": text::clip(v, 200), "count": n})).collect::<Vec<_>>(),
        )
}

fn unique_check(spec: &ColumnSpec, strs: &StringChunked) -> Check {
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(strs.len());
    let mut t = Tally::new();
    let mut nonnull = 0u64;
    for (i, v) in strs.iter().enumerate() {
        let Some(v) = v else { continue };
        nonnull += 1;
        if let Some(&j) = first.get(v) {
            t.hit(i, Some(format!("{} (first at row {})", text::clip(v, 100), j + 1)));
        } else {
            first.insert(v, i);
        }
    }
    let status = if t.count > 0 { sev(spec.severity) } else { Status::Pass };
    let msg = if t.count == 0 {
        format!("all {} values are distinct", text::int(nonnull))
    } else {
        format!(
            "{} {} an earlier value ({})",
            text::plural(t.count, "row", "rows"),
            if t.count == 1 { "repeats" } else { "repeat" },
            text::rows(&t.examples)
        )
    };
    Check::new(code::UNIQUE, &spec.name, status, msg).with_counts(t.count, nonnull).with_examples(t.examples)
}

fn pattern_check(spec: &ColumnSpec, strs: &StringChunked, pattern: &str) -> Result<Check> {
    let re = regex::Regex::new(&format!("^(?:{pattern})$")).with_context(|| format!("pattern for {}", spec.name))?;
    let mut t = Tally::new();
    let mut nonnull = 0u64;
    for (i, v) in strs.iter().enumerate() {
        let Some(v) = v else { continue };
        nonnull += 1;
        if !re.is_match(v) {
            t.hit(i, Some(v.to_string()));
        }
    }
    let status = if t.count > 0 { sev(spec.severity) } else { Status::Pass };
    let msg = if t.count == 0 {
        format!("every value matches {}", crate::error::quoted(pattern))
    } else {
        format!(
            "{} {} not match {} ({})",
            text::plural(t.count, "value", "values"),
            if t.count == 1 { "does" } else { "do" },
            crate::error::quoted(pattern),
            text::rows(&t.examples)
        )
    };
    Ok(Check::new(code::PATTERN, &spec.name, status, msg).with_counts(t.count, nonnull).with_examples(t.examples))
}

/// Validates every record of a JSON Lines file against a JSON Schema, streaming the file.
///
/// Blank lines are skipped (and not counted as records). Returns one check for the file.
pub fn check_records(
    dataset: &str,
    path: &Path,
    validator: &jsonschema::Validator,
    schema_shown: &str,
) -> Result<Check> {
    let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let reader = std::io::BufReader::new(f);
    let mut t = Tally::new();
    let mut records = 0u64;
    for (i, line) in reader.split(b'\n').enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        let text = String::from_utf8_lossy(&line);
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
    Ok(Check::new(code::RECORD, dataset, status, msg).with_counts(t.count, records).with_examples(t.examples))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(json: &str) -> DataSchema {
        DataSchema::parse(json, "s.json").unwrap()
    }

    fn find<'a>(g: &'a GateResult, code: &str, subject: &str) -> &'a Check {
        g.checks
            .iter()
            .find(|c| c.code == code && c.subject == subject)
            .unwrap_or_else(|| panic!("no {code} for {subject}: {:#?}", g.checks))
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
        let r = find(&g, code::RANGE, "age");
        assert_eq!(r.count, Some(2));
        assert_eq!(r.examples.iter().map(|e| e.row).collect::<Vec<_>>(), vec![2, 4]);
        let u = find(&g, code::UNIQUE, "id");
        assert_eq!(u.count, Some(1));
        assert_eq!(u.examples[0].row, 3);
        let p = find(&g, code::PATTERN, "id");
        assert_eq!(p.count, Some(1));
        assert_eq!(p.examples[0].row, 5);
        let n = find(&g, code::NULLS, "id");
        assert_eq!(n.status, Status::Fail);
        assert_eq!(n.examples[0].row, 4);
        let nf = find(&g, code::NULLS, "age");
        assert_eq!(nf.value, Some(0.2));
        assert_eq!(nf.status, Status::Fail);
        let c = find(&g, code::CATEGORY, "plan");
        assert_eq!(c.count, Some(2));
        assert_eq!(c.value, Some(0.4));
        assert_eq!(c.status, Status::Fail);
        assert_eq!(find(&g, code::MISSING_COLUMN, "gone").status, Status::Fail);
        assert_eq!(find(&g, code::UNEXPECTED_COLUMN, "extra").status, Status::Fail);
        assert_eq!(find(&g, code::ROW_COUNT, "current").status, Status::Fail);
    }

    #[test]
    fn text_in_a_numeric_column_is_counted() {
        let df = df!("x" => ["1.5", "abc", "2", "", "n/a"]).unwrap();
        let s = schema(r#"{"columns":[{"name":"x","type":"float","min":0}]}"#);
        let g = run("d", &df, &s, "s.json").unwrap();
        let t = find(&g, code::TYPE, "x");
        assert_eq!(t.status, Status::Fail);
        assert_eq!(t.count, Some(3));
        assert_eq!(t.examples.iter().map(|e| e.row).collect::<Vec<_>>(), vec![2, 4, 5]);
        // Parseable values are still range-checked.
        assert_eq!(find(&g, code::RANGE, "x").status, Status::Pass);
    }

    #[test]
    fn whole_floats_satisfy_integer_and_nan_is_reported() {
        let df = df!("n" => [1.0f64, 2.0, 3.0], "f" => [1.0f64, f64::NAN, f64::INFINITY]).unwrap();
        let s = schema(r#"{"columns":[{"name":"n","type":"integer"},{"name":"f","type":"float"}]}"#);
        let g = run("d", &df, &s, "s.json").unwrap();
        assert_eq!(find(&g, code::TYPE, "n").status, Status::Pass);
        let nf = find(&g, code::NON_FINITE, "f");
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
        assert_eq!(find(&g, code::MISSING_COLUMN, "b").status, Status::Skipped);
    }

    #[test]
    fn integer_categories_match_integer_columns() {
        let df = df!("tier" => [1i64, 2, 3]).unwrap();
        let s = schema(r#"{"columns":[{"name":"tier","type":"integer","categories":[1,2]}]}"#);
        let g = run("d", &df, &s, "s.json").unwrap();
        let c = find(&g, code::CATEGORY, "tier");
        assert_eq!(c.count, Some(1));
        assert_eq!(c.examples[0].value.as_deref(), Some("3"));
    }

    #[test]
    fn records_are_validated_against_json_schema() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.jsonl");
        std::fs::write(&p, "{\"age\": 3}\n\n{\"age\": -1}\n{\"age\": \"x\"}\n").unwrap();
        let js =
            serde_json::json!({"type":"object","properties":{"age":{"type":"integer","minimum":0}},"required":["age"]});
        let v = jsonschema::validator_for(&js).unwrap();
        let c = check_records("d", &p, &v, "r.json").unwrap();
        assert_eq!(c.count, Some(2));
        assert_eq!(c.total, Some(3));
        assert_eq!(c.examples[0].row, 3);
        assert!(c.examples[0].value.as_ref().unwrap().contains("/age"));
    }
}
