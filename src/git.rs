//! Reading threshold history from git, with the `git` command line.
//!
//! Thresholds are only worth something if they were fixed before the model they judge, so
//! every report states, per gate, the commit and date at which that gate's thresholds last
//! changed in the configuration file (and, for the schema gate, in the schema file).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::results::{GateKind, ThresholdChange};

/// Most commits of the configuration file that are read.
const MAX_COMMITS: usize = 500;

pub fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(if dir.as_os_str().is_empty() { Path::new(".") } else { dir })
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The keys of a gate table that are thresholds (what "changing the thresholds" means).
pub fn threshold_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "schema" => &["schema", "json_schema", "datasets"],
        "drift" => &[
            "psi",
            "ks",
            "wasserstein",
            "js",
            "chi2",
            "null_rate",
            "unseen",
            "alpha",
            "correction",
            "bins",
            "empty_bins",
            "epsilon",
            "compat",
            "min_rows",
            "importance",
            "importance_share",
            "features",
            "method",
            "columns",
        ],
        "leakage" => &[
            "max_entity_overlap",
            "max_duplicate_share",
            "max_point_in_time_share",
            "target_auc",
            "target_rho",
            "gap",
            "split",
            "observed_at",
            "features",
        ],
        "slices" => {
            &["metric", "min", "max_gap", "min_rows", "confidence", "by", "bins", "quantiles", "threshold", "positive"]
        }
        "baseline" => {
            &["metrics", "min_improvement", "max_regression", "confidence", "trivial", "threshold", "positive"]
        }
        _ => &[],
    }
}

/// The threshold part of `[gates.<kind>]` in a parsed configuration.
pub fn thresholds_of(doc: &toml::Table, kind: &str) -> Option<toml::Table> {
    let table = doc.get("gates")?.as_table()?.get(kind)?.as_table()?;
    Some(
        table
            .iter()
            .filter(|(k, _)| threshold_keys(kind).contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// History of one file: `(commit, ISO date, content)` newest first.
pub struct FileHistory {
    pub entries: Vec<(String, String, Option<String>)>,
}

/// Reads up to [`MAX_COMMITS`] versions of `file` (relative to `dir`), newest first.
pub fn file_history(dir: &Path, file: &str) -> Option<FileHistory> {
    let log = git(dir, &["log", "--format=%H%x09%cI", &format!("-n{MAX_COMMITS}"), "--", file])?;
    let mut entries = Vec::new();
    for line in log.lines() {
        let Some((commit, date)) = line.split_once('\t') else { continue };
        let content = git(dir, &["show", &format!("{commit}:./{file}")]);
        entries.push((commit.to_string(), date.to_string(), content));
    }
    Some(FileHistory { entries })
}

/// The commit at which `value(content)` last changed, given the current content.
/// Uncommitted changes are reported as commit `working tree`.
pub fn last_changed<T: PartialEq>(
    history: &FileHistory,
    current: &T,
    committed_head: Option<&T>,
    value: impl Fn(&str) -> Option<T>,
) -> Option<ThresholdChange> {
    if let Some(head) = committed_head
        && head != current
    {
        return Some(ThresholdChange { commit: "working tree".into(), date: "uncommitted".into() });
    }
    let mut candidate: Option<&(String, String, Option<String>)> = None;
    for entry in &history.entries {
        let v = entry.2.as_deref().and_then(&value);
        if v.as_ref() == Some(current) {
            candidate = Some(entry);
        } else {
            break;
        }
    }
    candidate.map(|(c, d, _)| ThresholdChange { commit: c.clone(), date: d.clone() })
}

/// Per gate kind, when its thresholds last changed. `config` is the configuration path,
/// `schema` the schema file path of the schema gate (both as given).
pub fn threshold_changes(config: &Path, text: &str, schema: Option<&Path>) -> HashMap<GateKind, ThresholdChange> {
    let mut out = HashMap::new();
    let dir = config.parent().map(Path::to_path_buf).unwrap_or_default();
    let Some(name) = config.file_name().and_then(|n| n.to_str()) else { return out };
    if git(&dir, &["rev-parse", "--git-dir"]).is_none() {
        return out;
    }
    let Some(history) = file_history(&dir, name) else { return out };
    let Ok(current) = toml::from_str::<toml::Table>(text) else { return out };
    let head_text = git(&dir, &["show", &format!("HEAD:./{name}")]);
    let head_doc = head_text.as_deref().and_then(|t| toml::from_str::<toml::Table>(t).ok());
    for gate in GateKind::CONFIGURED {
        let kind = gate.as_str();
        let Some(cur) = thresholds_of(&current, kind) else { continue };
        let head = head_doc.as_ref().map(|d| thresholds_of(d, kind));
        let mut change = last_changed(&history, &Some(cur.clone()), head.as_ref(), |t| {
            Some(toml::from_str::<toml::Table>(t).ok().and_then(|d| thresholds_of(&d, kind)))
        });
        if kind == "schema"
            && let Some(schema) = schema
        {
            // The schema file holds the schema gate's thresholds too: take the later change.
            if let Some(sc) = schema_change(&dir, schema) {
                change = match change {
                    Some(c) if c.commit == "working tree" => Some(c),
                    Some(c) if c.date >= sc.date && sc.commit != "working tree" => Some(c),
                    _ => Some(sc),
                };
            }
        }
        if let Some(c) = change {
            out.insert(gate, c);
        }
    }
    out
}

fn schema_change(dir: &Path, schema: &Path) -> Option<ThresholdChange> {
    let rel: PathBuf = schema.to_path_buf();
    let rel = rel.to_str()?;
    let status = git(dir, &["status", "--porcelain", "--", rel])?;
    if !status.trim().is_empty() {
        return Some(ThresholdChange { commit: "working tree".into(), date: "uncommitted".into() });
    }
    let log = git(dir, &["log", "-1", "--format=%H%x09%cI", "--", rel])?;
    let (c, d) = log.trim().split_once('\t')?;
    Some(ThresholdChange { commit: c.into(), date: d.into() })
}
