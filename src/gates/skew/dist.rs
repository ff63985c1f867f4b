//! Skew without a key: the two sides compared as distributions, under skew's own levels.
//! Categories (text) by the L∞ distance of their shares, as TFDV's skew comparator does;
//! numbers and times by the Jensen–Shannon distance over the offline quantile bins. A
//! level applies only when a χ² test on the same counts says the difference is not
//! sampling noise. This is weaker evidence than a join: a pipeline that computes wrong
//! values with the right distribution passes it.

use polars::prelude::*;

use super::codes::Code;
use super::compare::Values;
use crate::results::{Check, Levels, Status};
use crate::stats::chi2::homogeneity;
use crate::stats::psi::{js_distance, quantile_edges};
use crate::text;

/// Significance level a distribution difference must reach before its level applies.
pub const ALPHA: f64 = 0.05;

/// Counts of both sides over the same cells (the last cell counts missing values).
struct Cells {
    labels: Vec<String>,
    off: Vec<u64>,
    on: Vec<u64>,
}

fn numbers(v: &Values) -> Vec<Option<f64>> {
    match v {
        Values::Num(c) => c.iter().map(|x| x.filter(|x| !x.is_nan())).collect(),
        Values::Time(t) => t.iter().map(|x| x.map(|x| x as f64)).collect(),
        Values::Text(_) => vec![],
    }
}

fn binned(off: &Values, on: &Values, bins: usize) -> Cells {
    let (a, b) = (numbers(off), numbers(on));
    let mut sorted: Vec<f64> = a.iter().flatten().copied().collect();
    crate::stats::sort::sort_floats(&mut sorted);
    let edges = if sorted.is_empty() { vec![] } else { quantile_edges(&sorted, bins) };
    let k = edges.len() + 1;
    let count = |vals: &[Option<f64>]| {
        let mut c = vec![0u64; k + 1];
        for v in vals {
            match v {
                Some(x) => c[edges.partition_point(|e| e < x)] += 1,
                None => c[k] += 1,
            }
        }
        c
    };
    let mut labels: Vec<String> = (0..k)
        .map(|i| match (i.checked_sub(1).map(|j| edges[j]), edges.get(i)) {
            (None, Some(hi)) => format!("≤ {}", text::num(*hi)),
            (Some(lo), None) => format!("> {}", text::num(lo)),
            (Some(lo), Some(hi)) => format!("({}, {}]", text::num(lo), text::num(*hi)),
            (None, None) => "all".into(),
        })
        .collect();
    labels.push("(missing)".into());
    Cells { labels, off: count(&a), on: count(&b) }
}

fn categories(off: &StringChunked, on: &StringChunked) -> Cells {
    let mut index: std::collections::BTreeMap<Option<&str>, usize> = std::collections::BTreeMap::new();
    for v in off.iter().chain(on.iter()) {
        let n = index.len();
        index.entry(v).or_insert(n);
    }
    let mut off_c = vec![0u64; index.len()];
    let mut on_c = vec![0u64; index.len()];
    for v in off.iter() {
        off_c[index[&v]] += 1;
    }
    for v in on.iter() {
        on_c[index[&v]] += 1;
    }
    let mut labels = vec![String::new(); index.len()];
    for (k, i) in &index {
        labels[*i] = k.map(|s| text::clip(s, 40)).unwrap_or_else(|| "(missing)".into());
    }
    Cells { labels, off: off_c, on: on_c }
}

fn shares(c: &[u64]) -> Vec<f64> {
    let n: u64 = c.iter().sum();
    c.iter().map(|x| if n == 0 { 0.0 } else { *x as f64 / n as f64 }).collect()
}

/// The distribution-level check of one feature.
pub fn check(feature: &str, off: &Values, on: &Values, linf: &Levels, js: &Levels, bins: usize) -> Check {
    let (cells, statistic, levels) = match (off, on) {
        (Values::Text(a), Values::Text(b)) => (categories(a, b), "linf", linf),
        _ => (binned(off, on, bins), "js_distance", js),
    };
    let (p, q) = (shares(&cells.off), shares(&cells.on));
    let (value, worst) = if statistic == "linf" {
        let (i, d) = p
            .iter()
            .zip(&q)
            .map(|(a, b)| (a - b).abs())
            .enumerate()
            .fold((0, 0.0), |m, (i, d)| if d > m.1 { (i, d) } else { m });
        (d, cells.labels.get(i).cloned().unwrap_or_default())
    } else {
        (js_distance(&p, &q), String::new())
    };
    let chi = homogeneity(&cells.off, &cells.on);
    let p_value = chi.map(|c| c.p_value).unwrap_or(1.0);
    let judged = levels.judge(value);
    let status = if judged > Status::Pass && p_value >= ALPHA { Status::Pass } else { judged };
    let name = if statistic == "linf" {
        "L∞ distance of category shares"
    } else {
        "Jensen–Shannon distance over the offline quantile bins"
    };
    let mut msg = format!("distribution-level (no key): {name} {}", text::num(value));
    if !worst.is_empty() {
        msg.push_str(&format!(", largest for {}", text::clip(&worst, 40)));
    }
    msg.push_str(&format!(", χ² p{}", text::p_value(p_value)));
    if judged > Status::Pass && status == Status::Pass {
        msg.push_str(&format!("; above its level but within sampling noise (p ≥ {ALPHA})"));
    }
    msg.push_str("; weaker evidence than a join on a key");
    let mut c = Check::new(Code::Distribution, feature, status, msg)
        .with_value(statistic, value)
        .with_threshold(levels.threshold())
        .with_detail("rows_offline", cells.off.iter().sum::<u64>())
        .with_detail("rows_online", cells.on.iter().sum::<u64>());
    c.p_value = Some(p_value);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linf_is_the_largest_share_difference() {
        let a = StringChunked::from_iter_options("a".into(), ["x", "x", "y", "y"].into_iter().map(Some));
        let b = StringChunked::from_iter_options("b".into(), ["x", "y", "y", "y"].into_iter().map(Some));
        let c = check("f", &Values::Text(a), &Values::Text(b), &Levels::new(None, Some(0.1)), &Levels::default(), 10);
        assert_eq!(c.value, Some(0.25));
        // four rows a side cannot show a real difference: within noise, so it passes.
        assert_eq!(c.status, Status::Pass);
    }
}
