//! `mlgate.toml`: loading, strict parsing, validation with locations.
//!
//! Parsing is plain serde with `deny_unknown_fields` everywhere: a misspelt key is an error
//! with its line, column and the closest valid key, never a silently ignored setting that
//! lets a gate pass. After parsing, validation collects *every* semantic problem (unknown
//! dataset names, bad thresholds, …) so the user fixes them in one go. Each gate's table
//! belongs to the gate (`gates/<kind>/cfg.rs`): this module owns the top-level tables and
//! hands each gate table its context.
//!
//! Relative paths in the file are resolved from the file's own folder, so
//! `mlgate check --config examples/churn/mlgate.toml` works from anywhere.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};
use toml::Spanned;

mod data;

pub use data::{DataEntry, SqlData};

use crate::data::Source;
use crate::diag::{self, Problem, Problems, closest};
use crate::error::{quoted, user};
use crate::gates::cfg::Cx;
use crate::gates::columns::Columns;
use crate::gates::{GateSpec, baseline, canary, drift, leakage, schema, skew, slices};
use crate::results::GateKind;

/// The configuration file name looked for by default.
pub const DEFAULT_CONFIG: &str = "mlgate.toml";

/// A named path of `[data]` or `[predictions]`, where it was written.
type Named<'a> = (&'a String, Range<usize>, &'a str);

/// The file as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Optional project metadata shown in reports.
    #[serde(default)]
    pub project: Project,
    /// Named datasets: `train = "data/train.parquet"`, or a query an engine profiles
    /// (`{ sql, engine, url_env }`, drift only). Names are yours; gates refer to them.
    #[serde(default)]
    pub data: BTreeMap<String, Spanned<DataEntry>>,
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
    /// Signed approvals and the promotion registry (`mlgate approve`, `promote`, `verify`).
    #[serde(default)]
    pub release: ReleaseConfig,
}

/// `[release]`: where approval records, trusted signers and the promotion registry live,
/// relative to this file. Read by `approve`, `promote`, `verify` and (for the history in
/// the report) `check`; every key has the default shown.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ReleaseConfig {
    /// The model whose promotion history the report shows.
    pub model: Option<String>,
    /// Folder of approval records (default `mlgate-approvals`).
    pub approvals: Option<String>,
    /// OpenSSH allowed_signers file of the people and CI keys whose signatures count.
    pub allowed_signers: Option<String>,
    /// Promotion registry (default `mlgate-registry.jsonl`).
    pub registry: Option<String>,
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
    pub approvals: Vec<Approval>,
}

/// A recorded approval of a threshold change (`[[review.approvals]]` or `--approve`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Who approved (a name or handle).
    pub by: String,
    /// Why the change is acceptable.
    pub reason: String,
    /// Gates the approval covers (default: all).
    #[serde(default)]
    pub gates: Vec<String>,
    /// For an approving pull-request review: when it was given and on which commit.
    /// Never read from a configuration file.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewRef>,
}

/// Where a pull-request review approval came from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReviewRef {
    /// When the review was submitted (as GitHub states it).
    pub at: String,
    /// The commit the review approved (the pull request's head).
    pub commit: String,
    /// The reviewer's association with the repository (`OWNER`, `MEMBER`, `COLLABORATOR`).
    pub association: String,
}

/// All gate tables. A gate runs when its table is present and `enabled` is not false.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Gates {
    pub schema: Option<schema::cfg::Raw>,
    pub drift: Option<drift::cfg::Raw>,
    pub leakage: Option<leakage::cfg::Raw>,
    pub slices: Option<slices::cfg::Raw>,
    pub baseline: Option<baseline::cfg::Raw>,
    pub skew: Option<skew::cfg::Raw>,
    pub canary: Option<canary::cfg::Raw>,
}

impl Gates {
    /// Validates every present table (enabled or not) and returns the enabled gates in
    /// report order.
    pub fn validate(&self, cx: &Cx<'_>, out: &mut Vec<Problem>) -> Vec<GateSpec> {
        let mut specs = Vec::new();
        let mut run = |table: &str, enabled: bool, f: &dyn Fn(&mut Problems) -> GateSpec| {
            let mut p = Problems::new(table);
            let spec = f(&mut p);
            out.extend(p.list);
            if enabled {
                specs.push(spec);
            }
        };
        if let Some(g) = &self.schema {
            run(schema::cfg::TABLE, g.enabled, &|p| GateSpec::Schema(g.validate(cx, p)));
        }
        if let Some(g) = &self.leakage {
            run(leakage::cfg::TABLE, g.enabled, &|p| GateSpec::Leakage(g.validate(cx, p)));
        }
        if let Some(g) = &self.slices {
            run(slices::cfg::TABLE, g.enabled, &|p| GateSpec::Slices(g.validate(cx, p)));
        }
        if let Some(g) = &self.baseline {
            run(baseline::cfg::TABLE, g.enabled, &|p| GateSpec::Baseline(g.validate(cx, p)));
        }
        if let Some(g) = &self.drift {
            run(drift::cfg::TABLE, g.enabled, &|p| GateSpec::Drift(g.validate(cx, p)));
        }
        if let Some(g) = &self.skew {
            run(skew::cfg::TABLE, g.enabled, &|p| GateSpec::Skew(g.validate(cx, p)));
        }
        if let Some(g) = &self.canary {
            run(canary::cfg::TABLE, g.enabled, &|p| GateSpec::Canary(g.validate(cx, p)));
        }
        specs
    }

    /// Whether any gate table is present (enabled or not).
    pub fn any(&self) -> bool {
        self.schema.is_some()
            || self.drift.is_some()
            || self.leakage.is_some()
            || self.slices.is_some()
            || self.baseline.is_some()
            || self.skew.is_some()
            || self.canary.is_some()
    }

    /// Which gate kinds have an enabled table.
    pub fn enabled(&self) -> Vec<GateKind> {
        let on = [
            (GateKind::Schema, self.schema.as_ref().map(|g| g.enabled)),
            (GateKind::Leakage, self.leakage.as_ref().map(|g| g.enabled)),
            (GateKind::Slices, self.slices.as_ref().map(|g| g.enabled)),
            (GateKind::Baseline, self.baseline.as_ref().map(|g| g.enabled)),
            (GateKind::Drift, self.drift.as_ref().map(|g| g.enabled)),
            (GateKind::Skew, self.skew.as_ref().map(|g| g.enabled)),
            (GateKind::Canary, self.canary.as_ref().map(|g| g.enabled)),
        ];
        on.into_iter().filter(|(_, e)| *e == Some(true)).map(|(k, _)| k).collect()
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// `[report]`: defaults for `check`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// Output folder, relative to the current directory (default `mlgate-report`).
    pub out: Option<String>,
    /// Formats written (default: all).
    pub formats: Option<Vec<crate::output::ReportFormat>>,
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
    /// The repository the paths it names must stay in (see [`crate::paths`]).
    pub root: PathBuf,
    pub text: String,
    /// SHA-256 of the file's bytes.
    pub digest: String,
    pub raw: RawConfig,
    /// The enabled gates, validated, in report order.
    pub gates: Vec<GateSpec>,
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
        let root = crate::paths::repository_of(&dir);
        let mut cfg = Config { path: path.to_path_buf(), dir, root, text, digest, raw, gates: Vec::new() };
        let (gates, mut problems) = cfg.validate();
        // In file order, the way a reader fixes them; problems without a place last.
        problems.sort_by_key(|p| p.span.as_ref().map(|s| s.start).unwrap_or(usize::MAX));
        cfg.gates = gates;
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

    /// The enabled gates and every semantic problem, without stopping at the first.
    fn validate(&self) -> (Vec<GateSpec>, Vec<Problem>) {
        let mut out = Vec::new();
        let data = self.raw.data.iter().filter_map(|(n, e)| Some((n, e.span(), e.get_ref().path()?)));
        let predictions = self.raw.predictions.iter().map(|(n, e)| (n, e.span(), e.get_ref().as_str()));
        let mut q = Problems::new("[data]");
        for (name, e) in &self.raw.data {
            if let DataEntry::Sql(sql) = e.get_ref() {
                if !valid_name(name) {
                    q.add(Some(e.span()), name, "a dataset name must be 1 to 64 letters, digits, `_` or `-`", None);
                }
                sql.validate(name, e.span(), &mut q);
            }
        }
        out.extend(q.list);
        let lists: [(&str, Vec<Named>); 2] = [("[data]", data.collect()), ("[predictions]", predictions.collect())];
        for (table, entries) in lists {
            let mut p = Problems::new(table);
            for (name, span, path) in entries {
                if !valid_name(name) {
                    p.add(Some(span.clone()), name, "a dataset name must be 1 to 64 letters, digits, `_` or `-`", None);
                }
                if path.trim().is_empty() {
                    p.add(
                        Some(span),
                        name,
                        "the path is empty",
                        Some("give a path to a .csv, .parquet or .jsonl file".into()),
                    );
                }
            }
            out.extend(p.list);
        }
        let mut p = Problems::new("[predictions]");
        for name in self.raw.data.keys() {
            if let Some(dup) = self.raw.predictions.get(name) {
                p.add(
                    Some(dup.span()),
                    name,
                    "is defined in both [data] and [predictions]",
                    Some("give each input a unique name".into()),
                );
            }
        }
        out.extend(p.list);
        let cx = Cx { inputs: Some(self.input_names()), columns: &self.raw.columns };
        let gates = self.raw.gates.validate(&cx, &mut out);
        (gates, out)
    }

    /// The names of all datasets and prediction files.
    pub fn input_names(&self) -> Vec<&str> {
        self.raw.data.keys().chain(self.raw.predictions.keys()).map(String::as_str).collect()
    }

    /// Resolves a [data] or [predictions] name into a checked [`Source`].
    pub fn source(&self, name: &str) -> Result<Source> {
        let (section, entry) = match self.raw.data.get(name) {
            Some(e) => match e.get_ref() {
                DataEntry::Path(p) => ("data", Spanned::new(e.span(), p.clone())),
                DataEntry::Sql(_) => {
                    return Err(user(format!(
                        "[data].{name} at {} is a query an engine profiles: only the drift gate reads it",
                        self.at(&e.span())
                    ))
                    .hint("point this gate at a data file; a query can be [gates.drift].reference or current")
                    .into());
                }
            },
            None => match self.raw.predictions.get(name) {
                Some(e) => ("predictions", e.clone()),
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
        let src = Source::new(name, entry.get_ref(), &self.dir, &origin)?;
        crate::paths::inside(&self.root, &src.path, entry.get_ref(), &origin)?;
        Ok(src)
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

/// The enabled gates of a configuration as another commit wrote it (a pull request's base,
/// an earlier version), for comparing settings: each gate table is read on its own, so one
/// that no longer parses does not hide the others; semantic problems are ignored.
pub fn gates_of_text(text: &str) -> Result<BTreeMap<GateKind, std::result::Result<GateSpec, String>>, String> {
    let doc: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let mut names: Vec<String> = Vec::new();
    for t in ["data", "predictions"] {
        names.extend(doc.get(t).and_then(|v| v.as_table()).into_iter().flat_map(|t| t.keys().cloned()));
    }
    let mut out = BTreeMap::new();
    let tables = doc.get("gates").and_then(|g| g.as_table()).cloned().unwrap_or_default();
    for kind in GateKind::CONFIGURED {
        let Some(table) = tables.get(kind.as_str()) else { continue };
        if table.get("enabled").and_then(|v| v.as_bool()) == Some(false) {
            continue;
        }
        let mut mini = toml::Table::new();
        if let Some(c) = doc.get("columns") {
            mini.insert("columns".into(), c.clone());
        }
        let mut g = toml::Table::new();
        g.insert(kind.as_str().into(), table.clone());
        mini.insert("gates".into(), toml::Value::Table(g));
        let parsed = toml::to_string(&mini)
            .map_err(|e| e.to_string())
            .and_then(|t| toml::from_str::<RawConfig>(&t).map_err(|e| e.message().to_string()))
            .and_then(|raw| {
                let cx = Cx { inputs: Some(names.iter().map(String::as_str).collect()), columns: &raw.columns };
                raw.gates.validate(&cx, &mut Vec::new()).into_iter().next().ok_or_else(|| "the gate is off".to_string())
            });
        out.insert(kind, parsed);
    }
    Ok(out)
}

fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
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
    Problem { span: e.span(), table: String::new(), key: String::new(), message, hint }
}

#[cfg(test)]
mod tests {
    use super::*;

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
