//! Loading for the schema gate: the schema file, the optional record-level JSON Schema,
//! and each dataset (string columns read as text so `02134` stays a zip code). One gate
//! result per dataset.

use anyhow::{Context, Result};

use super::RunCtx;
use super::resolve::Resolve;
use crate::data::Format;
use crate::error::{quoted, user};
use crate::gates::schema::cfg::{Spec, TABLE};
use crate::gates::schema::codes::Code;
use crate::gates::schema::{self, DataSchema};
use crate::results::{Check, GateResult, Status};

/// Reads and validates a schema file.
pub fn load_schema(path: &std::path::Path, shown: &str) -> Result<DataSchema> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        user(format!("cannot read schema file {}: {e}", quoted(shown)))
            .hint("check the path; `mlgate schema infer DATA -o schema.json` writes a schema from data")
    })?;
    DataSchema::parse(&text, shown)
}

/// Checks every dataset of the spec against its schema.
pub fn run(spec: &Spec, resolve: &dyn Resolve, ctx: &mut RunCtx) -> Result<Vec<GateResult>> {
    let f = resolve.file(TABLE, "schema", &spec.schema)?;
    let schema = load_schema(&f.path, &f.shown).with_context(|| f.origin.clone())?;
    ctx.record_file("schema", &f.shown, &f.path, "json", None)?;
    let records = match &spec.json_schema {
        None => None,
        Some(j) => {
            let jf = resolve.file(TABLE, "json_schema", j)?;
            Some((record_validator(&jf.path, &jf.shown).with_context(|| jf.origin.clone())?, jf))
        }
    };
    if let Some((_, jf)) = &records {
        ctx.record_file("json_schema", &jf.shown, &jf.path, "json", None)?;
    }
    let names = spec.datasets.clone().unwrap_or_else(|| resolve.all_data());
    if names.is_empty() {
        return Err(user("[gates.schema] has no datasets to check")
            .hint("add datasets to [data], or list them in [gates.schema].datasets")
            .into());
    }
    let mut out = Vec::new();
    for n in &names {
        let src = resolve.source("datasets", n)?;
        let df = src.load_with(&schema::read_overrides(&schema))?;
        ctx.record_source(&src, Some(df.height() as u64))?;
        let mut g = schema::run(&src.name, &df, &schema, &f.shown)?;
        if let Some((validator, jf)) = &records {
            let c = if src.format == Format::JsonLines {
                let bytes = std::fs::read(&src.path).with_context(|| format!("reading {}", src.path.display()))?;
                schema::check_records(&src.name, &bytes, validator, &jf.shown)
            } else {
                Check::new(
                    Code::Record,
                    &src.name,
                    Status::Skipped,
                    format!("{} applies to JSON Lines inputs; this is {}", jf.shown, src.format.as_str()),
                )
            };
            g.checks.push(c);
            g.status = Status::worst(g.checks.iter().map(|c| c.status));
            g.inputs.push("json_schema".into());
        }
        out.push(g);
    }
    Ok(out)
}

/// Compiles a user's JSON Schema for records (remote `$ref`s are never fetched).
fn record_validator(path: &std::path::Path, shown: &str) -> Result<jsonschema::Validator> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| user(format!("cannot read JSON Schema {}: {e}", quoted(shown))).hint("check the path"))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        user(format!("{shown}:{}:{}: not valid JSON: {e}", e.line(), e.column())).hint("a JSON Schema is a JSON object")
    })?;
    Ok(jsonschema::validator_for(&value).map_err(|e| {
        user(format!("{shown} is not a valid JSON Schema: {e}"))
            .hint("remote $refs are not fetched; bundle referenced schemas into the file")
    })?)
}
