//! The shape rules of ARCHITECTURE.md, checked on the source itself so they cannot rot:
//! which module may use which (one direction, no cycles), gates that touch no file,
//! environment or terminal, renderers that only read, and size limits (no source file over
//! 600 lines, no function over 100, tests aside).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::repo_root;

/// What each top-level module may use (besides itself). Keep in step with ARCHITECTURE.md.
const ALLOWED: &[(&str, &[&str])] = &[
    (
        "cli",
        &[
            "cleanup",
            "codes",
            "config",
            "data",
            "diag",
            "error",
            "exit",
            "gates",
            "git",
            "github",
            "output",
            "paths",
            "profile",
            "provenance",
            "release",
            "render",
            "results",
            "review",
            "rubric",
            "run",
            "sign",
            "stats",
            "text",
            "ui",
            "warehouse",
        ],
    ),
    (
        "run",
        &[
            "cleanup",
            "config",
            "data",
            "diag",
            "error",
            "gates",
            "paths",
            "profile",
            "provenance",
            "results",
            "stats",
            "text",
            "ui",
            "warehouse",
        ],
    ),
    ("release", &["error", "provenance", "results", "sign", "text"]),
    ("sign", &["error"]),
    ("review", &["codes", "config", "diag", "error", "gates", "git", "results", "text"]),
    ("rubric", &["diag", "error", "results", "text", "timeparse"]),
    ("config", &["data", "diag", "error", "gates", "output", "paths", "provenance", "results", "text", "warehouse"]),
    ("render", &["output", "provenance", "results", "text", "ui"]),
    ("github", &["error", "results", "text"]),
    ("gates", &["codes", "data", "diag", "error", "profile", "results", "stats", "text", "timeparse"]),
    ("profile", &["cleanup", "data", "error", "provenance", "stats", "text"]),
    ("warehouse", &["error", "profile", "provenance", "stats", "text"]),
    ("data", &["diag", "error", "results", "text", "timeparse"]),
    ("provenance", &["error", "git", "results"]),
    ("paths", &["error", "git"]),
    ("git", &["results"]),
    ("output", &["cleanup", "error"]),
    ("cleanup", &[]),
    ("diag", &["error", "text"]),
    ("results", &["exit", "stats"]),
    ("text", &["results"]),
    ("ui", &["results"]),
    ("error", &["exit"]),
    ("codes", &[]),
    ("stats", &[]),
    ("timeparse", &[]),
    ("exit", &[]),
];

/// Modules inside `gates/` every gate may use; one gate never uses another.
const GATE_SHARED: &[&str] = &["cfg", "columns", "feedback", "knobs", "model", "model_codes"];

struct File {
    rel: String,
    /// The source before its `#[cfg(test)]` module.
    code: String,
}

fn sources() -> Vec<File> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let src = repo_root().join("src");
    let mut paths = Vec::new();
    walk(&src, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let code = match text.find("#[cfg(test)]") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            File { rel: p.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/"), code }
        })
        .collect()
}

/// The top-level module a file belongs to (`None` for lib.rs and main.rs).
fn module(rel: &str) -> Option<&str> {
    let first = rel.split('/').next().unwrap();
    let m = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(m, "lib" | "main")).then_some(m)
}

/// Every `crate::a` / `crate::a::b` path a file names (comments and strings included, which
/// errs on the strict side).
fn uses(code: &str) -> Vec<(String, Option<String>)> {
    let re = regex::Regex::new(r"crate::([a-z_]+)(?:::([a-z_]+))?").unwrap();
    re.captures_iter(code)
        .filter(|c| &c[1] != "check_codes")
        .map(|c| (c[1].to_string(), c.get(2).map(|m| m.as_str().to_string())))
        .collect()
}

#[test]
fn modules_point_one_way() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> =
        ALLOWED.iter().map(|(m, deps)| (*m, deps.iter().copied().collect())).collect();
    let mut bad = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in sources() {
        let Some(m) = module(&f.rel) else { continue };
        let Some(ok) = allowed.get(m) else {
            bad.push(format!("src/{}: module `{m}` is not in ARCHITECTURE.md's table (and this test's)", f.rel));
            continue;
        };
        for (dep, _) in uses(&f.code) {
            if dep != m && !ok.contains(dep.as_str()) {
                bad.push(format!("src/{} uses crate::{dep}, which `{m}` may not use", f.rel));
            }
            if dep != m {
                edges.entry(m.to_string()).or_default().insert(dep);
            }
        }
    }
    assert!(bad.is_empty(), "dependency rules broken:\n{}", bad.join("\n"));
    // The table itself must be acyclic for the rule "one direction" to mean anything.
    let mut done = BTreeSet::new();
    fn visit(m: &str, edges: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, done: &mut BTreeSet<String>) {
        if let Some(i) = path.iter().position(|p| p == m) {
            panic!("import cycle: {} → {m}", path[i..].join(" → "));
        }
        if !done.insert(m.to_string()) {
            return;
        }
        path.push(m.to_string());
        for d in edges.get(m).into_iter().flatten() {
            visit(d, edges, path, done);
        }
        path.pop();
    }
    for m in edges.keys() {
        visit(m, &edges, &mut Vec::new(), &mut done);
    }
}

#[test]
fn one_gate_never_uses_another() {
    let mut bad = Vec::new();
    for f in sources().iter().filter(|f| f.rel.starts_with("gates/")) {
        let own = f.rel.split('/').nth(1).unwrap().trim_end_matches(".rs");
        for (dep, sub) in uses(&f.code) {
            if let (true, Some(sub)) = (dep == "gates", sub)
                && sub != own
                && !GATE_SHARED.contains(&sub.as_str())
            {
                bad.push(format!("src/{} uses crate::gates::{sub}", f.rel));
            }
        }
    }
    assert!(bad.is_empty(), "gates must not depend on each other:\n{}", bad.join("\n"));
}

#[test]
fn gates_are_pure_and_renderers_only_read() {
    let io = regex::Regex::new(
        r"std::fs\b|std::env\b|File::open|File::create|read_to_string\(|std::io::std(out|err)|\b(e?print(ln)?|dbg)!|std::process",
    )
    .unwrap();
    // Gates also never load data themselves, nor draw progress: `run/` does.
    let loading = regex::Regex::new(r"data::Source\b|profile::stream|Profile::load|crate::ui\b").unwrap();
    let mut bad = Vec::new();
    for f in sources() {
        let pure = f.rel.starts_with("gates/") || f.rel.starts_with("render/") || f.rel.starts_with("results/");
        if !pure {
            continue;
        }
        for (i, line) in f.code.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if io.is_match(code) || (f.rel.starts_with("gates/") && loading.is_match(code)) {
                bad.push(format!("src/{}:{}: {}", f.rel, i + 1, line.trim()));
            }
        }
    }
    assert!(bad.is_empty(), "gates, results and renderers touch no file, environment or terminal:\n{}", bad.join("\n"));
}

#[test]
fn no_source_file_over_600_lines_or_function_over_100() {
    let mut bad = Vec::new();
    let fn_start = regex::Regex::new(r"^(\s*)(pub(\([a-z]+\))? )?(const )?(async )?(unsafe )?fn [a-z_0-9]+").unwrap();
    for f in sources() {
        let lines: Vec<&str> = f.code.lines().collect();
        if lines.len() > 600 {
            bad.push(format!("src/{} has {} lines (tests aside)", f.rel, lines.len()));
        }
        for (i, l) in lines.iter().enumerate() {
            let Some(c) = fn_start.captures(l) else { continue };
            if l.trim_end().ends_with(';') {
                continue;
            }
            // rustfmt closes a function at its own indentation.
            let close = format!("{}}}", &c[1]);
            if let Some(len) = lines[i + 1..].iter().position(|x| *x == close)
                && len + 2 > 100
            {
                bad.push(format!("src/{}:{} {} is {} lines", f.rel, i + 1, l.trim(), len + 2));
            }
        }
    }
    assert!(bad.is_empty(), "too large:\n{}", bad.join("\n"));
}
