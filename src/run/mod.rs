//! Loading, separate from judging: everything a gate needs from the file system happens
//! here, before the gate runs.
//!
//! For each validated gate spec this module resolves the spec's input names into files
//! (through `[data]`/`[predictions]` in mlgate.toml, or the flags of `mlgate gate`), reads
//! the data or profiles (choosing exact or binned comparison for drift), checks that the
//! columns the settings name exist (pointing at the setting when one does not), records
//! every input with its SHA-256 for provenance, shows progress, and then calls the gate's
//! pure `run`. Gates never touch a file, the environment or the terminal.

pub mod ctx;
pub mod drift;
pub mod leakage;
pub mod model;
pub mod resolve;
pub mod schema;

use anyhow::Result;

use crate::config::Config;
use crate::error::user;
use crate::gates::GateSpec;
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
