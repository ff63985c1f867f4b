//! The checks of one declared column: type, nulls, non-finite numbers, range, categories,
//! uniqueness and pattern. Each returns a check that passes when the constraint holds.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use polars::prelude::*;

use super::codes::Code;
use super::{ColumnSpec, MAX_EXAMPLES, Tally, sev};
use crate::data::types::Kind;
use crate::results::{Check, Comparison, Status, Threshold};
use crate::text;

/// All checks for one declared column.
pub(super) fn check_column(spec: &ColumnSpec, s: &Series, rows: u64) -> Result<Vec<Check>> {
    let actual = Kind::of(s.dtype());
    let (type_check, numeric) = match type_check(spec, s, actual)? {
        Typed::Mismatch(c) => {
            // Values of another type cannot be judged against this column's constraints.
            return Ok([Some(c), null_check(spec, s, rows)].into_iter().flatten().collect());
        }
        Typed::Matches(c, numeric) => (c, numeric),
    };
    let mut out = vec![type_check];
    out.extend(null_check(spec, s, rows));
    if let Some(f) = &numeric {
        // NaN/inf only exist in floats; a float column with none still gets a pass.
        if actual == Kind::Float || actual == Kind::String {
            out.push(non_finite_check(spec, f, rows));
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

/// The outcome of the type check.
enum Typed {
    /// The values have the declared type (or parse as it); the numeric view of them for
    /// numeric declarations.
    Matches(Check, Option<Float64Chunked>),
    /// Another type altogether.
    Mismatch(Check),
}

fn type_check(spec: &ColumnSpec, s: &Series, actual: Kind) -> Result<Typed> {
    let name = spec.name.as_str();
    Ok(if spec.kind.accepts(actual) && !(spec.kind == Kind::Integer && actual == Kind::Float) {
        let c = Check::new(Code::Type, name, Status::Pass, format!("type {} (stored as {})", spec.kind, s.dtype()));
        let numeric = if actual.is_numeric() { Some(s.cast(&DataType::Float64)?.f64()?.clone()) } else { None };
        Typed::Matches(c, numeric)
    } else if spec.kind == Kind::Integer && actual == Kind::Float {
        let (c, f) = whole_floats(spec, s)?;
        Typed::Matches(c, Some(f))
    } else if spec.kind.is_numeric() && actual == Kind::String {
        let (c, f) = parsed_numbers(spec, s)?;
        Typed::Matches(c, Some(f))
    } else if matches!(spec.kind, Kind::Date | Kind::Datetime) && actual == Kind::String {
        Typed::Matches(parsed_dates(spec, s)?, None)
    } else {
        Typed::Mismatch(
            Check::new(
                Code::Type,
                name,
                sev(spec.severity),
                format!("column is {} ({}), the schema says {}", actual, s.dtype(), spec.kind),
            )
            .with_detail("actual", actual.as_str())
            .with_detail("expected", spec.kind.as_str()),
        )
    })
}

/// The type check's verdict from the values that failed to be of the type.
fn type_verdict(
    spec: &ColumnSpec,
    s: &Series,
    t: Tally,
    pass: String,
    fail: impl FnOnce(&Tally, u64) -> String,
) -> Check {
    let nonnull = (s.len() - s.null_count()) as u64;
    if t.count == 0 {
        return Check::new(Code::Type, &spec.name, Status::Pass, pass);
    }
    let msg = fail(&t, nonnull);
    Check::new(Code::Type, &spec.name, sev(spec.severity), msg).with_counts(t.count, nonnull).with_examples(t.examples)
}

/// An integer column stored as floats: pandas writes integer columns with missing values as
/// floats ("3.0"); every value must still be whole.
fn whole_floats(spec: &ColumnSpec, s: &Series) -> Result<(Check, Float64Chunked)> {
    let f = s.f64().cloned().or_else(|_| s.cast(&DataType::Float64).and_then(|x| x.f64().cloned()))?;
    let mut t = Tally::new();
    for (i, v) in f.iter().enumerate() {
        if let Some(v) = v
            && (!v.is_finite() || v.fract() != 0.0)
        {
            t.hit(i, Some(text::num(v)));
        }
    }
    let c = type_verdict(spec, s, t, "type integer (stored as float; every value is whole)".into(), |t, nonnull| {
        format!(
            "{} of {} values are not whole numbers; the schema says integer ({})",
            text::int(t.count),
            text::int(nonnull),
            text::rows(&t.examples)
        )
    });
    Ok((c, f))
}

/// A numeric column stored as text: every value must parse.
fn parsed_numbers(spec: &ColumnSpec, s: &Series) -> Result<(Check, Float64Chunked)> {
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
    let pass = format!("type {} (stored as text; every value parses)", spec.kind);
    let c = type_verdict(spec, s, t, pass, |t, nonnull| {
        format!(
            "{} of {} values are not {}s ({}); the schema says {}",
            text::int(t.count),
            text::int(nonnull),
            if spec.kind == Kind::Integer { "whole number" } else { "number" },
            text::rows(&t.examples),
            spec.kind
        )
    });
    Ok((c, parsed.with_name(spec.name.as_str().into())))
}

/// A date or timestamp column stored as text: every value must parse.
fn parsed_dates(spec: &ColumnSpec, s: &Series) -> Result<Check> {
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
    let pass = format!("type {} (stored as text; every value parses)", spec.kind);
    Ok(type_verdict(spec, s, t, pass, |t, nonnull| {
        format!(
            "{} of {} values are not {}s ({}); accepted forms: {}",
            text::int(t.count),
            text::int(nonnull),
            spec.kind,
            text::rows(&t.examples),
            if spec.kind == Kind::Date { "YYYY-MM-DD" } else { crate::timeparse::ACCEPTED }
        )
    }))
}

/// NaN and ±infinity, unless the schema allows them.
fn non_finite_check(spec: &ColumnSpec, f: &Float64Chunked, rows: u64) -> Check {
    let mut t = Tally::new();
    for (i, v) in f.iter().enumerate() {
        if let Some(v) = v
            && !v.is_finite()
        {
            t.hit(i, Some(text::num(v)));
        }
    }
    let status = if t.count > 0 && !spec.allow_non_finite { sev(spec.severity) } else { Status::Pass };
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
    Check::new(Code::NonFinite, &spec.name, status, msg).with_counts(t.count, rows).with_examples(t.examples)
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
        Check::new(Code::Nulls, &spec.name, status, msg)
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
    let mut c = Check::new(Code::Range, &spec.name, status, msg)
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
    Check::new(Code::Category, &spec.name, status, msg)
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
    Check::new(Code::Unique, &spec.name, status, msg).with_counts(t.count, nonnull).with_examples(t.examples)
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
    Ok(Check::new(Code::Pattern, &spec.name, status, msg).with_counts(t.count, nonnull).with_examples(t.examples))
}
