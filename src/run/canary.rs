//! Loading for the canary gate: both prediction logs, the columns each needs, values read as
//! scores, outcomes, latencies and error flags, and — in shadow mode — rows paired on the
//! request id (or by position), each failure naming the file, the column and the fix.

use anyhow::Result;
use polars::prelude::*;

use super::RunCtx;
use super::frame::{first_repeat, floats, id_column, outcomes};
use super::resolve::Resolve;
use crate::data::Source;
use crate::error::{quoted, user};
use crate::gates::canary::cfg::{Spec, TABLE};
use crate::gates::canary::{self, Arm, Arms, Mode};
use crate::results::GateResult;

pub fn run(spec: &Spec, resolve: &dyn Resolve, ctx: &mut RunCtx) -> Result<GateResult> {
    let champ_src = resolve.source("champion", &spec.champion)?;
    let cand_src = resolve.source("candidate", &spec.candidate)?;
    let mut frames = Vec::new();
    for src in [&champ_src, &cand_src] {
        ctx.record_source_async(src, None);
        let df = src.load()?;
        ctx.record_source_async(src, Some(df.height() as u64));
        frames.push(df);
    }
    let cand = frames.pop().unwrap_or_default();
    let champ = frames.pop().unwrap_or_default();
    let arms = arms(spec, (&champ, &champ_src), (&cand, &cand_src), resolve)?;
    let mut g = canary::run(&arms, &spec.settings);
    g.inputs = vec![champ_src.name.clone(), cand_src.name.clone()];
    Ok(g)
}

type Side<'a> = (&'a DataFrame, &'a Source);

/// The two arms, paired in shadow mode.
pub fn arms(spec: &Spec, champ: Side, cand: Side, resolve: &dyn Resolve) -> Result<Arms> {
    let s = &spec.settings;
    let shadow = s.mode == Mode::Shadow;
    for (df, src) in [champ, cand] {
        let mut needed: Vec<(&str, (&str, &str), &str)> = vec![(&s.score, (TABLE, "score"), "the score column")];
        if let Some(k) = &s.key {
            needed.push((k, (TABLE, "key"), "the request id"));
        }
        for (c, key, role) in [(&s.latency, "latency", "the latency column"), (&s.error, "error", "the error flag")] {
            if let Some(c) = c {
                needed.push((c, (TABLE, key), role));
            }
        }
        if let (Some(l), false) = (&s.label, shadow) {
            needed.push((l, (TABLE, "label"), "the outcome column"));
        }
        super::require_columns(df.schema(), src, &needed, &spec.spans, resolve)?;
    }
    let mut a = Arm::default();
    let mut b = Arm::default();
    for ((df, src), arm) in [(champ, &mut a), (cand, &mut b)] {
        arm.score = floats(df, &s.score, src)?;
        if let Some(l) = s.label.as_ref().filter(|l| df.schema().contains(l)) {
            arm.label = outcomes(df, l, src)?;
        }
        if let Some(c) = &s.latency {
            arm.latency = latencies(df, c, src)?;
        }
        if let Some(c) = &s.error {
            arm.error = outcomes(df, c, src)?.into_iter().map(|e| e == Some(true)).collect();
        }
    }
    if let (Some(l), true) = (&s.label, shadow)
        && a.label.is_empty()
        && b.label.is_empty()
    {
        let message = format!(
            "the outcome column {} is in neither {} nor {}",
            quoted(l),
            quoted(&champ.1.display),
            quoted(&cand.1.display)
        );
        return Err(resolve.locate(spec.spans.problem(
            l,
            (TABLE, "label"),
            message,
            "name the column that holds the delayed outcome, or leave `label` out".into(),
        )));
    }
    if !shadow {
        // A request without a latency is left out of the latency check.
        for arm in [&mut a, &mut b] {
            arm.latency.retain(|x| x.is_finite());
        }
        return Ok(Arms { champion: a, candidate: b, paired: false, unpaired: (0, 0) });
    }
    let (ia, ib, unpaired) = match &s.key {
        Some(k) => pair_on(k, champ, cand)?,
        None => {
            let (n, m) = (champ.0.height(), cand.0.height());
            if n != m {
                return Err(user(format!(
                    "shadow mode without a key pairs rows by position, but {} has {} rows and {} has {}",
                    quoted(&champ.1.display),
                    crate::text::int(n as u64),
                    quoted(&cand.1.display),
                    crate::text::int(m as u64)
                ))
                .hint("give the request id as `key` (--key), or set mode = \"canary\" for randomly split traffic")
                .into());
            }
            ((0..n).collect(), (0..n).collect(), (0, 0))
        }
    };
    // One outcome per request: the champion's log, else the candidate's.
    let label: Vec<Option<bool>> = ia
        .iter()
        .zip(&ib)
        .map(|(&i, &j)| a.label.get(i).copied().flatten().or(b.label.get(j).copied().flatten()))
        .collect();
    let pick = |arm: &Arm, idx: &[usize]| Arm {
        score: idx.iter().map(|&i| arm.score[i]).collect(),
        label: if label.iter().any(Option::is_some) || !arm.label.is_empty() { label.clone() } else { Vec::new() },
        latency: if arm.latency.is_empty() {
            vec![]
        } else {
            idx.iter().map(|&i| arm.latency[i]).filter(|x| x.is_finite()).collect()
        },
        error: if arm.error.is_empty() { vec![] } else { idx.iter().map(|&i| arm.error[i]).collect() },
    };
    let (champion, candidate) = (pick(&a, &ia), pick(&b, &ib));
    Ok(Arms { champion, candidate, paired: true, unpaired })
}

/// Latencies: numbers that cannot be negative; missing ones are NaN (left out).
fn latencies(df: &DataFrame, col: &str, src: &Source) -> Result<Vec<f64>> {
    let v = floats(df, col, src)?;
    let bad: Vec<usize> = v.iter().enumerate().filter(|(_, x)| **x < 0.0 || x.is_infinite()).map(|(i, _)| i).collect();
    if let Some(&first) = bad.first() {
        return Err(user(format!(
            "{} in {} has {} negative or infinite latencies (the first on data row {}: {})",
            quoted(col),
            quoted(&src.display),
            crate::text::int(bad.len() as u64),
            first + 1,
            v[first]
        ))
        .hint("a latency is a duration ≥ 0; a negative one usually means clocks of two machines were subtracted — fix the log, or drop those rows")
        .into());
    }
    Ok(v)
}

/// Row indices of the pairs in each log, and the unpaired rows of each.
type Pairs = (Vec<usize>, Vec<usize>, (u64, u64));

/// Pairs the logs on the request id with a polars inner join (ids that repeat in a log are
/// an error, missing ids never pair).
fn pair_on(key: &str, champ: Side, cand: Side) -> Result<Pairs> {
    let (a, b) = (id_column(champ.0, key)?, id_column(cand.0, key)?);
    for (ids, (_, src)) in [(&a, champ), (&b, cand)] {
        if let Some((id, j, i)) = first_repeat(ids)? {
            return Err(user(format!(
                "the request id {} repeats in {} (data rows {} and {})",
                quoted(&id),
                quoted(&src.display),
                j + 1,
                i + 1
            ))
            .hint("shadow rows pair one to one on the request id: deduplicate the log, or name a column that is unique per request as `key`")
            .into());
        }
    }
    let frame = |ids: &Series, idx: &str| -> Result<LazyFrame> {
        Ok(DataFrame::new_infer_height(vec![ids.clone().into_column()])?.with_row_index(idx.into(), None)?.lazy())
    };
    let joined = frame(&a, "ia")?
        .join(frame(&b, "ib")?, [col(key)], [col(key)], JoinArgs::new(JoinType::Inner))
        .select([col("ia"), col("ib")])
        .sort(["ia"], SortMultipleOptions::default())
        .collect()?;
    let to_vec = |c: &str| -> Result<Vec<usize>> {
        Ok(joined.column(c)?.as_materialized_series().idx()?.iter().map(|x| x.unwrap_or(0) as usize).collect())
    };
    let (ia, ib) = (to_vec("ia")?, to_vec("ib")?);
    let unpaired = ((a.len() - ia.len()) as u64, (b.len() - ib.len()) as u64);
    if ia.is_empty() && !(a.is_empty() || b.is_empty()) {
        let ex = |s: &Series| -> String {
            s.str().map(|c| c.iter().flatten().take(3).map(quoted).collect::<Vec<_>>().join(", ")).unwrap_or_default()
        };
        return Err(user(format!(
            "no request id of {} is in {} (e.g. {} against {})",
            quoted(&champ.1.display),
            quoted(&cand.1.display),
            ex(&a),
            ex(&b)
        ))
        .hint("both logs must carry the same request id for shadow pairing; for randomly split traffic set mode = \"canary\"")
        .into());
    }
    Ok((ia, ib, unpaired))
}
