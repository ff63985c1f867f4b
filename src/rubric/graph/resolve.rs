//! From one command line to what it invokes: the files it runs and the commands those
//! stand for (make targets, npm scripts, tox environments, DVC stages, CDK apps …).

use std::collections::HashSet;

use super::{Node, Succ, cmd};
use crate::rubric::ci::Cmd;
use crate::rubric::scan::RepoIndex;

/// Words that run the rest of the line as a command.
const WRAPPERS: &[&[&str]] = &[
    &["pipenv", "run"],
    &["poetry", "run"],
    &["uv", "run"],
    &["pdm", "run"],
    &["hatch", "run"],
    &["rye", "run"],
    &["pixi", "run"],
    &["sudo"],
    &["time"],
    &["exec"],
    &["nohup"],
    &["xvfb-run"],
    &["npx"],
    &["env"],
    &["coverage", "run"],
];

/// A path made from `base` and `rel` (`./`, `..` handled), or `None` when it would leave
/// the repository.
pub fn join(base: &str, rel: &str) -> Option<String> {
    let rel = rel.trim_matches(|c| c == '"' || c == '\'');
    if rel.starts_with('/') || rel.contains('\\') || rel.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

pub fn dir_of(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// Files in the index named by `token` from any of `bases` (globs when it holds `*`).
pub fn find(index: &RepoIndex, names: &HashSet<&str>, bases: &[&str], token: &str) -> Vec<String> {
    let token = token.trim_start_matches("./");
    let mut out = Vec::new();
    for b in bases {
        let Some(p) = join(b, token) else { continue };
        if p.contains('*') {
            if let Ok(g) = globset::GlobBuilder::new(&p).literal_separator(true).build() {
                let m = g.compile_matcher();
                out.extend(index.files.iter().filter(|f| m.is_match(&f.rel)).take(20).map(|f| f.rel.clone()));
            }
        } else if names.contains(p.as_str()) {
            out.push(p);
        }
        if !out.is_empty() {
            break;
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Template expressions (`${{ inputs.x }}`, `$(X)`, `${X}`, `$X`) inside a token become `*`.
fn templated(token: &str) -> String {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\$\{\{[^}]*\}\}|\$\([^)]*\)|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*").expect("valid")
    });
    if !token.contains('$') {
        return token.to_string();
    }
    RE.replace_all(token, "*").into_owned()
}

fn is_code_file(rel: &str) -> bool {
    matches!(
        crate::rubric::scan::extension(rel).as_str(),
        "py" | "sh" | "bash" | "ipynb" | "r" | "yml" | "yaml" | "sql" | "jl" | "scala"
    )
}

/// The successors of one command line.
pub fn command(index: &RepoIndex, names: &HashSet<&str>, text: &str, cwd: &str, origin: &str) -> Succ {
    let mut out: Succ = Vec::new();
    let mut cwd = cwd.to_string();
    let text = templated(text);
    for part in text.split(['\n', ';', '|', '&']).map(str::trim).filter(|p| !p.is_empty()) {
        let mut words: Vec<String> = shell_words(part);
        if words.first().is_some_and(|w| w == "cd") {
            if let Some(d) = words.get(1).and_then(|d| join(&cwd, &templated(d)))
                && !d.contains('*')
            {
                cwd = d;
            }
            continue;
        }
        // `cmd="python -m pytest tests"` then `eval "$cmd"`: the assigned string is a command.
        if let Some((name, value)) = part.split_once('=')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && value.len() > 2
            && (value.starts_with('"') || value.starts_with('\''))
        {
            let inner = shell_words(value.trim_matches(|c| c == '"' || c == '\''));
            one(index, names, &inner, &cwd, origin, &mut out);
            continue;
        }
        strip_wrappers(&mut words);
        one(index, names, &words, &cwd, origin, &mut out);
    }
    out
}

fn shell_words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|w| w.trim_matches(|c| c == '"' || c == '\'' || c == '(' || c == ')').to_string())
        .collect()
}

fn strip_wrappers(words: &mut Vec<String>) {
    loop {
        while words.first().is_some_and(|w| w.contains('=') && !w.starts_with('-') && !w.contains('/')) {
            words.remove(0);
        }
        let Some(w) =
            WRAPPERS.iter().find(|w| words.len() > w.len() && words.iter().zip(w.iter()).all(|(a, b)| a == b))
        else {
            break;
        };
        words.drain(..w.len());
        if words.first().is_some_and(|w| w == "-n" || w == "--name") && words.len() > 2 {
            words.drain(..2);
        }
    }
}

fn file_succ(out: &mut Succ, files: Vec<String>, label: &str, test: bool) {
    for f in files {
        out.push((Node::File(f.clone()), format!("{label}{f}"), test || crate::rubric::scan::is_test(&f)));
    }
}

fn one(index: &RepoIndex, names: &HashSet<&str>, words: &[String], cwd: &str, origin: &str, out: &mut Succ) {
    let Some(first) = words.first() else { return };
    let odir = dir_of(origin);
    let bases = [cwd, odir, ""];
    let prog = first.rsplit('/').next().unwrap_or(first).to_string();
    let args: Vec<String> = words[1..].iter().map(|w| templated(w)).collect();
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    match prog.as_str() {
        "uses:" | "template:" | "file:" => reference(index, names, &prog, &args, odir, out),
        "ml-pipelines" => {
            let defs: Vec<String> = index
                .files
                .iter()
                .filter(|f| {
                    let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
                    (name.starts_with("buildspec") || (name.contains("pipeline") && name.ends_with(".py")))
                        && !crate::rubric::scan::is_test(&f.rel)
                })
                .take(30)
                .map(|f| f.rel.clone())
                .collect();
            file_succ(out, defs, "starts the pipeline ", false);
        }
        "bash" | "sh" | "zsh" | "source" | "." => {
            if let Some(f) = positional.first() {
                file_succ(out, find(index, names, &bases, f), "", false);
            }
        }
        "make" | "gmake" | "just" => targets(index, names, &prog, &args, cwd, out),
        "tox" | "nox" => {
            let file = if prog == "tox" { "tox.ini" } else { "noxfile.py" };
            file_succ(out, find(index, names, &[cwd, ""], file), "", false);
        }
        "npm" | "yarn" | "pnpm" | "npm-script" => npm(index, names, &prog, &args, cwd, origin, out),
        "pytest" | "py.test" => pytest(index, names, &positional, &bases, out),
        "dvc" => {
            if args.first().is_some_and(|a| a == "repro" || a == "exp") {
                let dvc: Vec<String> = index
                    .files
                    .iter()
                    .filter(|f| f.rel.ends_with("dvc.yaml"))
                    .map(|f| f.rel.clone())
                    .take(20)
                    .collect();
                file_succ(out, dvc, "dvc repro: ", false);
            }
        }
        "cdk" => cdk(index, names, &positional, cwd, out),
        p if p.starts_with("python") || p == "py" || p == "ipython" => {
            python(index, names, &args, &positional, &bases, out)
        }
        _ => {
            // Any word naming a script or config file of the repository (`./run.sh`,
            // `papermill nb.ipynb`, `prefect deployment build ./train.py:flow`, `Rscript x.R`).
            for w in std::iter::once(&templated(first)).chain(args.iter()) {
                let w = w.split(':').next().unwrap_or(w);
                if is_code_file(w) || w.starts_with("./") {
                    file_succ(out, find(index, names, &bases, w), "", false);
                }
            }
        }
    }
}

/// `npm run X` (and yarn, pnpm): the script from package.json.
fn npm(index: &RepoIndex, names: &HashSet<&str>, prog: &str, args: &[String], cwd: &str, origin: &str, out: &mut Succ) {
    if prog == "npm-script" {
        if let Some(s) = args.first() {
            for c in super::expand::npm_script(index, origin, s) {
                out.push((cmd(&c, cwd, origin), c.text.clone(), false));
            }
        }
        return;
    }
    let script = if args.first().is_some_and(|a| a == "run" || a == "run-script") { args.get(1) } else { args.first() };
    let Some(s) = script else { return };
    for pj in find(index, names, &[cwd, ""], "package.json") {
        let node = Node::Command {
            text: format!("npm-script {s}"),
            cwd: dir_of(&pj).into(),
            origin: pj.clone(),
            ignored: None,
        };
        out.push((node, format!("{pj} script {s}"), false));
    }
}

/// `cdk synth` / `cdk deploy`: the app command of cdk.json.
fn cdk(index: &RepoIndex, names: &HashSet<&str>, positional: &[&String], cwd: &str, out: &mut Succ) {
    if !positional.first().is_some_and(|a| *a == "synth" || *a == "deploy") {
        return;
    }
    for cj in find(index, names, &[cwd, ""], "cdk.json") {
        if let Some(app) = super::expand::cdk_app(index, &cj) {
            let node = Node::Command { text: app.clone(), cwd: dir_of(&cj).into(), origin: cj.clone(), ignored: None };
            out.push((node, format!("{cj} app `{app}`"), false));
        }
    }
}

/// `uses: ./…` (a reusable workflow or a composite action), `template: …` (a pipeline
/// template, relative to the including file), `file: …` (a file a schedule defines).
fn reference(index: &RepoIndex, names: &HashSet<&str>, prog: &str, args: &[String], odir: &str, out: &mut Succ) {
    let target = args.first().map(String::as_str).unwrap_or("");
    if prog == "file:" {
        file_succ(out, find(index, names, &[""], target), "", false);
    } else if prog == "template:" {
        let t = target.split('@').next().unwrap_or(target);
        file_succ(out, find(index, names, &[odir, ""], t), "template ", false);
    } else if let Some(local) = target.strip_prefix("./") {
        let mut files = find(index, names, &[""], local);
        if files.is_empty() {
            for a in ["action.yml", "action.yaml"] {
                files.extend(find(index, names, &[local], a));
            }
        }
        file_succ(out, files, "uses ", false);
    }
}

/// `python -m module`, `python -m pytest …`, `python script.py`.
fn python(
    index: &RepoIndex,
    names: &HashSet<&str>,
    args: &[String],
    positional: &[&String],
    bases: &[&str],
    out: &mut Succ,
) {
    let Some(i) = args.iter().position(|a| a == "-m") else {
        if let Some(f) = positional.first() {
            file_succ(out, find(index, names, bases, f), "", false);
        }
        return;
    };
    let Some(m) = args.get(i + 1) else { return };
    match m.as_str() {
        "pytest" => {
            let rest: Vec<&String> = args[i + 2..].iter().filter(|a| !a.starts_with('-')).collect();
            pytest(index, names, &rest, bases, out)
        }
        "unittest" => pytest(index, names, &[], bases, out),
        _ => {
            let path = m.replace('.', "/");
            let mut f = find(index, names, bases, &format!("{path}.py"));
            if f.is_empty() {
                f = find(index, names, bases, &format!("{path}/__main__.py"));
            }
            file_succ(out, f, &format!("python -m {m} → "), false);
        }
    }
}

fn pytest(index: &RepoIndex, names: &HashSet<&str>, paths: &[&String], bases: &[&str], out: &mut Succ) {
    let mut files = Vec::new();
    if paths.is_empty() {
        let base = bases.first().copied().unwrap_or("");
        let prefix = if base.is_empty() { String::new() } else { format!("{base}/") };
        files.extend(
            index
                .files
                .iter()
                .filter(|f| {
                    f.rel.starts_with(&prefix) && f.rel.ends_with(".py") && crate::rubric::scan::is_test(&f.rel)
                })
                .take(2_000)
                .map(|f| f.rel.clone()),
        );
    }
    for p in paths {
        let p = p.split("::").next().unwrap_or(p);
        let direct = find(index, names, bases, p);
        if !direct.is_empty() {
            files.extend(direct);
            continue;
        }
        for b in bases {
            let Some(dir) = join(b, p) else { continue };
            let prefix = format!("{dir}/");
            let hit: Vec<String> = index
                .files
                .iter()
                .filter(|f| f.rel.starts_with(&prefix) && f.rel.ends_with(".py"))
                .take(2_000)
                .map(|f| f.rel.clone())
                .collect();
            if !hit.is_empty() {
                files.extend(hit);
                break;
            }
        }
    }
    for f in files {
        out.push((Node::File(f.clone()), format!("pytest {f}"), true));
    }
}

/// make / just targets: the recipe lines of each target and its prerequisites.
fn targets(index: &RepoIndex, names: &HashSet<&str>, prog: &str, args: &[String], cwd: &str, out: &mut Succ) {
    let mut dir = cwd.to_string();
    let mut file = None;
    let mut wanted = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-C" | "--directory" => {
                dir = args.get(i + 1).and_then(|d| join(cwd, d)).unwrap_or(dir);
                i += 1;
            }
            "-f" | "--file" | "--justfile" => {
                file = args.get(i + 1).cloned();
                i += 1;
            }
            a if a.starts_with('-') || a.contains('=') => {}
            a => wanted.push(a.to_string()),
        }
        i += 1;
    }
    let candidates: Vec<&str> = match (&file, prog) {
        (Some(f), _) => vec![f.as_str()],
        (None, "just") => vec!["justfile", "Justfile", ".justfile"],
        _ => vec!["Makefile", "makefile", "GNUmakefile"],
    };
    let Some(mf) = candidates.iter().find_map(|c| find(index, names, &[&dir, ""], c).into_iter().next()) else {
        return;
    };
    for c in super::expand::recipe(index, &mf, &wanted) {
        let label = format!("{mf}:{} `{}`", c.0, crate::text::clip(&c.1.text, 60));
        out.push((cmd(&c.1, dir_of(&mf), &mf), label, false));
    }
}

/// The commands a `Cmd` list stands for, as successors run in `cwd` from `origin`.
pub fn commands_succ(cmds: &[Cmd], cwd: &str, origin: &str, out: &mut Succ) {
    for c in cmds {
        out.push((cmd(c, cwd, origin), c.text.clone(), false));
    }
}
