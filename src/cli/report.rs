//! `mlgate report`: re-render archived results.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use super::common::Ui;
use crate::error::{quoted, user};
use crate::render::{self, ReportFormat};
use crate::results::Results;

/// The JSON Schema of results.json, embedded.
pub const RESULTS_SCHEMA: &str = include_str!("../../schemas/results.schema.json");

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// An archived results.json.
    pub results: PathBuf,

    /// Formats to write (default: all).
    #[arg(long, value_delimiter = ',', value_enum, value_name = "FORMATS")]
    pub format: Vec<ReportFormat>,

    /// Output folder (default: the results file's folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Sign the archived results.json with this OpenSSH private key (default: the key text
    /// in $MLGATE_SIGNING_KEY), writing results.json.sig into the output folder — for
    /// results computed where no key was at hand. Without a key, an existing signature is
    /// copied along with the results.
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,
}

/// Parses results text, validating it against the shipped schema first.
pub fn parse_results(text: &str, shown: &str) -> Result<Results> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        user(format!("{shown}:{}:{}: not valid JSON: {e}", e.line(), e.column()))
            .hint("pass a results.json written by mlgate")
    })?;
    let schema: serde_json::Value = serde_json::from_str(RESULTS_SCHEMA).expect("embedded schema");
    let v = jsonschema::validator_for(&schema).expect("embedded schema compiles");
    let errors: Vec<String> =
        v.iter_errors(&value).take(10).map(|e| format!("  - {}: {e}", e.instance_path())).collect();
    if !errors.is_empty() {
        return Err(user(format!("{shown} is not mlgate results:\n{}", errors.join("\n")))
            .hint("the format is described by schemas/results.schema.json")
            .into());
    }
    serde_json::from_value(value).map_err(|e| user(format!("{shown}: {e}")).into())
}

pub fn report(a: ReportArgs, ui: &Ui) -> Result<i32> {
    let shown = a.results.display().to_string();
    let text = std::fs::read_to_string(&a.results).map_err(|e| {
        user(format!("cannot read {}: {e}", quoted(&shown))).hint("pass the path of an archived results.json")
    })?;
    let key = crate::sign::key::load(a.sign_key.as_deref())?;
    let r = parse_results(&text, &shown)?;
    let formats = if a.format.is_empty() { ReportFormat::all() } else { a.format.clone() };
    let out = a.out.clone().unwrap_or_else(|| a.results.parent().map(Path::to_path_buf).unwrap_or_default());
    let mut files = Vec::new();
    for f in formats {
        // Re-rendering keeps the archived text as the results of record.
        files.push((f.file_name().to_string(), render::render_with(&r, f, &text)?));
    }
    let mut files: Vec<(String, String)> =
        files.into_iter().filter(|(name, _)| !(name == "results.json" && out.join(name) == a.results)).collect();
    if let Some(key) = &key {
        files.push(("results.json.sig".into(), key.sign(text.as_bytes())?));
    } else if files.iter().any(|(name, _)| name == "results.json")
        && let Ok(sig) = std::fs::read_to_string(crate::sign::signature_path(&a.results))
    {
        // A copied results.json keeps its signature: it signs the same bytes.
        files.push(("results.json.sig".into(), sig));
    }
    let written = crate::output::write_all(&out, &files)?;
    if !ui.quiet {
        let mut o = std::io::stdout().lock();
        for w in written {
            writeln!(o, "wrote {}", w.display())?;
        }
    }
    Ok(crate::exit::SUCCESS)
}
