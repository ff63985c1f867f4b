//! `mlgate init`: a commented starter configuration for the repository it runs in.
//!
//! It looks for data files (respecting `.gitignore`), guesses each one's role from its
//! name, reads the header of the training file to guess the label, entity and timestamp
//! columns from common names, writes `mlgate.toml` with every key commented, and infers a
//! starter schema from the training data so `mlgate check` works straight away.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use super::common::Ui;
use crate::data::Source;
use crate::error::user;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Repository folder to set up.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Overwrite an existing mlgate.toml.
    #[arg(long)]
    pub force: bool,

    /// Do not infer a starter schema.json from the training data.
    #[arg(long)]
    pub no_schema: bool,
}

const LABEL_NAMES: &[&str] = &[
    "label",
    "target",
    "y",
    "class",
    "outcome",
    "churn",
    "churned",
    "is_churn",
    "fraud",
    "is_fraud",
    "default",
    "is_default",
    "survived",
    "response",
    "converted",
    "clicked",
    "label_id",
];
const ENTITY_NAMES: &[&str] = &["id", "customer_id", "user_id", "client_id", "account_id", "patient_id", "entity_id"];
const TIME_NAMES: &[&str] = &[
    "timestamp",
    "event_time",
    "event_timestamp",
    "snapshot_time",
    "snapshot_date",
    "as_of",
    "as_of_date",
    "date",
    "created_at",
    "prediction_time",
];

/// Role of a data file from its name.
fn role_of(path: &Path) -> Option<&'static str> {
    let name = path.file_stem()?.to_str()?.to_ascii_lowercase();
    let has = |w: &str| name.split(|c: char| !c.is_ascii_alphanumeric()).any(|p| p == w) || name.contains(w);
    if has("pred") {
        if has("champion") || has("baseline") || has("prod") {
            return Some("baseline");
        }
        return Some("candidate");
    }
    let parent = path.parent().and_then(|p| p.to_str()).unwrap_or("").to_ascii_lowercase();
    if parent.contains("champion") {
        return None;
    }
    if has("train") {
        Some("train")
    } else if has("test") || has("holdout") || has("eval") {
        Some("test")
    } else if has("valid") {
        Some("validation")
    } else if has("serving") || has("current") || has("prod") || has("live") || has("inference") {
        Some("current")
    } else {
        None
    }
}

fn find_data_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root).max_depth(Some(6)).follow_links(false).build();
    for entry in walker.flatten().take(20_000) {
        let p = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        if crate::data::Format::from_path(p).is_ok() {
            out.push(p.to_path_buf());
        }
    }
    out.sort();
    out
}

fn pick(columns: &[String], names: &[&str]) -> Option<String> {
    for n in names {
        if let Some(c) = columns.iter().find(|c| c.eq_ignore_ascii_case(n)) {
            return Some(c.clone());
        }
    }
    None
}

/// `s` as a TOML string, written by the toml crate (JSON's escapes are not TOML's: JSON
/// leaves U+007F raw, which TOML forbids).
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Infers a starter schema from the data file `rel` (relative to `dir`) into `target`.
fn write_inferred_schema(dir: &Path, rel: &str, target: &Path) -> Result<()> {
    let src = Source::new("train", rel, dir, "mlgate init")?;
    let df = src.load()?;
    let desc =
        format!("Inferred by mlgate init from {rel} ({} rows). Review every entry before committing.", df.height());
    let schema = crate::gates::schema::infer::infer(&df, &crate::gates::schema::infer::InferOptions::default(), desc)?;
    let mut text = serde_json::to_string_pretty(&schema)?;
    text.push('\n');
    crate::output::write_atomic(target, text.as_bytes())
}

/// What init wrote and what to do next.
fn print_summary(target: &Path, schema_file: Option<&Path>, files: usize, label: Option<&str>) -> Result<()> {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    writeln!(o, "wrote {}", target.display())?;
    if let Some(schema_file) = schema_file {
        writeln!(o, "wrote {} (inferred from the training data; review it)", schema_file.display())?;
    }
    writeln!(
        o,
        "found {} data file(s); label column: {}",
        files,
        label.unwrap_or("not guessed (set [columns].label)")
    )?;
    writeln!(o, "next: mlgate check --config {}", target.display())?;
    Ok(())
}

pub fn run(a: InitArgs, ui: &Ui) -> Result<i32> {
    let target = a.dir.join(crate::config::DEFAULT_CONFIG);
    if target.exists() && !a.force {
        return Err(user(format!("{} already exists", target.display()))
            .hint("pass --force to overwrite it, or edit it by hand")
            .into());
    }
    let files = find_data_files(&a.dir);
    let mut roles: BTreeMap<&str, PathBuf> = BTreeMap::new();
    for f in &files {
        if let Some(r) = role_of(f) {
            roles.entry(r).or_insert_with(|| f.clone());
        }
    }
    let rel = |p: &Path| -> String { p.strip_prefix(&a.dir).unwrap_or(p).to_string_lossy().replace('\\', "/") };
    let train = roles.get("train").or_else(|| files.first()).cloned();
    let columns: Vec<String> = match &train {
        Some(t) => Source::new("train", &rel(t), &a.dir, "mlgate init")
            .and_then(|s| s.schema())
            .map(|s| s.iter_names().map(|n| n.to_string()).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let label = pick(&columns, LABEL_NAMES);
    let entity = pick(&columns, ENTITY_NAMES)
        .or_else(|| columns.iter().find(|c| c.to_ascii_lowercase().ends_with("_id")).cloned());
    let timestamp = pick(&columns, TIME_NAMES);

    let mut t = String::new();
    t.push_str("# mlgate configuration. Every key is documented in the README (Configuration reference).\n");
    t.push_str("# Paths are relative to this file. Run `mlgate check` to apply it.\n\n");
    t.push_str("[project]\n# name = \"my-model\"\n\n");
    t.push_str(
        "# Named datasets; the format comes from the extension (.csv, .tsv, .parquet, .jsonl, .ndjson).\n[data]\n",
    );
    let mut data_names = Vec::new();
    for r in ["train", "validation", "test", "current"] {
        if let Some(p) = roles.get(r) {
            t.push_str(&format!("{r} = {}\n", toml_str(&rel(p))));
            data_names.push(r);
        }
    }
    if data_names.is_empty() {
        if let Some(p) = files.first() {
            t.push_str(&format!("train = {}\n", toml_str(&rel(p))));
            data_names.push("train");
        } else {
            t.push_str("# train = \"data/train.parquet\"\n# test = \"data/test.parquet\"\n# current = \"data/serving_sample.jsonl\"\n");
        }
    }
    t.push_str("\n# Column roles. Features are every other column unless `features` lists them.\n[columns]\n");
    let line = |k: &str, v: &Option<String>, eg: &str| match v {
        Some(v) => format!("{k} = {}\n", toml_str(v)),
        None => format!("# {k} = \"{eg}\"\n"),
    };
    t.push_str(&line("label", &label, "churned"));
    t.push_str("# score = \"score\"          # model probability, in prediction files\n");
    t.push_str(&line("entity", &entity, "customer_id"));
    t.push_str(&line("timestamp", &timestamp, "event_time"));
    t.push_str("# features = [\"age\", \"plan\"]\n# ignore = [\"notes\"]\n");
    if roles.contains_key("candidate") || roles.contains_key("baseline") {
        t.push_str("\n# Prediction files (label, score and entity columns).\n[predictions]\n");
        for r in ["candidate", "baseline"] {
            if let Some(p) = roles.get(r) {
                t.push_str(&format!("{r} = {}\n", toml_str(&rel(p))));
            }
        }
    }
    let schema_file = a.dir.join("schema.json");
    let mut wrote_schema = false;
    if !data_names.is_empty() {
        t.push_str("\n# Schema gate: every dataset must match schema.json (`mlgate schema infer` writes one).\n");
        t.push_str("[gates.schema]\nschema = \"schema.json\"\n");
        t.push_str(&format!(
            "# datasets = [{}]   # default: all of [data]\n",
            data_names.iter().map(|n| toml_str(n)).collect::<Vec<_>>().join(", ")
        ));
        t.push_str("# json_schema = \"record.schema.json\"   # per-record JSON Schema for .jsonl inputs\n");
        if !a.no_schema && !schema_file.exists() {
            let first = roles.get("train").cloned().or_else(|| files.first().cloned());
            if let Some(p) = first {
                write_inferred_schema(&a.dir, &rel(&p), &schema_file)?;
                wrote_schema = true;
            }
        }
    }
    t.push_str("\n# Report defaults.\n[report]\n# out = \"mlgate-report\"\n# fail_on = \"fail\"   # or \"warn\"\n");
    crate::output::write_atomic(&target, t.as_bytes())?;
    if !ui.quiet {
        print_summary(&target, wrote_schema.then_some(schema_file.as_path()), files.len(), label.as_deref())?;
    }
    Ok(crate::exit::SUCCESS)
}

#[cfg(test)]
mod tests {
    /// Every file name a repository can hold becomes a TOML string that reads back as itself.
    #[test]
    fn file_names_become_valid_toml() {
        for name in
            ["data/train.csv", "a\u{7f}b.csv", "q\"uote\\back.csv", "tab\there.csv", "it's.csv", "\u{1b}[31m.csv"]
        {
            let line = format!("train = {}\n", super::toml_str(name));
            let t: toml::Table = toml::from_str(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(t["train"].as_str(), Some(name), "{line}");
        }
    }
}
