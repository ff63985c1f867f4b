//! Categorical columns: PSI and Jensen–Shannon over one bin per category, the share of
//! categories never seen in the reference, and the χ² test of homogeneity with Cramér's V.

use std::collections::{BTreeSet, HashMap};

use super::codes::Code;
use super::column::CatData;
use super::compare::{Tested, bin_stats, finite, js_check, psi_check, share, skip, top_bin};
use super::settings::{CompareSettings, FeatureThresholds};
use crate::results::series::FeatureRow;
use crate::results::{Check, Status};
use crate::stats::chi2;
use crate::text;

/// Categories a report shows per feature; the rest are one "other" bin.
pub const MAX_SHOWN_CATEGORIES: usize = 30;

/// Compares a categorical column; returns the χ² test for the significance step.
#[allow(clippy::too_many_arguments)]
pub(super) fn categorical(
    name: &str,
    a: &CatData,
    b: &CatData,
    th: &FeatureThresholds,
    s: &CompareSettings,
    row: &mut FeatureRow,
    checks: &mut Vec<Check>,
) -> Option<Tested> {
    let na: u64 = a.counts.values().sum::<u64>() + a.other;
    let nb: u64 = b.counts.values().sum::<u64>() + b.other;
    if let Some(why) = not_comparable(a, b, na, nb) {
        skip(name, checks, row, why);
        return None;
    }
    // Categories in a stable order: by reference frequency, then current-only by frequency.
    let mut keys: Vec<&String> = a.counts.keys().chain(b.counts.keys()).collect::<BTreeSet<_>>().into_iter().collect();
    keys.sort_by(|x, y| {
        let (ax, ay) = (a.counts.get(*x).copied().unwrap_or(0), a.counts.get(*y).copied().unwrap_or(0));
        let (bx, by) = (b.counts.get(*x).copied().unwrap_or(0), b.counts.get(*y).copied().unwrap_or(0));
        ay.cmp(&ax).then(by.cmp(&bx)).then(x.cmp(y))
    });
    let rc: Vec<u64> = keys.iter().map(|k| a.counts.get(*k).copied().unwrap_or(0)).collect();
    let cc: Vec<u64> = keys.iter().map(|k| b.counts.get(*k).copied().unwrap_or(0)).collect();
    let labels: Vec<String> = keys.iter().map(|k| text::clip(k, 60)).collect();
    let (psi_value, js_value, series) = bin_stats(labels, &rc, &cc, &[], s);
    row.psi = finite(psi_value);
    row.js = finite(js_value);
    let top = top_bin(&series);
    checks.push(psi_check(name, psi_value, th, keys.len(), top.as_deref()));
    checks.push(js_check(name, js_value, th));
    checks.push(unseen_check(name, a, b, nb, th, row));
    // Every category counts in the statistics; the report shows the largest contributions.
    row.bins = Some(series.capped(MAX_SHOWN_CATEGORIES));
    chi2_check(name, (rc, cc), a.other + b.other, (a.other, b.other), th, row, checks)
}

/// Why a categorical column cannot be compared, if it cannot.
fn not_comparable(a: &CatData, b: &CatData, na: u64, nb: u64) -> Option<String> {
    if a.capped || b.capped {
        return Some(format!(
            "not comparable: more than {} distinct values (an identifier or free text?); exclude the column or bucket it",
            text::int(crate::profile::STREAM_CATEGORY_CAP as u64)
        ));
    }
    if a.counts.len() > 100 && a.counts.len() as f64 > 0.5 * na as f64 {
        return Some(format!(
            "not comparable: {} of {} reference values are distinct (an identifier or free text?); exclude the column or bucket it",
            text::int(a.counts.len() as u64),
            text::int(na)
        ));
    }
    if na == 0 || nb == 0 {
        let side = if na == 0 { "reference" } else { "current" };
        return Some(format!("not comparable: the {side} has no non-null values"));
    }
    None
}

/// Categories the model never saw in training.
fn unseen_check(name: &str, a: &CatData, b: &CatData, nb: u64, th: &FeatureThresholds, row: &mut FeatureRow) -> Check {
    let unseen: HashMap<&String, u64> =
        b.counts.iter().filter(|(k, _)| !a.counts.contains_key(*k)).map(|(k, v)| (k, *v)).collect();
    let unseen_n: u64 = unseen.values().sum();
    let unseen_share = share(unseen_n, nb);
    row.unseen = Some(unseen_share);
    let mut top_unseen: Vec<(&String, u64)> = unseen.into_iter().collect();
    top_unseen.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    let msg = if unseen_n == 0 {
        "every current value was seen in the reference".to_string()
    } else {
        let shown: Vec<String> = top_unseen
            .iter()
            .take(3)
            .map(|(k, n)| format!("{} ×{}", crate::error::quoted(&text::clip(k, 40)), text::int(*n)))
            .collect();
        format!(
            "{} of current values ({} in {} categories) were never seen in the reference: {}",
            text::pct(unseen_share),
            text::int(unseen_n),
            top_unseen.len(),
            shown.join(", ")
        )
    };
    Check::new(Code::Unseen, name, th.unseen.judge(unseen_share), msg)
        .with_value("unseen_share", unseen_share)
        .with_threshold(th.unseen.threshold())
        .with_counts(unseen_n, nb)
        .with_detail(
            "top_unseen",
            top_unseen
                .iter()
                .take(10)
                .map(|(k, n)| serde_json::json!({"value": text::clip(k, 200), "count": n}))
                .collect::<Vec<_>>(),
        )
}

/// χ² homogeneity with Cramér's V as the effect size; values beyond the category cap are
/// one more category.
fn chi2_check(
    name: &str,
    (mut rc, mut cc): (Vec<u64>, Vec<u64>),
    other: u64,
    (other_a, other_b): (u64, u64),
    th: &FeatureThresholds,
    row: &mut FeatureRow,
    checks: &mut Vec<Check>,
) -> Option<Tested> {
    if other > 0 {
        rc.push(other_a);
        cc.push(other_b);
    }
    let Some(r) = chi2::homogeneity(&rc, &cc) else {
        checks.push(Check::new(
            Code::Chi2,
            name,
            Status::Skipped,
            "not comparable: a χ² test needs at least two categories with values",
        ));
        return None;
    };
    row.cramers_v = finite(r.cramers_v);
    row.p_value = finite(r.p_value);
    let mut c = Check::new(Code::Chi2, name, Status::Pass, String::new())
        .with_value("cramers_v", r.cramers_v)
        .with_threshold(th.chi2.threshold())
        .with_detail("chi2", r.statistic)
        .with_detail("dof", r.dof);
    c.p_value = finite(r.p_value);
    checks.push(c);
    Some(Tested { idx: checks.len() - 1, p: r.p_value, effect: r.cramers_v, levels: th.chi2, also: vec![] })
}
