//! Where paths a configuration names may point. A pull request writes mlgate.toml, so a
//! data path (or a schema, an importance file, a drift side) could name `/etc/passwd`,
//! `../../.ssh/id_rsa` or a committed symlink to a credentials file, and the first line of
//! that file would reach the report, the job summary and the annotations. Paths a
//! configuration names must therefore resolve, symlinks followed, inside the repository
//! (the git work tree holding the configuration, else its folder), unless the run passes
//! `--allow-outside-repo`. Paths typed on the command line (`mlgate gate …`) are the
//! caller's own and are not restricted.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Result;

use crate::error::{quoted, user};

static ALLOW_OUTSIDE: OnceLock<bool> = OnceLock::new();

/// Sets, once per process (from `--allow-outside-repo`), whether configured paths may leave
/// the repository.
pub fn allow_outside(allow: bool) {
    let _ = ALLOW_OUTSIDE.set(allow);
}

fn outside_allowed() -> bool {
    ALLOW_OUTSIDE.get().copied().unwrap_or(false)
}

/// The repository a configuration in `dir` belongs to: its git work tree, else `dir`;
/// canonical.
pub fn repository_of(dir: &Path) -> PathBuf {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let top = crate::git::git(dir, &["rev-parse", "--show-toplevel"]).map(|t| PathBuf::from(t.trim()));
    let root = top.filter(|t| !t.as_os_str().is_empty()).unwrap_or_else(|| dir.to_path_buf());
    root.canonicalize().unwrap_or(root)
}

/// Checks that `path` (named `given` in `origin`) resolves inside `root`. A path that does
/// not exist yet passes here; whoever opens it says it is missing.
pub fn inside(root: &Path, path: &Path, given: &str, origin: &str) -> Result<()> {
    if outside_allowed() {
        return Ok(());
    }
    let Ok(real) = path.canonicalize() else { return Ok(()) };
    if real.starts_with(root) {
        return Ok(());
    }
    // `ancestors` starts with the path itself.
    let via_link = path.ancestors().any(|a| std::fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink()));
    let how = if via_link { "through a symbolic link " } else { "" };
    Err(user(format!("{} (given in {origin}) points {how}outside the repository {}", quoted(given), root.display()))
        .hint("keep data, schemas and profiles inside the repository; a run that must read elsewhere passes --allow-outside-repo (check, audit)")
        .into())
}

/// Checks a folder a configuration names for writing (`[report].out`): relative, without
/// `..`, so the reports land inside the working tree. It need not exist yet.
pub fn relative_inside(given: &str, origin: &str) -> Result<()> {
    use std::path::Component;
    let p = Path::new(given);
    let leaves = p.is_absolute() || p.components().any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)));
    if outside_allowed() || !leaves {
        return Ok(());
    }
    Err(user(format!("{} (given in {origin}) leaves the repository", quoted(given)))
        .hint("give a folder inside the repository, such as \"mlgate-report\"; --out DIR on the command line may point anywhere")
        .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_and_links_out_are_refused() {
        let repo = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let root = repo.path().canonicalize().unwrap();
        std::fs::write(repo.path().join("a.csv"), "x\n").unwrap();
        std::fs::write(other.path().join("secret.csv"), "x\n").unwrap();
        inside(&root, &repo.path().join("a.csv"), "a.csv", "here").unwrap();
        inside(&root, &repo.path().join("missing.csv"), "missing.csv", "here").unwrap();
        relative_inside("reports/mlgate", "[report].out").unwrap();
        assert!(relative_inside("../../.ssh", "[report].out").is_err());
        assert!(relative_inside("/etc", "[report].out").is_err());
        let e = inside(&root, &other.path().join("secret.csv"), "/x/secret.csv", "[data].train").unwrap_err();
        assert!(e.to_string().contains("points outside the repository"), "{e}");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(other.path().join("secret.csv"), repo.path().join("link.csv")).unwrap();
            let e = inside(&root, &repo.path().join("link.csv"), "link.csv", "[data].train").unwrap_err();
            assert!(e.to_string().contains("through a symbolic link"), "{e}");
        }
    }
}
