//! Loading for the skew gate: both tables, the online columns renamed, and checks that the
//! key, the time and every named column exist on both sides with keys of one kind, each
//! failure naming the file and the column.

use anyhow::Result;
use polars::prelude::*;

use super::RunCtx;
use super::resolve::Resolve;
use crate::data::Source;
use crate::diag::Problem;
use crate::error::quoted;
use crate::gates::skew::cfg::{Spec, TABLE};
use crate::gates::skew::join::KeyClass;
use crate::gates::skew::{self, Sides};
use crate::results::GateResult;

pub fn run(spec: &Spec, resolve: &dyn Resolve, ctx: &mut RunCtx) -> Result<GateResult> {
    let off_src = resolve.source("offline", &spec.offline)?;
    let on_src = resolve.source("online", &spec.online)?;
    let mut frames = Vec::new();
    for src in [&off_src, &on_src] {
        ctx.record_source_async(src, None);
        let df = src.load()?;
        ctx.record_source_async(src, Some(df.height() as u64));
        frames.push(df);
    }
    let mut online = frames.pop().unwrap_or_default();
    let offline = frames.pop().unwrap_or_default();
    rename(&mut online, spec, &on_src, resolve)?;
    require(spec, &offline, &off_src, resolve)?;
    require(spec, &online, &on_src, resolve)?;
    key_kinds(spec, &offline, &online, &off_src, &on_src, resolve)?;
    let mut g = skew::run(&Sides { offline: &offline, online: &online }, &spec.settings)?;
    g.inputs = vec![off_src.name.clone(), on_src.name.clone()];
    Ok(g)
}

fn problem(key: &str, message: String, hint: String) -> Problem {
    Problem { span: None, table: TABLE.into(), key: key.into(), message, hint: Some(hint) }
}

/// Applies `rename` (online name → offline name) to the online table.
fn rename(online: &mut DataFrame, spec: &Spec, src: &Source, resolve: &dyn Resolve) -> Result<()> {
    for (from, to) in &spec.settings.rename {
        let names: Vec<String> = online.get_column_names().iter().map(|n| n.to_string()).collect();
        if !names.contains(from) {
            let message = format!(
                "rename names {}, which is not a column of {} ({})",
                quoted(from),
                quoted(&src.display),
                src.name
            );
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let hint = format!(
                "{}the keys of rename are online column names",
                crate::diag::did_you_mean(from, refs.iter().copied())
            );
            return Err(resolve.locate(problem("rename", message, hint)));
        }
        if names.contains(to) {
            let message = format!(
                "rename maps {} to {}, but {} already has a column {}",
                quoted(from),
                quoted(to),
                quoted(&src.display),
                quoted(to)
            );
            return Err(resolve.locate(problem(
                "rename",
                message,
                "drop one of the two columns, or leave the rename out".into(),
            )));
        }
        online.rename(from, to.as_str().into())?;
    }
    Ok(())
}

/// The key, the time, listed columns and per-feature tables must name columns of the file.
fn require(spec: &Spec, df: &DataFrame, src: &Source, resolve: &dyn Resolve) -> Result<()> {
    let s = &spec.settings;
    let mut needed: Vec<(&str, (&str, &str), &str)> = Vec::new();
    for k in &s.key {
        needed.push((k, (TABLE, "key"), "the key column"));
    }
    if let Some(t) = &s.time {
        needed.push((t, (TABLE, "time"), "the time column"));
    }
    for c in s.columns.iter().flatten() {
        needed.push((c, (TABLE, "columns"), "a listed column"));
    }
    for f in s.overrides.keys() {
        needed.push((f, (TABLE, "features"), "a feature with its own levels"));
    }
    super::require_columns(df.schema(), src, &needed, &spec.spans, resolve)
}

/// Each key column must be whole numbers, text or timestamps, the same on both sides.
fn key_kinds(
    spec: &Spec,
    off: &DataFrame,
    on: &DataFrame,
    off_src: &Source,
    on_src: &Source,
    resolve: &dyn Resolve,
) -> Result<()> {
    for k in &spec.settings.key {
        let (sa, sb) = (off.column(k)?.as_materialized_series(), on.column(k)?.as_materialized_series());
        let (a, b) = (sa.dtype().clone(), sb.dtype().clone());
        let (ka, kb) = (KeyClass::of_series(sa), KeyClass::of_series(sb));
        if ka == KeyClass::Other || kb == KeyClass::Other || ka != kb {
            let message = format!(
                "the key {} is {} ({a}) in {} ({}) but {} ({b}) in {} ({})",
                quoted(k),
                ka.as_str(),
                quoted(&off_src.display),
                off_src.name,
                kb.as_str(),
                quoted(&on_src.display),
                on_src.name
            );
            let hint = "a key must be whole numbers, text or timestamps, the same on both sides: write the ids alike (e.g. cast them to text in the serving log) and run again".to_string();
            return Err(resolve.locate(spec.spans.problem(k, (TABLE, "key"), message, hint)));
        }
    }
    Ok(())
}
