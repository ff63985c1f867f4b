//! `[gates.*]` tables: one typed, documented struct per gate.

use serde::Deserialize;
use toml::Spanned;

use super::{Config, Problem, closest};
use crate::error::quoted;

fn yes() -> bool {
    true
}

/// All gate tables. A gate runs when its table is present and `enabled` is not false.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Gates {
    pub schema: Option<SchemaGateConfig>,
    pub drift: Option<DriftGateConfig>,
    pub leakage: Option<LeakageGateConfig>,
    pub slices: Option<SlicesGateConfig>,
    pub baseline: Option<BaselineGateConfig>,
}

/// A slice definition: one column, or a list of two columns to cross.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SliceSpec {
    One(String),
    Cross(Vec<String>),
}

/// `[gates.slices]`: the metric on every important slice.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlicesGateConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The predictions to evaluate (a [predictions] or [data] name).
    pub predictions: Spanned<String>,
    /// Columns to slice by; a list of two columns slices by their cross.
    #[serde(default)]
    pub by: Vec<SliceSpec>,
    /// Numeric columns cut at fixed edges: `tenure_months = [12, 24, 48]`.
    #[serde(default)]
    pub bins: std::collections::BTreeMap<String, Vec<f64>>,
    /// Numeric columns cut into k quantile groups: `income = 4`.
    #[serde(default)]
    pub quantiles: std::collections::BTreeMap<String, usize>,
    /// Metric (default: roc_auc, macro_f1 or rmse by task).
    pub metric: Option<crate::stats::metrics::Metric>,
    /// Absolute bound per slice (minimum; maximum for lower-is-better metrics).
    pub min: Option<f64>,
    /// Largest allowed distance from the overall metric (default 0.05).
    pub max_gap: Option<f64>,
    /// Slices with fewer rows are "too small to judge" (default 200).
    pub min_rows: Option<u64>,
    /// Confidence level of the intervals (default 0.95).
    pub confidence: Option<f64>,
    /// Bootstrap resamples (default 1000).
    pub bootstrap: Option<usize>,
    /// Bootstrap seed (default 42).
    pub seed: Option<u64>,
    /// Largest number of slices evaluated per column (default 50).
    pub max_slices: Option<usize>,
    pub threshold: Option<f64>,
    pub positive: Option<String>,
    pub task: Option<crate::stats::metrics::Task>,
}

/// `[gates.baseline]`: the candidate against the champion (or a trivial model).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineGateConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The candidate's predictions (a [predictions] name).
    pub candidate: Spanned<String>,
    /// The champion's predictions, or "trivial" (class prior / majority / mean).
    pub baseline: Spanned<String>,
    /// Metrics to compare (default: roc_auc, macro_f1 or rmse by task).
    pub metrics: Option<Vec<crate::stats::metrics::Metric>>,
    /// Required improvement per metric: `{ roc_auc = 0.005 }`.
    #[serde(default)]
    pub min_improvement: std::collections::BTreeMap<String, f64>,
    /// Accepted regression per metric: `{ log_loss = 0.01 }`.
    #[serde(default)]
    pub max_regression: std::collections::BTreeMap<String, f64>,
    pub confidence: Option<f64>,
    pub bootstrap: Option<usize>,
    pub seed: Option<u64>,
    /// Also check the candidate beats a trivial model (default true).
    pub trivial: Option<bool>,
    pub threshold: Option<f64>,
    pub positive: Option<String>,
    pub task: Option<crate::stats::metrics::Task>,
}

/// Whether the train/test split is random or by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SplitKind {
    Random,
    Temporal,
}

/// `[gates.leakage]`: information the model will not have at prediction time.
/// The label, entity and as-of timestamp come from `[columns]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeakageGateConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The training dataset (a [data] name).
    pub train: Spanned<String>,
    /// The test dataset (a [data] name); overlap and split checks need it.
    pub test: Option<Spanned<String>>,
    /// `random` (default) or `temporal`: a temporal split must end training before test starts.
    pub split: Option<SplitKind>,
    /// Minimum time between the end of training and the start of test, e.g. "7d", "12h".
    pub gap: Option<Spanned<String>>,
    /// Offset for naive timestamps: "UTC" (default) or e.g. "+02:00".
    pub timezone: Option<Spanned<String>>,
    /// Unit of numeric timestamps: auto (default), s, ms, us.
    pub epoch_unit: Option<crate::data::time::EpochUnit>,
    /// Features to check; default: [columns].features or every column without a role.
    pub features: Option<Vec<String>>,
    /// Feature → column holding the time that feature's value was observed.
    #[serde(default)]
    pub observed_at: std::collections::BTreeMap<String, String>,
    /// Largest allowed share of test entities also in train (default 0).
    pub max_entity_overlap: Option<f64>,
    /// Largest allowed share of test rows repeating a training row (default 0).
    pub max_duplicate_share: Option<f64>,
    /// Largest allowed share of rows using a value observed after the as-of time (default 0).
    pub max_point_in_time_share: Option<f64>,
    /// Bound on a single feature's max(AUC, 1 − AUC) against the label (default 0.99).
    pub target_auc: Option<f64>,
    /// Bound on |Spearman ρ| for a numeric label (default 0.99).
    pub target_rho: Option<f64>,
}

/// `[gates.drift]`: compare a current sample with a reference, column by column.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftGateConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// A [data]/[predictions] name, or the path of a saved profile (`….json`).
    pub reference: Spanned<String>,
    /// A [data]/[predictions] name, or the path of a saved profile.
    pub current: Spanned<String>,
    /// Columns to compare; default: every reference column except the label, entity,
    /// timestamp, prediction and ignored columns (the score column is compared too).
    pub columns: Option<Vec<Spanned<String>>>,
    /// Where the model score's reference distribution comes from when the reference data
    /// has no score column (e.g. "candidate": predictions on the test set).
    pub score_reference: Option<Spanned<String>>,
    /// Quantile bins for PSI (default 10).
    pub bins: Option<usize>,
    /// `replace` (default), `smooth` or `evidently`.
    pub empty_bins: Option<crate::stats::psi::EmptyBins>,
    /// Share used for an empty bin by `replace` (default 0.0001).
    pub epsilon: Option<f64>,
    /// `evidently` reproduces Evidently's PSI, JS and Wasserstein exactly.
    pub compat: Option<crate::gates::drift::Compat>,
    /// `auto` (default), `exact` or `binned`.
    pub method: Option<crate::gates::drift::Method>,
    /// Exact comparison while the two files together are at most this many bytes.
    pub exact_max_bytes: Option<u64>,
    pub psi: Option<crate::gates::drift::Levels>,
    /// Levels on the KS statistic D (applied only when significant).
    pub ks: Option<crate::gates::drift::Levels>,
    /// Levels on the normalised Wasserstein distance.
    pub wasserstein: Option<crate::gates::drift::Levels>,
    /// Levels on the Jensen–Shannon distance.
    pub js: Option<crate::gates::drift::Levels>,
    /// Levels on Cramér's V from the χ² test (applied only when significant).
    pub chi2: Option<crate::gates::drift::Levels>,
    /// Levels on the absolute change in the share of missing values.
    pub null_rate: Option<crate::gates::drift::Levels>,
    /// Levels on the share of current values in categories unseen in the reference.
    pub unseen: Option<crate::gates::drift::Levels>,
    /// Significance level for KS and χ² after correction (default 0.05).
    pub alpha: Option<f64>,
    /// `bh` (default), `bonferroni` or `none`.
    pub correction: Option<crate::gates::drift::Correction>,
    /// Below this many rows on a side the gate warns that it cannot judge (default 100).
    pub min_rows: Option<u64>,
    /// Feature importance file (JSON object or CSV feature,importance).
    pub importance: Option<Spanned<String>>,
    /// Levels on the share of importance held by drifted columns (default warn 0.1, fail 0.3).
    pub importance_share: Option<crate::gates::drift::Levels>,
    /// Per-column threshold overrides: `[gates.drift.features.monthly_charges]`.
    #[serde(default)]
    pub features: std::collections::BTreeMap<String, crate::gates::drift::FeatureOverride>,
}

/// `[gates.schema]`: check datasets against a schema file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaGateConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Path to the schema file (JSON, see `schemas/data-schema.schema.json`).
    pub schema: Spanned<String>,
    /// Names of [data] entries to check; default: all of them.
    pub datasets: Option<Vec<Spanned<String>>>,
    /// A JSON Schema every record of JSON Lines inputs must satisfy (optional).
    pub json_schema: Option<Spanned<String>>,
}

/// Checks that a dataset name used by a gate exists.
pub(crate) fn check_input_name(cfg: &Config, name: &Spanned<String>, key: &str, p: &mut Vec<Problem>) {
    if cfg.has_input(name.get_ref()) {
        return;
    }
    let names = cfg.input_names();
    let hint = match closest(name.get_ref(), names.iter().copied()) {
        Some(s) => format!("did you mean {}?", quoted(s)),
        None if names.is_empty() => "define datasets in a [data] table first".to_string(),
        None => format!("defined names: {}", names.join(", ")),
    };
    p.push(Problem {
        span: Some(name.span()),
        message: format!("{key}: no dataset named {} in [data] or [predictions]", quoted(name.get_ref())),
        hint: Some(hint),
    });
}

fn check_levels(name: &str, l: &Option<crate::gates::drift::Levels>, p: &mut Vec<Problem>) {
    if let Some(l) = l {
        for v in [l.warn, l.fail].into_iter().flatten() {
            if !(v.is_finite() && v >= 0.0) {
                p.push(Problem {
                    span: None,
                    message: format!("[gates.drift] {name}: level {v} must be a non-negative number"),
                    hint: None,
                });
            }
        }
        if let (Some(w), Some(f)) = (l.warn, l.fail)
            && w > f
        {
            p.push(Problem {
                span: None,
                message: format!("[gates.drift] {name}: warn {w} is above fail {f}"),
                hint: Some("warn is the lower level: a value above warn warns, above fail fails".into()),
            });
        }
    }
}

fn check_metric_keys(table: &str, map: &std::collections::BTreeMap<String, f64>, p: &mut Vec<Problem>) {
    let names = [
        "accuracy",
        "precision",
        "recall",
        "f1",
        "roc_auc",
        "pr_auc",
        "log_loss",
        "brier",
        "ece",
        "macro_f1",
        "weighted_f1",
        "rmse",
        "mae",
        "r2",
    ];
    for (k, v) in map {
        if !names.contains(&k.as_str()) {
            let hint = closest(k, names.iter().copied()).map(|s| format!("did you mean `{s}`?"));
            p.push(Problem {
                span: None,
                message: format!("[gates.baseline].{table}: unknown metric {}", quoted(k)),
                hint,
            });
        }
        if !v.is_finite() || *v < 0.0 {
            p.push(Problem {
                span: None,
                message: format!("[gates.baseline].{table}.{k} must be a non-negative number"),
                hint: None,
            });
        }
    }
}

/// Validates every gate table.
pub(crate) fn validate(cfg: &Config, p: &mut Vec<Problem>) {
    if let Some(sl) = &cfg.raw.gates.slices {
        check_input_name(cfg, &sl.predictions, "[gates.slices].predictions", p);
        if sl.by.is_empty() && sl.bins.is_empty() && sl.quantiles.is_empty() {
            p.push(Problem {
                span: Some(sl.predictions.span()),
                message: "[gates.slices] defines no slices".into(),
                hint: Some("add by = [\"region\"], bins = { age = [30, 50] } or quantiles = { income = 4 }".into()),
            });
        }
        for s in &sl.by {
            if let SliceSpec::Cross(v) = s
                && v.len() != 2
            {
                p.push(Problem {
                    span: None,
                    message: format!("[gates.slices].by: a cross needs exactly two columns, got {}", v.len()),
                    hint: Some("write [\"region\", \"plan\"] to slice by both at once".into()),
                });
            }
        }
        for (k, q) in &sl.quantiles {
            if !(2..=100).contains(q) {
                p.push(Problem {
                    span: None,
                    message: format!("[gates.slices].quantiles.{k} must be between 2 and 100"),
                    hint: None,
                });
            }
        }
        for (k, e) in &sl.bins {
            if e.is_empty() || e.windows(2).any(|w| w[0] >= w[1]) || e.iter().any(|x| !x.is_finite()) {
                p.push(Problem {
                    span: None,
                    message: format!("[gates.slices].bins.{k} must be increasing numbers"),
                    hint: None,
                });
            }
        }
        if sl.confidence.is_some_and(|c| !(c > 0.5 && c < 1.0)) {
            p.push(Problem {
                span: None,
                message: "[gates.slices].confidence must be between 0.5 and 1".into(),
                hint: None,
            });
        }
    }
    if let Some(b) = &cfg.raw.gates.baseline {
        check_input_name(cfg, &b.candidate, "[gates.baseline].candidate", p);
        if b.baseline.get_ref() != "trivial" {
            check_input_name(cfg, &b.baseline, "[gates.baseline].baseline", p);
        }
        check_metric_keys("min_improvement", &b.min_improvement, p);
        check_metric_keys("max_regression", &b.max_regression, p);
        for k in b.min_improvement.keys() {
            if b.max_regression.contains_key(k) {
                p.push(Problem {
                    span: None,
                    message: format!("[gates.baseline]: {k} has both min_improvement and max_regression"),
                    hint: Some("give one requirement per metric".into()),
                });
            }
        }
        if b.confidence.is_some_and(|c| !(c > 0.5 && c < 1.0)) {
            p.push(Problem {
                span: None,
                message: "[gates.baseline].confidence must be between 0.5 and 1".into(),
                hint: None,
            });
        }
    }
    if let Some(l) = &cfg.raw.gates.leakage {
        check_input_name(cfg, &l.train, "[gates.leakage].train", p);
        if let Some(t) = &l.test {
            check_input_name(cfg, t, "[gates.leakage].test", p);
        }
        if let Some(g) = &l.gap
            && let Err(e) = crate::data::time::parse_duration(g.get_ref())
        {
            p.push(Problem {
                span: Some(g.span()),
                message: format!("[gates.leakage].gap: {e}"),
                hint: Some("e.g. \"7d\", \"12h\", \"0\"".into()),
            });
        }
        if let Some(z) = &l.timezone
            && let Err(e) = crate::data::time::parse_offset(z.get_ref())
        {
            let hint = crate::error::find_user_error(&e).and_then(|u| u.hint.clone());
            p.push(Problem { span: Some(z.span()), message: format!("[gates.leakage].timezone: {e}"), hint });
        }
        for (k, v) in [
            ("max_entity_overlap", l.max_entity_overlap),
            ("max_duplicate_share", l.max_duplicate_share),
            ("max_point_in_time_share", l.max_point_in_time_share),
            ("target_auc", l.target_auc),
            ("target_rho", l.target_rho),
        ] {
            if v.is_some_and(|v| !(0.0..=1.0).contains(&v)) {
                p.push(Problem {
                    span: None,
                    message: format!("[gates.leakage].{k} must be between 0 and 1"),
                    hint: None,
                });
            }
        }
        if l.target_auc.is_some_and(|v| v < 0.5) {
            p.push(Problem {
                span: None,
                message: "[gates.leakage].target_auc below 0.5 would flag every feature".into(),
                hint: Some("max(AUC, 1 − AUC) is at least 0.5; 0.99 is the default".into()),
            });
        }
        if !l.observed_at.is_empty() && cfg.raw.columns.timestamp.is_none() {
            p.push(Problem {
                span: None,
                message: "[gates.leakage].observed_at needs the as-of time in [columns].timestamp".into(),
                hint: None,
            });
        }
        if l.split == Some(SplitKind::Temporal) && cfg.raw.columns.timestamp.is_none() {
            p.push(Problem {
                span: None,
                message: "[gates.leakage].split = \"temporal\" needs [columns].timestamp".into(),
                hint: None,
            });
        }
    }
    if let Some(d) = &cfg.raw.gates.drift {
        for (key, v) in [("reference", &d.reference), ("current", &d.current)] {
            let name = v.get_ref();
            if !cfg.has_input(name) && !name.to_ascii_lowercase().ends_with(".json") {
                check_input_name(cfg, v, &format!("[gates.drift].{key}"), p);
            }
        }
        if let Some(s) = &d.score_reference {
            check_input_name(cfg, s, "[gates.drift].score_reference", p);
        }
        if d.bins.is_some_and(|b| !(2..=1000).contains(&b)) {
            p.push(Problem { span: None, message: "[gates.drift].bins must be between 2 and 1000".into(), hint: None });
        }
        if d.alpha.is_some_and(|a| !(a > 0.0 && a < 1.0)) {
            p.push(Problem { span: None, message: "[gates.drift].alpha must be between 0 and 1".into(), hint: None });
        }
        if d.epsilon.is_some_and(|e| !(e > 0.0 && e < 1.0)) {
            p.push(Problem { span: None, message: "[gates.drift].epsilon must be between 0 and 1".into(), hint: None });
        }
        for (n, l) in [
            ("psi", &d.psi),
            ("ks", &d.ks),
            ("wasserstein", &d.wasserstein),
            ("js", &d.js),
            ("chi2", &d.chi2),
            ("null_rate", &d.null_rate),
            ("unseen", &d.unseen),
            ("importance_share", &d.importance_share),
        ] {
            check_levels(n, l, p);
        }
        for (f, o) in &d.features {
            for (n, l) in [
                ("psi", &o.psi),
                ("ks", &o.ks),
                ("wasserstein", &o.wasserstein),
                ("js", &o.js),
                ("chi2", &o.chi2),
                ("null_rate", &o.null_rate),
                ("unseen", &o.unseen),
            ] {
                check_levels(&format!("features.{f}.{n}"), l, p);
            }
        }
    }
    if let Some(s) = &cfg.raw.gates.schema {
        for d in s.datasets.iter().flatten() {
            check_input_name(cfg, d, "[gates.schema].datasets", p);
        }
        if s.schema.get_ref().trim().is_empty() {
            p.push(Problem {
                span: Some(s.schema.span()),
                message: "[gates.schema].schema is empty".into(),
                hint: Some("give the path of a schema file; `mlgate schema infer DATA` writes one".into()),
            });
        }
    }
}
