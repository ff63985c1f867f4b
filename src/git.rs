//! The `git` command line: running it, and reading a file's history (used for the threshold
//! history in `review/history.rs` and for provenance).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::results::ThresholdChange;

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

/// The commit and date at which `file` (relative to `dir`) last changed; `working tree`
/// when it has uncommitted changes.
pub fn file_change(dir: &Path, file: &Path) -> Option<ThresholdChange> {
    let rel: PathBuf = file.to_path_buf();
    let rel = rel.to_str()?;
    let status = git(dir, &["status", "--porcelain", "--", rel])?;
    if !status.trim().is_empty() {
        return Some(ThresholdChange { commit: "working tree".into(), date: "uncommitted".into() });
    }
    let log = git(dir, &["log", "-1", "--format=%H%x09%cI", "--", rel])?;
    let (c, d) = log.trim().split_once('\t')?;
    Some(ThresholdChange { commit: c.into(), date: d.into() })
}
