//! `[gates.skew]` as written, its validation (every problem located) and its conversion
//! into [`Settings`]. `mlgate gate skew` builds the same table from flags.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::settings::{Override, Settings};
use crate::data::time::{EpochUnit, parse_duration, parse_offset};
use crate::diag::Problems;
use crate::gates::cfg::{Cx, Spans, check_count, check_levels, check_non_negative, get, span};
use crate::gates::knobs::{Knob, Reviewed};
use crate::results::Levels;

/// The table name problems are reported under.
pub const TABLE: &str = "[gates.skew]";

/// A level written as a number (the fail level) or as `{ warn = …, fail = … }`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum LevelsOrShare {
    Share(f64),
    Levels(Levels),
}

impl LevelsOrShare {
    /// The levels this value sets over `default`: a table keeps the level it leaves out, a
    /// number is the fail level and keeps the default warn only when that is below it.
    pub fn over(&self, default: &Levels) -> Levels {
        match *self {
            LevelsOrShare::Share(f) => Levels::new(default.warn.filter(|w| *w <= f), Some(f)),
            LevelsOrShare::Levels(l) => default.overridden(Some(&l)),
        }
    }
}

/// One column name or several.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Names {
    One(String),
    Many(Vec<String>),
}

/// The names of a `Names` value, each with the value's span.
pub fn names(v: &Spanned<Names>) -> Vec<Spanned<String>> {
    let list = match v.get_ref() {
        Names::One(n) => vec![n.clone()],
        Names::Many(v) => v.clone(),
    };
    list.into_iter().map(|n| Spanned::new(v.span(), n)).collect()
}

/// `[gates.skew.features.NAME]`: one feature's own levels and tolerances.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureRaw {
    pub max_mismatch: Option<Spanned<LevelsOrShare>>,
    pub abs: Option<Spanned<f64>>,
    pub rel: Option<Spanned<f64>>,
}

/// `[gates.skew]`: what the training pipeline computed (offline) against what the service
/// computed for the same requests (online).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    #[serde(default = "crate::gates::cfg::on")]
    pub enabled: bool,
    /// The training pipeline's feature table (a [data] name).
    pub offline: Spanned<String>,
    /// The serving log of the features the service used (a [data] name).
    pub online: Spanned<String>,
    /// Column(s) joined exactly; without a key the sides are compared as distributions.
    pub key: Option<Spanned<Names>>,
    /// A timestamp column joined within `within` (the key then names the entity).
    pub time: Option<Spanned<String>>,
    /// Largest time difference of a joined pair, e.g. "2s", "5m".
    pub within: Option<Spanned<String>>,
    /// Offset of naive timestamps: "UTC" or e.g. "+02:00".
    pub timezone: Option<Spanned<String>>,
    /// Unit of numeric timestamps: auto, s, ms, us.
    pub epoch_unit: Option<EpochUnit>,
    /// `online_name = "offline_name"`: online columns renamed before matching by name.
    #[serde(default)]
    pub rename: BTreeMap<String, Spanned<String>>,
    /// Features to compare; default: every column both sides have, roles aside.
    pub columns: Option<Vec<Spanned<String>>>,
    /// Columns never compared.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    pub max_mismatch: Option<Spanned<LevelsOrShare>>,
    pub abs: Option<Spanned<f64>>,
    pub rel: Option<Spanned<f64>>,
    pub max_unmatched_online: Option<Spanned<LevelsOrShare>>,
    pub max_unmatched_offline: Option<Spanned<LevelsOrShare>>,
    pub max_duplicates: Option<Spanned<LevelsOrShare>>,
    pub linf: Option<Spanned<LevelsOrShare>>,
    pub js: Option<Spanned<LevelsOrShare>>,
    pub bins: Option<Spanned<u64>>,
    pub min_rows: Option<Spanned<u64>>,
    /// Per-feature levels and tolerances.
    #[serde(default)]
    pub features: BTreeMap<String, FeatureRaw>,
}

impl Raw {
    /// A table comparing `online` with `offline` and setting nothing else.
    pub fn new(offline: Spanned<String>, online: Spanned<String>) -> Raw {
        Raw {
            enabled: true,
            offline,
            online,
            key: None,
            time: None,
            within: None,
            timezone: None,
            epoch_unit: None,
            rename: BTreeMap::new(),
            columns: None,
            exclude: vec![],
            max_mismatch: None,
            abs: None,
            rel: None,
            max_unmatched_online: None,
            max_unmatched_offline: None,
            max_duplicates: None,
            linf: None,
            js: None,
            bins: None,
            min_rows: None,
            features: BTreeMap::new(),
        }
    }
}

/// A validated `[gates.skew]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub offline: Spanned<String>,
    pub online: Spanned<String>,
    pub settings: Settings,
    /// Where the columns the gate reads were named.
    pub spans: Spans,
}

/// Checks a level value: a share from 0 to 1, or a levels table.
fn check_level(p: &mut Problems, key: &str, v: &Option<Spanned<LevelsOrShare>>, share: bool) {
    let Some(sv) = v else { return };
    match sv.get_ref() {
        LevelsOrShare::Share(f) => {
            if !(f.is_finite() && *f >= 0.0 && (!share || *f <= 1.0)) {
                let what = if share { "a share between 0 and 1" } else { "a non-negative number" };
                p.add(span(sv), key, format!("must be {what}, not {f}"), None);
            }
        }
        LevelsOrShare::Levels(l) => {
            let levels = Some(Spanned::new(sv.span(), *l));
            check_levels(p, key, &levels);
            if share && [l.warn, l.fail].into_iter().flatten().any(|x| x > 1.0) {
                p.add(span(sv), key, "levels are shares of rows: at most 1", None);
            }
        }
    }
}

fn level_over(v: &Option<Spanned<LevelsOrShare>>, default: Levels) -> Levels {
    v.as_ref().map(|s| s.get_ref().over(&default)).unwrap_or(default)
}

impl Raw {
    pub fn validate(&self, cx: &Cx<'_>, p: &mut Problems) -> Spec {
        cx.check_input(p, "offline", &self.offline);
        cx.check_input(p, "online", &self.online);
        let mut s = Settings::default();
        let key: Vec<Spanned<String>> = self.key.as_ref().map(names).unwrap_or_default();
        if let Some(k) = self.key.as_ref().filter(|_| key.is_empty()) {
            let hint = "name the join column(s), or leave `key` out to compare distributions only".to_string();
            p.add(span(k), "key", "lists no column", Some(hint));
        }
        for k in &key {
            if k.get_ref().trim().is_empty() {
                p.add(span(k), "key", "a key column name cannot be empty", None);
            }
        }
        if let Some(t) = &self.time
            && key.is_empty()
        {
            p.add(
                span(t),
                "time",
                "joining within a time window needs the entity in `key`",
                Some("e.g. key = \"customer_id\", time = \"scored_at\", within = \"2s\"".into()),
            );
        }
        if let Some(w) = &self.within {
            match parse_duration(w.get_ref()) {
                Ok(us) => s.within_us = us,
                Err(e) => p.add(span(w), "within", e.to_string(), Some("e.g. \"2s\", \"5m\", \"0\"".into())),
            }
            if self.time.is_none() {
                p.add(span(w), "within", "needs `time`: the timestamp column joined within the window", None);
            }
        }
        if let Some(z) = &self.timezone {
            match parse_offset(z.get_ref()) {
                Ok(o) => s.time_options.naive_offset = Some(o),
                Err(e) => {
                    let hint = crate::error::find_user_error(&e).and_then(|u| u.hint.clone());
                    p.add(span(z), "timezone", e.to_string(), hint);
                }
            }
        }
        self.check_rename(p);
        for (k, v) in [("max_mismatch", &self.max_mismatch), ("max_unmatched_online", &self.max_unmatched_online)]
            .into_iter()
            .chain([("max_unmatched_offline", &self.max_unmatched_offline), ("max_duplicates", &self.max_duplicates)])
            .chain([("linf", &self.linf), ("js", &self.js)])
        {
            check_level(p, k, v, true);
        }
        check_non_negative(p, "abs", &self.abs);
        check_non_negative(p, "rel", &self.rel);
        check_count(p, "bins", &self.bins, 2, 100);
        for (f, o) in &self.features {
            check_level(p, &format!("features.{f}.max_mismatch"), &o.max_mismatch, true);
            check_non_negative(p, &format!("features.{f}.abs"), &o.abs);
            check_non_negative(p, &format!("features.{f}.rel"), &o.rel);
        }
        let mut spans = cx.role_spans();
        for k in &key {
            spans.record(TABLE, "key", k);
        }
        if let Some(t) = &self.time {
            spans.record(TABLE, "time", t);
        }
        for c in self.columns.iter().flatten() {
            spans.record(TABLE, "columns", c);
        }
        for f in self.features.keys() {
            spans.record(TABLE, "features", &Spanned::new(0..0, f.clone()));
        }
        self.fill(&mut s, cx, &key);
        Spec { offline: self.offline.clone(), online: self.online.clone(), settings: s, spans }
    }

    /// Renamed names must be distinct.
    fn check_rename(&self, p: &mut Problems) {
        let mut seen: Vec<&str> = Vec::new();
        for (from, to) in &self.rename {
            let t = to.get_ref().as_str();
            if seen.contains(&t) {
                p.add(span(to), "rename", format!("two online columns are renamed to `{t}`"), None);
            }
            seen.push(t);
            if from == t {
                p.add(span(to), "rename", format!("`{from}` is renamed to itself"), None);
            }
        }
    }

    /// Lays the table's keys and the column roles over the defaults.
    fn fill(&self, s: &mut Settings, cx: &Cx<'_>, key: &[Spanned<String>]) {
        let d = Settings::default();
        s.key = key.iter().map(|k| k.get_ref().clone()).collect();
        s.time = self.time.as_ref().map(|t| t.get_ref().clone());
        if let Some(u) = self.epoch_unit {
            s.time_options.epoch_unit = u;
        }
        s.rename = self.rename.iter().map(|(k, v)| (k.clone(), v.get_ref().clone())).collect();
        s.columns = self.columns.as_ref().map(|c| c.iter().map(|x| x.get_ref().clone()).collect());
        let cols = cx.columns;
        s.exclude = self.exclude.iter().map(|x| x.get_ref().clone()).collect();
        s.exclude.extend(cols.ignored());
        s.exclude.extend([cols.label(), cols.score(), cols.prediction()].into_iter().flatten().map(str::to_string));
        s.tolerance.max_mismatch = level_over(&self.max_mismatch, d.tolerance.max_mismatch);
        s.tolerance.abs = get(&self.abs).unwrap_or(d.tolerance.abs);
        s.tolerance.rel = get(&self.rel).unwrap_or(d.tolerance.rel);
        s.max_unmatched_online = level_over(&self.max_unmatched_online, d.max_unmatched_online);
        s.max_unmatched_offline = level_over(&self.max_unmatched_offline, d.max_unmatched_offline);
        s.max_duplicates = level_over(&self.max_duplicates, d.max_duplicates);
        s.linf = level_over(&self.linf, d.linf);
        s.js = level_over(&self.js, d.js);
        if let Some(b) = get(&self.bins) {
            s.bins = b as usize;
        }
        if let Some(m) = get(&self.min_rows) {
            s.min_rows = m;
        }
        for (f, o) in &self.features {
            let gate = s.tolerance.max_mismatch;
            s.overrides.insert(
                f.clone(),
                Override {
                    max_mismatch: o.max_mismatch.as_ref().map(|m| m.get_ref().over(&gate)),
                    abs: get(&o.abs),
                    rel: get(&o.rel),
                },
            );
        }
    }
}

impl Reviewed for Spec {
    fn knobs(&self) -> Vec<Knob> {
        self.settings.knobs()
    }
}
