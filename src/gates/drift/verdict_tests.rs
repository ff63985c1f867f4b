//! Drift verdicts on data with a known answer: a constant reference that starts varying,
//! moderate real shifts that the defaults must report, and unshifted samples from 10k to 1M
//! rows that must pass. Expected values were computed independently with numpy/scipy
//! (`scipy.stats.wasserstein_distance`, `scipy.stats.ks_2samp`, and the closed forms
//! D = 2Φ(δ/2) − 1 for a mean shift δ, W₁ = (σ−1)·E|Z| for a scale change σ).

use super::column::{ColumnData, NumValues, NumericData};
use super::compare::{FeatureOutcome, Role, compare, finish_significance};
use super::settings::Settings;
use crate::results::Status;

/// A numeric column of these values, sorted (shared with the diagnosis tests).
pub(super) fn column(mut v: Vec<f64>) -> ColumnData {
    v.sort_by(f64::total_cmp);
    ColumnData::Numeric(NumericData {
        rows: v.len() as u64,
        nulls: 0,
        nan: 0,
        pos_inf: 0,
        neg_inf: 0,
        integer: false,
        dtype: "f64".into(),
        values: NumValues::Sorted(v),
    })
}

/// Deterministic standard normals (splitmix64 + Box–Muller).
fn normals(n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let (u1, u2) = (next().max(f64::MIN_POSITIVE), next());
            (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
        })
        .collect()
}

/// Compares one column with the default settings and finishes its significance test as
/// the gate does for a single column.
fn judge(reference: Vec<f64>, current: Vec<f64>) -> FeatureOutcome {
    let s = Settings::default();
    let mut o =
        compare("x", Role::Feature, Some(&column(reference)), Some(&column(current)), &s.thresholds, &s.compare);
    let p = o.test.as_ref().map(|t| t.p).unwrap_or(f64::NAN);
    finish_significance(&mut o, p, s.alpha, "BH");
    o
}

fn status(o: &FeatureOutcome, code: &str) -> Status {
    o.checks.iter().find(|c| c.code == code).unwrap_or_else(|| panic!("no {code}: {:#?}", o.checks)).status
}

fn value(o: &FeatureOutcome, code: &str) -> f64 {
    o.checks.iter().find(|c| c.code == code).and_then(|c| c.value).unwrap_or_else(|| panic!("no value for {code}"))
}

#[test]
fn a_constant_reference_that_starts_varying_fails_on_every_statistic() {
    let current: Vec<f64> = [1.0, 2.0, 3.0, 4.0, 5.0].iter().flat_map(|v| std::iter::repeat_n(*v, 200)).collect();
    let o = judge(vec![0.0; 1000], current);
    // Bins "0" and "> 0" (the empty "< 0" is dropped); the reference's share beyond its
    // maximum is 1/(n + 1) = 1/1001, the current's empty share ε = 1e-4:
    // (ε − 1)·ln ε + (1 − 1/1001)·ln 1001 (computed with Python's math module).
    assert!((value(&o, "drift.psi") - 16.111272264327816).abs() < 1e-9, "{:#?}", o.checks);
    assert_eq!(status(&o, "drift.psi"), Status::Fail);
    // scipy: W₁ = 3.0; the pooled std of both samples is 1.8027756377319946.
    assert!((value(&o, "drift.wasserstein") - 1.6641005886756874).abs() < 1e-12);
    assert_eq!(status(&o, "drift.wasserstein"), Status::Fail);
    assert_eq!(value(&o, "drift.ks"), 1.0);
    assert_eq!(status(&o, "drift.ks"), Status::Fail);
    let ks = o.checks.iter().find(|c| c.code == "drift.ks").unwrap();
    assert!(ks.message.contains("(p < 1e-300,"), "an underflowed p-value reads `p < 1e-300`: {}", ks.message);
    assert_eq!(o.row.status, Status::Fail);
}

#[test]
fn both_samples_constant_and_equal_is_no_drift() {
    let o = judge(vec![7.0; 500], vec![7.0; 400]);
    assert_eq!(o.row.status, Status::Pass, "{:#?}", o.checks);
}

#[test]
fn a_new_value_of_a_low_cardinality_feature_is_not_hidden() {
    // A flag: 0 or 1 in training; serving also sends 2 for a tenth of the rows.
    let reference: Vec<f64> = (0..10_000).map(|i| (i % 4 == 0) as u8 as f64).collect();
    let current: Vec<f64> = (0..10_000).map(|i| if i % 10 == 0 { 2.0 } else { (i % 4 == 0) as u8 as f64 }).collect();
    let o = judge(reference, current);
    assert_eq!(status(&o, "drift.psi"), Status::Fail, "{:#?}", o.checks);
    let bins = o.row.bins.as_ref().unwrap();
    assert!(bins.labels.contains(&"> 1".to_string()), "{:?}", bins.labels);
}

#[test]
fn moderate_shifts_on_a_million_rows_are_reported() {
    let n = 1_000_000;
    let reference = normals(n, 1);
    // A quarter of a standard deviation: D = 2Φ(0.125) − 1 = 0.0995, W ≈ 0.25.
    let shifted: Vec<f64> = normals(n, 2).into_iter().map(|x| x + 0.25).collect();
    let o = judge(reference.clone(), shifted);
    assert!((value(&o, "drift.ks") - 0.09947644966022584).abs() < 0.004, "{:#?}", o.checks);
    assert!((value(&o, "drift.wasserstein") - 0.25).abs() < 0.01);
    assert!(o.row.status >= Status::Warn, "a quarter-SD shift must at least warn: {:#?}", o.checks);
    // A spread ×1.5: D = 0.0968, W = 0.5·E|Z| = 0.3989.
    let wider: Vec<f64> = normals(n, 3).into_iter().map(|x| x * 1.5).collect();
    let o = judge(reference, wider);
    assert!((value(&o, "drift.ks") - 0.09679004632150812).abs() < 0.004, "{:#?}", o.checks);
    assert!((value(&o, "drift.wasserstein") - 0.3989422804014327).abs() < 0.01);
    assert!(o.row.status >= Status::Warn, "a ×1.5 spread must at least warn: {:#?}", o.checks);
}

#[test]
fn unshifted_samples_pass_from_ten_thousand_to_a_million_rows() {
    for (n, seed) in [(10_000, 10), (100_000, 20), (1_000_000, 30)] {
        let o = judge(normals(n, seed), normals(n, seed + 1));
        assert_eq!(o.row.status, Status::Pass, "{n} rows: {:#?}", o.checks);
    }
}

#[test]
fn small_noisy_samples_are_not_failed_on_their_distance_alone() {
    // 150 rows a side: the Wasserstein distance of pure noise is often near 0.1, but it is
    // judged only with a significant KS test, so it fails no more often than the test's α.
    let (mut distance, mut ks) = (0, 0);
    for seed in 0..100 {
        let o = judge(normals(150, 100 + seed), normals(150, 200 + seed));
        distance += (status(&o, "drift.wasserstein") >= Status::Warn) as u32;
        ks += (status(&o, "drift.ks") >= Status::Warn) as u32;
    }
    assert!(distance <= ks, "the distance warned {distance} times, more than its test ({ks})");
    assert!(ks <= 10, "KS flagged {ks} of 100 unshifted samples at α = 0.05");
}

/// The column as a streaming profile would hold it (histogram buckets, no values).
fn profiled(v: Vec<f64>) -> ColumnData {
    use polars::prelude::*;
    let s = Series::new("x".into(), v);
    let mut b = crate::profile::ColumnBuilder::new("x", s.dtype());
    b.add(&s).unwrap();
    ColumnData::from_profile(&b.finish())
}

#[test]
fn binned_comparison_also_sees_values_beyond_the_reference() {
    let s = Settings::default();
    let current: Vec<f64> = (0..1000).map(|i| (1 + i % 5) as f64).collect();
    for (reference, label) in
        [(vec![0.0; 1000], "constant"), ((0..1000).map(|i| (i % 50) as f64).collect(), "50 values")]
    {
        let mut o = compare(
            "x",
            Role::Feature,
            Some(&profiled(reference.clone())),
            Some(&profiled(current.clone())),
            &s.thresholds,
            &s.compare,
        );
        let p = o.test.as_ref().map(|t| t.p).unwrap_or(f64::NAN);
        finish_significance(&mut o, p, s.alpha, "BH");
        if label == "constant" {
            assert_eq!(o.row.status, Status::Fail, "{label}: {:#?}", o.checks);
        } else {
            // Values 1–5 all lie inside a reference of 0–49: a big shift, but not beyond it.
            assert_eq!(status(&o, "drift.psi"), Status::Fail, "{label}: {:#?}", o.checks);
        }
    }
    // A reference of 0–49 and current values above 49 land in the bin above the maximum.
    let reference: Vec<f64> = (0..2000).map(|i| (i % 50) as f64).collect();
    let current: Vec<f64> = (0..2000).map(|i| if i % 5 == 0 { 60.0 } else { (i % 50) as f64 }).collect();
    let o =
        compare("x", Role::Feature, Some(&profiled(reference)), Some(&profiled(current)), &s.thresholds, &s.compare);
    let bins = o.row.bins.as_ref().unwrap();
    let last = bins.labels.last().unwrap();
    assert!(last.starts_with('≥') && *bins.current.last().unwrap() > 0.15, "{:?} {:?}", bins.labels, bins.current);
}

#[test]
fn the_summary_names_four_drifted_columns_and_counts_the_rest() {
    use super::{Loaded, Side};
    let s = Settings::default();
    let mut reference = std::collections::HashMap::new();
    let mut current = std::collections::HashMap::new();
    let names: Vec<String> = (0..6).map(|i| format!("c{i}")).collect();
    for n in &names {
        reference.insert(n.clone(), column(normals(2000, 1)));
        current.insert(n.clone(), column(normals(2000, 2).into_iter().map(|x| x + 2.0).collect()));
    }
    let side = |name: &str, columns| Side { name: name.into(), columns, names: names.clone(), rows: 2000 };
    let l = Loaded {
        reference: side("reference", reference),
        current: side("current", current),
        wanted: names.clone(),
        exact: true,
        score_reference: None,
        importance: None,
        outcomes: None,
    };
    let g = super::run(&l, &s);
    assert!(g.summary.starts_with("6 of 6 columns drifted: ") && g.summary.ends_with(" and 2 more"), "{}", g.summary);
}
