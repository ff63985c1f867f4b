//! Loading, separate from judging: everything a gate needs from the file system happens
//! here, before the gate runs.
//!
//! For each validated gate spec this module resolves the spec's input names into files
//! (through `[data]`/`[predictions]` in mlgate.toml, or the flags of `mlgate gate`), reads
//! the data or profiles (choosing exact or binned comparison for drift), checks that the
//! columns the settings name exist (pointing at the setting when one does not), records
//! every input with its SHA-256 for provenance, shows progress, and then calls the gate's
//! pure `run`. Gates never touch a file, the environment or the terminal.

pub mod canary;
pub mod ctx;
pub mod drift;
mod drift_labels;
pub mod frame;
pub mod leakage;
pub mod model;
mod pushdown;
pub mod resolve;
pub mod schema;
pub mod skew;

use anyhow::Result;
use polars::prelude::Schema;

use crate::config::Config;
use crate::data::Source;
use crate::error::{quoted, user};
use crate::gates::GateSpec;
use crate::gates::cfg::Spans;
use crate::results::GateResult;
pub use ctx::RunCtx;
pub use resolve::{ConfigResolver, FlagResolver, Resolve};

/// Runs one validated gate: loads its inputs through `resolve` and judges them.
pub fn gate(spec: &GateSpec, resolve: &dyn Resolve, ctx: &mut RunCtx) -> Result<Vec<GateResult>> {
    Ok(match spec {
        GateSpec::Schema(s) => schema::run(s, resolve, ctx)?,
        GateSpec::Leakage(s) => vec![leakage::run(s, resolve, ctx)?],
        GateSpec::Slices(s) => vec![model::slices(s, resolve, ctx)?],
        GateSpec::Baseline(s) => vec![model::baseline(s, resolve, ctx)?],
        GateSpec::Drift(s) => vec![drift::run(s, resolve, ctx)?],
        GateSpec::Skew(s) => vec![skew::run(s, resolve, ctx)?],
        GateSpec::Canary(s) => vec![canary::run(s, resolve, ctx)?],
    })
}

/// Runs every gate enabled in the configuration, in report order.
pub fn configured(cfg: &Config, ctx: &mut RunCtx, progress: &crate::ui::Progress) -> Result<Vec<GateResult>> {
    if cfg.gates.is_empty() {
        return Err(user(format!("{} enables no gates", cfg.path.display()))
            .hint("add a [gates.schema] table (see `mlgate init`), or run one gate ad hoc with `mlgate gate …`")
            .into());
    }
    let resolve = ConfigResolver(cfg);
    let mut out = Vec::new();
    for spec in &cfg.gates {
        progress.step(&format!("{} gate", spec.kind()));
        out.extend(gate(spec, &resolve, ctx)?);
    }
    Ok(out)
}

/// Every `(column, setting, role)` must be a column of the file.
pub(crate) fn require_columns(
    schema: &Schema,
    src: &Source,
    needed: &[(&str, (&str, &str), &str)],
    spans: &Spans,
    resolve: &dyn Resolve,
) -> Result<()> {
    let names: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
    for (column, setting, role) in needed {
        if schema.contains(column) {
            continue;
        }
        let message = format!("{role} {} is not a column of {} ({})", quoted(column), quoted(&src.display), src.name);
        let hint = format!(
            "{}the file has {} columns: {}",
            crate::diag::did_you_mean(column, names.iter().copied()),
            names.len(),
            crate::data::preview_names(&names)
        );
        return Err(resolve.locate(spans.problem(column, *setting, message, hint)));
    }
    Ok(())
}
