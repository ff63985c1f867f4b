//! Outcomes for the drift gate's diagnosis of drift kinds: the label of the reference rows,
//! the label and score of the score's reference (or the reference itself), and the label
//! and score of the current rows — from the current data's own label column, or joined from
//! `[gates.drift].labels` on `[columns].entity` (delayed outcomes, some still unknown).

use anyhow::Result;
use polars::prelude::*;

use super::RunCtx;
use super::frame::{first_repeat, floats, id_column, outcomes};
use super::resolve::{Resolve, SideSpec};
use crate::data::Source;
use crate::error::{quoted, user};
use crate::gates::drift::cfg::{Spec, TABLE};
use crate::gates::drift::diagnosis::{Labelled, Outcomes};

/// The outcomes of every side that has them; `None` when no label column is configured.
pub fn load(
    spec: &Spec,
    reference: &SideSpec,
    current: &SideSpec,
    score_reference: Option<&SideSpec>,
    resolve: &dyn Resolve,
    ctx: &mut RunCtx,
) -> Result<Option<Labelled>> {
    let sel = &spec.settings.selection;
    let Some(label) = sel.label.clone() else { return Ok(None) };
    let score = sel.score.as_deref();
    let mut l = Labelled { label: label.clone(), score: score.unwrap_or_default().to_string(), ..Labelled::default() };
    let reference_rows = side(reference, &label, score, &mut l.gaps)?;
    let scored_reference = match score_reference {
        Some(sr) => side(sr, &label, score, &mut l.gaps)?,
        None => Some(None),
    };
    // A reference label that is not 0/1 (a regression target) has no label rate or AUC:
    // the kinds are not told apart, and the gate says so instead of stopping.
    let (Some(reference_rows), Some(scored_reference)) = (reference_rows, scored_reference) else {
        l.current = None;
        return Ok(Some(l));
    };
    (l.reference, l.score_reference) = (reference_rows, scored_reference);
    l.current = match &spec.inputs.labels {
        Some(name) => Some(joined(spec, current, resolve.source("labels", name)?, &label, score, resolve, ctx)?),
        None => current_side(current, &label, score, &mut l.gaps)?,
    };
    if l.current.is_none() {
        l.gaps.push(format!(
            "give delayed outcomes with [gates.drift].labels (a [data] name with {} and {}) to tell prior and concept drift from input drift",
            sel.entity.as_deref().map(quoted).unwrap_or_else(|| "the [columns].entity id".into()),
            quoted(&label)
        ));
    }
    if l.scored_reference().is_none() && score.is_some() {
        l.gaps.push(
            "no reference input carries both the label and the score: set [gates.drift].score_reference to predictions with outcomes (e.g. the test set's)".into(),
        );
    }
    Ok(Some(l))
}

/// The label (and score) of a reference side that has the label column (`Some(None)` with a
/// gap otherwise); `None` when its label is not a 0/1 outcome.
fn side(side: &SideSpec, label: &str, score: Option<&str>, gaps: &mut Vec<String>) -> Result<Option<Option<Outcomes>>> {
    let Some(src) = data_with_label(side, label, gaps)? else { return Ok(Some(None)) };
    let (df, score) = read(src, label, score)?;
    let label_values = match outcomes(&df, label, src) {
        Ok(v) => v,
        Err(e) => {
            let why = crate::error::find_user_error(&e).map(|u| u.message.clone()).unwrap_or_else(|| e.to_string());
            *gaps = vec![format!(
                "the reference's {} is not a 0/1 outcome ({why}); the drift kinds need a binary label",
                quoted(label)
            )];
            return Ok(None);
        }
    };
    Ok(Some(Some(Outcomes { source: src.name.clone(), label: label_values, score: scores(&df, score, src)? })))
}

/// The current side's label (and score), when it has the label column; a bad outcome
/// value there is an error.
fn current_side(side: &SideSpec, label: &str, score: Option<&str>, gaps: &mut Vec<String>) -> Result<Option<Outcomes>> {
    let Some(src) = data_with_label(side, label, gaps)? else { return Ok(None) };
    let (df, score) = read(src, label, score)?;
    Ok(Some(Outcomes { source: src.name.clone(), label: outcomes(&df, label, src)?, score: scores(&df, score, src)? }))
}

/// The data file of a side that has the label column; a gap for a profile or a file without it.
fn data_with_label<'a>(side: &'a SideSpec, label: &str, gaps: &mut Vec<String>) -> Result<Option<&'a Source>> {
    let src = match side {
        SideSpec::Profile { name, .. } => {
            gaps.push(format!("{name} is a saved profile, and outcomes need its rows"));
            return Ok(None);
        }
        SideSpec::Sql { name, .. } | SideSpec::Computed { name, .. } => {
            gaps.push(format!("{name} is profiled in an engine, and outcomes need its rows"));
            return Ok(None);
        }
        SideSpec::Data(src) => src,
    };
    if !src.schema()?.contains(label) {
        gaps.push(format!("{} has no column {}", src.name, quoted(label)));
        return Ok(None);
    }
    Ok(Some(src))
}

/// The label column and, when the file has it, the score column.
fn read<'a>(src: &Source, label: &str, score: Option<&'a str>) -> Result<(DataFrame, Option<&'a str>)> {
    let schema = src.schema()?;
    let score = score.filter(|s| schema.contains(s));
    let cols: Vec<Expr> = [Some(label), score].into_iter().flatten().map(col).collect();
    Ok((src.scan(Some(10_000))?.select(cols).collect().map_err(|e| src.read_error(e))?, score))
}

fn scores(df: &DataFrame, score: Option<&str>, src: &Source) -> Result<Vec<f64>> {
    score.map(|s| floats(df, s, src)).transpose().map(Option::unwrap_or_default)
}

/// The current rows with outcomes joined from the labels input on the entity id: a current
/// row whose id has no outcome yet stays unlabelled; an id twice in the labels is an error.
fn joined(
    spec: &Spec,
    current: &SideSpec,
    labels: Source,
    label: &str,
    score: Option<&str>,
    resolve: &dyn Resolve,
    ctx: &mut RunCtx,
) -> Result<Outcomes> {
    let sel = &spec.settings.selection;
    let SideSpec::Data(cur) = current else {
        return Err(user(format!(
            "[gates.drift].labels joins outcomes to the current rows, but {} is a saved profile",
            current.name()
        ))
        .hint("give the current data as a data file, or leave `labels` out")
        .into());
    };
    let entity = sel.entity.as_deref().unwrap_or_default();
    let cur_schema = cur.schema()?;
    let needed = [(entity, (TABLE, "labels"), "the id column outcomes are joined on ([columns].entity)")];
    super::require_columns(&cur_schema, cur, &needed, &spec.spans, resolve)?;
    ctx.record_source_async(&labels, None);
    let lab = labels.load()?;
    ctx.record_source_async(&labels, Some(lab.height() as u64));
    let needed = [
        (entity, (TABLE, "labels"), "the id column outcomes are joined on ([columns].entity)"),
        (label, (TABLE, "labels"), "the outcome column ([columns].label)"),
    ];
    super::require_columns(lab.schema(), &labels, &needed, &spec.spans, resolve)?;
    let ids = id_column(&lab, entity)?;
    if let Some((id, j, i)) = first_repeat(&ids)? {
        return Err(user(format!(
            "the id {} appears twice in the outcomes {} (data rows {} and {})",
            quoted(&id),
            quoted(&labels.display),
            j + 1,
            i + 1
        ))
        .hint("each id needs one outcome: deduplicate the outcomes file, or set [columns].entity to an id unique per scored row")
        .into());
    }
    let score = score.filter(|s| cur_schema.contains(s));
    let mut cur_cols = vec![col(entity).cast(DataType::String)];
    cur_cols.extend(score.map(col));
    let right = DataFrame::new_infer_height(vec![ids.into_column(), lab.column(label)?.clone()])?.lazy();
    let df = cur
        .scan(Some(10_000))?
        .select(cur_cols)
        .with_row_index("__mlgate_row", None)
        .join(right, [col(entity)], [col(entity)], JoinArgs::new(JoinType::Left))
        .sort(["__mlgate_row"], SortMultipleOptions::default())
        .collect()
        .map_err(|e| cur.read_error(e))?;
    Ok(Outcomes { source: cur.name.clone(), label: outcomes(&df, label, &labels)?, score: scores(&df, score, cur)? })
}
