//! `[gates.drift]` as written, its validation (every problem located), and its conversion
//! into [`Settings`]. The ad hoc `mlgate gate drift` flags build the same [`Raw`] table, so
//! both paths share validation and merge rules: a table or flag that sets one level keeps
//! the other level's default.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::settings::{Compat, Correction, Method, Settings, Stat, stat_field};
use crate::diag::Problems;
use crate::gates::cfg::{Cx, Spans, check_count, check_levels, check_open, get, span};
use crate::gates::knobs::{Knob, KnobValue, Looser, Reviewed};
use crate::results::Levels;
use crate::stats::psi::EmptyBins;

/// The table name problems are reported under.
pub const TABLE: &str = "[gates.drift]";

/// `[gates.drift]`: compare a current sample with a reference, column by column.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    #[serde(default = "crate::gates::cfg::on")]
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
    /// Quantile bins for PSI.
    pub bins: Option<Spanned<u64>>,
    /// `replace`, `smooth` or `evidently`.
    pub empty_bins: Option<EmptyBins>,
    /// Share used for an empty bin by `replace`.
    pub epsilon: Option<Spanned<f64>>,
    /// `evidently` reproduces Evidently's PSI, JS and Wasserstein exactly.
    pub compat: Option<Compat>,
    /// `auto`, `exact` or `binned`.
    pub method: Option<Method>,
    /// Exact comparison while the two files together are at most this many bytes.
    pub exact_max_bytes: Option<u64>,
    pub psi: Option<Spanned<Levels>>,
    /// Levels on the KS statistic D (applied only when significant).
    pub ks: Option<Spanned<Levels>>,
    /// Levels on the normalised Wasserstein distance.
    pub wasserstein: Option<Spanned<Levels>>,
    /// Levels on the Jensen–Shannon distance.
    pub js: Option<Spanned<Levels>>,
    /// Levels on Cramér's V from the χ² test (applied only when significant).
    pub chi2: Option<Spanned<Levels>>,
    /// Levels on the absolute change in the share of missing values.
    pub null_rate: Option<Spanned<Levels>>,
    /// Levels on the share of current values in categories unseen in the reference.
    pub unseen: Option<Spanned<Levels>>,
    /// Significance level for KS and χ² after correction.
    pub alpha: Option<Spanned<f64>>,
    /// `bh`, `bonferroni` or `none`.
    pub correction: Option<Correction>,
    /// Below this many rows on a side the gate warns that it cannot judge.
    pub min_rows: Option<u64>,
    /// Feature importance file (JSON object or CSV feature,importance).
    pub importance: Option<Spanned<String>>,
    /// Levels on the share of importance held by drifted columns.
    pub importance_share: Option<Spanned<Levels>>,
    /// Delayed outcomes of the current rows: a [data] name whose rows carry the label
    /// column, joined to the current data on `[columns].entity` (when the current data has
    /// no label column of its own).
    pub labels: Option<Spanned<String>>,
    /// Levels on the relative change in the rarer label's rate (prior drift), judged only
    /// when significant.
    pub label_rate: Option<Spanned<Levels>>,
    /// Levels on the fall in the model's AUC from reference to current (concept drift when
    /// the inputs are stable), judged only when significant.
    pub performance: Option<Spanned<Levels>>,
    /// Scores at or above it are positive decisions (the feedback-loop check).
    pub threshold: Option<Spanned<f64>>,
    /// Warn when outcomes are known this many times less often for one decision than for
    /// the other; 0 turns the feedback-loop check off.
    pub min_coverage_ratio: Option<Spanned<f64>>,
    /// Per-column levels: `[gates.drift.features.monthly_charges]`, e.g. `psi = { fail = 0.3 }`.
    #[serde(default)]
    pub features: BTreeMap<String, BTreeMap<Stat, Spanned<Levels>>>,
}

impl Raw {
    /// A table comparing `current` with `reference` and setting nothing else.
    pub fn new(reference: Spanned<String>, current: Spanned<String>) -> Raw {
        Raw {
            enabled: true,
            reference,
            current,
            columns: None,
            score_reference: None,
            bins: None,
            empty_bins: None,
            epsilon: None,
            compat: None,
            method: None,
            exact_max_bytes: None,
            psi: None,
            ks: None,
            wasserstein: None,
            js: None,
            chi2: None,
            null_rate: None,
            unseen: None,
            alpha: None,
            correction: None,
            min_rows: None,
            importance: None,
            importance_share: None,
            labels: None,
            label_rate: None,
            performance: None,
            threshold: None,
            min_coverage_ratio: None,
            features: BTreeMap::new(),
        }
    }

    /// The level table of a statistic, as written.
    pub fn levels(&self, s: Stat) -> &Option<Spanned<Levels>> {
        stat_field!(s, &self)
    }

    /// Where a statistic's levels are set from flags (`--threshold STAT=WARN,FAIL`).
    pub fn levels_mut(&mut self, s: Stat) -> &mut Option<Spanned<Levels>> {
        stat_field!(s, &mut self)
    }
}

/// What the loader needs to find the data: names of datasets or profile paths.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub reference: Spanned<String>,
    pub current: Spanned<String>,
    pub score_reference: Option<Spanned<String>>,
    pub importance: Option<Spanned<String>>,
    pub labels: Option<Spanned<String>>,
}

/// A validated `[gates.drift]`: where the data is, and how to judge it.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub inputs: Inputs,
    pub settings: Settings,
    /// Where the listed columns were written.
    pub spans: Spans,
}

impl Raw {
    /// Validates the table (every problem into `p`) and converts it into a [`Spec`].
    pub fn validate(&self, cx: &Cx<'_>, p: &mut Problems) -> Spec {
        for (key, v) in [("reference", &self.reference), ("current", &self.current)] {
            // A value that is not a dataset name is the path of a saved profile.
            if !cx.has_input(v.get_ref()) && !v.get_ref().to_ascii_lowercase().ends_with(".json") {
                cx.check_input(p, key, v);
            }
        }
        if let Some(s) = &self.score_reference {
            cx.check_input(p, "score_reference", s);
        }
        check_count(p, "bins", &self.bins, 2, 1000);
        check_open(p, "alpha", &self.alpha, 0.0, 1.0);
        check_open(p, "epsilon", &self.epsilon, 0.0, 1.0);
        for s in Stat::ALL {
            check_levels(p, s.key(), self.levels(s));
        }
        check_levels(p, "importance_share", &self.importance_share);
        check_levels(p, "label_rate", &self.label_rate);
        check_levels(p, "performance", &self.performance);
        crate::gates::cfg::check_finite(p, "threshold", &self.threshold);
        crate::gates::cfg::check_share(p, "min_coverage_ratio", &self.min_coverage_ratio);
        if let Some(l) = &self.labels {
            cx.check_input(p, "labels", l);
            if cx.columns.entity().is_none() {
                p.add(
                    span(l),
                    "labels",
                    "outcomes are joined to the current rows on [columns].entity, which is not set",
                    Some("set [columns] entity = \"…\" to the id both files carry".into()),
                );
            }
            if cx.columns.label().is_none() {
                p.add(
                    span(l),
                    "labels",
                    "[columns].label is not set, so mlgate does not know which column holds the outcome",
                    Some("set [columns] label = \"…\"".into()),
                );
            }
        }
        for (f, o) in &self.features {
            for (s, l) in o {
                check_levels(p, &format!("features.{f}.{}", s.key()), &Some(l.clone()));
            }
        }
        if let Some(i) = &self.importance
            && i.get_ref().trim().is_empty()
        {
            p.add(
                span(i),
                "importance",
                "the path is empty",
                Some("give a JSON or CSV file of feature importance".into()),
            );
        }
        let mut spans = Spans::default();
        for c in self.columns.iter().flatten() {
            spans.record(TABLE, "columns", c);
        }
        for f in cx.columns.features.iter().flatten() {
            spans.record("[columns]", "features", f);
        }
        for (key, v) in [("label", &cx.columns.label), ("entity", &cx.columns.entity)] {
            if let Some(v) = v {
                spans.record("[columns]", key, v);
            }
        }
        Spec {
            inputs: Inputs {
                reference: self.reference.clone(),
                current: self.current.clone(),
                score_reference: self.score_reference.clone(),
                importance: self.importance.clone(),
                labels: self.labels.clone(),
            },
            settings: self.settings(cx),
            spans,
        }
    }

    /// Settings: the defaults with every key this table sets laid over them.
    fn settings(&self, cx: &Cx<'_>) -> Settings {
        let mut s = Settings::default();
        if let Some(b) = get(&self.bins) {
            s.compare.bins = b as usize;
        }
        if let Some(e) = self.empty_bins {
            s.compare.empty_bins = e;
        }
        if let Some(e) = get(&self.epsilon) {
            s.compare.epsilon = e;
        }
        s.compare.evidently = self.compat == Some(Compat::Evidently);
        for st in Stat::ALL {
            let merged = s.thresholds.get(st).overridden(self.levels(st).as_ref().map(|l| l.get_ref()));
            s.thresholds.set(st, merged);
        }
        s.importance_share = s.importance_share.overridden(self.importance_share.as_ref().map(|l| l.get_ref()));
        s.overrides = self
            .features
            .iter()
            .map(|(f, o)| (f.clone(), o.iter().map(|(k, l)| (*k, *l.get_ref())).collect()))
            .collect();
        let d = &mut s.diagnosis;
        d.label_rate = d.label_rate.overridden(self.label_rate.as_ref().map(|l| l.get_ref()));
        d.performance = d.performance.overridden(self.performance.as_ref().map(|l| l.get_ref()));
        d.threshold = get(&self.threshold).unwrap_or(d.threshold);
        d.min_coverage_ratio = get(&self.min_coverage_ratio).unwrap_or(d.min_coverage_ratio);
        if let Some(a) = get(&self.alpha) {
            s.alpha = a;
        }
        if let Some(c) = self.correction {
            s.correction = c;
        }
        if let Some(m) = self.min_rows {
            s.min_rows = m;
        }
        if let Some(m) = self.method {
            s.method = m;
        }
        if let Some(b) = self.exact_max_bytes {
            s.exact_max_bytes = b;
        }
        let cols = cx.columns;
        let mut exclude = cols.role_columns();
        if let Some(sc) = cols.score() {
            exclude.retain(|c| c != sc);
        }
        s.selection.columns = self
            .columns
            .as_ref()
            .map(|c| c.iter().map(|s| s.get_ref().clone()).collect())
            .or_else(|| cols.feature_list());
        s.selection.exclude = exclude;
        s.selection.score = cols.score().map(str::to_string);
        s.selection.label = cols.label().map(str::to_string);
        s.selection.entity = cols.entity().map(str::to_string);
        s
    }
}

impl Reviewed for Spec {
    fn knobs(&self) -> Vec<Knob> {
        let mut k = self.settings.knobs();
        let importance = self.inputs.importance.as_ref().map(|i| i.get_ref().clone());
        k.push(Knob::new("importance", KnobValue::Text(importance), Looser::Unranked));
        let labels = self.inputs.labels.as_ref().map(|i| i.get_ref().clone());
        k.push(Knob::new("labels", KnobValue::Text(labels), Looser::Unranked));
        k
    }
}
