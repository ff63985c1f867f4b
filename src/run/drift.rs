//! Loading for the drift gate: which columns to compare, whether to compare exactly (all
//! values in memory) or binned (streaming profiles), reading each side, the score's own
//! reference, and the importance file. Then the pure `gates::drift::run` judges.

use anyhow::Result;
use rayon::prelude::*;

use super::RunCtx;
use super::resolve::{Resolve, SideSpec};
use crate::error::{quoted, user};
use crate::gates::drift::cfg::{Spec, TABLE};
use crate::gates::drift::column::ColumnData;
use crate::gates::drift::{self, Loaded, Method, Settings, Side};
use crate::profile::Profile;
use crate::results::GateResult;

/// Loads both sides of a drift spec and runs the gate.
pub fn run(spec: &Spec, resolve: &dyn Resolve, ctx: &mut RunCtx) -> Result<GateResult> {
    let s = &spec.settings;
    let importance = match &spec.inputs.importance {
        Some(i) => {
            let f = resolve.file(TABLE, "importance", i)?;
            let text = std::fs::read_to_string(&f.path).map_err(|e| {
                user(format!("cannot read importance file {}: {e}", quoted(&f.shown)))
                    .hint(format!("check the path given in {}", f.origin))
            })?;
            let w = drift::importance::parse(&text, &f.shown).map_err(|e| e.context(f.origin.clone()))?;
            ctx.record_file("importance", &f.shown, &f.path, "importance", None)?;
            Some((w, f.shown))
        }
        None => None,
    };
    let reference = resolve.side("reference", &spec.inputs.reference)?;
    let current = resolve.side("current", &spec.inputs.current)?;
    let score_reference = match &spec.inputs.score_reference {
        Some(v) => Some(SideSpec::Data(resolve.source("score_reference", v)?)),
        None => None,
    };
    let wanted = select(spec, &reference, &current, score_reference.as_ref(), resolve)?;
    let exact = choose_exact(s, &reference, &current)?;
    let mut r = load_side(&reference, &wanted, exact, ctx)?;
    let c = load_side(&current, &wanted, exact, ctx)?;
    if let (Some(sr), Some(sc)) = (&score_reference, &s.selection.score) {
        let l = load_side(sr, std::slice::from_ref(sc), exact && matches!(sr, SideSpec::Data(_)), ctx)?;
        match l.columns.get(sc) {
            Some(d) => {
                r.columns.insert(sc.clone(), d.clone());
            }
            None => {
                return Err(user(format!("score column {} is not in {}", quoted(sc), sr.name()))
                    .hint("set [columns].score to the column holding the model's output")
                    .into());
            }
        }
    }
    let loaded = Loaded {
        reference: r,
        current: c,
        wanted,
        exact,
        score_reference: score_reference.as_ref().map(|s| s.name().to_string()),
        importance,
    };
    Ok(drift::run(&loaded, s))
}

/// The columns to compare: the explicit list (each must exist on a side), or every
/// reference column without a role; the score column too when both sides have it.
fn select(
    spec: &Spec,
    reference: &SideSpec,
    current: &SideSpec,
    score_reference: Option<&SideSpec>,
    resolve: &dyn Resolve,
) -> Result<Vec<String>> {
    let sel = &spec.settings.selection;
    let ref_cols = available(reference)?;
    let cur_cols = available(current)?;
    let mut wanted: Vec<String> = match &sel.columns {
        Some(c) => c.clone(),
        None => ref_cols.iter().filter(|c| !sel.exclude.contains(c)).cloned().collect(),
    };
    if let Some(sc) = &sel.score
        && !wanted.contains(sc)
        && (ref_cols.contains(sc) || score_reference.is_some())
        && cur_cols.contains(sc)
    {
        wanted.push(sc.clone());
    }
    if let Some(c) = &sel.columns
        && let Some(unknown) = c.iter().find(|n| !ref_cols.contains(n) && !cur_cols.contains(n))
    {
        let names: Vec<&str> = ref_cols.iter().map(String::as_str).collect();
        let hint = format!(
            "{}reference columns: {}",
            crate::diag::did_you_mean(unknown, names.iter().copied()),
            crate::data::preview_names(&names)
        );
        let message = format!("column {} is in neither {} nor {}", quoted(unknown), reference.name(), current.name());
        return Err(resolve.locate(spec.spans.problem(unknown, (TABLE, "columns"), message, hint)));
    }
    if wanted.is_empty() {
        return Err(user("no columns to compare")
            .hint("the reference has no columns besides the label/entity/timestamp roles; list columns explicitly")
            .into());
    }
    Ok(wanted)
}

/// Exact when both sides are data files that fit `exact_max_bytes` (or the method says so).
fn choose_exact(s: &Settings, reference: &SideSpec, current: &SideSpec) -> Result<bool> {
    let both_data = matches!(reference, SideSpec::Data(_)) && matches!(current, SideSpec::Data(_));
    let fits = file_size(reference).saturating_add(file_size(current)) <= s.exact_max_bytes;
    let exact = match s.method {
        Method::Exact => both_data,
        Method::Binned => false,
        Method::Auto => both_data && (fits || s.compare.evidently),
    };
    if s.compare.evidently && !exact {
        return Err(user("Evidently compatibility needs both sides as data files, read exactly")
            .hint("pass data files (not profiles) for reference and current, and do not force --method binned")
            .into());
    }
    if s.method == Method::Exact && !both_data {
        return Err(user("--method exact needs data files on both sides; a profile can only be compared binned")
            .hint("use --method auto or binned with a profile reference")
            .into());
    }
    Ok(exact)
}

fn available(side: &SideSpec) -> Result<Vec<String>> {
    Ok(match side {
        SideSpec::Data(src) => src.schema()?.iter_names().map(|n| n.to_string()).collect(),
        SideSpec::Profile { path, shown, .. } => {
            Profile::load(path, shown)?.columns.iter().map(|c| c.name.clone()).collect()
        }
    })
}

fn load_side(side: &SideSpec, wanted: &[String], exact: bool, ctx: &mut RunCtx) -> Result<Side> {
    match side {
        SideSpec::Profile { name, path, shown } => {
            let p = Profile::load(path, shown)?;
            ctx.record_file(name, shown, path, "profile", Some(p.rows))?;
            let columns = p
                .columns
                .iter()
                .filter(|c| wanted.contains(&c.name))
                .map(|c| (c.name.clone(), ColumnData::from_profile(c)))
                .collect();
            Ok(Side {
                name: name.clone(),
                columns,
                names: p.columns.iter().map(|c| c.name.clone()).collect(),
                rows: p.rows,
            })
        }
        SideSpec::Data(src) => {
            let schema = src.schema()?;
            let present: Vec<String> = wanted.iter().filter(|w| schema.contains(w)).cloned().collect();
            let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
            if exact {
                // polars fills short CSV rows with nulls: check field counts alongside the read.
                let csv_check = matches!(src.format, crate::data::Format::Csv | crate::data::Format::Tsv).then(|| {
                    let path = src.path.clone();
                    let sep = if src.format == crate::data::Format::Tsv { b'\t' } else { b',' };
                    std::thread::spawn(move || crate::data::diagnose::csv_problem(&path, sep))
                });
                ctx.record_source_async(src, None);
                let df = {
                    use polars::prelude::*;
                    let lf =
                        src.scan(Some(10_000))?.select(present.iter().map(|n| col(n.as_str())).collect::<Vec<_>>());
                    lf.collect().map_err(|e| src.read_error(e))?
                };
                if let Some(Ok(Some(p))) = csv_check.map(|h| h.join()) {
                    return Err(user(format!(
                        "data file {} ({}) is not valid CSV: {p}",
                        quoted(&src.display),
                        src.name
                    ))
                    .hint(format!("every row needs as many fields as the header (given in {})", src.origin))
                    .into());
                }
                let rows = df.height() as u64;
                if rows == 0 {
                    return Err(user(format!("data file {} ({}) has no data rows", quoted(&src.display), src.name))
                        .hint("an empty sample cannot be compared; check the export that wrote it")
                        .into());
                }
                ctx.record_source_async(src, Some(rows));
                let cols: Vec<(String, ColumnData)> = present
                    .par_iter()
                    .map(|n| {
                        let s = df.column(n).expect("selected").as_materialized_series();
                        ColumnData::from_series(s).map(|d| (n.clone(), d))
                    })
                    .collect::<Result<_>>()?;
                Ok(Side { name: src.name.clone(), columns: cols.into_iter().collect(), names, rows })
            } else {
                let p = crate::profile::stream::profile_source(src, Some(&present))?;
                ctx.record_source_digest(src, Some(p.rows), &p.sources[0].sha256);
                let columns = p.columns.iter().map(|c| (c.name.clone(), ColumnData::from_profile(c))).collect();
                Ok(Side { name: src.name.clone(), columns, names, rows: p.rows })
            }
        }
    }
}

fn file_size(side: &SideSpec) -> u64 {
    match side {
        SideSpec::Data(s) => std::fs::metadata(&s.path).map(|m| m.len()).unwrap_or(u64::MAX),
        SideSpec::Profile { .. } => 0,
    }
}
