//! Categorical columns: PSI and Jensen–Shannon over one bin per category, the share of
//! categories never seen in the reference, and the χ² test of homogeneity with Cramér's V.

use std::collections::{BTreeSet, HashMap};

use super::codes::Code;
use super::column::CatData;
use super::compare::{bin_stats, finite, info_or, psi_check, share, skip, top_bin};
use super::settings::{CompareSettings, FeatureThresholds};
use crate::results::series::FeatureRow;
use crate::results::{Check, Levels, Status};
use crate::stats::chi2;
use crate::text;

#[allow(clippy::too_many_arguments)]
pub(super) fn categorical(
    name: &str,
    a: &CatData,
    b: &CatData,
    th: &FeatureThresholds,
    s: &CompareSettings,
    row: &mut FeatureRow,
    checks: &mut Vec<Check>,
) -> Option<(usize, f64, f64, Levels)> {
    if a.capped || b.capped {
        skip(
            name,
            checks,
            row,
            format!(
                "not comparable: more than {} distinct values (an identifier or free text?); exclude the column or bucket it",
                text::int(crate::profile::STREAM_CATEGORY_CAP as u64)
            ),
        );
        return None;
    }
    let na: u64 = a.counts.values().sum::<u64>() + a.other;
    let nb: u64 = b.counts.values().sum::<u64>() + b.other;
    if a.counts.len() > 100 && a.counts.len() as f64 > 0.5 * na as f64 {
        skip(
            name,
            checks,
            row,
            format!(
                "not comparable: {} of {} reference values are distinct (an identifier or free text?); exclude the column or bucket it",
                text::int(a.counts.len() as u64),
                text::int(na)
            ),
        );
        return None;
    }
    if na == 0 || nb == 0 {
        let side = if na == 0 { "reference" } else { "current" };
        skip(name, checks, row, format!("not comparable: the {side} has no non-null values"));
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
    let (psi_value, js_value, series) = bin_stats(labels, &rc, &cc, s);
    row.psi = finite(psi_value);
    row.js = finite(js_value);
    let top = top_bin(&series);
    checks.push(psi_check(name, psi_value, th, keys.len(), top.as_deref()));
    checks.push(
        Check::new(
            Code::Js,
            name,
            info_or(&th.js, js_value),
            format!("Jensen–Shannon distance {}", text::num(js_value)),
        )
        .with_value("js_distance", js_value)
        .with_threshold(th.js.threshold()),
    );

    // Categories the model never saw in training.
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
    checks.push(
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
            ),
    );
    row.bins = Some(series);

    // χ² homogeneity with Cramér's V as the effect size.
    let mut rc2 = rc.clone();
    let mut cc2 = cc.clone();
    if a.other + b.other > 0 {
        rc2.push(a.other);
        cc2.push(b.other);
    }
    match chi2::homogeneity(&rc2, &cc2) {
        Some(r) => {
            row.cramers_v = finite(r.cramers_v);
            row.p_value = finite(r.p_value);
            let mut c = Check::new(Code::Chi2, name, Status::Pass, String::new())
                .with_value("cramers_v", r.cramers_v)
                .with_threshold(th.chi2.threshold())
                .with_detail("chi2", r.statistic)
                .with_detail("dof", r.dof);
            c.p_value = finite(r.p_value);
            checks.push(c);
            Some((checks.len() - 1, r.p_value, r.cramers_v, th.chi2))
        }
        None => {
            checks.push(Check::new(
                Code::Chi2,
                name,
                Status::Skipped,
                "not comparable: a χ² test needs at least two categories with values",
            ));
            None
        }
    }
}
