//! The gates: a closed set of kinds, each a module with a typed config and a pure `run`
//! that returns a [`GateResult`]. Gates never print, render or talk to GitHub.
//!
//! This module also holds [`RunCtx`], which records every input a run reads (with its
//! SHA-256) for provenance, and the code that runs the gates configured in `mlgate.toml`.

pub mod baseline;
pub mod drift;
pub mod leakage;
pub mod model;
pub mod schema;
pub mod slices;
pub mod thresholds;

use std::collections::BTreeMap;

use std::path::Path;

use anyhow::{Context, Result};

use crate::config::{Config, SchemaGateConfig};
use crate::data::{Format, Source};
use crate::error::{quoted, user};
use crate::results::{GateResult, Input};

/// The gate kinds, in the order a report lists them.
pub const KINDS: &[&str] = &["schema", "leakage", "drift", "slices", "baseline"];

/// Inputs read during a run, by logical name.
#[derive(Debug, Default)]
pub struct RunCtx {
    inputs: BTreeMap<String, Input>,
    /// Hashes still being computed in the background, by input name.
    pending: Vec<(String, std::thread::JoinHandle<Result<String>>)>,
}

impl RunCtx {
    /// Records a dataset that was read, hashing the file.
    pub fn record_source(&mut self, src: &Source, rows: Option<u64>) -> Result<()> {
        self.record_file(&src.name, &src.display, &src.path, src.format.as_str(), rows)
    }

    /// Records a dataset whose digest is already known.
    pub fn record_source_digest(&mut self, src: &Source, rows: Option<u64>, sha256: &str) {
        self.inputs.insert(
            src.name.clone(),
            Input {
                name: src.name.clone(),
                path: src.display.clone(),
                format: src.format.as_str().to_string(),
                sha256: sha256.to_string(),
                rows,
            },
        );
    }

    /// Records a dataset and hashes it on a background thread, so hashing a large file
    /// overlaps with the gate's own work. Finished by [`RunCtx::into_inputs`].
    pub fn record_source_async(&mut self, src: &Source, rows: Option<u64>) {
        if let Some(existing) = self.inputs.get_mut(&src.name) {
            if rows.is_some() {
                existing.rows = rows;
            }
            return;
        }
        self.inputs.insert(
            src.name.clone(),
            Input {
                name: src.name.clone(),
                path: src.display.clone(),
                format: src.format.as_str().to_string(),
                sha256: String::new(),
                rows,
            },
        );
        let path = src.path.clone();
        self.pending.push((src.name.clone(), std::thread::spawn(move || crate::provenance::sha256_file(&path))));
    }

    /// Records any input file (schema, profile, config), hashing it once.
    pub fn record_file(&mut self, name: &str, shown: &str, path: &Path, format: &str, rows: Option<u64>) -> Result<()> {
        if let Some(existing) = self.inputs.get_mut(name) {
            if rows.is_some() {
                existing.rows = rows;
            }
            return Ok(());
        }
        let sha256 = crate::provenance::sha256_file(path)?;
        self.inputs.insert(
            name.to_string(),
            Input { name: name.to_string(), path: shown.to_string(), format: format.to_string(), sha256, rows },
        );
        Ok(())
    }

    /// The recorded inputs, waiting for background hashes.
    pub fn into_inputs(mut self) -> Result<Vec<Input>> {
        for (name, handle) in self.pending.drain(..) {
            let digest = handle.join().map_err(|_| anyhow::anyhow!("hashing {name} panicked"))??;
            if let Some(i) = self.inputs.get_mut(&name) {
                i.sha256 = digest;
            }
        }
        Ok(self.inputs.into_values().collect())
    }
}

/// Runs every gate enabled in the configuration, in report order.
pub fn run_configured(cfg: &Config, ctx: &mut RunCtx, progress: &crate::ui::Progress) -> Result<Vec<GateResult>> {
    let mut out = Vec::new();
    if let Some(g) = cfg.raw.gates.schema.as_ref().filter(|g| g.enabled) {
        progress.step("schema gate");
        out.extend(run_schema_from_config(cfg, g, ctx)?);
    }
    if let Some(g) = cfg.raw.gates.leakage.as_ref().filter(|g| g.enabled) {
        progress.step("leakage gate");
        out.push(run_leakage_from_config(cfg, g, ctx)?);
    }
    if let Some(g) = cfg.raw.gates.slices.as_ref().filter(|g| g.enabled) {
        progress.step("slices gate");
        out.push(run_slices_from_config(cfg, g, ctx)?);
    }
    if let Some(g) = cfg.raw.gates.baseline.as_ref().filter(|g| g.enabled) {
        progress.step("baseline gate");
        out.push(run_baseline_from_config(cfg, g, ctx)?);
    }
    if let Some(g) = cfg.raw.gates.drift.as_ref().filter(|g| g.enabled) {
        progress.step("drift gate");
        out.push(run_drift_from_config(cfg, g, ctx)?);
    }
    if out.is_empty() {
        return Err(user(format!("{} enables no gates", cfg.path.display()))
            .hint("add a [gates.schema] table (see `mlgate init`), or run one gate ad hoc with `mlgate gate …`")
            .into());
    }
    Ok(out)
}

/// Loads a schema file and the optional record-level JSON Schema.
pub struct SchemaInputs {
    pub schema: schema::DataSchema,
    pub schema_shown: String,
    pub records: Option<(jsonschema::Validator, String)>,
}

impl SchemaInputs {
    pub fn load(
        schema_path: &Path,
        schema_shown: &str,
        json_schema: Option<(&Path, &str)>,
        ctx: &mut RunCtx,
    ) -> Result<SchemaInputs> {
        let schema = schema::DataSchema::load(schema_path, schema_shown)?;
        ctx.record_file("schema", schema_shown, schema_path, "json", None)?;
        let records = match json_schema {
            None => None,
            Some((path, shown)) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    user(format!("cannot read JSON Schema {}: {e}", quoted(shown))).hint("check the path")
                })?;
                let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                    user(format!("{shown}:{}:{}: not valid JSON: {e}", e.line(), e.column()))
                        .hint("a JSON Schema is a JSON object")
                })?;
                let v = jsonschema::validator_for(&value).map_err(|e| {
                    user(format!("{shown} is not a valid JSON Schema: {e}"))
                        .hint("remote $refs are not fetched; bundle referenced schemas into the file")
                })?;
                ctx.record_file("json_schema", shown, path, "json", None)?;
                Some((v, shown.to_string()))
            }
        };
        Ok(SchemaInputs { schema, schema_shown: schema_shown.to_string(), records })
    }

    /// Runs the schema gate on one source.
    pub fn check(&self, src: &Source, ctx: &mut RunCtx) -> Result<GateResult> {
        let df = src.load_with(&schema::read_overrides(&self.schema))?;
        ctx.record_source(src, Some(df.height() as u64))?;
        let mut g = schema::run(&src.name, &df, &self.schema, &self.schema_shown)?;
        if let Some((validator, shown)) = &self.records {
            let c = if src.format == Format::JsonLines {
                schema::check_records(&src.name, &src.path, validator, shown)?
            } else {
                crate::results::Check::new(
                    schema::code::RECORD,
                    &src.name,
                    crate::results::Status::Skipped,
                    format!("{shown} applies to JSON Lines inputs; this is {}", src.format.as_str()),
                )
            };
            g.checks.push(c);
            g.status = crate::results::Status::worst(g.checks.iter().map(|c| c.status));
            g.inputs.push("json_schema".into());
        }
        Ok(g)
    }
}

fn run_schema_from_config(cfg: &Config, g: &SchemaGateConfig, ctx: &mut RunCtx) -> Result<Vec<GateResult>> {
    let at = cfg.at(&g.schema.span());
    let inputs = SchemaInputs::load(
        &cfg.resolve(g.schema.get_ref()),
        g.schema.get_ref(),
        g.json_schema
            .as_ref()
            .map(|j| (cfg.resolve(j.get_ref()), j.get_ref().as_str()))
            .as_ref()
            .map(|(p, s)| (p.as_path(), *s)),
        ctx,
    )
    .with_context(|| format!("[gates.schema] at {at}"))?;
    let names: Vec<String> = match &g.datasets {
        Some(list) => list.iter().map(|s| s.get_ref().clone()).collect(),
        None => cfg.raw.data.keys().cloned().collect(),
    };
    if names.is_empty() {
        return Err(user("[gates.schema] has no datasets to check")
            .hint("add datasets to [data], or list them in [gates.schema].datasets")
            .into());
    }
    names
        .iter()
        .map(|n| {
            let src = cfg.source(n)?;
            inputs.check(&src, ctx)
        })
        .collect()
}

/// Builds drift settings from a `[gates.drift]` table.
pub fn drift_settings(cfg: &Config, g: &crate::config::DriftGateConfig) -> Result<drift::DriftSettings> {
    let mut s = drift::DriftSettings::default();
    if let Some(b) = g.bins {
        s.compare.bins = b;
    }
    if let Some(e) = g.empty_bins {
        s.compare.empty_bins = e;
    }
    if let Some(e) = g.epsilon {
        s.compare.epsilon = e;
    }
    s.compare.evidently = g.compat == Some(drift::Compat::Evidently);
    let t = &mut s.thresholds;
    t.psi = t.psi.overridden(g.psi.as_ref());
    t.ks = t.ks.overridden(g.ks.as_ref());
    t.wasserstein = t.wasserstein.overridden(g.wasserstein.as_ref());
    t.js = t.js.overridden(g.js.as_ref());
    t.chi2 = t.chi2.overridden(g.chi2.as_ref());
    t.null_rate = t.null_rate.overridden(g.null_rate.as_ref());
    t.unseen = t.unseen.overridden(g.unseen.as_ref());
    s.importance_share = s.importance_share.overridden(g.importance_share.as_ref());
    s.overrides = g.features.clone();
    if let Some(a) = g.alpha {
        s.alpha = a;
    }
    if let Some(c) = g.correction {
        s.correction = c;
    }
    if let Some(m) = g.min_rows {
        s.min_rows = m;
    }
    if let Some(m) = g.method {
        s.method = m;
    }
    if let Some(b) = g.exact_max_bytes {
        s.exact_max_bytes = b;
    }
    if let Some(i) = &g.importance {
        let path = cfg.resolve(i.get_ref());
        let w = drift::load_importance(&path, i.get_ref())
            .with_context(|| format!("[gates.drift].importance at {}", cfg.at(&i.span())))?;
        s.importance = Some((w, i.get_ref().clone()));
    }
    Ok(s)
}

fn run_drift_from_config(cfg: &Config, g: &crate::config::DriftGateConfig, ctx: &mut RunCtx) -> Result<GateResult> {
    let settings = drift_settings(cfg, g)?;
    if let Some((_, shown)) = &settings.importance {
        ctx.record_file("importance", shown, &cfg.resolve(shown), "importance", None)?;
    }
    let reference = drift::side_from_config(cfg, &g.reference, "reference")?;
    let current = drift::side_from_config(cfg, &g.current, "current")?;
    let score_reference = match &g.score_reference {
        Some(s) => Some(drift::SideSpec::Data(cfg.source(s.get_ref())?)),
        None => None,
    };
    let cols = &cfg.raw.columns;
    let mut exclude: Vec<String> = cols.role_columns();
    if let Some(sc) = cols.score() {
        exclude.retain(|c| c != sc);
    }
    let selection = drift::Selection {
        columns: g
            .columns
            .as_ref()
            .map(|c| c.iter().map(|s| s.get_ref().clone()).collect())
            .or_else(|| cols.features.as_ref().map(|f| f.iter().map(|s| s.get_ref().clone()).collect())),
        exclude,
        score: cols.score().map(str::to_string),
    };
    drift::run(&reference, &current, score_reference.as_ref(), &selection, &settings, ctx)
}

fn run_leakage_from_config(cfg: &Config, g: &crate::config::LeakageGateConfig, ctx: &mut RunCtx) -> Result<GateResult> {
    let cols = &cfg.raw.columns;
    let mut s = leakage::LeakageSettings {
        label: cols.label().map(str::to_string),
        entity: cols.entity().map(str::to_string),
        timestamp: cols.timestamp().map(str::to_string),
        temporal: g.split == Some(crate::config::SplitKind::Temporal),
        observed_at: g.observed_at.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        features: g
            .features
            .clone()
            .or_else(|| cols.features.as_ref().map(|f| f.iter().map(|s| s.get_ref().clone()).collect())),
        exclude: {
            let mut e: Vec<String> = cols.ignore.iter().map(|s| s.get_ref().clone()).collect();
            e.extend(cols.score().map(str::to_string));
            e.extend(cols.prediction().map(str::to_string));
            e
        },
        ..Default::default()
    };
    if let Some(gap) = &g.gap {
        s.gap_us = crate::data::time::parse_duration(gap.get_ref())?;
    }
    if let Some(z) = &g.timezone {
        s.time.naive_offset = Some(crate::data::time::parse_offset(z.get_ref())?);
    }
    if let Some(u) = g.epoch_unit {
        s.time.epoch_unit = u;
    }
    for (v, f) in [
        (g.max_entity_overlap, &mut s.max_entity_overlap),
        (g.max_duplicate_share, &mut s.max_duplicate_share),
        (g.max_point_in_time_share, &mut s.max_point_in_time_share),
        (g.target_auc, &mut s.target_auc),
        (g.target_rho, &mut s.target_rho),
    ] {
        if let Some(v) = v {
            *f = v;
        }
    }
    let train_src = cfg.source(g.train.get_ref())?;
    let test_src = g.test.as_ref().map(|t| cfg.source(t.get_ref())).transpose()?;
    run_leakage(&train_src, test_src.as_ref(), &s, ctx)
}

/// Loads the splits, checks the configured columns exist, and runs the leakage gate.
pub fn run_leakage(
    train: &Source,
    test: Option<&Source>,
    s: &leakage::LeakageSettings,
    ctx: &mut RunCtx,
) -> Result<GateResult> {
    ctx.record_source_async(train, None);
    let train_df = train.load()?;
    ctx.record_source_async(train, Some(train_df.height() as u64));
    let test_df = match test {
        Some(t) => {
            ctx.record_source_async(t, None);
            let df = t.load()?;
            ctx.record_source_async(t, Some(df.height() as u64));
            Some(df)
        }
        None => None,
    };
    // Configured columns must exist: a typo must not silently skip a check.
    let mut needed: Vec<(&str, &str)> = Vec::new();
    if let Some(l) = &s.label {
        needed.push((l, "the label ([columns].label / --label)"));
    }
    if let Some(e) = &s.entity {
        needed.push((e, "the entity ([columns].entity / --entity)"));
    }
    if let Some(t) = &s.timestamp {
        needed.push((t, "the as-of timestamp ([columns].timestamp / --timestamp)"));
    }
    for (f, c) in &s.observed_at {
        needed.push((f, "a feature in observed_at"));
        needed.push((c, "an observed-at column"));
    }
    for f in s.features.iter().flatten() {
        needed.push((f, "a listed feature"));
    }
    for (name, role) in needed {
        crate::data::require_columns(train_df.schema(), &[name], train, role)?;
    }
    let mut g = leakage::run(&train_df, test_df.as_ref(), s)?;
    g.inputs = std::iter::once(train.name.clone()).chain(test.map(|t| t.name.clone())).collect();
    Ok(g)
}

/// The prediction columns from `[columns]`, with the label required.
fn pred_spec(
    cfg: &Config,
    threshold: Option<f64>,
    positive: &Option<String>,
    task: Option<crate::stats::metrics::Task>,
    gate: &str,
) -> Result<model::PredSpec> {
    let cols = &cfg.raw.columns;
    let label = cols.label().ok_or_else(|| {
        user(format!("{gate} needs the label column: set [columns].label"))
            .hint("the label is the outcome the model predicts, e.g. label = \"churned\"")
    })?;
    Ok(model::PredSpec {
        label: label.to_string(),
        score: cols.score().map(str::to_string),
        prediction: cols.prediction().map(str::to_string),
        threshold: threshold.unwrap_or(0.5),
        positive: positive.clone(),
        task,
    })
}

fn slice_defs(
    by: &[crate::config::SliceSpec],
    bins: &BTreeMap<String, Vec<f64>>,
    quantiles: &BTreeMap<String, usize>,
) -> Vec<slices::SliceBy> {
    let mut out: Vec<slices::SliceBy> = by
        .iter()
        .map(|s| match s {
            crate::config::SliceSpec::One(c) => slices::SliceBy::Column(c.clone()),
            crate::config::SliceSpec::Cross(v) => slices::SliceBy::Cross(v[0].clone(), v[1].clone()),
        })
        .collect();
    out.extend(bins.iter().map(|(c, e)| slices::SliceBy::Bins(c.clone(), e.clone())));
    out.extend(quantiles.iter().map(|(c, k)| slices::SliceBy::Quantiles(c.clone(), *k)));
    out
}

fn run_slices_from_config(cfg: &Config, g: &crate::config::SlicesGateConfig, ctx: &mut RunCtx) -> Result<GateResult> {
    let spec = pred_spec(cfg, g.threshold, &g.positive, g.task, "[gates.slices]")?;
    let src = cfg.source(g.predictions.get_ref())?;
    let mut s = slices::SlicesSettings { by: slice_defs(&g.by, &g.bins, &g.quantiles), ..Default::default() };
    if let Some(v) = g.min {
        s.min = Some(v);
    }
    if g.max_gap.is_some() {
        s.max_gap = g.max_gap;
    }
    for (v, f) in [(g.min_rows, &mut s.min_rows), (g.seed, &mut s.seed)] {
        if let Some(v) = v {
            *f = v;
        }
    }
    if let Some(v) = g.confidence {
        s.level = v;
    }
    if let Some(v) = g.bootstrap {
        s.bootstrap = v;
    }
    if let Some(v) = g.max_slices {
        s.max_slices = v;
    }
    run_slices(&src, &spec, g.metric, s, ctx)
}

/// Loads predictions and runs the slices gate (`metric` None = the task's default).
pub fn run_slices(
    src: &Source,
    spec: &model::PredSpec,
    metric: Option<crate::stats::metrics::Metric>,
    mut s: slices::SlicesSettings,
    ctx: &mut RunCtx,
) -> Result<GateResult> {
    ctx.record_source_async(src, None);
    let metrics: Vec<_> = metric.into_iter().collect();
    let loaded = model::load(src, spec, &metrics)?;
    ctx.record_source_async(src, Some(loaded.total_rows));
    s.metric = metric.unwrap_or_else(|| model::default_metric(loaded.task));
    let mut g = slices::run(&loaded, &s, &src.name)?;
    g.inputs = vec![src.name.clone()];
    Ok(g)
}

fn run_baseline_from_config(
    cfg: &Config,
    g: &crate::config::BaselineGateConfig,
    ctx: &mut RunCtx,
) -> Result<GateResult> {
    let spec = pred_spec(cfg, g.threshold, &g.positive, g.task, "[gates.baseline]")?;
    let cand = cfg.source(g.candidate.get_ref())?;
    let base = if g.baseline.get_ref() == "trivial" { None } else { Some(cfg.source(g.baseline.get_ref())?) };
    let mut s = baseline::BaselineSettings { metrics: g.metrics.clone().unwrap_or_default(), ..Default::default() };
    for (k, v) in &g.min_improvement {
        s.requirement.insert(metric_by_name(k)?, *v);
    }
    for (k, v) in &g.max_regression {
        s.requirement.insert(metric_by_name(k)?, -*v);
    }
    if let Some(v) = g.confidence {
        s.level = v;
    }
    if let Some(v) = g.bootstrap {
        s.bootstrap = v;
    }
    if let Some(v) = g.seed {
        s.seed = v;
    }
    if let Some(v) = g.trivial {
        s.trivial_check = v;
    }
    run_baseline(&cand, base.as_ref(), &spec, cfg.raw.columns.entity(), &s, ctx)
}

/// A metric from its config name.
pub fn metric_by_name(name: &str) -> Result<crate::stats::metrics::Metric> {
    use clap::ValueEnum;
    crate::stats::metrics::Metric::value_variants().iter().find(|m| m.name() == name).copied().ok_or_else(|| {
        user(format!("unknown metric {}", quoted(name)))
            .hint("see `mlgate gate slices --help` for the metric names")
            .into()
    })
}

/// Loads candidate (and baseline) predictions and runs the baseline gate.
pub fn run_baseline(
    cand: &Source,
    base: Option<&Source>,
    spec: &model::PredSpec,
    entity: Option<&str>,
    s: &baseline::BaselineSettings,
    ctx: &mut RunCtx,
) -> Result<GateResult> {
    let metrics = s.metrics.clone();
    ctx.record_source_async(cand, None);
    let c = model::load(cand, spec, &metrics)?;
    ctx.record_source_async(cand, Some(c.total_rows));
    let b = match base {
        Some(src) => {
            ctx.record_source_async(src, None);
            let b = model::load(src, spec, &metrics)?;
            ctx.record_source_async(src, Some(b.total_rows));
            Some(b)
        }
        None => None,
    };
    let which = match (&b, base) {
        (Some(l), Some(src)) => baseline::Baseline::Model { loaded: l, name: &src.name },
        _ => baseline::Baseline::Trivial,
    };
    let mut g = baseline::run(&c, which, entity, s)?;
    g.inputs = std::iter::once(cand.name.clone()).chain(base.map(|b| b.name.clone())).collect();
    Ok(g)
}
