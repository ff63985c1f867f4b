//! `[gates.*]` tables: one typed, documented struct per gate.

use serde::Deserialize;
use toml::Spanned;

use super::{Config, Problem, closest};
use crate::error::quoted;

fn yes() -> bool {
    true
}

/// All gate tables. A gate runs when its table is present and `enabled` is not false.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Gates {
    pub schema: Option<SchemaGateConfig>,
}

/// `[gates.schema]`: check datasets against a schema file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaGateConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Path to the schema file (JSON, see `schemas/data-schema.schema.json`).
    pub schema: Spanned<String>,
    /// Names of [data] entries to check; default: all of them.
    pub datasets: Option<Vec<Spanned<String>>>,
    /// A JSON Schema every record of JSON Lines inputs must satisfy (optional).
    pub json_schema: Option<Spanned<String>>,
}

/// Checks that a dataset name used by a gate exists.
pub(crate) fn check_input_name(cfg: &Config, name: &Spanned<String>, key: &str, p: &mut Vec<Problem>) {
    if cfg.has_input(name.get_ref()) {
        return;
    }
    let names = cfg.input_names();
    let hint = match closest(name.get_ref(), names.iter().copied()) {
        Some(s) => format!("did you mean {}?", quoted(s)),
        None if names.is_empty() => "define datasets in a [data] table first".to_string(),
        None => format!("defined names: {}", names.join(", ")),
    };
    p.push(Problem {
        span: Some(name.span()),
        message: format!("{key}: no dataset named {} in [data] or [predictions]", quoted(name.get_ref())),
        hint: Some(hint),
    });
}

/// Validates every gate table.
pub(crate) fn validate(cfg: &Config, p: &mut Vec<Problem>) {
    if let Some(s) = &cfg.raw.gates.schema {
        for d in s.datasets.iter().flatten() {
            check_input_name(cfg, d, "[gates.schema].datasets", p);
        }
        if s.schema.get_ref().trim().is_empty() {
            p.push(Problem {
                span: Some(s.schema.span()),
                message: "[gates.schema].schema is empty".into(),
                hint: Some("give the path of a schema file; `mlgate schema infer DATA` writes one".into()),
            });
        }
    }
}
