//! Turning the join and each feature's comparison into checks, series rows and the
//! gate's summary.

use anyhow::Result;
use polars::prelude::*;

use super::cause::{Cause, Diagnosis, diagnose};
use super::codes::Code;
use super::compare::{Compared, DiffSet, Prepared, Values, compare, prepare};
use super::join::{Join, cell_text, key_text};
use super::{KIND, Settings, Sides, dist};
use crate::results::series::{SkewCause, SkewCoverage, SkewExample, SkewRow};
use crate::results::{Check, Example, GateResult, Status};
use crate::text;

/// One feature's check and the row the reports tabulate.
pub struct Outcome {
    pub check: Check,
    pub row: SkewRow,
}

fn row(feature: &str, kind: &str, status: Status) -> SkewRow {
    SkewRow {
        feature: feature.into(),
        kind: kind.into(),
        status,
        compared: 0,
        mismatches: 0,
        null_offline_only: 0,
        null_online_only: 0,
        value: None,
        statistic: "mismatch_share".into(),
        causes: vec![],
        examples: vec![],
    }
}

fn share(n: u64, of: u64) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

/// Join coverage and ambiguous keys.
pub fn coverage(j: &Join, sides: &Sides<'_>, key: &[String], s: &Settings) -> Vec<Check> {
    let mut out = Vec::new();
    let keys = |df: &DataFrame, rows: &[IdxSize]| -> Vec<Example> {
        rows.iter().take(5).map(|&r| Example { row: r as u64 + 1, value: Some(key_text(df, r, key)) }).collect()
    };
    let on_key = format!("on {}", key.join(", "));
    for (side, rows, unmatched, null_keys, levels, df) in [
        ("online", j.online_rows, &j.unmatched_online, j.null_key_online, &s.max_unmatched_online, sides.online),
        ("offline", j.offline_rows, &j.unmatched_offline, j.null_key_offline, &s.max_unmatched_offline, sides.offline),
    ] {
        let other = if side == "online" { "offline" } else { "online" };
        if rows == 0 {
            let why =
                if side == "online" { "the service logged nothing" } else { "the training pipeline wrote nothing" };
            let msg = format!("the {side} file has no rows ({why}): nothing to compare");
            out.push(Check::new(Code::Unmatched, side, Status::Fail, msg));
            continue;
        }
        let n = unmatched.len() as u64;
        let v = share(n, rows as u64);
        let mut msg = format!(
            "{} of {} {side} rows ({}) found no {other} partner {on_key}",
            text::int(n),
            text::int(rows as u64),
            text::pct(v)
        );
        if null_keys > 0 {
            msg.push_str(&format!(", {} of them with a missing key or time", text::int(null_keys)));
        }
        if side == "online" && j.outside_window > 0 {
            msg.push_str(&format!(
                ", {} whose entity is offline but at no time within the window",
                text::int(j.outside_window)
            ));
        }
        let status = if levels.is_set() { levels.judge(v) } else { Status::Skipped };
        if !levels.is_set() && n > 0 {
            msg.push_str(" (not judged: the offline table may hold entities that were never served; set max_unmatched_offline to judge it)");
        }
        if j.pairs.is_empty() {
            msg.push_str(&format!("; no row paired at all: {}", no_overlap_hint(sides, key)));
        }
        out.push(
            Check::new(Code::Unmatched, side, status, msg)
                .with_value("unmatched_share", v)
                .with_threshold(levels.threshold())
                .with_counts(n, rows as u64)
                .with_examples(keys(df, unmatched)),
        );
    }
    for (side, rows, amb, df) in [
        ("online", j.online_rows, &j.ambiguous_online, sides.online),
        ("offline", j.offline_rows, &j.ambiguous_offline, sides.offline),
    ] {
        let n = amb.len() as u64;
        if rows == 0 {
            continue;
        }
        let v = share(n, rows as u64);
        let msg = if n == 0 {
            format!("every {side} key pairs with at most one row")
        } else {
            format!(
                "{} {side} rows ({}) have a key that repeats or pairs with several rows; they are left out of the comparison, not fanned out",
                text::int(n),
                text::pct(v)
            )
        };
        out.push(
            Check::new(Code::DuplicateKeys, side, s.max_duplicates.judge(v), msg)
                .with_value("duplicate_share", v)
                .with_threshold(s.max_duplicates.threshold())
                .with_counts(n, rows as u64)
                .with_examples(keys(df, amb)),
        );
    }
    out
}

/// What the keys look like on each side, and whether they would pair after trimming and
/// folding case, when no row paired at all.
fn no_overlap_hint(sides: &Sides<'_>, key: &[String]) -> String {
    let sample = |df: &DataFrame| {
        (0..df.height().min(3)).map(|r| key_text(df, r as IdxSize, key)).collect::<Vec<_>>().join("; ")
    };
    let norm = |df: &DataFrame| -> std::collections::HashSet<String> {
        (0..df.height().min(100_000))
            .map(|r| {
                key.iter()
                    .map(|c| cell_text(df, c, r as IdxSize).trim().to_lowercase())
                    .collect::<Vec<_>>()
                    .join("\u{1f}")
            })
            .collect()
    };
    let (a, b) = (norm(sides.offline), norm(sides.online));
    let after = b.iter().filter(|k| a.contains(*k)).count();
    let mut s =
        format!("offline keys look like [{}], online keys like [{}]", sample(sides.offline), sample(sides.online));
    if after > 0 {
        s.push_str(&format!(
            "; {} online keys would pair after trimming and folding case: one side normalises its ids",
            text::int(after as u64)
        ));
    }
    s
}

pub fn not_joined(feature: &str) -> Outcome {
    let msg = "not compared: no row paired (see skew.unmatched)";
    Outcome {
        check: Check::new(Code::NotEvaluated, feature, Status::Skipped, msg),
        row: row(feature, "-", Status::Skipped),
    }
}

/// The outcome of a feature whose sides cannot be compared value by value.
fn unreadable(feature: &str, p: Prepared) -> Outcome {
    match p {
        Prepared::TypeMismatch { off, on, examples, .. } => {
            let ex = if examples.is_empty() { String::new() } else { format!(" (e.g. {})", examples.join(", ")) };
            let msg = format!(
                "types differ: offline {off}, online {on}{ex}; the two pipelines do not produce the same feature, so values cannot be compared"
            );
            Outcome { check: Check::new(Code::Type, feature, Status::Fail, msg), row: row(feature, "-", Status::Fail) }
        }
        Prepared::Unsupported(what) => {
            let msg = format!("not compared: {what} is neither a number, text nor a time");
            Outcome {
                check: Check::new(Code::NotEvaluated, feature, Status::Skipped, msg),
                row: row(feature, "-", Status::Skipped),
            }
        }
        Prepared::Ready { kind, .. } => {
            let msg = format!("not compared: the {kind} values were read but not judged");
            Outcome {
                check: Check::new(Code::NotEvaluated, feature, Status::Skipped, msg),
                row: row(feature, kind, Status::Skipped),
            }
        }
    }
}

fn series_of<'a>(sides: &'a Sides<'_>, feature: &str) -> Result<(&'a Series, &'a Series)> {
    Ok((
        sides.offline.column(feature)?.as_materialized_series(),
        sides.online.column(feature)?.as_materialized_series(),
    ))
}

pub fn distribution_feature(feature: &str, sides: &Sides<'_>, s: &Settings) -> Result<Outcome> {
    let (a, b) = series_of(sides, feature)?;
    let (off, on, kind) = match prepare(a, b, &s.time_options)? {
        Prepared::Ready { off, on, kind, .. } => (off, on, kind),
        other => return Ok(unreadable(feature, other)),
    };
    let check = dist::check(feature, &off, &on, &s.linf, &s.js, s.bins);
    let mut r = row(feature, kind, check.status);
    r.compared = (a.len() + b.len()) as u64;
    r.value = check.value;
    r.statistic = check.statistic.clone().unwrap_or_default();
    Ok(Outcome { check, row: r })
}

/// Whether the differing values of two text sides are a one-to-one renaming.
fn encodes(off: &Values, on: &Values, j: &Join, t: &super::settings::Tolerance) -> bool {
    let c = compare(off, on, &j.pairs, t);
    match &c.diffs {
        DiffSet::Text(d) => super::cause::encoding(&d.values).is_some(),
        _ => false,
    }
}

/// Mean and median of the whole offline column (for naming an imputed value: serving
/// usually fills in the training data's statistic).
fn offline_center(off: &Values) -> Option<(f64, f64)> {
    let Values::Num(c) = off else { return None };
    let mut v: Vec<f64> = c.iter().flatten().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    crate::stats::sort::sort_floats(&mut v);
    Some((mean, crate::stats::quantile_sorted(&v, 0.5)))
}

pub fn joined_feature(feature: &str, sides: &Sides<'_>, j: &Join, key: &[String], s: &Settings) -> Result<Outcome> {
    let (a, b) = series_of(sides, feature)?;
    let t = s.tolerance_of(feature);
    let (off, on, kind, note) = match prepare(a, b, &s.time_options)? {
        Prepared::Ready { off, on, kind, note } => (off, on, kind, note),
        // Numbers on one side and words on the other are one finding when they map one to
        // one (label encoding on one side): compared as text, the encoding is named.
        Prepared::TypeMismatch { off: to, on: tn, as_text: Some((x, y)), .. } if encodes(&x, &y, j, &t) => {
            let note = format!("types differ (offline {to}, online {tn}), compared as text");
            (x, y, "text", Some(note))
        }
        other => return Ok(unreadable(feature, other)),
    };
    let c = compare(&off, &on, &j.pairs, &t);
    let dx = if c.mismatches() > 0 {
        let center = match &c.diffs {
            DiffSet::Num(d) if !d.online_where_offline_null.is_empty() || !d.offline_where_online_null.is_empty() => {
                offline_center(&off)
            }
            _ => None,
        };
        diagnose(feature, &c.diffs, center, c.value_mismatch)
    } else {
        Diagnosis::default()
    };
    let examples: Vec<SkewExample> = c
        .examples
        .iter()
        .map(|&(i, k)| SkewExample {
            key: key_text(sides.offline, i, key),
            offline: off.text_at(i),
            online: on.text_at(k),
        })
        .collect();
    let v = share(c.mismatches(), c.joined);
    let status = if c.joined < s.min_rows { Status::Skipped } else { t.max_mismatch.judge(v) };
    let code = if status == Status::Skipped { Code::NotEvaluated } else { Code::Mismatch };
    let msg = message(&c, &dx, note.as_deref(), status);
    let causes: Vec<&Cause> = [&dx.values, &dx.nulls].into_iter().flatten().collect();
    let mut check = Check::new(code, feature, status, msg)
        .with_value("mismatch_share", v)
        .with_threshold(t.max_mismatch.threshold())
        .with_counts(c.mismatches(), c.joined)
        .with_examples(
            c.examples
                .iter()
                .zip(&examples)
                .map(|(&(i, _), e)| Example {
                    row: i as u64 + 1,
                    value: Some(format!("offline {} → online {} at {}", e.offline, e.online, e.key)),
                })
                .collect(),
        )
        .with_detail("value_mismatch", c.value_mismatch)
        .with_detail("null_offline_only", c.null_offline_only)
        .with_detail("null_online_only", c.null_online_only);
    if !causes.is_empty() {
        check = check.with_detail("cause", causes.iter().map(|c| c.code).collect::<Vec<_>>());
    }
    let mut r = row(feature, kind, status);
    r.compared = c.joined;
    r.mismatches = c.mismatches();
    r.null_offline_only = c.null_offline_only;
    r.null_online_only = c.null_online_only;
    r.value = Some(v);
    r.causes = causes.iter().map(|c| SkewCause { code: c.code.into(), evidence: c.text.clone() }).collect();
    r.examples = examples;
    Ok(Outcome { check, row: r })
}

fn message(c: &Compared, dx: &Diagnosis, note: Option<&str>, status: Status) -> String {
    let joined = text::int(c.joined);
    let mut m = if c.mismatches() == 0 {
        format!("all {joined} joined rows agree")
    } else {
        let mut parts = Vec::new();
        if c.value_mismatch > 0 {
            parts.push(text::plural(c.value_mismatch, "value", "values"));
        }
        if c.null_offline_only > 0 {
            parts.push(format!("{} missing offline only", text::int(c.null_offline_only)));
        }
        if c.null_online_only > 0 {
            parts.push(format!("{} missing online only", text::int(c.null_online_only)));
        }
        format!(
            "{} of {joined} joined rows differ ({}: {})",
            text::pct(share(c.mismatches(), c.joined)),
            text::int(c.mismatches()),
            parts.join(", ")
        )
    };
    if status == Status::Skipped {
        m = format!("too few joined rows to judge: {m}");
    }
    for cause in [&dx.values, &dx.nulls].into_iter().flatten() {
        m.push_str(&format!("; {}: {}", cause.code, cause.text));
    }
    if c.value_mismatch > 0 && dx.values.is_none() {
        m.push_str("; no single cause fits the differing values: compare the example pairs");
    }
    if let Some(n) = note {
        m.push_str(&format!("; {n}"));
    }
    m
}

/// The gate result from the coverage checks and each feature's outcome.
pub fn assemble(
    outcomes: Vec<Outcome>,
    mut checks: Vec<Check>,
    s: &Settings,
    mode: &str,
    coverage: Option<SkewCoverage>,
) -> GateResult {
    let mut rows = Vec::with_capacity(outcomes.len());
    for o in outcomes {
        checks.push(o.check);
        rows.push(o.row);
    }
    let mut g = GateResult::from_checks("skew", KIND, checks);
    g.thresholds.values = s.record();
    g.summary = summary(&rows, coverage.as_ref(), mode, &g.checks);
    g.series = Some(crate::results::GateSeries::Skew(super::series(mode, coverage, rows, s)));
    g
}

fn summary(rows: &[SkewRow], cov: Option<&SkewCoverage>, mode: &str, checks: &[Check]) -> String {
    let bad: Vec<&SkewRow> = rows.iter().filter(|r| r.status >= Status::Warn).collect();
    let named: Vec<String> = bad
        .iter()
        .take(4)
        .map(|r| match r.causes.iter().find(|c| c.code != "none") {
            Some(c) => format!("{} ({})", r.feature, c.code),
            None => r.feature.clone(),
        })
        .collect();
    let features = if bad.is_empty() {
        format!("all {} agree", text::plural(rows.len() as u64, "feature", "features"))
    } else {
        let more = if bad.len() > 4 { format!(" and {} more", bad.len() - 4) } else { String::new() };
        format!(
            "{} of {} differ beyond their level: {}{more}",
            bad.len(),
            text::plural(rows.len() as u64, "feature", "features"),
            named.join(", ")
        )
    };
    match (mode, cov) {
        ("join", Some(c)) => {
            let coverage_bad = checks.iter().any(|c| c.code == Code::Unmatched.as_str() && c.status >= Status::Warn);
            let warn = if coverage_bad { " (low match rate: a logging or key bug hides findings)" } else { "" };
            format!("{} of {} online rows joined{warn}; {features}", text::int(c.joined), text::int(c.online_rows))
        }
        _ => format!("distribution-level only (no key); {features}"),
    }
}
