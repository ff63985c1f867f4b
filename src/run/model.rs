//! Loading for the model gates (slices, baseline): prediction files, with a check that the
//! label, score, prediction, entity and slice columns the settings name exist.

use anyhow::Result;

use super::RunCtx;
use super::resolve::Resolve;
use crate::data::Source;
use crate::gates::baseline::cfg::Spec as BaselineSpec;
use crate::gates::cfg::Spans;
use crate::gates::model::{self, Loaded, PredSpec};
use crate::gates::slices::cfg::Spec as SlicesSpec;
use crate::gates::{baseline, slices};
use crate::results::GateResult;
use crate::stats::metrics::Metric;

/// Reads one predictions file and checks its columns.
fn load(
    src: &Source,
    spec: &PredSpec,
    metrics: &[Metric],
    extra: &[(&str, (&str, &str), &str)],
    spans: &Spans,
    resolve: &dyn Resolve,
    ctx: &mut RunCtx,
) -> Result<Loaded> {
    ctx.record_source_async(src, None);
    let df = src.load()?;
    let mut needed: Vec<(&str, (&str, &str), &str)> = vec![(&spec.label, ("[columns]", "label"), "the label")];
    needed.extend(spec.score.as_deref().map(|s| (s, ("[columns]", "score"), "the score")));
    needed.extend(spec.prediction.as_deref().map(|p| (p, ("[columns]", "prediction"), "the predicted class")));
    needed.extend_from_slice(extra);
    super::require_columns(df.schema(), src, &needed, spans, resolve)?;
    let loaded = model::from_frame(df, &src.display, spec, metrics)?;
    ctx.record_source_async(src, Some(loaded.total_rows));
    Ok(loaded)
}

/// The slices gate on its predictions.
pub fn slices(spec: &SlicesSpec, resolve: &dyn Resolve, ctx: &mut RunCtx) -> Result<GateResult> {
    let s = &spec.settings;
    let src = resolve.source("predictions", &spec.predictions)?;
    let metrics: Vec<Metric> = s.metric.into_iter().collect();
    let by: Vec<(&str, (&str, &str), &str)> =
        s.by.iter().flat_map(|b| b.columns()).map(|c| (c, (slices::cfg::TABLE, "by"), "the slice column")).collect();
    let loaded = load(&src, &s.predictions, &metrics, &by, &spec.spans, resolve, ctx)?;
    let mut g = slices::run(&loaded, s)?;
    g.inputs = vec![src.name.clone()];
    Ok(g)
}

/// The baseline gate: the candidate against the champion's predictions, or a trivial model.
pub fn baseline(spec: &BaselineSpec, resolve: &dyn Resolve, ctx: &mut RunCtx) -> Result<GateResult> {
    let s = &spec.settings;
    let cand_src = resolve.source("candidate", &spec.candidate)?;
    let base_src = spec.baseline.as_ref().map(|b| resolve.source("baseline", b)).transpose()?;
    // The entity is not required: without it in both files, rows pair by row number.
    let cand = load(&cand_src, &s.predictions, &s.metrics, &[], &spec.spans, resolve, ctx)?;
    let base = match &base_src {
        Some(src) => Some(load(src, &s.predictions, &s.metrics, &[], &spec.spans, resolve, ctx)?),
        None => None,
    };
    let which = match (&base, &base_src) {
        (Some(l), Some(src)) => baseline::Baseline::Model { loaded: l, name: &src.name },
        _ => baseline::Baseline::Trivial,
    };
    let mut g = baseline::run(&cand, which, s)?;
    g.inputs = std::iter::once(cand_src.name.clone()).chain(base_src.map(|b| b.name)).collect();
    Ok(g)
}
