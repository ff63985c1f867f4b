//! Values missing on one side only: whether one repeated value stands in for them on the
//! other side (an imputation: 0, −1, "unknown", the offline mean or median), or nothing does.

use super::cause::{Cause, dominant, fits, ordered};
use super::compare::Diffs;
use crate::text;

/// The value that fills one side's missing values on the other.
pub(super) fn imputed_num(d: &Diffs<f64>, center: Option<(f64, f64)>) -> Option<Cause> {
    let name = |v: f64| -> String {
        let mut s = text::num(v);
        if let Some((mean, median)) = center {
            let near = |c: f64| (v - c).abs() <= 1e-6 * c.abs().max(1.0) || text::num(v) == text::num(c);
            if near(mean) {
                s.push_str(", the offline mean");
            } else if near(median) {
                s.push_str(", the offline median");
            }
        }
        s
    };
    imputed(
        &d.online_where_offline_null,
        &d.offline_where_online_null,
        d.nulls,
        |v| ordered(*v),
        |k| name(f64::from_bits(k)),
    )
}

pub(super) fn imputed_text(d: &Diffs<String>) -> Option<Cause> {
    imputed(&d.online_where_offline_null, &d.offline_where_online_null, d.nulls, |v| v.clone(), |k| format!("{k:?}"))
}

/// `totals`: how many values are missing offline only and online only in all; the lists
/// hold the first of them.
fn imputed<T, K: Ord + Clone>(
    online_fill: &[T],
    offline_fill: &[T],
    totals: (u64, u64),
    key: impl Fn(&T) -> K,
    name: impl Fn(K) -> String,
) -> Option<Cause> {
    let mut best: Option<Cause> = None;
    for (vals, total, filled, missing) in
        [(online_fill, totals.0, "online", "offline"), (offline_fill, totals.1, "offline", "online")]
    {
        if vals.is_empty() {
            continue;
        }
        let Some((k, n)) = dominant(vals.iter().map(&key)) else { continue };
        let of = vals.len();
        if !(fits(n, of) && (n > 1 || of == 1)) {
            continue;
        }
        let share = match (n == of, total > of as u64) {
            (true, false) => "every one".to_string(),
            (true, true) => format!("every one of the first {}", text::int(of as u64)),
            (false, false) => format!("{} of them", text::pct(n as f64 / of as f64)),
            (false, true) => format!("{} of the first {}", text::pct(n as f64 / of as f64), text::int(of as u64)),
        };
        let c = Cause::new(
            "imputation",
            format!(
                "{} missing {missing} are {} {filled} ({share}): {filled} fills missing values, {missing} leaves them missing",
                text::plural(total.max(of as u64), "value", "values"),
                name(k),
            ),
            n,
            of,
        );
        if best.as_ref().is_none_or(|b| c.of > b.of) {
            best = Some(c);
        }
    }
    best.or_else(|| one_sided(totals.0, totals.1))
}

pub(super) fn one_sided(online_fill: u64, offline_fill: u64) -> Option<Cause> {
    if online_fill + offline_fill == 0 {
        return None;
    }
    Some(Cause {
        code: "none",
        text: match (online_fill, offline_fill) {
            (0, n) => format!(
                "{} present offline are missing online, and no single value stands in for them: serving does not compute or log the feature for these rows",
                text::plural(n, "value", "values")
            ),
            (n, 0) => format!(
                "{} present online are missing offline, and no single value stands in for them: the training pipeline does not compute the feature for these rows",
                text::plural(n, "value", "values")
            ),
            (a, b) => format!(
                "values are missing on one side only ({} offline, {} online) with no single value standing in for them",
                text::int(a),
                text::int(b)
            ),
        },
        fits: 0,
        of: online_fill + offline_fill,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imputed_values_are_named_as_the_mean_or_median() {
        let d = Diffs {
            values: vec![],
            online_where_offline_null: vec![42.5; 30],
            offline_where_online_null: vec![],
            nulls: (30, 0),
        };
        let c = imputed_num(&d, Some((42.5, 40.0))).unwrap();
        assert!(c.text.contains("42.5, the offline mean"), "{}", c.text);
        let c = imputed_num(&d, Some((41.0, 42.5))).unwrap();
        assert!(c.text.contains("the offline median"), "{}", c.text);
        // Online leaves missing what training filled: named the other way round.
        let d = Diffs {
            values: vec![],
            online_where_offline_null: vec![],
            offline_where_online_null: vec![-1.0; 5],
            nulls: (0, 5),
        };
        let c = imputed_num(&d, None).unwrap();
        assert!(c.text.contains("are -1 offline") && c.text.contains("offline fills missing values"), "{}", c.text);
        // Varied values are no imputation.
        let d = Diffs {
            values: vec![],
            online_where_offline_null: (0..10).map(f64::from).collect(),
            offline_where_online_null: vec![],
            nulls: (10, 0),
        };
        assert_eq!(imputed_num(&d, None).unwrap().code, "none");
        let d = Diffs {
            values: vec![],
            online_where_offline_null: vec!["unknown".to_string(); 12],
            offline_where_online_null: vec![],
            nulls: (12, 0),
        };
        let c = imputed_text(&d).unwrap();
        assert!(c.code == "imputation" && c.text.contains("are \"unknown\" online"), "{}", c.text);
    }
}
