//! Temporary folders removed even when a run is interrupted. A CI job that is cancelled
//! sends SIGINT or SIGTERM; destructors do not run then, so a staged report set
//! (`.mlgate-*` next to the output folder) or the on-disk sort of a large exact comparison
//! (`mlgate-sorted-*` in `TMPDIR`) would stay behind. Folders registered here are removed by
//! a signal-watching thread before the process exits with 128 + the signal number. (SIGKILL
//! cannot be caught: what it leaves, the next write of the same output folder removes.)

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static REGISTERED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Keeps a folder registered until dropped.
pub struct Registered(PathBuf);

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut list) = REGISTERED.lock() {
            list.retain(|p| p != &self.0);
        }
    }
}

/// Registers `dir` for removal if the process is interrupted while the guard lives.
pub fn register(dir: &Path) -> Registered {
    if let Ok(mut list) = REGISTERED.lock() {
        list.push(dir.to_path_buf());
    }
    Registered(dir.to_path_buf())
}

/// Starts watching SIGINT, SIGTERM and SIGHUP (once per process; Unix only).
pub fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                remove_registered();
                std::process::exit(128 + sig);
            }
        });
    }
}

fn remove_registered() {
    let list = REGISTERED.lock().map(|l| l.clone()).unwrap_or_default();
    for p in list {
        let _ = std::fs::remove_dir_all(&p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_folders_are_removed_and_guards_unregister() {
        let d = tempfile::tempdir().unwrap();
        let kept = d.path().join("kept");
        let gone = d.path().join("gone");
        std::fs::create_dir(&kept).unwrap();
        std::fs::create_dir(&gone).unwrap();
        drop(register(&kept));
        let _g = register(&gone);
        remove_registered();
        assert!(kept.exists() && !gone.exists());
    }
}
