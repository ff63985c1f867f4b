//! Comparing one column between reference and current: the dispatch by column kind, the
//! checks every kind shares (missing values, PSI, Jensen–Shannon), and the significance
//! step once p-values are corrected across columns. The statistics per kind are in
//! `numeric.rs` and `categorical.rs`.

use super::codes::Code;
use super::column::ColumnData;
use super::settings::{CompareSettings, FeatureThresholds};
pub use crate::results::series::{BinSeries, ColumnKind, FeatureRow, HistSeries, Role};
use crate::results::{Check, Levels, Status};
use crate::stats::psi::{self, EmptyBins};
use crate::text;

/// A check whose effect size is judged only when its test is significant after correction.
#[derive(Debug, Clone)]
pub struct Tested {
    /// Index in `checks` of the test's check (KS or χ²).
    pub idx: usize,
    /// Raw p-value.
    pub p: f64,
    /// Effect size (KS D, Cramér's V) and its levels.
    pub effect: f64,
    pub levels: Levels,
    /// Further effect sizes judged under the same test: `(check index, value, levels)`.
    pub also: Vec<(usize, f64, Levels)>,
}

/// The outcome for one column before multiple-testing correction.
#[derive(Debug, Clone)]
pub struct FeatureOutcome {
    pub row: FeatureRow,
    pub checks: Vec<Check>,
    /// The significance-tested check (KS or χ²), finished by [`finish_significance`].
    /// effect size and levels; finished by [`finish_significance`].
    pub test: Option<Tested>,
}

pub(super) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Compares one column.
pub fn compare(
    name: &str,
    role: Role,
    reference: Option<&ColumnData>,
    current: Option<&ColumnData>,
    th: &FeatureThresholds,
    s: &CompareSettings,
) -> FeatureOutcome {
    let mut row = FeatureRow { feature: name.to_string(), role, ..Default::default() };
    let mut checks = Vec::new();
    let (r, c) = match (reference, current) {
        (Some(r), Some(c)) => (r, c),
        (Some(_), None) | (None, Some(_)) | (None, None) => {
            let side = if reference.is_none() { "reference" } else { "current" };
            row.kind = ColumnKind::Missing;
            row.status = Status::Fail;
            row.note = Some(format!("not comparable: column is missing from {side}"));
            checks.push(Check::new(
                Code::MissingColumn,
                name,
                Status::Fail,
                format!("not comparable: the column is missing from the {side} data"),
            ));
            return FeatureOutcome { row, checks, test: None };
        }
    };
    row.rows_reference = r.rows();
    row.rows_current = c.rows();
    row.missing_reference = share(r.missing(), r.rows());
    row.missing_current = share(c.missing(), c.rows());

    // Missing values first: they change even when the values that remain do not.
    let change = row.missing_current - row.missing_reference;
    checks.push(
        Check::new(
            Code::NullRate,
            name,
            th.null_rate.judge(change.abs()),
            format!(
                "missing {} → {} ({}{} points)",
                text::pct(row.missing_reference),
                text::pct(row.missing_current),
                if change >= 0.0 { "+" } else { "−" },
                text::num((change * 100.0).abs())
            ),
        )
        .with_value("missing_share_change", change.abs())
        .with_threshold(th.null_rate.threshold())
        .with_detail("reference", row.missing_reference)
        .with_detail("current", row.missing_current),
    );

    let mut test = None;
    match (r, c) {
        (ColumnData::Numeric(a), ColumnData::Numeric(b)) => {
            row.kind = ColumnKind::Numeric;
            test = super::numeric::numeric(name, a, b, th, s, &mut row, &mut checks);
        }
        (ColumnData::Categorical(a), ColumnData::Categorical(b)) => {
            row.kind = ColumnKind::Categorical;
            test = super::categorical::categorical(name, a, b, th, s, &mut row, &mut checks);
        }
        (ColumnData::Other { dtype, .. }, ColumnData::Other { .. }) => {
            row.kind = ColumnKind::Other;
            let lower = dtype.to_ascii_lowercase();
            let msg = if lower.contains("date") || lower.contains("time") {
                format!(
                    "not comparable: dates and timestamps ({dtype}) are not compared; they move with time by design"
                )
            } else {
                format!("not comparable: {dtype} columns are not compared")
            };
            row.note = Some(msg.clone());
            checks.push(Check::new(Code::NotComparable, name, Status::Skipped, msg));
        }
        _ => {
            row.kind = ColumnKind::Mismatch;
            let msg = format!("not comparable: {} in reference, {} in current", r.kind_label(), c.kind_label());
            row.note = Some(msg.clone());
            checks.push(
                Check::new(Code::TypeMismatch, name, Status::Fail, msg)
                    .with_detail("reference", r.kind_label())
                    .with_detail("current", c.kind_label()),
            );
        }
    }
    row.status = Status::worst(checks.iter().map(|c| c.status));
    FeatureOutcome { row, checks, test }
}

pub(super) fn share(n: u64, d: u64) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

pub(super) fn skip(name: &str, checks: &mut Vec<Check>, row: &mut FeatureRow, why: String) {
    row.note = Some(why.clone());
    checks.push(Check::new(Code::NotComparable, name, Status::Skipped, why));
}

pub(super) fn psi_check(name: &str, value: f64, th: &FeatureThresholds, bins: usize, top: Option<&str>) -> Check {
    let status = th.psi.judge(value);
    let mut msg = format!("PSI {} over {bins} bins", text::num(value));
    if let Some(t) = top {
        msg.push_str(&format!("; largest contribution from {t}"));
    }
    Check::new(Code::Psi, name, status, msg).with_value("psi", value).with_threshold(th.psi.threshold())
}

/// The Jensen–Shannon check: informational unless levels are set.
pub(super) fn js_check(name: &str, js: f64, th: &FeatureThresholds) -> Check {
    Check::new(Code::Js, name, info_or(&th.js, js), format!("Jensen–Shannon distance {}", text::num(js)))
        .with_value("js_distance", js)
        .with_threshold(th.js.threshold())
}

pub(super) fn info_or(levels: &Levels, v: f64) -> Status {
    levels.judge(v)
}

/// Bin shares on both sides, PSI with the empty-bin rule, JS on the raw shares.
///
/// `outer` marks bins beyond the reference's range (empty in the reference by
/// construction). Under the `replace` rule such a bin gets the reference share
/// max(ε, 1/(n + 1)) — the chance that one more value from the reference's distribution
/// falls beyond its n values' extreme — so a small reference is not judged as if values
/// past its extremes were impossible.
pub(super) fn bin_stats(
    labels: Vec<String>,
    rc: &[u64],
    cc: &[u64],
    outer: &[bool],
    s: &CompareSettings,
) -> (f64, f64, BinSeries) {
    let rule = if s.evidently { EmptyBins::Evidently } else { s.empty_bins };
    let mut rs = psi::shares(rc, rule, s.epsilon);
    let cs = psi::shares(cc, rule, s.epsilon);
    if rule == EmptyBins::Replace {
        let beyond = 1.0 / (rc.iter().sum::<u64>() as f64 + 1.0);
        for (i, _) in outer.iter().enumerate().filter(|(i, o)| **o && rc[*i] == 0) {
            rs[i] = rs[i].max(beyond);
        }
    }
    let (value, contribution) = psi::psi(&rs, &cs);
    let raw_r: Vec<f64> = rc.iter().map(|&x| x as f64).collect();
    let raw_c: Vec<f64> = cc.iter().map(|&x| x as f64).collect();
    let js = psi::js_distance(&raw_r, &raw_c);
    let nr: u64 = rc.iter().sum();
    let nc: u64 = cc.iter().sum();
    let series = BinSeries {
        labels,
        reference: rc.iter().map(|&x| share(x, nr)).collect(),
        current: cc.iter().map(|&x| share(x, nc)).collect(),
        contribution,
    };
    (value, js, series)
}

pub(super) fn top_bin(series: &BinSeries) -> Option<String> {
    series.contribution.iter().enumerate().filter(|(_, c)| c.is_finite()).max_by(|a, b| a.1.total_cmp(b.1)).map(
        |(i, _)| {
            format!("bin {} ({} → {})", series.labels[i], text::pct(series.reference[i]), text::pct(series.current[i]))
        },
    )
}

/// Sets the status and message of each significance-tested check once adjusted p-values
/// are known: the effect size is judged against its levels only when the difference is
/// significant at `alpha` after correction; without levels the check is informational.
pub fn finish_significance(o: &mut FeatureOutcome, adjusted: f64, alpha: f64, correction: &str) {
    let Some(t) = o.test.clone() else { return };
    let (idx, p, effect, levels) = (t.idx, t.p, t.effect, t.levels);
    o.row.p_adjusted = finite(adjusted);
    let significant = adjusted < alpha;
    for (i, v, l) in &t.also {
        let c = &mut o.checks[*i];
        c.status = if significant { l.judge(*v) } else { Status::Pass };
        if !significant && l.is_set() {
            c.message.push_str("; not judged: the difference is not significant");
        }
    }
    let c = &mut o.checks[idx];
    let (what, effect_name) = if c.code == Code::Ks { ("KS statistic", "D") } else { ("Cramér's V", "V") };
    let sig_text = if significant {
        format!("significant (p{}, {correction}-adjusted p{}) ", text::p_value(p), text::p_value(adjusted))
    } else {
        format!(
            "not significant at α = {alpha} (p{}, {correction}-adjusted p{}) ",
            text::p_value(p),
            text::p_value(adjusted)
        )
    };
    c.status = if significant { levels.judge(effect) } else { Status::Pass };
    c.message = format!("{what} {effect_name} = {}; {sig_text}", text::num(effect)).trim_end().to_string();
    if !levels.is_set() {
        c.message.push_str("; informational (no threshold set)");
    }
    c.details.insert("p_adjusted".into(), serde_json::json!(finite(adjusted)));
    c.details.insert("alpha".into(), serde_json::json!(alpha));
    o.row.status = Status::worst(o.checks.iter().map(|c| c.status));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::drift::column::{CatData, NumValues, NumericData};
    use crate::gates::drift::settings::Settings;

    fn num(v: &[f64]) -> ColumnData {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        ColumnData::Numeric(NumericData {
            rows: v.len() as u64,
            nulls: 0,
            nan: 0,
            pos_inf: 0,
            neg_inf: 0,
            integer: false,
            dtype: "f64".into(),
            values: NumValues::Sorted(s),
        })
    }

    const S: CompareSettings =
        CompareSettings { bins: 10, empty_bins: EmptyBins::Replace, epsilon: 1e-4, evidently: false };

    #[test]
    fn the_test_settings_are_the_defaults() {
        assert_eq!(S, Settings::default().compare);
    }

    #[test]
    fn identical_columns_do_not_drift() {
        let v: Vec<f64> = (0..500).map(|i| (i as f64 * 0.37).sin()).collect();
        let o = compare("x", Role::Feature, Some(&num(&v)), Some(&num(&v)), &Settings::default().thresholds, &S);
        assert_eq!(o.row.psi, Some(0.0));
        assert_eq!(o.row.ks, Some(0.0));
        assert_eq!(o.row.wasserstein, Some(0.0));
        assert_eq!(o.row.status, Status::Pass);
    }

    #[test]
    fn shifted_column_fails_psi() {
        let a: Vec<f64> = (0..2000).map(|i| (i as f64 * 0.618).fract()).collect();
        let b: Vec<f64> = a.iter().map(|x| x + 0.3).collect();
        let o = compare("x", Role::Feature, Some(&num(&a)), Some(&num(&b)), &Settings::default().thresholds, &S);
        assert!(o.row.psi.unwrap() > 0.2, "{:?}", o.row.psi);
        assert_eq!(o.row.status, Status::Fail);
        let t = o.test.unwrap();
        let (p, d) = (t.p, t.effect);
        assert!(p < 1e-10 && (d - 0.3).abs() < 0.01);
    }

    #[test]
    fn type_mismatch_and_missing_column() {
        let c = ColumnData::Categorical(CatData {
            rows: 3,
            nulls: 0,
            dtype: "str".into(),
            counts: [("a".to_string(), 3)].into_iter().collect(),
            other: 0,
            capped: false,
        });
        let o = compare("x", Role::Feature, Some(&num(&[1.0, 2.0])), Some(&c), &Settings::default().thresholds, &S);
        assert!(o.checks.iter().any(|c| c.code == Code::TypeMismatch && c.status == Status::Fail));
        assert!(o.row.note.unwrap().starts_with("not comparable: numeric (f64) in reference, categorical (str)"));
        let o = compare("x", Role::Feature, Some(&num(&[1.0])), None, &Settings::default().thresholds, &S);
        assert_eq!(o.checks[0].code, Code::MissingColumn);
    }

    #[test]
    fn all_null_current_is_a_null_rate_failure_not_a_nan() {
        let empty = ColumnData::Numeric(NumericData {
            rows: 10,
            nulls: 10,
            nan: 0,
            pos_inf: 0,
            neg_inf: 0,
            integer: false,
            dtype: "f64".into(),
            values: NumValues::Sorted(vec![]),
        });
        let o = compare(
            "x",
            Role::Feature,
            Some(&num(&[1.0, 2.0, 3.0])),
            Some(&empty),
            &Settings::default().thresholds,
            &S,
        );
        let nr = o.checks.iter().find(|c| c.code == Code::NullRate).unwrap();
        assert_eq!(nr.status, Status::Fail);
        assert!(o.checks.iter().any(|c| c.code == Code::NotComparable && c.message.contains("no finite values")));
        assert!(o.row.psi.is_none());
    }
}
