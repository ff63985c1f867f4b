//! The drift gate's settings: the one place their defaults live, and the reviewable
//! knobs the threshold review compares.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::gates::knobs::{Knob, KnobValue, Looser, Reviewed};
use crate::results::Levels;
use crate::stats::psi::EmptyBins;

/// A drift statistic that takes warn/fail levels. Its key is the key in `mlgate.toml`
/// (`[gates.drift].psi`, `[gates.drift.features.NAME].psi`) and in `--threshold STAT=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stat {
    Psi,
    Ks,
    Wasserstein,
    Js,
    Chi2,
    NullRate,
    Unseen,
}

impl Stat {
    pub const ALL: [Stat; 7] =
        [Stat::Psi, Stat::Ks, Stat::Wasserstein, Stat::Js, Stat::Chi2, Stat::NullRate, Stat::Unseen];

    pub fn key(self) -> &'static str {
        match self {
            Stat::Psi => "psi",
            Stat::Ks => "ks",
            Stat::Wasserstein => "wasserstein",
            Stat::Js => "js",
            Stat::Chi2 => "chi2",
            Stat::NullRate => "null_rate",
            Stat::Unseen => "unseen",
        }
    }

    pub fn from_key(key: &str) -> Option<Stat> {
        Stat::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// Multiple-testing correction across columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum Correction {
    /// Benjamini–Hochberg (false discovery rate).
    #[default]
    Bh,
    /// Bonferroni (family-wise error rate).
    Bonferroni,
    /// Raw p-values.
    None,
}

impl Correction {
    pub fn label(self) -> &'static str {
        match self {
            Correction::Bh => "BH",
            Correction::Bonferroni => "Bonferroni",
            Correction::None => "un",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Correction::Bh => "Benjamini–Hochberg",
            Correction::Bonferroni => "Bonferroni",
            Correction::None => "no correction",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Correction::Bh => "bh",
            Correction::Bonferroni => "bonferroni",
            Correction::None => "none",
        }
    }
}

/// How to compute: all values in memory, or from streaming profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    #[default]
    Auto,
    Exact,
    Binned,
}

/// Compatibility modes reproducing another tool's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Compat {
    /// Evidently's PSI (Sturges bins), JS and normed Wasserstein.
    Evidently,
}

/// Levels for every statistic, applied to one column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FeatureThresholds {
    pub psi: Levels,
    pub ks: Levels,
    pub wasserstein: Levels,
    pub js: Levels,
    #[serde(rename = "chi2_cramers_v")]
    pub chi2: Levels,
    pub null_rate: Levels,
    pub unseen: Levels,
}

/// The field named after a statistic, on any struct that has one per statistic (the raw
/// `[gates.drift]` table and [`FeatureThresholds`]): `stat_field!(s, &mut self)`.
macro_rules! stat_field {
    ($s:expr, $($r:tt)+) => {
        match $s {
            Stat::Psi => $($r)+.psi,
            Stat::Ks => $($r)+.ks,
            Stat::Wasserstein => $($r)+.wasserstein,
            Stat::Js => $($r)+.js,
            Stat::Chi2 => $($r)+.chi2,
            Stat::NullRate => $($r)+.null_rate,
            Stat::Unseen => $($r)+.unseen,
        }
    };
}
pub(crate) use stat_field;

impl FeatureThresholds {
    pub fn get(&self, s: Stat) -> Levels {
        *stat_field!(s, &self)
    }

    pub fn set(&mut self, s: Stat, l: Levels) {
        *stat_field!(s, &mut self) = l;
    }

    /// These levels with the ones set in `o` replaced (how a partial table merges).
    pub fn overridden(&self, o: &BTreeMap<Stat, Levels>) -> FeatureThresholds {
        let mut out = *self;
        for (s, l) in o {
            out.set(*s, self.get(*s).overridden(Some(l)));
        }
        out
    }
}

/// Statistic settings shared by every column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareSettings {
    pub bins: usize,
    pub empty_bins: EmptyBins,
    pub epsilon: f64,
    /// Reproduce Evidently's PSI, JS and Wasserstein exactly.
    pub evidently: bool,
}

/// Which columns to compare.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// Explicit list; default: every reference column except `exclude`.
    pub columns: Option<Vec<String>>,
    /// Role columns never compared as features (label, entity, timestamp, …).
    pub exclude: Vec<String>,
    /// The model-score column, reported with role `score`.
    pub score: Option<String>,
    /// The label column (`[columns].label`): with outcomes, the gate tells prior and
    /// concept drift from covariate drift.
    pub label: Option<String>,
    /// The id column (`[columns].entity`) delayed outcomes are joined on.
    pub entity: Option<String>,
}

/// Telling the kinds of drift apart when outcomes are known: levels on the label rate
/// (prior drift) and on the fall in the model's AUC (concept drift), and the feedback-loop
/// rule for outcomes known only for part of the current rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Diagnosis {
    /// Levels on the relative change in the rarer label's rate, judged only when the
    /// change is significant.
    pub label_rate: Levels,
    /// Levels on reference AUC − current AUC, judged only when the fall is significant.
    pub performance: Levels,
    /// Scores at or above it are positive decisions (for the feedback-loop check).
    pub threshold: f64,
    /// The feedback-loop check warns when outcomes are known this many times less often
    /// on one side of the decision than on the other (and significantly so); 0 turns it off.
    pub min_coverage_ratio: f64,
}

/// Everything the gate needs besides the data. `Default` is the only place a drift
/// default is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub compare: CompareSettings,
    pub thresholds: FeatureThresholds,
    /// Per-column levels (`[gates.drift.features.NAME]`), merged over `thresholds`.
    pub overrides: BTreeMap<String, BTreeMap<Stat, Levels>>,
    /// Significance level for KS and χ² after correction.
    pub alpha: f64,
    pub correction: Correction,
    /// Below this many rows on a side the gate warns that it cannot judge.
    pub min_rows: u64,
    /// Levels on the share of importance held by drifted columns (with an importance file).
    pub importance_share: Levels,
    pub method: Method,
    /// `auto` compares exactly while the two files together are at most this many bytes.
    pub exact_max_bytes: u64,
    pub selection: Selection,
    pub diagnosis: Diagnosis,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            compare: CompareSettings { bins: 10, empty_bins: EmptyBins::Replace, epsilon: 1e-4, evidently: false },
            thresholds: FeatureThresholds {
                // The classic PSI bands: < 0.1 stable, 0.1–0.2 worth a look, > 0.2 shifted.
                psi: Levels::new(Some(0.1), Some(0.2)),
                // Effect sizes that do not depend on binning, judged only when the difference
                // is significant after correction (see the README, "Drift defaults"): a
                // quarter-SD mean shift (D ≈ 0.10, W ≈ 0.25) warns, a half-SD one fails.
                ks: Levels::new(Some(0.075), Some(0.15)),
                wasserstein: Levels::new(Some(0.1), Some(0.3)),
                js: Levels::default(),
                chi2: Levels::new(Some(0.1), Some(0.3)),
                null_rate: Levels::new(Some(0.05), Some(0.10)),
                unseen: Levels::new(Some(0.01), Some(0.05)),
            },
            overrides: BTreeMap::new(),
            alpha: 0.05,
            correction: Correction::Bh,
            min_rows: 100,
            importance_share: Levels::new(Some(0.1), Some(0.3)),
            method: Method::Auto,
            exact_max_bytes: 512 * 1024 * 1024,
            selection: Selection::default(),
            diagnosis: Diagnosis {
                // A tenth more (or fewer) positives is worth a look; a quarter moves
                // calibration and any threshold tuned on the old rate.
                label_rate: Levels::new(Some(0.1), Some(0.25)),
                // The baseline gate's scale: two AUC points worth a look, five a failure.
                performance: Levels::new(Some(0.02), Some(0.05)),
                threshold: 0.5,
                min_coverage_ratio: 0.5,
            },
        }
    }
}

impl Settings {
    /// The levels that apply to one column (gate levels with its overrides merged).
    pub fn thresholds_for(&self, name: &str) -> FeatureThresholds {
        match self.overrides.get(name) {
            None => self.thresholds,
            Some(o) => self.thresholds.overridden(o),
        }
    }

    /// What `thresholds.values` records in the results: the effective thresholds.
    pub fn record(&self, with_importance: bool, with_outcomes: bool) -> serde_json::Value {
        // Every statistic per overridden column, in `Stat::ALL` order, unset ones as null.
        let overrides: BTreeMap<&String, serde_json::Map<String, serde_json::Value>> = self
            .overrides
            .iter()
            .map(|(f, o)| (f, Stat::ALL.iter().map(|s| (s.key().to_string(), serde_json::json!(o.get(s)))).collect()))
            .collect();
        let t = &self.thresholds;
        serde_json::json!({
            "psi": t.psi,
            "ks": t.ks,
            "wasserstein": t.wasserstein,
            "js": t.js,
            "chi2_cramers_v": t.chi2,
            "null_rate": t.null_rate,
            "unseen": t.unseen,
            "alpha": self.alpha,
            "correction": self.correction,
            "min_rows": self.min_rows,
            "importance_share": with_importance.then_some(self.importance_share),
            "overrides": overrides,
            "label_rate": with_outcomes.then_some(self.diagnosis.label_rate),
            "performance": with_outcomes.then_some(self.diagnosis.performance),
            "threshold": with_outcomes.then_some(self.diagnosis.threshold),
            "min_coverage_ratio": with_outcomes.then_some(self.diagnosis.min_coverage_ratio),
        })
    }
}

impl Reviewed for Settings {
    fn knobs(&self) -> Vec<Knob> {
        let mut k = Vec::new();
        for s in Stat::ALL {
            k.extend(Knob::levels(s.key(), &self.thresholds.get(s)));
        }
        k.extend(Knob::levels("importance_share", &self.importance_share));
        k.extend(Knob::levels("label_rate", &self.diagnosis.label_rate));
        k.extend(Knob::levels("performance", &self.diagnosis.performance));
        k.push(Knob::num("threshold", Some(self.diagnosis.threshold), Looser::Unranked));
        k.push(Knob::num("min_coverage_ratio", Some(self.diagnosis.min_coverage_ratio), Looser::Lower));
        k.push(Knob::num("alpha", Some(self.alpha), Looser::Lower));
        k.push(Knob::text("correction", self.correction.key(), Looser::Unranked));
        k.push(Knob::num("bins", Some(self.compare.bins as f64), Looser::Unranked));
        k.push(Knob::text("empty_bins", empty_bins_key(self.compare.empty_bins), Looser::Unranked));
        k.push(Knob::num("epsilon", Some(self.compare.epsilon), Looser::Unranked));
        k.push(Knob::new(
            "compat",
            KnobValue::Text(self.compare.evidently.then(|| "evidently".to_string())),
            Looser::Unranked,
        ));
        k.push(Knob::num("min_rows", Some(self.min_rows as f64), Looser::Unranked));
        k.push(Knob::text("method", method_key(self.method), Looser::Unranked));
        k.push(Knob::new("columns", KnobValue::List(self.selection.columns.clone()), Looser::Fewer));
        for (feature, o) in &self.overrides {
            for (s, l) in o {
                for (level, v) in [("warn", l.warn), ("fail", l.fail)] {
                    if v.is_some() {
                        let key = format!("{}.{level}", s.key());
                        k.push(Knob::num(format!("features.{feature}.{key}"), v, Looser::Higher).fallback(key));
                    }
                }
            }
        }
        k
    }
}

fn empty_bins_key(e: EmptyBins) -> &'static str {
    match e {
        EmptyBins::Replace => "replace",
        EmptyBins::Smooth => "smooth",
        EmptyBins::Evidently => "evidently",
    }
}

fn method_key(m: Method) -> &'static str {
    match m {
        Method::Auto => "auto",
        Method::Exact => "exact",
        Method::Binned => "binned",
    }
}
