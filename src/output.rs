//! Writing reports without leaving anything half-written: every file is rendered in memory
//! first, then written to a temporary file in the target folder and renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Report formats that can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// `report.html`: one self-contained file with charts.
    Html,
    /// `report.md`: Markdown for PR comments.
    Md,
    /// `results.json`: the full results model.
    Json,
    /// `junit.xml`: one test case per check, for CI test tabs.
    Junit,
}

impl ReportFormat {
    pub fn file_name(self) -> &'static str {
        match self {
            ReportFormat::Html => "report.html",
            ReportFormat::Md => "report.md",
            ReportFormat::Json => "results.json",
            ReportFormat::Junit => "junit.xml",
        }
    }

    pub fn all() -> Vec<ReportFormat> {
        vec![ReportFormat::Html, ReportFormat::Md, ReportFormat::Json, ReportFormat::Junit]
    }

    /// The format of a report file, from its name.
    pub fn of_path(p: &Path) -> Option<ReportFormat> {
        let name = p.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".html") || name.ends_with(".htm") {
            Some(ReportFormat::Html)
        } else if name.ends_with(".md") {
            Some(ReportFormat::Md)
        } else if name.ends_with(".json") {
            Some(ReportFormat::Json)
        } else if name.ends_with(".xml") {
            Some(ReportFormat::Junit)
        } else {
            None
        }
    }
}

/// Refuses to overwrite an existing `--output` file unless `--force` was given.
pub fn refuse_overwrite(output: Option<&Path>, force: bool) -> Result<()> {
    match output {
        Some(o) if o.exists() && !force => Err(crate::error::user(format!("{} already exists", o.display()))
            .hint("pass --force to overwrite it, or choose another --output")
            .into()),
        _ => Ok(()),
    }
}

/// Writes `(file name, content)` pairs into `dir` as one set. Every file is first written
/// into a staging folder next to `dir` (`.mlgate-<pid>-…`); a new `dir` is then that folder,
/// renamed into place in one step, so readers see all the reports or none. Into an existing
/// folder (which may hold other files) each file is renamed into place, so no file is ever
/// half-written. The staging folder is removed if the run is interrupted
/// ([`crate::cleanup`]), and stale ones of dead processes are removed on the next write.
/// Returns the paths.
pub fn write_all(dir: &Path, files: &[(String, String)]) -> Result<Vec<PathBuf>> {
    // A committed `mlgate-report` symlink would send the reports wherever it points.
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(crate::error::user(format!(
            "output folder {} is a symbolic link; mlgate does not write through it",
            dir.display()
        ))
        .hint("remove the link, or point --out at a real folder")
        .into());
    }
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating folder {}", parent.display()))?;
    remove_stale_staging(parent);
    let stage = tempfile::Builder::new()
        .prefix(&format!(".mlgate-{}-", std::process::id()))
        .tempdir_in(parent)
        .with_context(|| format!("creating a staging folder in {}", parent.display()))?;
    let _removed_if_interrupted = crate::cleanup::register(stage.path());
    for (name, content) in files {
        write_file(&stage.path().join(name), content.as_bytes())?;
    }
    let written: Vec<PathBuf> = files.iter().map(|(name, _)| dir.join(name)).collect();
    if !dir.exists() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(stage.path(), std::fs::Permissions::from_mode(0o755));
        }
        let staged = stage.keep();
        return match std::fs::rename(&staged, dir) {
            Ok(()) => Ok(written),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staged);
                Err(anyhow::Error::new(e).context(format!("moving the reports into place at {}", dir.display())))
            }
        };
    }
    for (name, _) in files {
        std::fs::rename(stage.path().join(name), dir.join(name))
            .with_context(|| format!("moving the report into place at {}", dir.join(name).display()))?;
    }
    Ok(written)
}

/// Removes `.mlgate-<pid>-…` staging folders in `dir` whose process is gone (a run killed
/// with SIGKILL). Only where the process table can be read (`/proc`).
fn remove_stale_staging(dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(".mlgate-").and_then(|r| r.split('-').next()) else { continue };
        let alive = pid.parse::<u32>().is_ok_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if pid.parse::<u32>().is_ok() && !alive && e.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Writes a new file.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
    fill(&mut f, path, bytes)
}

/// Writes `bytes` (of the report at `shown`) into `f`, synced, with the permissions reports
/// are read (and archived) with by others: not a temporary file's 0600.
fn fill(f: &mut std::fs::File, shown: &Path, bytes: &[u8]) -> Result<()> {
    f.write_all(bytes).with_context(|| format!("writing {}", shown.display()))?;
    f.sync_all().ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = f.set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    Ok(())
}

/// Writes one file via a temporary sibling and a rename.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<()> {
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating folder {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".mlgate-")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    fill(tmp.as_file_mut(), target, bytes)?;
    tmp.persist(target)
        .map_err(|e| e.error)
        .with_context(|| format!("moving the report into place at {}", target.display()))?;
    Ok(())
}
