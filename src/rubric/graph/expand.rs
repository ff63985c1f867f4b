//! From one reached file to what it runs or names: a shell script's commands, a Python
//! file's local imports, the files its string literals name and the commands it passes to
//! `subprocess` / `os.system` / nox sessions, a notebook's code cells, a workflow's or a
//! composite action's steps, a pipeline template's or job file's commands, tox commands.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::resolve::{self, dir_of, find};
use super::{Node, Succ};
use crate::rubric::ci::{self, Cmd};
use crate::rubric::scan::{self, RepoIndex};

static FROM_IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(?:\(([\w\s,]+)\)|([\w \t,]+))").expect("valid")
});
static IMPORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)").expect("valid"));
static LITERAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"["']([\w./-]+\.(?:py|sh|ipynb|ya?ml|R|sql))["']"#).expect("valid"));
static SHELL_CALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:os\.system|subprocess\.(?:run|call|check_call|check_output|Popen)|session\.run)\s*\(\s*\[?\s*f?(["'])(.*?)["']\s*(?:,\s*(["'][^)\]]*))?"#)
        .expect("valid")
});

const MAX_IMPORTS: usize = 300;

fn read(index: &RepoIndex, rel: &str) -> Option<String> {
    scan::read_text(&index.root.join(rel))
}

/// The successors of a reached file.
pub fn file(index: &RepoIndex, names: &HashSet<&str>, rel: &str) -> Succ {
    let mut out = Vec::new();
    let ext = scan::extension(rel);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let dir = dir_of(rel);
    match ext.as_str() {
        "py" => {
            if let Some(text) = read(index, rel) {
                python(index, names, rel, &scan::code_of(rel, &text).0, &mut out);
            }
        }
        "ipynb" => {
            if let Some(text) = scan::read_notebook(&index.root.join(rel)) {
                python(index, names, rel, &scan::code_of(rel, &text).0, &mut out);
            }
        }
        "sh" | "bash" => {
            if let Some(text) = read(index, rel) {
                let mut cmds = Vec::new();
                ci::push_lines(&text, &mut cmds);
                ci::mark_ignored(&text, rel, &mut cmds);
                resolve::commands_succ(&cmds, dir, rel, &mut out);
            }
        }
        "yml" | "yaml" => yaml(index, names, rel, &mut out),
        "ini" if name == "tox.ini" => {
            if let Some(text) = read(index, rel) {
                resolve::commands_succ(&tox_commands(&text), dir, rel, &mut out);
            }
        }
        _ => {}
    }
    out
}

fn python(index: &RepoIndex, names: &HashSet<&str>, rel: &str, code: &str, out: &mut Succ) {
    let dir = dir_of(rel);
    // Bases for absolute imports: the file's folder and every folder above it.
    let mut bases = vec![dir.to_string()];
    let mut d = dir;
    while !d.is_empty() {
        d = dir_of(d);
        bases.push(d.to_string());
    }
    let base_refs: Vec<&str> = bases.iter().map(String::as_str).collect();
    let mut modules: Vec<(String, Vec<String>)> = Vec::new();
    for c in FROM_IMPORT.captures_iter(code).take(MAX_IMPORTS) {
        let list = c.get(2).or_else(|| c.get(3)).map_or("", |m| m.as_str());
        let names_list = list.split(',').map(|n| n.split_whitespace().next().unwrap_or("").to_string()).collect();
        modules.push((c[1].to_string(), names_list));
    }
    for c in IMPORT.captures_iter(code).take(MAX_IMPORTS) {
        for m in c[1].split(',') {
            modules.push((m.trim().to_string(), vec![]));
        }
    }
    let mut seen = HashSet::new();
    for (m, items) in modules {
        let dots = m.chars().take_while(|c| *c == '.').count();
        let path = m[dots..].replace('.', "/");
        let mut up = dir.to_string();
        for _ in 1..dots {
            up = dir_of(&up).to_string();
        }
        let search: Vec<&str> = if dots > 0 { vec![up.as_str()] } else { base_refs.clone() };
        let mut targets = Vec::new();
        if !path.is_empty() {
            targets.push(format!("{path}.py"));
            targets.push(format!("{path}/__init__.py"));
        }
        for i in &items {
            if !i.is_empty() {
                targets.push(if path.is_empty() { format!("{i}.py") } else { format!("{path}/{i}.py") });
            }
        }
        for t in targets {
            for f in find(index, names, &search, &t) {
                if f != rel && seen.insert(f.clone()) {
                    out.push((Node::File(f.clone()), format!("imports {f}"), scan::is_test(&f)));
                }
            }
        }
    }
    for c in LITERAL.captures_iter(code).take(MAX_IMPORTS) {
        for f in find(index, names, &base_refs, &c[1]) {
            if f != rel && seen.insert(f.clone()) {
                out.push((Node::File(f.clone()), f.clone(), scan::is_test(&f)));
            }
        }
    }
    // A literal naming a folder of job or component definitions (`"mlops/x/components"`).
    for c in LITERAL_DIR.captures_iter(code).take(MAX_IMPORTS) {
        for b in &base_refs {
            let Some(d) = resolve::join(b, &c[1]) else { continue };
            let inside = folder_files(index, &d);
            if inside.is_empty() || inside.len() > 30 {
                continue;
            }
            for f in inside.into_iter().filter(|f| matches!(scan::extension(f).as_str(), "yml" | "yaml")) {
                if seen.insert(f.clone()) {
                    out.push((Node::File(f.clone()), f.clone(), false));
                }
            }
            break;
        }
    }
    for c in SHELL_CALL.captures_iter(code).take(MAX_IMPORTS) {
        let mut text = c[2].to_string();
        if let Some(rest) = c.get(3) {
            let extra: Vec<String> = QUOTED.captures_iter(rest.as_str()).map(|m| m[1].to_string()).collect();
            if !extra.is_empty() {
                text = format!("{text} {}", extra.join(" "));
            }
        }
        out.push((
            Node::Command { text: text.clone(), cwd: dir.into(), origin: rel.into(), ignored: None },
            crate::text::clip(&text, 60),
            false,
        ));
    }
}

fn yaml(index: &RepoIndex, names: &HashSet<&str>, rel: &str, out: &mut Succ) {
    let Some(text) = read(index, rel) else { return };
    let dir = dir_of(rel);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let cmds: Vec<Cmd> = if rel.starts_with(".github/workflows/") {
        ci::github::parse_github(rel, &text)
            .map(|jobs| jobs.into_iter().flat_map(|j| j.commands).collect())
            .unwrap_or_default()
    } else if name == "action.yml" || name == "action.yaml" {
        ci::github::parse_action(rel, &text).unwrap_or_default()
    } else {
        let Ok(docs) = crate::rubric::yaml::load(&text) else { return };
        let (mut c, mut refs) = (Vec::new(), Vec::new());
        for d in docs.iter().take(20) {
            let before = c.len();
            ci::collect(d, &mut c, &mut refs);
            // A job or component file runs its command in its `code:` folder.
            if let Some(code) = d["code"].as_str().and_then(|p| resolve::join(dir, p)) {
                for cmd in &mut c[before..] {
                    cmd.cwd = Some(code.clone());
                }
            }
        }
        c.extend(refs.into_iter().map(|r| Cmd::new(format!("template: {r}"))));
        // Job and config files name their entrypoints (`code: train.py`, `entrypoint: x.py:flow`).
        for m in LITERAL_BARE.captures_iter(&text).take(MAX_IMPORTS) {
            let f = m[1].split(':').next().unwrap_or("");
            for hit in find(index, names, &[dir, ""], f) {
                if hit != rel {
                    out.push((Node::File(hit.clone()), hit.clone(), scan::is_test(&hit)));
                }
            }
        }
        c
    };
    resolve::commands_succ(&cmds, dir, rel, out);
}

static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"["']([^"']*)["']"#).expect("valid"));
static LITERAL_DIR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"["']([\w.-]+/[\w./-]*\w)["']"#).expect("valid"));

/// The files directly inside folder `dir` (the index is sorted by path).
fn folder_files(index: &RepoIndex, dir: &str) -> Vec<String> {
    let prefix = format!("{dir}/");
    let start = index.files.partition_point(|f| f.rel.as_str() < prefix.as_str());
    index.files[start..]
        .iter()
        .take_while(|f| f.rel.starts_with(&prefix))
        .filter(|f| !f.rel[prefix.len()..].contains('/'))
        .take(31)
        .map(|f| f.rel.clone())
        .collect()
}

static LITERAL_BARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m):\s*["']?([\w./-]+\.(?:py|sh|ipynb|R)(?::\w+)?)["']?\s*$"#).expect("valid"));

/// `commands =` of every tox environment.
fn tox_commands(text: &str) -> Vec<Cmd> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let t = line.trim();
        if let Some(v) = t.strip_prefix("commands").and_then(|r| r.trim_start().strip_prefix('=')) {
            inside = true;
            if !v.trim().is_empty() {
                out.push(Cmd::new(v.trim()));
            }
            continue;
        }
        if inside && (line.starts_with(' ') || line.starts_with('\t')) && !t.is_empty() {
            out.push(Cmd::new(t));
        } else {
            inside = false;
        }
    }
    out
}

/// The commands of an npm script.
pub fn npm_script(index: &RepoIndex, package_json: &str, script: &str) -> Vec<Cmd> {
    let Some(text) = read(index, package_json) else { return vec![] };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { return vec![] };
    v["scripts"][script].as_str().map(|s| vec![Cmd::new(s)]).unwrap_or_default()
}

/// The command a `cdk.json` runs (`"app": "python3 app.py"`).
pub fn cdk_app(index: &RepoIndex, cdk_json: &str) -> Option<String> {
    let text = read(index, cdk_json)?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["app"].as_str().map(str::to_string)
}

/// The recipe lines of `wanted` targets (the first target when none) and of their
/// prerequisites, in a Makefile or justfile.
pub fn recipe(index: &RepoIndex, makefile: &str, wanted: &[String]) -> Vec<(String, Cmd)> {
    let Some(text) = read(index, makefile) else { return vec![] };
    let mut rules: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for line in text.lines() {
        if line.starts_with('\t') || (line.starts_with("    ") && !rules.is_empty()) {
            let l = line.trim().trim_start_matches(['@', '-', '+']).trim();
            if let Some(r) = rules.last_mut()
                && !l.is_empty()
                && !l.starts_with('#')
            {
                r.2.push(l.to_string());
            }
            continue;
        }
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.contains(":=") || t.contains("?=") || t.starts_with('.') {
            if !t.is_empty() && !line.starts_with(' ') {
                rules.push((String::new(), vec![], vec![]));
            }
            continue;
        }
        if let Some((head, deps)) = t.split_once(':')
            && !head.contains('=')
            && !head.contains('$')
        {
            let deps = deps.trim_start_matches(':').split_whitespace().map(str::to_string).collect();
            if let Some(name) = head.split_whitespace().next() {
                rules.push((name.to_string(), deps, vec![]));
            }
        } else {
            rules.push((String::new(), vec![], vec![]));
        }
    }
    let mut todo: Vec<String> = if wanted.is_empty() {
        rules.iter().find(|r| !r.0.is_empty()).map(|r| vec![r.0.clone()]).unwrap_or_default()
    } else {
        wanted.to_vec()
    };
    let mut done = HashSet::new();
    let mut out = Vec::new();
    while let Some(t) = todo.pop() {
        if !done.insert(t.clone()) || done.len() > 200 {
            continue;
        }
        if let Some(r) = rules.iter().find(|r| r.0 == t) {
            todo.extend(r.1.iter().rev().cloned());
            out.extend(r.2.iter().map(|l| (t.clone(), Cmd::new(l.replace("$(MAKE)", "make")))));
        }
    }
    out
}
