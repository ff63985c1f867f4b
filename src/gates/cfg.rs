//! What every gate's `cfg.rs` shares: the validation context and the checks that recur
//! (a share between 0 and 1, warn not above fail, a known dataset name, a known metric).
//! Each check pushes a located [`Problem`](crate::diag::Problem) and never stops early.

use std::ops::Range;

use toml::Spanned;

use super::columns::Columns;
use crate::diag::{Problems, closest};
use crate::error::quoted;
use crate::results::Levels;
use crate::stats::metrics::Metric;

/// `enabled` when a gate table does not say: a table present is a gate that runs.
pub fn on() -> bool {
    true
}

/// What validating a gate table needs besides the table itself.
pub struct Cx<'a> {
    /// Names defined in `[data]` and `[predictions]`. `None` for ad hoc runs, where inputs
    /// are files given by flags and are checked when they are opened.
    pub inputs: Option<Vec<&'a str>>,
    pub columns: &'a Columns,
}

impl Cx<'_> {
    /// A context for ad hoc runs: any input name is accepted.
    pub fn ad_hoc(columns: &Columns) -> Cx<'_> {
        Cx { inputs: None, columns }
    }

    pub fn has_input(&self, name: &str) -> bool {
        self.inputs.as_ref().is_none_or(|names| names.contains(&name))
    }

    /// Where the `[columns]` roles were written, for pointing at a role column the data lacks.
    pub fn role_spans(&self) -> Spans {
        let c = self.columns;
        let mut spans = Spans::default();
        for (key, v) in [
            ("label", &c.label),
            ("score", &c.score),
            ("prediction", &c.prediction),
            ("timestamp", &c.timestamp),
            ("entity", &c.entity),
        ] {
            if let Some(v) = v {
                spans.record("[columns]", key, v);
            }
        }
        for f in c.features.iter().flatten() {
            spans.record("[columns]", "features", f);
        }
        spans
    }

    /// Checks that a dataset name used by a gate exists.
    pub fn check_input(&self, p: &mut Problems, key: &str, name: &Spanned<String>) {
        let Some(names) = &self.inputs else { return };
        if names.contains(&name.get_ref().as_str()) {
            return;
        }
        let hint = match closest(name.get_ref(), names.iter().copied()) {
            Some(s) => format!("did you mean {}?", quoted(s)),
            None if names.is_empty() => "define datasets in a [data] table first".to_string(),
            None => format!("defined names: {}", names.join(", ")),
        };
        p.add(
            Some(name.span()),
            key,
            format!("no dataset named {} in [data] or [predictions]", quoted(name.get_ref())),
            Some(hint),
        );
    }
}

/// The span of a value given in the configuration (`None` for one given by a flag).
pub fn span<T>(v: &Spanned<T>) -> Option<Range<usize>> {
    let s = v.span();
    (s.end > s.start).then_some(s)
}

/// Reads an optional spanned value.
pub fn get<T: Copy>(v: &Option<Spanned<T>>) -> Option<T> {
    v.as_ref().map(|s| *s.get_ref())
}

/// A share of rows: a number from 0 to 1.
pub fn check_share(p: &mut Problems, key: &str, v: &Option<Spanned<f64>>) {
    if let Some(x) = v
        && !(0.0..=1.0).contains(x.get_ref())
    {
        p.add(span(x), key, format!("must be between 0 and 1, not {}", x.get_ref()), None);
    }
}

/// A bound that cannot be negative (a gap, a margin): a finite number ≥ 0.
pub fn check_non_negative(p: &mut Problems, key: &str, v: &Option<Spanned<f64>>) {
    if let Some(x) = v
        && !(x.get_ref().is_finite() && *x.get_ref() >= 0.0)
    {
        p.add(span(x), key, format!("must be a non-negative number, not {}", x.get_ref()), None);
    }
}

/// Any finite number (a metric floor).
pub fn check_finite(p: &mut Problems, key: &str, v: &Option<Spanned<f64>>) {
    if let Some(x) = v
        && !x.get_ref().is_finite()
    {
        p.add(span(x), key, format!("must be a finite number, not {}", x.get_ref()), None);
    }
}

/// A number in the open interval (lo, hi).
pub fn check_open(p: &mut Problems, key: &str, v: &Option<Spanned<f64>>, lo: f64, hi: f64) {
    if let Some(x) = v
        && !(*x.get_ref() > lo && *x.get_ref() < hi)
    {
        p.add(span(x), key, format!("must be between {lo} and {hi}, not {}", x.get_ref()), None);
    }
}

/// A confidence level for intervals.
pub fn check_confidence(p: &mut Problems, key: &str, v: &Option<Spanned<f64>>) {
    check_open(p, key, v, 0.5, 1.0);
}

/// A whole number in `lo..=hi`.
pub fn check_count<T: Copy + Into<u64>>(p: &mut Problems, key: &str, v: &Option<Spanned<T>>, lo: u64, hi: u64) {
    if let Some(x) = v {
        let n: u64 = (*x.get_ref()).into();
        if !(lo..=hi).contains(&n) {
            p.add(span(x), key, format!("must be between {lo} and {hi}, not {n}"), None);
        }
    }
}

/// Warn and fail levels: non-negative numbers, warn not above fail.
pub fn check_levels(p: &mut Problems, key: &str, l: &Option<Spanned<Levels>>) {
    let Some(sl) = l else { return };
    let l = sl.get_ref();
    for v in [l.warn, l.fail].into_iter().flatten() {
        if !(v.is_finite() && v >= 0.0) {
            p.add(span(sl), key, format!("level {v} must be a non-negative number"), None);
        }
    }
    if let (Some(w), Some(f)) = (l.warn, l.fail)
        && w > f
    {
        p.add(
            span(sl),
            key,
            format!("warn {w} is above fail {f}"),
            Some("warn is the lower level: a value above warn warns, above fail fails".into()),
        );
    }
}

/// A metric from its name, with a located problem when it is unknown.
pub fn metric(p: &mut Problems, key: &str, name: &str, at: Option<Range<usize>>) -> Option<Metric> {
    use clap::ValueEnum;
    let found = Metric::value_variants().iter().find(|m| m.name() == name).copied();
    if found.is_none() {
        let names: Vec<&str> = Metric::value_variants().iter().map(|m| m.name()).collect();
        let hint = closest(name, names.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| format!("metrics: {}", names.join(", ")));
        p.add(at, key, format!("unknown metric {}", quoted(name)), Some(hint));
    }
    found
}

/// Where each column name a gate was given was written, so a column missing from the data
/// can be pointed at in mlgate.toml.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Spans {
    at: Vec<Named>,
}

/// A column name as a setting gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// `[gates.slices]`, `[columns]`, …
    pub table: String,
    pub key: String,
    pub value: String,
    pub span: Option<Range<usize>>,
}

impl Spans {
    /// Remembers that `table`.`key` names `value` (at its span, when it has one).
    pub fn record(&mut self, table: &str, key: &str, value: &Spanned<String>) {
        self.at.push(Named { table: table.into(), key: key.into(), value: value.get_ref().clone(), span: span(value) });
    }

    /// The setting that named `value` (the first recorded).
    pub fn find(&self, value: &str) -> Option<&Named> {
        self.at.iter().find(|n| n.value == value)
    }

    /// A problem pointing at the setting that named the column `value`; `fallback` is the
    /// setting blamed when none was recorded.
    pub fn problem(&self, value: &str, fallback: (&str, &str), message: String, hint: String) -> crate::diag::Problem {
        let (table, key, span) = match self.find(value) {
            Some(n) => (n.table.clone(), n.key.clone(), n.span.clone()),
            None => (fallback.0.to_string(), fallback.1.to_string(), None),
        };
        crate::diag::Problem { span, table, key, message, hint: Some(hint) }
    }
}
