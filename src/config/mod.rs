//! `mlgate.toml`: loading, strict parsing, validation with locations.
//!
//! Parsing is plain serde with `deny_unknown_fields` everywhere: a misspelt key is an error
//! with its line, column and the closest valid key, never a silently ignored setting that
//! lets a gate pass. After parsing, [`Config::validate`] collects *every* semantic problem
//! (unknown dataset names, bad thresholds, …) so the user fixes them in one go.
//!
//! Relative paths in the file are resolved from the file's own folder, so
//! `mlgate check --config examples/churn/mlgate.toml` works from anywhere.

pub mod diag;
pub mod gates;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;
use toml::Spanned;

use crate::data::Source;
use crate::error::{quoted, user};
pub use diag::Problem;
pub use gates::*;

/// The configuration file name looked for by default.
pub const DEFAULT_CONFIG: &str = "mlgate.toml";

/// The file as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Optional project metadata shown in reports.
    #[serde(default)]
    pub project: Project,
    /// Named datasets: `train = "data/train.parquet"`. Names are yours; gates refer to them.
    #[serde(default)]
    pub data: BTreeMap<String, Spanned<String>>,
    /// Roles of columns across datasets.
    #[serde(default)]
    pub columns: Columns,
    /// Named prediction files (`candidate`, `baseline`); `baseline` may be `"trivial"`.
    #[serde(default)]
    pub predictions: BTreeMap<String, Spanned<String>>,
    /// Gate configuration; a gate runs when its table is present (and `enabled` is not false).
    #[serde(default)]
    pub gates: Gates,
    /// Manual claims for rubric tests.
    #[serde(default)]
    pub evidence: BTreeMap<String, Spanned<toml::Value>>,
    /// Report defaults.
    #[serde(default)]
    pub report: ReportConfig,
    /// Review of threshold changes in pull requests (`mlgate check --base REF`).
    #[serde(default)]
    pub review: ReviewConfig,
}

/// `[review]`: how threshold changes are reviewed against a base commit.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// Globs (relative to the repository root) of model files; a change touching them
    /// together with thresholds is "thresholds moved with the model". The candidate's
    /// predictions file and common model extensions are always included.
    #[serde(default)]
    pub model_paths: Vec<String>,
    /// Recorded approvals of threshold changes: `{ by, reason, gates = [..] }`.
    #[serde(default)]
    pub approvals: Vec<crate::gates::thresholds::Approval>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// Which column plays which role. All optional; gates that need a role say so.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// The target the model predicts.
    pub label: Option<Spanned<String>>,
    /// Model probability or regression output, in prediction files.
    pub score: Option<Spanned<String>>,
    /// Predicted class, in prediction files (optional; derived from score and threshold).
    pub prediction: Option<Spanned<String>>,
    /// The as-of / prediction timestamp.
    pub timestamp: Option<Spanned<String>>,
    /// Entity id (customer, patient, …) used to join and to detect group leakage.
    pub entity: Option<Spanned<String>>,
    /// Explicit feature list; default: every column that plays no other role.
    pub features: Option<Vec<Spanned<String>>>,
    /// Columns that are neither features nor roles (free text, audit fields).
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
}

impl Columns {
    fn get(v: &Option<Spanned<String>>) -> Option<&str> {
        v.as_ref().map(|s| s.get_ref().as_str())
    }
    pub fn label(&self) -> Option<&str> {
        Self::get(&self.label)
    }
    pub fn score(&self) -> Option<&str> {
        Self::get(&self.score)
    }
    pub fn prediction(&self) -> Option<&str> {
        Self::get(&self.prediction)
    }
    pub fn timestamp(&self) -> Option<&str> {
        Self::get(&self.timestamp)
    }
    pub fn entity(&self) -> Option<&str> {
        Self::get(&self.entity)
    }

    /// Names that are never features.
    pub fn role_columns(&self) -> Vec<String> {
        [&self.label, &self.score, &self.prediction, &self.timestamp, &self.entity]
            .into_iter()
            .flatten()
            .map(|s| s.get_ref().clone())
            .chain(self.ignore.iter().map(|s| s.get_ref().clone()))
            .collect()
    }

    /// The feature columns among `available`: the explicit list, or everything that plays
    /// no role.
    pub fn features(&self, available: &[String]) -> Vec<String> {
        match &self.features {
            Some(list) => list.iter().map(|s| s.get_ref().clone()).collect(),
            None => {
                let roles = self.role_columns();
                available.iter().filter(|c| !roles.contains(c)).cloned().collect()
            }
        }
    }
}

/// `[report]`: defaults for `check`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// Output folder, relative to the current directory (default `mlgate-report`).
    pub out: Option<String>,
    /// Formats written (default: all).
    pub formats: Option<Vec<crate::render::ReportFormat>>,
    /// `fail` (default) or `warn`.
    pub fail_on: Option<crate::results::FailOn>,
}

/// A loaded and validated configuration.
#[derive(Debug)]
pub struct Config {
    /// The path as given.
    pub path: PathBuf,
    /// Folder relative paths are resolved from.
    pub dir: PathBuf,
    pub text: String,
    /// SHA-256 of the file's bytes.
    pub digest: String,
    pub raw: RawConfig,
}

impl Config {
    /// Reads, parses and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config> {
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                user(format!("{} is not valid UTF-8", path.display())).hint("save the configuration file as UTF-8")
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(user(format!("configuration file {} not found", path.display()))
                    .hint("run `mlgate init` to write a commented starter config, or pass --config PATH")
                    .into());
            }
            Err(e) => {
                return Err(user(format!("cannot read {}: {e}", path.display()))
                    .hint("check the file's permissions")
                    .into());
            }
        };
        let file = path.display().to_string();
        let raw: RawConfig = toml::from_str(&text).map_err(|e| {
            let problem = toml_problem(&e);
            user(diag::render(&file, &text, &[problem])).hint(
                "every key is documented in the README (Configuration reference) and in the file `mlgate init` writes",
            )
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let digest = crate::provenance::sha256_hex(text.as_bytes());
        let cfg = Config { path: path.to_path_buf(), dir, text, digest, raw };
        let problems = cfg.validate();
        if !problems.is_empty() {
            let n = problems.len();
            return Err(user(format!(
                "{} problem{} in {}:\n{}",
                n,
                if n == 1 { "" } else { "s" },
                file,
                diag::render(&file, &cfg.text, &problems)
            ))
            .hint("fix the configuration and run again; nothing was written")
            .into());
        }
        Ok(cfg)
    }

    /// `file:line:col` of a span, for origins of paths and names.
    pub fn at(&self, span: &Range<usize>) -> String {
        diag::location(&self.path.display().to_string(), &self.text, Some(span))
    }

    /// Every semantic problem, without stopping at the first.
    fn validate(&self) -> Vec<Problem> {
        let mut p = Vec::new();
        for (name, path) in self.raw.data.iter().chain(self.raw.predictions.iter()) {
            if !valid_name(name) {
                p.push(Problem {
                    span: Some(path.span()),
                    message: format!("dataset name {} must be letters, digits, `_` or `-`", quoted(name)),
                    hint: None,
                });
            }
            if path.get_ref().trim().is_empty() {
                p.push(Problem {
                    span: Some(path.span()),
                    message: format!("the path for {} is empty", quoted(name)),
                    hint: Some("give a path to a .csv, .parquet or .jsonl file".into()),
                });
            }
        }
        for (name, _) in self.raw.data.iter() {
            if let Some(dup) = self.raw.predictions.get(name) {
                p.push(Problem {
                    span: Some(dup.span()),
                    message: format!("{} is defined in both [data] and [predictions]", quoted(name)),
                    hint: Some("give each input a unique name".into()),
                });
            }
        }
        gates::validate(self, &mut p);
        p
    }

    /// The names of all datasets and prediction files.
    pub fn input_names(&self) -> Vec<&str> {
        self.raw.data.keys().chain(self.raw.predictions.keys()).map(String::as_str).collect()
    }

    /// Resolves a [data] or [predictions] name into a checked [`Source`].
    pub fn source(&self, name: &str) -> Result<Source> {
        let (section, entry) = match self.raw.data.get(name) {
            Some(e) => ("data", e),
            None => match self.raw.predictions.get(name) {
                Some(e) => ("predictions", e),
                None => {
                    let names = self.input_names();
                    let hint = match closest(name, names.iter().copied()) {
                        Some(s) => format!("did you mean {}?", quoted(s)),
                        None => format!("defined names: {}", names.join(", ")),
                    };
                    return Err(user(format!(
                        "{}: no dataset named {} in [data] or [predictions]",
                        self.path.display(),
                        quoted(name)
                    ))
                    .hint(hint)
                    .into());
                }
            },
        };
        let origin = format!("[{section}].{name} at {}", self.at(&entry.span()));
        Source::new(name, entry.get_ref(), &self.dir, &origin)
    }

    /// Whether a name is a defined dataset or prediction file.
    pub fn has_input(&self, name: &str) -> bool {
        self.raw.data.contains_key(name) || self.raw.predictions.contains_key(name)
    }

    /// A path from the config resolved against its folder.
    pub fn resolve(&self, p: &str) -> PathBuf {
        self.dir.join(p)
    }
}

fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Turns a toml error into a located problem with a "did you mean" for unknown keys.
fn toml_problem(e: &toml::de::Error) -> Problem {
    let msg = e.message().trim().to_string();
    let mut hint = None;
    let mut message = msg.clone();
    let re = regex::Regex::new(r"unknown (field|variant) `([^`]*)`, expected (.*)").expect("static regex");
    if let Some(c) = re.captures(&msg) {
        let kind = if &c[1] == "field" { "key" } else { "value" };
        let bad = c[2].to_string();
        let expected: Vec<String> = regex::Regex::new(r"`([^`]*)`")
            .expect("static regex")
            .captures_iter(&c[3])
            .map(|m| m[1].to_string())
            .collect();
        message = format!("unknown {kind} {}", quoted(&bad));
        hint = Some(match closest(&bad, expected.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`? valid {kind}s here: {}", expected.join(", ")),
            None => format!("valid {kind}s here: {}", expected.join(", ")),
        });
    } else if msg.starts_with("invalid type") {
        hint = Some("check the value's type: strings are quoted, numbers are not, lists use [ ]".into());
    } else if msg.starts_with("missing field") {
        message = msg.replace("missing field", "missing required key");
    }
    Problem { span: e.span(), message, hint }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    candidates
        .map(|c| (c, strsim::damerau_levenshtein(&w, &c.to_lowercase())))
        .filter(|(c, d)| *d <= (c.chars().count().max(w.chars().count()) / 3).max(1))
        .min_by_key(|(_, d)| *d)
        .map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_only() {
        let keys = ["reference", "current", "psi", "columns"];
        assert_eq!(closest("refrence", keys.iter().copied()), Some("reference"));
        assert_eq!(closest("colums", keys.iter().copied()), Some("columns"));
        assert_eq!(closest("banana", keys.iter().copied()), None);
    }

    #[test]
    fn unknown_key_names_line_and_suggestion() {
        let text = "[data]\ntrain = \"a.csv\"\n\n[columns]\nlable = \"y\"\n";
        let e = toml::from_str::<RawConfig>(text).unwrap_err();
        let p = toml_problem(&e);
        let r = diag::render("mlgate.toml", text, &[p]);
        assert!(r.starts_with("mlgate.toml:5:1: unknown key \"lable\""), "{r}");
        assert!(r.contains("did you mean `label`?"), "{r}");
    }

    #[test]
    fn wrong_type_is_located() {
        let text = "[columns]\nlabel = 3\n";
        let e = toml::from_str::<RawConfig>(text).unwrap_err();
        let p = toml_problem(&e);
        let r = diag::render("mlgate.toml", text, &[p]);
        assert!(r.starts_with("mlgate.toml:2:9:"), "{r}");
    }
}
