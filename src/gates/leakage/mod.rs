//! Leakage gate: information the model will not have at prediction time.
//!
//! - **point in time**: a feature observed after the row's as-of time (per configured
//!   feature → observed-at column);
//! - **temporal split**: with a temporal split, training must end (plus a gap) before the
//!   test period starts;
//! - **overlap across splits**: the same entity in train and test (group leakage), and
//!   test rows whose features (label excluded, then included) exactly repeat a training row;
//! - **target leakage**: a single feature that predicts the label almost perfectly on the
//!   training set — ROC AUC of the raw value (max of AUC and 1 − AUC) for numeric features,
//!   the AUC of out-of-fold target rates for categorical ones (5 folds, so an identifier
//!   cannot score by memorising rows), |Spearman ρ| for a numeric (regression) label — and
//!   the label itself, or an exact copy of it, among the features.
//!
//! Nulls and NaN rank below every value when a feature is scored, so a feature that is
//! only present for one class is caught too.

pub mod cfg;
pub mod codes;
mod overlap;
pub mod settings;
mod target;
mod time;

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

use crate::error::quoted;
use crate::results::series::{LeakageSeries, TargetRow};
use crate::results::{Check, GateKind, GateResult, GateSeries, Status};
use crate::text;
use codes::Code;
pub use settings::Settings;

pub(crate) fn share(n: u64, d: u64) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

pub(crate) fn col<'a>(df: &'a DataFrame, name: &str) -> Option<&'a Series> {
    df.column(name).ok().map(|c| c.as_materialized_series())
}

/// Runs the gate on a training set and (optionally) a test set.
pub fn run(train: &DataFrame, test: Option<&DataFrame>, s: &Settings) -> Result<GateResult> {
    let mut checks = Vec::new();
    let mut notes = Vec::new();
    let features = features(train, s);
    if let Some(label) = &s.label {
        checks.extend(label_in_features(train, label, &features));
    }
    match s.label.as_deref().and_then(|l| col(train, l).map(|y| (l, y))) {
        None => notes.push("No label configured: target leakage was not checked.".into()),
        Some((label, y)) => checks.extend(target::checks(train, label, y, &features, s)),
    }
    checks.extend(time_checks(train, test, s, &mut notes)?);
    match test {
        Some(test) => checks.extend(overlap_checks(train, test, &features, s, &mut notes)),
        None => notes.push("No test set: overlap across splits was not checked.".into()),
    }
    let mut g = GateResult::from_checks("leakage", GateKind::Leakage, checks);
    g.summary = summary(&g.checks, features.len());
    g.thresholds.values = s.record();
    g.series = series(&g.checks, s);
    g.method.insert("time".into(), s.time.describe().into());
    g.method.insert(
        "target".into(),
        "numeric feature: max(AUC, 1 − AUC) of the raw value against the label on the training set, nulls ranked lowest; categorical feature: AUC of out-of-fold (5 folds) target rates; numeric label: |Spearman ρ|; multiclass label: the largest one-vs-rest value".into(),
    );
    g.method.insert(
        "duplicates".into(),
        "64-bit hash of every shared feature column per row (numbers compared as float64, text as bytes, null as its own value); with and without the label".into(),
    );
    g.notes = notes;
    Ok(g)
}

/// The features to check: the explicit list, or every column without a role.
fn features(train: &DataFrame, s: &Settings) -> Vec<String> {
    if let Some(f) = &s.features {
        return f.clone();
    }
    let roles: Vec<&str> =
        [s.label.as_deref(), s.entity.as_deref(), s.timestamp.as_deref()].into_iter().flatten().collect();
    let observed_cols: Vec<&str> = s.observed_at.iter().map(|(_, c)| c.as_str()).collect();
    train
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .filter(|n| !roles.contains(&n.as_str()) && !s.exclude.contains(n) && !observed_cols.contains(&n.as_str()))
        .collect()
}

/// The label, or an exact copy of it, among the features.
fn label_in_features(train: &DataFrame, label: &String, features: &[String]) -> Vec<Check> {
    let mut checks = Vec::new();
    if features.contains(label) {
        checks.push(Check::new(
            Code::LabelInFeatures,
            label,
            Status::Fail,
            format!("the label column {} is listed as a feature", quoted(label)),
        ));
    }
    let Some(y) = col(train, label) else { return checks };
    let copies: Vec<String> = features
        .par_iter()
        .filter(|f| *f != label)
        .filter_map(|f| col(train, f).filter(|x| target::is_copy(x, y)).map(|_| f.clone()))
        .collect();
    for f in &copies {
        checks.push(Check::new(
            Code::LabelInFeatures,
            f,
            Status::Fail,
            format!("{} is an exact copy of the label {} in every training row", quoted(f), quoted(label)),
        ));
    }
    if copies.is_empty() && !features.contains(label) {
        checks.push(Check::new(
            Code::LabelInFeatures,
            label,
            Status::Pass,
            format!("no feature is the label {} or a copy of it", quoted(label)),
        ));
    }
    checks
}

/// Point in time (per observed_at pair, on each split) and the temporal split.
fn time_checks(
    train: &DataFrame,
    test: Option<&DataFrame>,
    s: &Settings,
    notes: &mut Vec<String>,
) -> Result<Vec<Check>> {
    let mut checks = Vec::new();
    if !s.observed_at.is_empty() {
        match &s.timestamp {
            None => checks.push(Check::new(
                Code::NotEvaluated,
                "point-in-time",
                Status::Error,
                "observed_at columns are configured but no as-of timestamp column ([columns].timestamp)",
            )),
            Some(ts) => {
                for (name, df) in [("train", Some(train)), ("test", test)] {
                    let Some(df) = df else { continue };
                    checks.extend(time::point_in_time(
                        name,
                        df,
                        ts,
                        &s.observed_at,
                        &s.time,
                        s.max_point_in_time_share,
                    )?);
                }
            }
        }
    }
    if s.temporal {
        match (&s.timestamp, test) {
            (Some(ts), Some(test)) => checks.push(time::temporal_split(train, test, ts, s)?),
            (None, _) => checks.push(Check::new(
                Code::TemporalSplit,
                "split",
                Status::Error,
                "the split is declared temporal but no timestamp column is configured ([columns].timestamp)",
            )),
            (_, None) => notes.push("Temporal split declared but no test set given: split not checked.".into()),
        }
    }
    Ok(checks)
}

/// Entities and rows shared by train and test.
fn overlap_checks(
    train: &DataFrame,
    test: &DataFrame,
    features: &[String],
    s: &Settings,
    notes: &mut Vec<String>,
) -> Vec<Check> {
    let mut checks = Vec::new();
    if let Some(e) = &s.entity {
        checks.push(overlap::entity_overlap(train, test, e, s.max_entity_overlap));
    }
    let common: Vec<String> =
        features.iter().filter(|f| test.column(f).is_ok() && train.column(f).is_ok()).cloned().collect();
    if common.is_empty() {
        return checks;
    }
    let (c1, c2, distinct) = overlap::duplicates(train, test, &common, s.label.as_deref(), s);
    checks.push(c1);
    checks.extend(c2);
    if distinct < 1000 && train.height() > 5 * distinct {
        notes.push(format!(
            "The training set has only {} distinct feature combinations, so identical rows in train and test may be coincidental rather than leaked.",
            text::int(distinct as u64)
        ));
    }
    checks
}

fn summary(checks: &[Check], features: usize) -> String {
    let bad: Vec<&Check> = checks.iter().filter(|c| c.status >= Status::Warn).collect();
    if bad.is_empty() {
        return format!("no leakage found ({} checks on {features} features)", checks.len());
    }
    let mut kinds: Vec<String> = bad
        .iter()
        .map(|c| match Code::parse(&c.code) {
            Some(Code::Target) => format!("{} predicts the label", c.subject),
            Some(Code::PointInTime) => format!("{} observed after the as-of time", c.subject),
            Some(Code::EntityOverlap) => "entities in both train and test".into(),
            Some(Code::DuplicateFeatures) | Some(Code::DuplicateRows) => "test rows repeat training rows".into(),
            Some(Code::TemporalSplit) => "train and test periods overlap".into(),
            Some(Code::LabelInFeatures) => format!("{} is the label", c.subject),
            _ => c.message.clone(),
        })
        .collect();
    kinds.dedup();
    format!("{}: {}", text::plural(bad.len() as u64, "finding", "findings"), kinds.join("; "))
}

/// The chart of how well each feature alone predicts the label.
fn series(checks: &[Check], s: &Settings) -> Option<GateSeries> {
    let target: Vec<TargetRow> = checks
        .iter()
        .filter(|c| c.code == Code::Target)
        .filter_map(|c| Some(TargetRow { feature: c.subject.clone(), value: c.value?, status: c.status }))
        .collect();
    if target.is_empty() {
        return None;
    }
    let numeric_label = checks.iter().any(|c| c.code == Code::Target && c.statistic.as_deref() == Some("abs_spearman"));
    let bound = if numeric_label { s.target_rho } else { s.target_auc };
    Some(GateSeries::Leakage(LeakageSeries { target, bound }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(g: &'a GateResult, code: Code, subject: &str) -> &'a Check {
        g.check(code.as_str(), subject).unwrap_or_else(|| panic!("no {code:?} for {subject}: {:#?}", g.checks))
    }

    #[test]
    fn finds_planted_target_leak_and_spares_identifiers() {
        let n = 2000;
        let y: Vec<i64> = (0..n).map(|i| ((i * 7919) % 13 < 5) as i64).collect();
        let leak: Vec<f64> = y.iter().enumerate().map(|(i, &v)| v as f64 * 10.0 + (i % 3) as f64 * 0.1).collect();
        let weak: Vec<f64> = (0..n).map(|i| ((i * 31) % 17) as f64 + y[i] as f64 * 3.0).collect();
        let id: Vec<String> = (0..n).map(|i| format!("id{i}")).collect();
        let copy = y.clone();
        let df = df!("y" => &y, "leak" => leak, "weak" => weak, "id" => id, "copy" => copy).unwrap();
        let s = Settings { label: Some("y".into()), ..Default::default() };
        let g = run(&df, None, &s).unwrap();
        assert_eq!(find(&g, Code::Target, "leak").status, Status::Fail);
        assert_eq!(find(&g, Code::LabelInFeatures, "copy").status, Status::Fail);
        let w = find(&g, Code::Target, "weak");
        assert_eq!(w.status, Status::Pass, "{w:?}");
        // A unique id memorises the label in-sample; out-of-fold rates do not.
        let idc = find(&g, Code::Target, "id");
        assert_eq!(idc.status, Status::Pass, "{idc:?}");
    }

    #[test]
    fn single_class_label_is_an_error_check() {
        let df = df!("y" => [1i64, 1, 1], "x" => [1.0f64, 2.0, 3.0]).unwrap();
        let g = run(&df, None, &Settings { label: Some("y".into()), ..Default::default() }).unwrap();
        let c = find(&g, Code::Target, "y");
        assert_eq!(c.status, Status::Error);
        assert!(c.message.contains("single class"));
    }

    #[test]
    fn overlap_duplicates_and_time() {
        let train = df!(
            "id" => ["a", "b", "c", "d"],
            "t" => ["2024-01-01", "2024-01-05", "2024-01-09", "2024-01-10"],
            "seen" => ["2024-01-01", "2024-01-07", "2024-01-08", "2024-01-09"],
            "x" => [1.0f64, 2.0, 3.0, 4.0],
            "y" => [0i64, 1, 0, 1],
        )
        .unwrap();
        let test = df!(
            "id" => ["c", "e", "f"],
            "t" => ["2024-01-08", "2024-01-12", "2024-01-13"],
            "seen" => ["2024-01-08", "2024-01-12", "2024-01-13"],
            "x" => [3.0f64, 9.0, 2.0],
            "y" => [0i64, 1, 0],
        )
        .unwrap();
        let s = Settings {
            label: Some("y".into()),
            entity: Some("id".into()),
            timestamp: Some("t".into()),
            temporal: true,
            observed_at: vec![("x".into(), "seen".into())],
            ..Default::default()
        };
        let g = run(&train, Some(&test), &s).unwrap();
        let e = find(&g, Code::EntityOverlap, "id");
        assert_eq!((e.status, e.count), (Status::Fail, Some(1)));
        assert_eq!(e.examples[0].row, 1);
        let d = find(&g, Code::DuplicateFeatures, "train/test");
        assert_eq!(d.count, Some(2), "x = 3 and x = 2 repeat training rows");
        let dr = find(&g, Code::DuplicateRows, "train/test");
        assert_eq!(dr.count, Some(1), "only x = 3 repeats with its label");
        let p = find(&g, Code::PointInTime, "x (train)");
        assert_eq!((p.status, p.count), (Status::Fail, Some(1)));
        assert_eq!(p.examples[0].row, 2);
        let t = find(&g, Code::TemporalSplit, "t");
        assert_eq!(t.status, Status::Fail);
        assert_eq!(t.count, Some(1), "one test row falls before training ends");
    }

    /// A survey: answers on a few coarse scales, so different respondents often give the
    /// same answers. Deterministic pseudo-random answers (splitmix64).
    fn survey(n: usize, seed: u64) -> DataFrame {
        let mut state = seed;
        let mut next = |k: u64| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % k) as i64
        };
        let q: Vec<Vec<i64>> = (0..5).map(|_| (0..n).map(|_| next(4)).collect()).collect();
        let y: Vec<i64> = (0..n).map(|i| ((q[0][i] + q[1][i]) > 3) as i64).collect();
        df!("q1" => &q[0], "q2" => &q[1], "q3" => &q[2], "q4" => &q[3], "q5" => &q[4], "y" => y).unwrap()
    }

    #[test]
    fn coincidental_duplicates_of_coarse_answers_pass() {
        // 4⁵ = 1024 answer patterns: many rows repeat another by chance, in train as in test.
        let (train, test) = (survey(4000, 1), survey(1500, 2));
        let s = Settings { label: Some("y".into()), ..Default::default() };
        let g = run(&train, Some(&test), &s).unwrap();
        for code in [Code::DuplicateFeatures, Code::DuplicateRows] {
            let c = find(&g, code, "train/test");
            assert!(c.count.unwrap() > 500, "{code:?}: coincidences do occur: {c:?}");
            assert_eq!(c.status, Status::Pass, "{code:?}: {}", c.message);
        }
    }

    #[test]
    fn copied_test_rows_fail_even_among_coincidences() {
        let train = survey(4000, 1);
        // A test set of fresh rows plus 300 rows copied from train (20%).
        let fresh = survey(1200, 3);
        let copied = train.slice(0, 300);
        let test = fresh.vstack(&copied).unwrap();
        let s = Settings { label: Some("y".into()), ..Default::default() };
        let g = run(&train, Some(&test), &s).unwrap();
        let c = find(&g, Code::DuplicateRows, "train/test");
        assert_eq!(c.status, Status::Fail, "{}", c.message);
        let (lo, _) = (c.interval.as_ref().unwrap().low, 0);
        assert!(lo > 0.0, "{c:?}");
    }

    #[test]
    fn a_few_copies_of_distinct_rows_are_caught() {
        let x: Vec<f64> = (0..4000).map(|i| (i as f64 * 0.61803).fract() * 1000.0).collect();
        let y: Vec<i64> = (0..4000).map(|i| (i % 3 == 0) as i64).collect();
        let train = df!("x" => &x, "y" => &y).unwrap();
        let mut tx: Vec<f64> = (0..1500).map(|i| 5000.0 + i as f64).collect();
        let mut ty: Vec<i64> = vec![0; 1500];
        for k in 0..10 {
            tx[k * 100] = x[k];
            ty[k * 100] = y[k];
        }
        let test = df!("x" => tx, "y" => ty).unwrap();
        let s = Settings { label: Some("y".into()), ..Default::default() };
        let g = run(&train, Some(&test), &s).unwrap();
        let c = find(&g, Code::DuplicateRows, "train/test");
        // 10 of 1,500 against none within training: Newcombe's lower bound is above 0.
        assert_eq!((c.count, c.status), (Some(10), Status::Fail), "{}", c.message);
    }
}
