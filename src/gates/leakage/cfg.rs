//! `[gates.leakage]` as written, its validation (every problem located) and its conversion
//! into [`Settings`]. The label, entity and as-of timestamp come from `[columns]`;
//! `mlgate gate leakage` builds the same tables from flags.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::settings::Settings;
use crate::data::time::{EpochUnit, parse_duration, parse_offset};
use crate::diag::Problems;
use crate::gates::cfg::{Cx, Spans, check_confidence, check_share, get, span};
use crate::gates::knobs::{Knob, Reviewed};

/// The table name problems are reported under.
pub const TABLE: &str = "[gates.leakage]";

/// Whether the train/test split is random or by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SplitKind {
    Random,
    Temporal,
}

/// `[gates.leakage]`: information the model will not have at prediction time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    #[serde(default = "crate::gates::cfg::on")]
    pub enabled: bool,
    /// The training dataset (a [data] name).
    pub train: Spanned<String>,
    /// The test dataset (a [data] name); overlap and split checks need it.
    pub test: Option<Spanned<String>>,
    /// `random` or `temporal`: a temporal split must end training before test starts.
    pub split: Option<Spanned<SplitKind>>,
    /// Minimum time between the end of training and the start of test, e.g. "7d", "12h".
    pub gap: Option<Spanned<String>>,
    /// Offset of naive timestamps: "UTC" or e.g. "+02:00".
    pub timezone: Option<Spanned<String>>,
    /// Unit of numeric timestamps: auto, s, ms, us.
    pub epoch_unit: Option<EpochUnit>,
    /// Features to check; default: [columns].features or every column without a role.
    pub features: Option<Vec<Spanned<String>>>,
    /// Feature → column holding the time that feature's value was observed.
    #[serde(default)]
    pub observed_at: BTreeMap<String, Spanned<String>>,
    /// Largest allowed share of test entities also in train.
    pub max_entity_overlap: Option<Spanned<f64>>,
    /// Largest allowed excess share of test rows repeating a training row, over the share
    /// of training rows repeating another training row (coincidence).
    pub max_duplicate_share: Option<Spanned<f64>>,
    /// Largest allowed share of rows using a value observed after the as-of time.
    pub max_point_in_time_share: Option<Spanned<f64>>,
    /// Bound on a single feature's max(AUC, 1 − AUC) against the label.
    pub target_auc: Option<Spanned<f64>>,
    /// Bound on |Spearman ρ| for a numeric label.
    pub target_rho: Option<Spanned<f64>>,
    /// Confidence level of the duplicate-excess interval.
    pub confidence: Option<Spanned<f64>>,
}

/// A validated `[gates.leakage]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub train: Spanned<String>,
    pub test: Option<Spanned<String>>,
    pub settings: Settings,
    /// Where the columns the gate reads were named.
    pub spans: Spans,
}

impl Raw {
    pub fn validate(&self, cx: &Cx<'_>, p: &mut Problems) -> Spec {
        cx.check_input(p, "train", &self.train);
        if let Some(t) = &self.test {
            cx.check_input(p, "test", t);
        }
        let mut s = Settings::default();
        if let Some(g) = &self.gap {
            match parse_duration(g.get_ref()) {
                Ok(us) => s.gap_us = us,
                Err(e) => p.add(span(g), "gap", e.to_string(), Some("e.g. \"7d\", \"12h\", \"0\"".into())),
            }
        }
        if let Some(z) = &self.timezone {
            match parse_offset(z.get_ref()) {
                Ok(o) => s.time.naive_offset = Some(o),
                Err(e) => {
                    let hint = crate::error::find_user_error(&e).and_then(|u| u.hint.clone());
                    p.add(span(z), "timezone", e.to_string(), hint);
                }
            }
        }
        for (k, v) in [
            ("max_entity_overlap", &self.max_entity_overlap),
            ("max_duplicate_share", &self.max_duplicate_share),
            ("max_point_in_time_share", &self.max_point_in_time_share),
            ("target_auc", &self.target_auc),
            ("target_rho", &self.target_rho),
        ] {
            check_share(p, k, v);
        }
        check_confidence(p, "confidence", &self.confidence);
        if let Some(a) = &self.target_auc
            && *a.get_ref() < 0.5
        {
            p.add(
                span(a),
                "target_auc",
                "below 0.5 would flag every feature",
                Some(format!("max(AUC, 1 − AUC) is at least 0.5; {} is the default", Settings::default().target_auc)),
            );
        }
        let ts = cx.columns.timestamp.as_ref();
        if ts.is_none() {
            if let Some((_, first)) = self.observed_at.iter().next() {
                p.add(span(first), "observed_at", "needs the as-of time in [columns].timestamp", None);
            }
            if let Some(sp) = self.split.as_ref().filter(|s| *s.get_ref() == SplitKind::Temporal) {
                p.add(span(sp), "split", "\"temporal\" needs [columns].timestamp", None);
            }
        }
        let mut spans = cx.role_spans();
        for f in self.features.iter().flatten() {
            spans.record(TABLE, "features", f);
        }
        for c in self.observed_at.values() {
            spans.record(TABLE, "observed_at", c);
        }
        self.fill(&mut s, cx);
        Spec { train: self.train.clone(), test: self.test.clone(), settings: s, spans }
    }

    /// Lays the table's keys and the column roles over the defaults.
    fn fill(&self, s: &mut Settings, cx: &Cx<'_>) {
        let cols = cx.columns;
        s.label = cols.label().map(str::to_string);
        s.entity = cols.entity().map(str::to_string);
        s.timestamp = cols.timestamp().map(str::to_string);
        s.temporal = self.split.as_ref().is_some_and(|s| *s.get_ref() == SplitKind::Temporal);
        s.observed_at = self.observed_at.iter().map(|(k, v)| (k.clone(), v.get_ref().clone())).collect();
        s.features = self
            .features
            .as_ref()
            .map(|f| f.iter().map(|x| x.get_ref().clone()).collect())
            .or_else(|| cols.feature_list());
        s.exclude = cols.ignored();
        s.exclude.extend(cols.score().map(str::to_string));
        s.exclude.extend(cols.prediction().map(str::to_string));
        if let Some(u) = self.epoch_unit {
            s.time.epoch_unit = u;
        }
        for (v, f) in [
            (get(&self.max_entity_overlap), &mut s.max_entity_overlap),
            (get(&self.max_duplicate_share), &mut s.max_duplicate_share),
            (get(&self.max_point_in_time_share), &mut s.max_point_in_time_share),
            (get(&self.target_auc), &mut s.target_auc),
            (get(&self.target_rho), &mut s.target_rho),
            (get(&self.confidence), &mut s.level),
        ] {
            if let Some(v) = v {
                *f = v;
            }
        }
    }
}

impl Reviewed for Spec {
    fn knobs(&self) -> Vec<Knob> {
        self.settings.knobs()
    }
}
