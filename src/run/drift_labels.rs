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
    let mut l = Labelled { label: label.clone(), ..Labelled::default() };
    let reference_rows = side(reference, &label, score, &mut l.gaps)?;
    let scored_reference = match score_reference {
        Some(sr) => side(sr, &label, score, &mut l.gaps)?,
        None => None,
    };
    l.reference_scored = scored_reference.or_else(|| reference_rows.clone()).filter(|o| !o.score.is_empty());
    l.reference = reference_rows.or_else(|| l.reference_scored.clone());
    l.current = match &spec.inputs.labels {
        Some(name) => Some(joined(spec, current, resolve.source("labels", name)?, &label, score, resolve, ctx)?),
        None => side(current, &label, score, &mut l.gaps)?,
    };
    if l.current.is_none() {
        l.gaps.push(format!(
            "give delayed outcomes with [gates.drift].labels (a [data] name with {} and {}) to tell prior and concept drift from input drift",
            sel.entity.as_deref().map(quoted).unwrap_or_else(|| "the [columns].entity id".into()),
            quoted(&label)
        ));
    }
    if l.reference_scored.is_none() && score.is_some() {
        l.gaps.push(
            "no reference input carries both the label and the score: set [gates.drift].score_reference to predictions with outcomes (e.g. the test set's)".into(),
        );
    }
    Ok(Some(l))
}

/// The label (and score) of a data side that has the label column; a gap otherwise.
fn side(side: &SideSpec, label: &str, score: Option<&str>, gaps: &mut Vec<String>) -> Result<Option<Outcomes>> {
    let src = match side {
        SideSpec::Profile { name, .. } => {
            gaps.push(format!("{name} is a saved profile, and outcomes need its rows"));
            return Ok(None);
        }
        SideSpec::Data(src) => src,
    };
    let schema = src.schema()?;
    if !schema.contains(label) {
        gaps.push(format!("{} has no column {}", src.name, quoted(label)));
        return Ok(None);
    }
    let score = score.filter(|s| schema.contains(s));
    let cols: Vec<Expr> = [Some(label), score].into_iter().flatten().map(col).collect();
    let df = src.scan(Some(10_000))?.select(cols).collect().map_err(|e| src.read_error(e))?;
    Ok(Some(Outcomes {
        source: src.name.clone(),
        label: outcomes(&df, label, src)?,
        score: match score {
            Some(s) => floats(&df, s, src)?,
            None => Vec::new(),
        },
    }))
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
    Ok(Outcomes {
        source: cur.name.clone(),
        label: outcomes(&df, label, &labels)?,
        score: match score {
            Some(s) => floats(&df, s, cur)?,
            None => Vec::new(),
        },
    })
}
