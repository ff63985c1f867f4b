//! Run outputs: the artefacts CI runs and ML tools leave behind (JUnit XML, mlgate results,
//! Great Expectations validations, Evidently snapshots, TFDV anomalies, DVC locks, MLflow
//! runs, TFX blessings), read into [`Record`]s of what ran, when, and how it ended. The
//! rubric maps them to tests through the same detectors the repository scan uses
//! (`super::ran`); this module only reads.
//!
//! Reading is bounded: files, depth, bytes per file and in total, archive entries and their
//! expanded size. Anything over a bound, malformed, of an unknown version or dated in the
//! future is skipped with the reason; files of no known format are counted and left alone.

pub mod archive;
mod dvc;
mod formats;
pub mod junit;
mod mlflow;
mod tfdv;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Files visited in one folder tree at most.
pub const MAX_FILES: usize = 20_000;
/// Folder depth followed at most.
pub const MAX_DEPTH: usize = 16;
/// Bytes of one artefact at most (larger ones are skipped, never read).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes read over all artefacts of one scoring at most.
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;
/// A timestamp this far past "now" is clock skew, not a run.
pub const FUTURE_SLACK_SECS: i64 = 24 * 3600;
/// Earliest plausible run date (2000-01-01): earlier is a broken clock.
pub const EARLIEST: i64 = 946_684_800;

/// How an artefact's check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Pass,
    Fail,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
        }
    }
}

/// What an artefact shows ran.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fact {
    /// A file ran, named by path as the artefact wrote it (relative, absolute, or under
    /// another checkout's folder); resolved against the repository later.
    Ran(String),
    /// A file ran, named as a dotted module or class (`tests.test_features`, `com.acme.FooTest`).
    Module(String),
    /// A command ran (a DVC stage).
    Command(String),
    /// A gate's job was done: an mlgate gate (with the checks it judged), or another tool
    /// doing that gate's job (a Great Expectations validation is what `[gates.schema]` does).
    Gate { kind: String, checks: BTreeSet<String> },
}

/// One thing an artefact shows, and how it ended.
#[derive(Debug, Clone)]
pub struct Item {
    pub fact: Fact,
    pub outcome: Outcome,
}

/// One artefact read.
#[derive(Debug, Clone)]
pub struct Record {
    /// Where it was read, as shown in reports (`ci-runs/41/junit.xml`).
    pub source: String,
    /// The tool that wrote it (`JUnit`, `Great Expectations` …).
    pub tool: &'static str,
    /// Which run it belongs to: artefacts with the same key are one run.
    pub run: String,
    /// When it ran (Unix seconds), if it says.
    pub at: Option<i64>,
    /// Whether a schedule started it, when known (GitHub tells; a file alone does not).
    pub scheduled: Option<bool>,
    pub items: Vec<Item>,
    /// One line on what it holds ("12 cases, 1 failed").
    pub summary: String,
    /// mlgate results: each gate kind's worst status and the checks it judged.
    pub gates: Vec<(String, String, BTreeSet<String>)>,
}

impl Record {
    fn new(source: &str, tool: &'static str, run: String) -> Record {
        Record {
            source: source.to_string(),
            tool,
            run,
            at: None,
            scheduled: None,
            items: Vec::new(),
            summary: String::new(),
            gates: Vec::new(),
        }
    }

    /// The worst outcome of its items.
    pub fn outcome(&self) -> Outcome {
        self.items.iter().map(|i| i.outcome).max().unwrap_or(Outcome::Pass)
    }
}

/// Where a batch of artefacts came from, when more is known than the files say (a GitHub
/// workflow run: its id, start time and trigger).
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// Shown before each artefact's path.
    pub label: String,
    pub run: Option<String>,
    pub at: Option<i64>,
    pub scheduled: Option<bool>,
}

/// Everything read from the run outputs given.
#[derive(Debug, Clone, Default)]
pub struct RunSet {
    /// The folders and downloads read, as given.
    pub sources: Vec<String>,
    pub records: Vec<Record>,
    /// Files recognised as artefacts.
    pub recognised: usize,
    /// Files of no known format, left alone.
    pub unknown: usize,
    /// Artefacts not used, with the reason.
    pub skipped: Vec<String>,
    pub bytes: u64,
}

/// One file's bytes and name, from a folder or from inside an archive.
pub struct File<'a> {
    /// Path shown in reports.
    pub shown: &'a str,
    /// Its name (last component).
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// What a format parser made of a file.
pub enum Parsed {
    Records(Vec<Record>),
    /// Recognised, and unusable for the reason.
    Skip(String),
    /// Not a format this module reads.
    Unknown,
}

impl RunSet {
    /// Reads a folder of run outputs recursively, within the bounds above (or one artefact,
    /// such as a downloaded zip archive). `now` (Unix seconds) dates clock skew.
    pub fn read_dir(&mut self, dir: &Path, shown: &str, now: i64) -> Result<(), String> {
        let meta = std::fs::metadata(dir).map_err(|e| format!("{shown}: {e}"))?;
        if meta.is_file() {
            self.sources.push(shown.to_string());
            self.read_file(dir, shown, now, &Origin::default());
            return Ok(());
        }
        if !meta.is_dir() {
            return Err(format!("{shown} is neither a folder nor a file"));
        }
        self.sources.push(shown.to_string());
        let mut visited = 0usize;
        let mut stack: Vec<(PathBuf, String, usize)> = vec![(dir.to_path_buf(), shown.to_string(), 0)];
        while let Some((d, label, depth)) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                self.skipped.push(format!("{label}: the folder cannot be read"));
                continue;
            };
            let mut entries: Vec<_> = entries.flatten().collect();
            entries.sort_by_key(|e| e.file_name());
            if let Some(run) = mlflow::run_folder(&d, &label) {
                self.recognised += 1;
                match run {
                    Ok(r) => self.push(r, now, &Origin::default()),
                    Err(why) => self.skipped.push(format!("{label}: {why}")),
                }
                // A run folder's own files are the run; only its artifacts may hold more.
                entries.retain(|e| e.file_name() == "artifacts");
            }
            for e in entries {
                visited += 1;
                if visited > MAX_FILES {
                    self.skipped.push(format!("{shown}: more than {MAX_FILES} files; the rest were not read"));
                    return Ok(());
                }
                let name = e.file_name().to_string_lossy().into_owned();
                let path = e.path();
                let child = format!("{label}/{name}");
                let Ok(ft) = e.file_type() else { continue };
                if ft.is_symlink() {
                    self.skipped.push(format!("{child}: a symbolic link; not followed"));
                } else if ft.is_dir() {
                    if depth + 1 >= MAX_DEPTH {
                        self.skipped.push(format!("{child}: deeper than {MAX_DEPTH} folders; not read"));
                    } else if name != ".git" {
                        stack.push((path, child, depth + 1));
                    }
                } else if ft.is_file() {
                    self.read_file(&path, &child, now, &Origin::default());
                }
            }
            if d.join("dvc.lock").is_file() {
                // The metrics the lock's dvc.yaml declares, shown with that run.
                let source = format!("{label}/dvc.lock");
                if let (Some(m), Some(r)) = (dvc::metrics(&d), self.records.iter_mut().find(|r| r.source == source)) {
                    r.summary = format!("{}; {m}", r.summary);
                }
            }
            stack.sort_by(|a, b| b.1.cmp(&a.1));
        }
        Ok(())
    }

    fn read_file(&mut self, path: &Path, shown: &str, now: i64, origin: &Origin) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !formats::may_be(&name) {
            self.unknown += 1;
            return;
        }
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if len > MAX_FILE_BYTES {
            self.skipped.push(format!(
                "{shown}: {} MiB, over the {} MiB an artefact may have; not read",
                len >> 20,
                MAX_FILE_BYTES >> 20
            ));
            return;
        }
        if self.bytes + len > MAX_TOTAL_BYTES {
            self.skipped
                .push(format!("{shown}: the run outputs passed {} MiB in total; not read", MAX_TOTAL_BYTES >> 20));
            return;
        }
        let Ok(bytes) = std::fs::read(path) else {
            self.skipped.push(format!("{shown}: cannot be read"));
            return;
        };
        self.bytes += bytes.len() as u64;
        if name.to_ascii_lowercase().ends_with(".zip") {
            self.read_archive(&bytes, shown, now, origin);
            return;
        }
        self.parse(&File { shown, name: &name, bytes: &bytes }, now, origin);
    }

    /// Reads the artefacts inside a zip archive (a downloaded CI artefact), within
    /// [`archive`]'s bounds. Archives inside archives are not opened.
    pub fn read_archive(&mut self, bytes: &[u8], shown: &str, now: i64, origin: &Origin) {
        self.recognised += 1;
        let files = match archive::entries(bytes, formats::may_be) {
            Ok(f) => f,
            Err(why) => {
                self.skipped.push(format!("{shown}: {why}"));
                return;
            }
        };
        self.unknown += files.unknown;
        self.skipped.extend(files.skipped.into_iter().map(|s| format!("{shown}!{s}")));
        for (path, data) in &files.files {
            let name = path.rsplit('/').next().unwrap_or(path);
            self.parse(&File { shown: &format!("{shown}!{path}"), name, bytes: data }, now, origin);
        }
        // Metric files are not read (no format of theirs is wanted); their names say which
        // metrics a run logged.
        let names: Vec<&str> = files.names.iter().map(String::as_str).collect();
        for run in mlflow::in_archive(&names, &files.files, shown) {
            match run {
                Ok(r) => self.push(r, now, origin),
                Err(why) => self.skipped.push(format!("{shown}: {why}")),
            }
        }
    }

    fn parse(&mut self, f: &File<'_>, now: i64, origin: &Origin) {
        match formats::parse(f) {
            Parsed::Unknown => self.unknown += 1,
            Parsed::Skip(why) => {
                self.recognised += 1;
                self.skipped.push(format!("{}: {why}", f.shown));
            }
            Parsed::Records(rs) => {
                self.recognised += 1;
                for r in rs {
                    self.push(r, now, origin);
                }
            }
        }
    }

    /// Keeps a record, with what the origin knows and the file does not; a record dated in
    /// the future or before 2000 is clock skew and is skipped.
    fn push(&mut self, mut r: Record, now: i64, origin: &Origin) {
        if let Some(run) = &origin.run {
            r.run = run.clone();
        }
        r.at = r.at.or(origin.at);
        r.scheduled = r.scheduled.or(origin.scheduled);
        if !origin.label.is_empty() {
            r.source = format!("{}: {}", origin.label, r.source);
        }
        match r.at {
            Some(t) if t > now + FUTURE_SLACK_SECS => self.skipped.push(format!(
                "{}: dated {}, after now ({}): a skewed clock; not counted",
                r.source,
                date_time(t),
                date_time(now)
            )),
            Some(t) if t < EARLIEST => self.skipped.push(format!(
                "{}: dated {}, before 2000: a broken clock; not counted",
                r.source,
                date_time(t)
            )),
            _ => self.records.push(r),
        }
    }
}

/// `2026-11-30 14:02 UTC`.
pub fn date_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
}

/// `2026-11-30`.
pub fn date(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// Unix seconds of a timestamp an artefact wrote: the forms `crate::timeparse` accepts (one
/// without a zone is UTC), and Great Expectations' compact `20261124T060500.000000Z`.
pub fn parse_time(s: &str) -> Option<i64> {
    let us = crate::timeparse::parse_micros(s, None).or_else(|| {
        chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y%m%dT%H%M%S%.fZ")
            .ok()
            .map(|t| t.and_utc().timestamp_micros())
    })?;
    Some(us.div_euclid(1_000_000))
}

/// At most `max` bytes of a small metadata file as text; `None` for a larger file, one that
/// is not a regular file (symbolic links are not followed, as in the folder walk), or one
/// that cannot be read.
pub(super) fn read_small(p: &Path, max: u64) -> Option<String> {
    let m = std::fs::symlink_metadata(p).ok()?;
    if !m.is_file() || m.len() > max {
        return None;
    }
    std::fs::read_to_string(p).ok()
}

/// The folder part of a shown path (`a/b/junit.xml` → `a/b`): artefacts side by side are
/// one run unless their format says otherwise.
pub fn folder_of(shown: &str) -> String {
    match shown.rfind(['/', '!']) {
        Some(i) => shown[..i].to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_of_every_tool_read_alike() {
        let t = Some(1_796_040_000);
        for s in [
            "2026-11-30T12:00:00Z",
            "2026-11-30T12:00:00.000001+00:00",
            "2026-11-30T14:00:00+02:00",
            "2026-11-30 12:00:00+00:00",
            "2026-11-30T12:00:00",
            "20261130T120000.000000Z",
        ] {
            assert_eq!(super::parse_time(s), t, "{s}");
        }
        assert_eq!(super::parse_time("yesterday"), None);
    }
}
