//! What the change under review touches: the repository, the merge base with the
//! target branch (explaining shallow clones), and the model files among the changed files.

use std::path::Path;

use anyhow::Result;

use crate::config::Config;
use crate::error::{quoted, user};
use crate::git::git;

/// The repository root and the config's path inside it.
pub(super) fn paths(cfg: &Config) -> Result<(String, String)> {
    let dir = &cfg.dir;
    let root = git(dir, &["rev-parse", "--show-toplevel"]).map(|s| s.trim().to_string()).ok_or_else(|| {
        user(format!("{} is not inside a git repository", cfg.path.display()))
            .hint("--base compares thresholds with an earlier commit, which needs the repository's history")
    })?;
    let prefix = git(dir, &["rev-parse", "--show-prefix"]).map(|s| s.trim().to_string()).unwrap_or_default();
    Ok((root, prefix))
}

/// Resolves the base to the merge base with HEAD, explaining shallow clones.
pub(super) fn merge_base(dir: &Path, base: &str) -> Result<String> {
    let shallow = git(dir, &["rev-parse", "--is-shallow-repository"]).map(|s| s.trim() == "true").unwrap_or(false);
    let fix = if shallow {
        "this is a shallow clone: set `fetch-depth: 0` on actions/checkout (or run `git fetch --unshallow`) so the base commit is available"
    } else {
        "fetch the base first, e.g. `git fetch origin main`, or pass --base with a commit that exists"
    };
    if git(dir, &["rev-parse", "--verify", "--quiet", &format!("{base}^{{commit}}")]).is_none() {
        return Err(user(format!("base {} is not a commit in this repository", quoted(base))).hint(fix).into());
    }
    git(dir, &["merge-base", base, "HEAD"])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| user(format!("{} and HEAD have no common ancestor here", quoted(base))).hint(fix).into())
}

/// The globs of model files (configured, the candidate's predictions, common model
/// extensions) and the files the change touches that match them (committed since the merge
/// base, staged, unstaged or untracked).
pub(super) fn model_files(
    cfg: &Config,
    dir: &Path,
    mb: &str,
    prefix: &str,
    model_globs: &[String],
) -> Result<(Vec<String>, Vec<String>)> {
    let mut touched: Vec<String> = git(dir, &["diff", "--name-only", mb])
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .chain(
            git(dir, &["ls-files", "--others", "--exclude-standard", "--full-name"])
                .unwrap_or_default()
                .lines()
                .map(str::to_string),
        )
        .collect();
    touched.sort();
    touched.dedup();
    let mut globs: Vec<String> = model_globs.to_vec();
    if let Some(c) = cfg.raw.predictions.get("candidate") {
        globs.push(format!("{prefix}{}", c.get_ref().trim_start_matches("./")));
    }
    for ext in ["pkl", "joblib", "onnx", "pt", "pth", "h5", "keras", "safetensors", "cbm", "ubj"] {
        globs.push(format!("**/*.{ext}"));
    }
    let mut b = globset::GlobSetBuilder::new();
    for g in &globs {
        if let Ok(g) = globset::Glob::new(g) {
            b.add(g);
        }
    }
    let set = b.build().map_err(|e| user(format!("[review].model_paths: {e}")))?;
    let files = touched.into_iter().filter(|f| set.is_match(f.as_str())).collect();
    Ok((globs, files))
}
