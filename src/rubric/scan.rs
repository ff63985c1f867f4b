//! One pass over a repository: which files exist (respecting `.gitignore`, never following
//! links, never leaving the repository), and a bounded, comment-free read of the files the
//! detectors care about.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;

use super::ci::{self, Job};

/// Bytes read from any one file.
pub const MAX_READ: u64 = 256 * 1024;
/// Bytes read from a notebook (committed outputs make them large).
pub const MAX_NOTEBOOK: u64 = 16 * 1024 * 1024;
/// Hidden folders that hold CI definitions, read although hidden.
pub const HIDDEN_CI: &[&str] =
    &[".github", ".azure-pipelines", ".pipelines", ".circleci", ".buildkite", ".gitlab", ".azuredevops"];
/// Files indexed at most (a guard against pathological trees).
pub const MAX_FILES: usize = 500_000;
/// Dependency manifests read at most.
pub const MAX_MANIFESTS: usize = 2_000;

#[derive(Debug, Clone)]
pub struct FileEntry {
    /// Relative path with `/` separators.
    pub rel: String,
    pub size: u64,
}

#[derive(Debug)]
pub struct RepoIndex {
    pub root: PathBuf,
    pub files: Vec<FileEntry>,
    pub jobs: Vec<Job>,
    /// Folders skipped as project templates (cookiecutter / copier placeholders in the name).
    pub templates: Vec<String>,
    /// Packages declared in dependency manifests (leads, never evidence).
    pub deps: super::deps::Declared,
    /// Things the reader should know (unreadable folders, malformed workflows, caps hit).
    pub notes: Vec<String>,
    pub elapsed_ms: u128,
}

/// Source-code extensions read by `code` detectors without explicit globs: the languages ML
/// code is written in (the rubric's patterns name their APIs), plus shell and config.
/// Documentation (Markdown, reStructuredText, plain text, HTML) is never read as code, and
/// neither is application code in other languages, where a `.fit(` or a Python snippet in a
/// test string means nothing about ML.
pub const CODE_EXTENSIONS: &[&str] = &["py", "ipynb", "r", "scala", "jl", "sql", "sh", "cfg", "ini"];

const DOC_EXTENSIONS: &[&str] = &["md", "markdown", "rst", "txt", "adoc", "html", "htm", "pdf"];

pub fn extension(rel: &str) -> String {
    Path::new(rel).extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).unwrap_or_default()
}

pub fn is_doc(rel: &str) -> bool {
    DOC_EXTENSIONS.contains(&extension(rel).as_str())
}

/// Whether a path is a test file by the usual conventions.
pub fn is_test(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    rel.split('/').any(|c| c == "tests" || c == "test" || c == "__tests__")
        || name.starts_with("test_")
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains("Test.")
        || name == "conftest.py"
}

impl RepoIndex {
    /// Walks `root` in parallel, honouring `.gitignore`, skipping `.git` and hidden folders
    /// other than `.github`, never following symbolic links.
    pub fn build(root: &Path) -> RepoIndex {
        let start = Instant::now();
        let files = Mutex::new(Vec::new());
        let notes = Mutex::new(Vec::new());
        let walker = ignore::WalkBuilder::new(root)
            .follow_links(false)
            .hidden(false)
            .git_ignore(true)
            .git_exclude(true)
            .require_git(false)
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                let dir = e.file_type().is_some_and(|t| t.is_dir());
                !(e.depth() > 0 && dir && name.starts_with('.') && !HIDDEN_CI.contains(&name.as_ref()))
                    && name != "node_modules"
            })
            .build_parallel();
        walker.run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(e) => {
                        if e.file_type().is_some_and(|t| t.is_file()) {
                            let rel =
                                e.path().strip_prefix(root).unwrap_or(e.path()).to_string_lossy().replace('\\', "/");
                            let size = e.metadata().map(|m| m.len()).unwrap_or(0);
                            let mut f = files.lock().expect("lock");
                            if f.len() < MAX_FILES {
                                f.push(FileEntry { rel, size });
                            } else {
                                return ignore::WalkState::Quit;
                            }
                        }
                    }
                    Err(err) => {
                        let mut n = notes.lock().expect("lock");
                        if n.len() < 20 {
                            n.push(format!("skipped: {err}"));
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
        let mut files = files.into_inner().expect("lock");
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        let mut notes = notes.into_inner().expect("lock");
        if files.len() >= MAX_FILES {
            notes.push(format!("stopped indexing at {MAX_FILES} files"));
        }
        // Project templates (`{{ cookiecutter.name }}/…`) are not the project: they earn nothing.
        let mut templates: Vec<String> = Vec::new();
        files.retain(|f| match template_root(&f.rel) {
            Some(t) => {
                if templates.last() != Some(&t) && !templates.contains(&t) {
                    templates.push(t);
                }
                false
            }
            None => true,
        });
        if !templates.is_empty() {
            notes.push(format!(
                "skipped {} as a project template (placeholders in the folder name): templates earn nothing",
                templates.iter().take(3).map(|t| format!("{t}/")).collect::<Vec<_>>().join(", ")
            ));
        }
        let (jobs, job_notes) = find_jobs(root, &files);
        notes.extend(job_notes);
        let mut deps = super::deps::Declared::new();
        for f in files.iter().filter(|f| super::deps::is_manifest(&f.rel)).take(MAX_MANIFESTS) {
            if let Some(text) = read_text(&root.join(&f.rel)) {
                for p in super::deps::parse(&f.rel, &text) {
                    deps.entry(p).or_default().push(f.rel.clone());
                }
            }
        }
        RepoIndex {
            root: root.to_path_buf(),
            files,
            jobs,
            templates,
            deps,
            notes,
            elapsed_ms: start.elapsed().as_millis(),
        }
    }

    /// Relative paths matching a glob set.
    pub fn matching<'a>(&'a self, set: &'a globset::GlobSet) -> impl Iterator<Item = &'a FileEntry> + 'a {
        self.files.iter().filter(move |f| set.is_match(&f.rel))
    }
}

/// The template folder a path lies in (`{{ cookiecutter.x }}`, `{% … %}` in a folder name).
fn template_root(rel: &str) -> Option<String> {
    let mut at = 0;
    for part in rel.split('/') {
        if part.contains("{{") || part.contains("{%") {
            return Some(rel[..at + part.len()].to_string());
        }
        at += part.len() + 1;
    }
    None
}

/// Jobs of every CI system, and schedules written in code, with notes on files that could
/// not be parsed.
fn find_jobs(root: &Path, files: &[FileEntry]) -> (Vec<Job>, Vec<String>) {
    let found: Vec<(Vec<Job>, Option<String>)> = files
        .par_iter()
        .filter_map(|f| {
            let system = ci::system_of(&f.rel);
            let ext = extension(&f.rel);
            let maybe_sched = matches!(ext.as_str(), "py" | "yml" | "yaml") && !is_test(&f.rel);
            if system.is_none() && !maybe_sched {
                return None;
            }
            let Some(text) = read_text(&root.join(&f.rel)) else {
                return system.map(|_| (vec![], Some(format!("{}: unreadable or binary; not parsed", f.rel))));
            };
            if let Some(s) = system {
                return Some(match ci::parse(s, &f.rel, &text) {
                    Ok(j) => (j, None),
                    Err(msg) => (vec![], Some(msg)),
                });
            }
            if ext != "py" && ci::looks_like_cloud_build(&text) {
                return Some(match ci::parse("Cloud Build", &f.rel, &text) {
                    Ok(j) => (j, None),
                    Err(msg) => (vec![], Some(msg)),
                });
            }
            let code = if ext == "py" { code_of(&f.rel, &text).0 } else { text };
            ci::sched::parse(&f.rel, &code).map(|j| (vec![j], None))
        })
        .collect();
    let mut jobs = Vec::new();
    let mut notes = Vec::new();
    for (j, n) in found {
        jobs.extend(j);
        notes.extend(n);
    }
    (jobs, notes)
}

/// A notebook's text, up to [`MAX_NOTEBOOK`] bytes.
pub fn read_notebook(path: &Path) -> Option<String> {
    read_capped(path, MAX_NOTEBOOK)
}

fn read_capped(path: &Path, cap: u64) -> Option<String> {
    let f = std::fs::File::open(path).ok()?;
    let mut buf = Vec::new();
    f.take(cap).read_to_end(&mut buf).ok()?;
    if buf.iter().take(8192).any(|&b| b == 0) {
        return None;
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// Up to [`MAX_READ`] bytes of a file as text; `None` for binary (a NUL byte) or unreadable.
pub fn read_text(path: &Path) -> Option<String> {
    if extension(&path.to_string_lossy()) == "ipynb" {
        return read_notebook(path);
    }
    read_capped(path, MAX_READ)
}

/// The code of a file as detectors see it: comments dropped, notebooks reduced to their
/// code cells. Returns `(code, notebook has outputs)`.
pub fn code_of(rel: &str, text: &str) -> (String, bool) {
    let ext = extension(rel);
    if ext == "ipynb" {
        let Ok(nb) = serde_json::from_str::<serde_json::Value>(text) else { return (String::new(), false) };
        let mut code = String::new();
        let mut outputs = false;
        for cell in nb["cells"].as_array().into_iter().flatten() {
            if cell["cell_type"] != "code" {
                continue;
            }
            outputs |= cell["outputs"].as_array().is_some_and(|o| !o.is_empty());
            let src = match &cell["source"] {
                serde_json::Value::Array(lines) => lines.iter().filter_map(|l| l.as_str()).collect::<String>(),
                serde_json::Value::String(s) => s.clone(),
                _ => String::new(),
            };
            code.push_str(&strip_comments(&src, "#"));
            code.push('\n');
        }
        return (code, outputs);
    }
    let marker = match ext.as_str() {
        "py" | "sh" | "r" | "yml" | "yaml" | "toml" | "cfg" | "ini" | "tf" | "jl" => "#",
        "rs" | "js" | "ts" | "java" | "scala" | "kt" | "go" | "c" | "cpp" | "h" => "//",
        "sql" => "--",
        _ => "",
    };
    (if marker.is_empty() { text.to_string() } else { strip_comments(text, marker) }, false)
}

fn strip_comments(text: &str, marker: &str) -> String {
    text.lines().filter(|l| !l.trim_start().starts_with(marker)).collect::<Vec<_>>().join("\n")
}

/// Whether a file holds real content: not empty, not a stub of TODOs or placeholders.
pub fn has_substance(text: &str) -> bool {
    let meaningful: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//") && !l.starts_with("<!--"))
        .collect::<Vec<_>>()
        .join(" ");
    let compact: String = meaningful.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() < 40 || compact == "{}" || compact == "[]" {
        return false;
    }
    let lower = meaningful.to_lowercase();
    let markers =
        ["todo", "tbd", "fixme", "placeholder", "lorem ipsum", "coming soon", "fill in", "to be written", "xxx"];
    let hits = markers.iter().map(|m| lower.matches(m).count()).sum::<usize>();
    // A short file that is mostly markers is a stub.
    !(hits > 0 && compact.len() < 400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stubs_and_comments_do_not_count() {
        assert!(!has_substance("# Rollback runbook\n\nTODO: write this\n"));
        assert!(!has_substance("{}"));
        assert!(has_substance(
            &"Step 1: run `kubectl rollout undo deploy/model` and watch the error rate fall. ".repeat(3)
        ));
        let (code, _) = code_of("a.py", "# import optuna\nx = 1  # optuna later\n");
        assert!(!code.contains("import optuna"));
    }

    #[test]
    fn notebooks_keep_code_cells_only() {
        let nb = r##"{"cells":[{"cell_type":"markdown","source":["uses GridSearchCV"]},{"cell_type":"code","source":["from sklearn.model_selection import GridSearchCV\n"],"outputs":[{"text":"ok"}]}]}"##;
        let (code, outputs) = code_of("n.ipynb", nb);
        assert!(code.contains("GridSearchCV") && outputs);
        let nb = r#"{"cells":[{"cell_type":"markdown","source":["uses GridSearchCV"]}]}"#;
        assert!(!code_of("n.ipynb", nb).0.contains("GridSearchCV"));
    }

    #[test]
    fn test_files_are_recognised() {
        for t in ["tests/test_a.py", "src/x_test.go", "a/__tests__/b.js", "pkg/test/Foo.java", "test_model.py"] {
            assert!(is_test(t), "{t}");
        }
        assert!(!is_test("src/features.py"));
    }
}
