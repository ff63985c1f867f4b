//! Flags → the gate's own `[gates.<kind>]` table (and `[columns]`), so an ad hoc run is
//! validated, defaulted and merged exactly like mlgate.toml. Only the syntax of compound
//! flags (`COL=E1,E2`, `STAT=WARN,FAIL`) is parsed here; what the values mean is the
//! gate's business.

use std::collections::BTreeMap;

use anyhow::Result;
use toml::Spanned;

use super::defs::*;
use crate::error::user;
use crate::gates::columns::{Columns, flag};
use crate::gates::drift::settings::Stat;
use crate::gates::{baseline, canary, drift, leakage, schema, skew, slices};
use crate::results::Levels;

fn some(v: &Option<String>) -> Option<Spanned<String>> {
    v.clone().map(flag)
}

fn key_value<'a>(name: &str, s: &'a str) -> Result<(&'a str, &'a str)> {
    s.split_once('=').map(|(k, v)| (k.trim(), v.trim())).ok_or_else(|| {
        user(format!("{name} {s:?} is not KEY=VALUE")).hint(format!("for example {name} income=4")).into()
    })
}

/// The `[columns]` roles the model gates read.
pub fn prediction_columns(a: &PredictionArgs) -> Columns {
    Columns {
        label: Some(flag(a.label.clone())),
        score: some(&a.score),
        prediction: some(&a.prediction),
        ..Default::default()
    }
}

pub fn slices(a: &SlicesGateArgs) -> Result<(slices::cfg::Raw, Columns)> {
    use slices::cfg::SliceSpec;
    if a.by.is_empty() && a.crosses.is_empty() && a.bins.is_empty() && a.quantiles.is_empty() {
        return Err(user("no slices given")
            .hint("use --by COL, --cross A,B, --bins COL=E1,E2 or --quantiles COL=K")
            .into());
    }
    let mut by: Vec<Spanned<SliceSpec>> = a.by.iter().map(|c| flag(SliceSpec::One(c.clone()))).collect();
    for c in &a.crosses {
        let parts: Vec<String> = c.split(',').map(|p| p.trim().to_string()).collect();
        by.push(flag(SliceSpec::Cross(parts)));
    }
    let mut bins = BTreeMap::new();
    for b in &a.bins {
        let (col, edges) = key_value("--bins", b)?;
        let e: Vec<f64> =
            edges.split(',').map(|x| x.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| {
                user(format!("--bins {b:?}: edges must be numbers")).hint("for example --bins age=30,50,70")
            })?;
        bins.insert(col.to_string(), flag(e));
    }
    let mut quantiles = BTreeMap::new();
    for q in &a.quantiles {
        let (col, k) = key_value("--quantiles", q)?;
        let k: u64 =
            k.parse().map_err(|_| user(format!("--quantiles {q:?}: K must be a whole number from 2 to 100")))?;
        quantiles.insert(col.to_string(), flag(k));
    }
    let raw = slices::cfg::Raw {
        enabled: true,
        predictions: flag("predictions".to_string()),
        by,
        bins,
        quantiles,
        metric: a.metric,
        min: a.min.map(flag),
        max_gap: Some(flag(a.max_gap)),
        min_rows: Some(a.min_rows),
        confidence: Some(flag(a.confidence)),
        bootstrap: Some(a.bootstrap),
        seed: Some(a.seed),
        max_slices: Some(a.max_slices),
        threshold: Some(flag(a.columns.threshold)),
        positive: a.columns.positive.clone(),
        task: a.columns.task,
    };
    Ok((raw, prediction_columns(&a.columns)))
}

pub fn baseline(a: &BaselineGateArgs) -> Result<(baseline::cfg::Raw, Columns)> {
    let mut tables = [BTreeMap::new(), BTreeMap::new()];
    for (name, list, table) in
        [("--min-improvement", &a.min_improvement, 0), ("--max-regression", &a.max_regression, 1)]
    {
        for kv in list {
            let (m, v) = key_value(name, kv)?;
            let v: f64 = v.parse().map_err(|_| user(format!("{name} {kv:?}: X must be a non-negative number")))?;
            tables[table].insert(m.to_string(), flag(v));
        }
    }
    let [min_improvement, max_regression] = tables;
    let raw = baseline::cfg::Raw {
        enabled: true,
        candidate: flag("candidate".to_string()),
        baseline: flag(if a.baseline == baseline::cfg::TRIVIAL { a.baseline.clone() } else { "baseline".into() }),
        metrics: (!a.metrics.is_empty()).then(|| a.metrics.clone()),
        min_improvement,
        max_regression,
        confidence: Some(flag(a.confidence)),
        bootstrap: Some(a.bootstrap),
        seed: Some(a.seed),
        trivial: Some(!a.no_trivial),
        trivial_margin: None,
        threshold: Some(flag(a.columns.threshold)),
        positive: a.columns.positive.clone(),
        task: a.columns.task,
    };
    let mut columns = prediction_columns(&a.columns);
    columns.entity = some(&a.entity);
    Ok((raw, columns))
}

pub fn leakage(a: &LeakageGateArgs) -> Result<(leakage::cfg::Raw, Columns)> {
    let mut observed_at = BTreeMap::new();
    for pair in &a.observed_at {
        let (f, c) = pair.split_once('=').ok_or_else(|| {
            user(format!("--observed-at {pair:?} is not FEATURE=COLUMN"))
                .hint("for example --observed-at balance=balance_updated_at")
        })?;
        observed_at.insert(f.trim().to_string(), flag(c.trim().to_string()));
    }
    let raw = leakage::cfg::Raw {
        enabled: true,
        train: flag("train".to_string()),
        test: a.test.as_ref().map(|_| flag("test".to_string())),
        split: a.split.map(flag),
        gap: some(&a.gap),
        timezone: some(&a.timezone),
        epoch_unit: Some(a.epoch_unit),
        features: a.features.as_ref().map(|f| f.iter().cloned().map(flag).collect()),
        observed_at,
        max_entity_overlap: Some(flag(a.max_entity_overlap)),
        max_duplicate_share: Some(flag(a.max_duplicate_share)),
        max_point_in_time_share: None,
        target_auc: Some(flag(a.target_auc)),
        target_rho: Some(flag(a.target_rho)),
        confidence: None,
    };
    let columns = Columns {
        label: some(&a.label),
        entity: some(&a.entity),
        timestamp: some(&a.timestamp),
        ignore: a.exclude.iter().cloned().map(flag).collect(),
        ..Default::default()
    };
    Ok((raw, columns))
}

pub fn skew(a: &SkewGateArgs) -> Result<skew::cfg::Raw> {
    use skew::cfg::{LevelsOrShare, Names};
    let mut raw = skew::cfg::Raw::new(flag("offline".to_string()), flag("online".to_string()));
    if !a.key.is_empty() {
        raw.key = Some(flag(Names::Many(a.key.clone())));
    }
    raw.time = some(&a.time);
    raw.within = some(&a.within);
    raw.timezone = some(&a.timezone);
    raw.epoch_unit = Some(a.epoch_unit);
    for r in &a.rename {
        let (from, to) = key_value("--rename", r)?;
        raw.rename.insert(from.to_string(), flag(to.to_string()));
    }
    raw.columns = a.columns.as_ref().map(|c| c.iter().cloned().map(flag).collect());
    raw.exclude = a.exclude.iter().cloned().map(flag).collect();
    raw.max_mismatch = Some(flag(LevelsOrShare::Share(a.max_mismatch)));
    raw.abs = Some(flag(a.abs));
    raw.rel = Some(flag(a.rel));
    raw.max_unmatched_online = Some(flag(LevelsOrShare::Share(a.max_unmatched_online)));
    raw.max_duplicates = Some(flag(LevelsOrShare::Share(a.max_duplicates)));
    for f in &a.feature_max_mismatch {
        let (feature, v) = key_value("--feature-max-mismatch", f)?;
        let v: f64 = v.parse().map_err(|_| {
            user(format!("--feature-max-mismatch {f:?}: the share must be a number"))
                .hint("for example --feature-max-mismatch discount=0.01")
        })?;
        let entry = raw.features.entry(feature.to_string()).or_default();
        entry.max_mismatch = Some(flag(LevelsOrShare::Share(v)));
    }
    Ok(raw)
}

pub fn canary(a: &CanaryGateArgs) -> canary::cfg::Raw {
    let mut raw = canary::cfg::Raw::new(flag("champion".to_string()), flag("candidate".to_string()));
    raw.key = some(&a.key);
    raw.mode = some(&a.mode);
    raw.score = Some(flag(a.score.clone()));
    raw.label = some(&a.label);
    raw.latency = some(&a.latency);
    raw.error = some(&a.error);
    raw.threshold = Some(flag(a.threshold));
    raw.sequential = Some(a.sequential);
    raw.planned = Some(flag(a.planned));
    raw.alpha = Some(flag(a.alpha));
    raw.max_disagreement = Some(flag(a.max_disagreement));
    raw.max_accuracy_drop = Some(flag(a.max_accuracy_drop));
    raw.max_auc_drop = Some(flag(a.max_accuracy_drop));
    raw.max_latency_increase = Some(flag(a.max_latency_increase));
    raw.max_error_rate_increase = Some(flag(a.max_error_rate_increase));
    raw.min_rows = Some(flag(a.min_rows));
    raw
}

/// `--threshold STAT=WARN,FAIL`: either level may be empty, and an empty one keeps its
/// default, as a TOML table that sets one level does.
fn threshold(t: &str, raw: &mut drift::cfg::Raw) -> Result<()> {
    let bad = || {
        user(format!("--threshold {t:?} is not STAT=WARN,FAIL"))
            .hint("for example --threshold psi=0.1,0.2 or --threshold ks=,0.1 (either level may be empty)")
    };
    let (stat, levels) = t.split_once('=').ok_or_else(bad)?;
    let (w, f) = levels.split_once(',').unwrap_or(("", levels));
    let parse = |x: &str| -> Result<Option<f64>> {
        let x = x.trim();
        if x.is_empty() {
            return Ok(None);
        }
        x.parse::<f64>().map(Some).map_err(|_| bad().into())
    };
    let l = flag(Levels { warn: parse(w)?, fail: parse(f)? });
    match (stat.trim(), Stat::from_key(stat.trim())) {
        (_, Some(s)) => *raw.levels_mut(s) = Some(l),
        ("importance_share", None) => raw.importance_share = Some(l),
        ("label_rate", None) => raw.label_rate = Some(l),
        ("performance", None) => raw.performance = Some(l),
        (other, None) => {
            let known: Vec<&str> =
                Stat::ALL.iter().map(|s| s.key()).chain(["importance_share", "label_rate", "performance"]).collect();
            let hint = crate::diag::closest(other, known.iter().copied())
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            return Err(user(format!("unknown statistic {other:?} in --threshold"))
                .hint(format!("{hint}known: {}", known.join(", ")))
                .into());
        }
    }
    Ok(())
}

pub fn drift(a: &DriftGateArgs) -> Result<(drift::cfg::Raw, Columns)> {
    let mut raw = drift::cfg::Raw {
        columns: a.columns.as_ref().map(|c| c.iter().cloned().map(flag).collect()),
        score_reference: a.score_reference.as_ref().map(|_| flag("score_reference".to_string())),
        bins: Some(flag(a.bins)),
        empty_bins: Some(a.empty_bins),
        epsilon: Some(flag(a.epsilon)),
        compat: a.compat,
        method: Some(a.method),
        exact_max_bytes: Some(a.exact_max_mib.saturating_mul(MIB)),
        alpha: Some(flag(a.alpha)),
        correction: Some(a.correction),
        min_rows: Some(a.min_rows),
        importance: a.importance.as_ref().map(|p| flag(p.display().to_string())),
        labels: a.labels.as_ref().map(|_| flag("labels".to_string())),
        threshold: Some(flag(a.decision_threshold)),
        ..drift::cfg::Raw::new(flag("reference".to_string()), flag("current".to_string()))
    };
    for t in &a.thresholds {
        threshold(t, &mut raw)?;
    }
    let columns = Columns {
        score: some(&a.score),
        label: some(&a.label),
        entity: some(&a.entity),
        ignore: a.exclude.iter().cloned().map(flag).collect(),
        ..Default::default()
    };
    Ok((raw, columns))
}

pub fn schema(a: &SchemaGateArgs, names: &[String]) -> schema::cfg::Raw {
    schema::cfg::Raw {
        enabled: true,
        schema: flag(a.schema.display().to_string()),
        datasets: Some(names.iter().cloned().map(flag).collect()),
        json_schema: a.json_schema.as_ref().map(|p| flag(p.display().to_string())),
    }
}

/// The flag a setting comes from, for error messages: `[gates.drift].bins` → `--bins`.
pub fn flag_of(table: &str, key: &str) -> String {
    let first = key.split('.').next().unwrap_or(key);
    match (table, first) {
        (_, "") => format!("mlgate gate {}", table.trim_matches(['[', ']']).trim_start_matches("gates.")),
        ("[gates.drift]", k)
            if Stat::from_key(k).is_some() || matches!(k, "importance_share" | "label_rate" | "performance") =>
        {
            format!("--threshold {k}=…")
        }
        ("[gates.drift]", "exact_max_bytes") => "--exact-max-mib".into(),
        ("[gates.drift]", "threshold") => "--decision-threshold".into(),
        ("[gates.drift]", "features") => "--threshold".into(),
        ("[columns]", "ignore") => "--exclude".into(),
        ("[gates.slices]", "by") => "--by/--cross".into(),
        ("[gates.skew]", "features") => "--feature-max-mismatch".into(),
        ("[gates.canary]", "max_auc_drop") => "--max-accuracy-drop".into(),
        (_, k) => format!("--{}", k.replace('_', "-")),
    }
}
