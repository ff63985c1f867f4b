//! Drift sides that are queries (`[data] x = { sql, engine, url_env }`): the engine computes
//! their profiles before anything is read here. The reference first, so that a current query
//! is counted over the reference's cuts; a reference read here from a file then gets cuts
//! of its own (its exact quantiles) for the query to be counted over.

use anyhow::Result;

use super::RunCtx;
use super::resolve::SideSpec;
use crate::error::user;
use crate::profile::{GRID_PROFILE_VERSION, Profile};
use crate::warehouse::{Dialect, Job, postgres};

/// Both sides with every query replaced by the profile its engine computed.
pub fn materialize(reference: SideSpec, current: SideSpec, ctx: &mut RunCtx) -> Result<(SideSpec, SideSpec)> {
    if !matches!(current, SideSpec::Sql { .. }) && !matches!(reference, SideSpec::Sql { .. }) {
        return Ok((reference, current));
    }
    let reference = match reference {
        SideSpec::Sql { name, query, origin } => computed(&name, &query, &origin, None, ctx)?,
        SideSpec::Data(src) if matches!(current, SideSpec::Sql { .. }) => {
            let levels = match &current {
                SideSpec::Sql { query, .. } => query.levels.map_or(crate::stats::grid::DEFAULT_LEVELS, usize::from),
                _ => crate::stats::grid::DEFAULT_LEVELS,
            };
            let p = crate::profile::stream::profile_with_grid(&src, None, levels)?;
            ctx.record_source_digest(&src, Some(p.rows), &p.sources[0].sha256);
            SideSpec::Computed { name: src.name.clone(), shown: src.display.clone(), profile: Box::new(p) }
        }
        other => other,
    };
    let current = match current {
        SideSpec::Sql { name, query, origin } => {
            let cuts = match &reference {
                SideSpec::Computed { profile, .. } => (**profile).clone(),
                SideSpec::Profile { path, shown, .. } => Profile::load(path, shown)?,
                _ => return Err(anyhow::anyhow!("{origin}: the reference was neither profiled nor a profile")),
            };
            if cuts.profile_version != GRID_PROFILE_VERSION {
                return Err(user(format!(
                    "{origin}: a query is counted over the reference's cuts, and the reference profile has none"
                ))
                .hint("write the reference with `mlgate profile DATA --grid`, or make the reference a query too")
                .into());
            }
            computed(&name, &query, &origin, Some(&cuts), ctx)?
        }
        other => other,
    };
    Ok((reference, current))
}

/// The profile PostgreSQL computes of the query (over `reference`'s cuts when given).
fn computed(
    name: &str,
    q: &crate::config::SqlData,
    origin: &str,
    reference: Option<&Profile>,
    ctx: &mut RunCtx,
) -> Result<SideSpec> {
    let dialect = q
        .dialect()
        .filter(|d| *d == Dialect::Postgres)
        .ok_or_else(|| user(format!("{origin}: mlgate connects to PostgreSQL only")).hint("engine = \"postgres\""))?;
    let target = postgres::Target::from_env(&q.url_env).map_err(|e| e.context(origin.to_string()))?;
    let mut job = Job {
        dialect,
        query: q.sql.clone(),
        columns: vec![],
        levels: q.levels.map_or(crate::stats::grid::DEFAULT_LEVELS, usize::from),
        quantiles: q.quantiles(),
        reference,
    };
    let p = postgres::profile(&target, &mut job, None)
        .map_err(|e| e.context(format!("profiling {origin} in PostgreSQL")))?;
    let shown = format!("sql (postgres) {name}");
    ctx.record_digest(name, &shown, "sql", &p.sources[0].sha256, Some(p.rows));
    Ok(SideSpec::Computed { name: name.to_string(), shown, profile: Box::new(p) })
}
