//! CI and orchestration definitions, parsed properly: which jobs run, on which triggers,
//! with which commands. Every system reduces to the same [`Job`]: triggers (what starts it),
//! path filters (which changes start it) and commands (what it runs, with the folder they
//! run in). The automation graph (`rubric::graph`) follows the commands further.
//!
//! Systems read: GitHub Actions, GitLab CI, Azure Pipelines, Google Cloud Build, CircleCI,
//! Jenkins (declarative and scripted), Bitbucket Pipelines, Buildkite, AWS CodeBuild,
//! pre-commit, and schedules written in code (Airflow DAGs, Prefect deployments, cloud
//! scheduler rules; `sched.rs`). Commented-out jobs do not exist for a parser; a job only a
//! person can start (`workflow_dispatch`, `when: manual`, Bitbucket `custom`) is manual.

pub mod github;
pub mod jenkins;
pub mod sched;
pub mod systems;

use yaml_rust2::Yaml;

/// Trigger names that start a job without a person, and what kind of start they are.
pub const AUTOMATIC: &[(&str, Start)] = &[
    ("push", Start::Change),
    ("pull_request", Start::Change),
    ("pull_request_target", Start::Change),
    ("merge_group", Start::Change),
    ("merge_request", Start::Change),
    ("poll_scm", Start::Change),
    ("commit", Start::Change),
    ("schedule", Start::Schedule),
    ("release", Start::Event),
    ("workflow_run", Start::Event),
    ("deployment", Start::Event),
    ("check_suite", Start::Event),
    ("tag", Start::Event),
    ("alarm", Start::Event),
];

/// How a job starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Start {
    /// A change to the code: push, pull request, merge queue, SCM polling, commit hook.
    Change,
    /// A clock.
    Schedule,
    /// Another automatic event (a release, another workflow, an alarm).
    Event,
}

impl Start {
    pub fn as_str(self) -> &'static str {
        match self {
            Start::Change => "change",
            Start::Schedule => "schedule",
            Start::Event => "event",
        }
    }
}

/// One command a job runs, and the folder it runs in (relative to the repository root).
#[derive(Debug, Clone, PartialEq)]
pub struct Cmd {
    pub text: String,
    pub cwd: Option<String>,
    /// Where the command's exit status is thrown away (a script without `set -e` that runs
    /// more after it, `continue-on-error`, `set +e`, `|| true`): its failure fails nothing.
    pub ignored: Option<String>,
}

impl Cmd {
    pub fn new(text: impl Into<String>) -> Cmd {
        Cmd { text: text.into(), cwd: None, ignored: None }
    }
}

/// Marks the commands of a shell script whose exit status the script throws away: without
/// `set -e`, any command followed by more commands, unless the next line reads `$?` and the
/// script exits with it.
pub fn mark_ignored(script: &str, file: &str, cmds: &mut [Cmd]) {
    let errexit = script.lines().any(|l| {
        let l = l.trim();
        (l.starts_with("set -")
            && l.split_whitespace()
                .nth(1)
                .is_some_and(|f| f.starts_with('-') && !f.starts_with("-o") && f.contains('e')))
            || l.starts_with("set -o errexit")
            || (l.starts_with("#!") && l.contains(" -e"))
    });
    let n = cmds.len();
    let mut off = false;
    for i in 0..n {
        let t = cmds[i].text.trim().to_string();
        if t.starts_with("set +e") {
            off = true;
        } else if t.starts_with("set -e") {
            off = false;
        }
        let swallowed = t.ends_with("|| true") || t.ends_with("|| :") || t.ends_with("|| echo");
        let checked = cmds.get(i + 1).is_some_and(|c| c.text.contains("$?") || c.text.starts_with("exit"));
        if swallowed || off || (!errexit && i + 1 < n && !checked && !t.contains("|| exit")) {
            cmds[i].ignored = Some(file.to_string());
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// `file#job`.
    pub id: String,
    /// The file that defines it.
    pub file: String,
    /// The CI system, as people call it.
    pub system: &'static str,
    pub triggers: Vec<String>,
    /// Path filters on its change triggers (empty: every change).
    pub paths: Vec<String>,
    pub commands: Vec<Cmd>,
}

impl Job {
    pub fn new(file: &str, name: &str, system: &'static str, triggers: Vec<String>) -> Job {
        Job { id: format!("{file}#{name}"), file: file.to_string(), system, triggers, paths: vec![], commands: vec![] }
    }

    /// How the job starts without a person (the strongest kinds first), empty when only a
    /// person can start it.
    pub fn starts(&self) -> Vec<Start> {
        let mut s: Vec<Start> =
            self.triggers.iter().filter_map(|t| AUTOMATIC.iter().find(|(n, _)| n == t).map(|(_, k)| *k)).collect();
        s.sort();
        s.dedup();
        s
    }
    pub fn automatic(&self) -> bool {
        !self.starts().is_empty()
    }
    pub fn scheduled(&self) -> bool {
        self.starts().contains(&Start::Schedule)
    }
    /// The first command matching `re`.
    pub fn runs(&self, re: &regex::Regex) -> Option<&str> {
        self.commands.iter().map(|c| c.text.as_str()).find(|c| re.is_match(c))
    }
    /// The automatic triggers, for messages.
    pub fn automatic_triggers(&self) -> Vec<&str> {
        self.triggers.iter().map(String::as_str).filter(|t| AUTOMATIC.iter().any(|(n, _)| n == t)).collect()
    }
}

/// A job's path filters, compiled: a change to a file starts the job when an include
/// pattern matches it and no `!` pattern does.
pub struct PathFilter {
    include: globset::GlobSet,
    exclude: globset::GlobSet,
}

impl PathFilter {
    pub fn matches(&self, rel: &str) -> bool {
        self.include.is_match(rel) && !self.exclude.is_match(rel)
    }
}

impl Job {
    /// The compiled path filters; `None` when every change starts the job.
    pub fn path_filter(&self) -> Option<PathFilter> {
        if self.paths.is_empty() {
            return None;
        }
        let (mut inc, mut exc) = (globset::GlobSetBuilder::new(), globset::GlobSetBuilder::new());
        for p in &self.paths {
            let (set, pat) = match p.strip_prefix('!') {
                Some(rest) => (&mut exc, rest),
                None => (&mut inc, p.as_str()),
            };
            if let Ok(g) = globset::GlobBuilder::new(pat).literal_separator(false).build() {
                set.add(g);
            }
        }
        let empty = || globset::GlobSet::empty();
        Some(PathFilter {
            include: inc.build().unwrap_or_else(|_| empty()),
            exclude: exc.build().unwrap_or_else(|_| empty()),
        })
    }
}

/// Which parser reads a file, by its path; `None` for files that define no CI.
pub fn system_of(rel: &str) -> Option<&'static str> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let under = |dir: &str| rel.starts_with(dir) && yaml;
    if under(".github/workflows/") {
        Some("GitHub Actions")
    } else if name == ".gitlab-ci.yml" && !rel.contains('/') {
        Some("GitLab CI")
    } else if (name.starts_with("azure-pipelines") && yaml) || under(".azure-pipelines/") || under(".pipelines/") {
        Some("Azure Pipelines")
    } else if name.starts_with("cloudbuild") && yaml {
        Some("Cloud Build")
    } else if rel == ".circleci/config.yml" || rel == ".circleci/config.yaml" {
        Some("CircleCI")
    } else if name == "bitbucket-pipelines.yml" {
        Some("Bitbucket Pipelines")
    } else if under(".buildkite/") && name.starts_with("pipeline") {
        Some("Buildkite")
    } else if name.starts_with("buildspec") && yaml {
        Some("AWS CodeBuild")
    } else if rel == ".pre-commit-config.yaml" {
        Some("pre-commit")
    } else if name == "Jenkinsfile" || name.ends_with(".jenkinsfile") || name.starts_with("Jenkinsfile.") {
        Some("Jenkins")
    } else {
        None
    }
}

/// Whether a YAML file under another name is a Cloud Build config (`gcloud builds submit
/// --config build/deploy.yaml`): top-level `steps:` whose steps name builder images.
pub fn looks_like_cloud_build(text: &str) -> bool {
    static BUILDER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?m)^\s*-?\s*name:\s*['"]?(gcr\.io/|[\w-]+-docker\.pkg\.dev/|\$_)"#).expect("valid")
    });
    text.lines().any(|l| l.starts_with("steps:")) && BUILDER.is_match(text)
}

/// Parses one CI file of a system [`system_of`] named.
pub fn parse(system: &'static str, rel: &str, text: &str) -> Result<Vec<Job>, String> {
    match system {
        "GitHub Actions" => github::parse_github(rel, text),
        "Jenkins" => Ok(jenkins::parse(rel, text)),
        _ => {
            let docs = super::yaml::load(text).map_err(|e| format!("{rel}: {e}"))?;
            let Some(doc) = docs.into_iter().next() else { return Ok(vec![]) };
            Ok(systems::parse(system, rel, &doc))
        }
    }
}

/// Keys whose string values are shell commands, in any of the YAML systems.
pub const COMMAND_KEYS: &[&str] = &[
    "run",
    "script",
    "scripts",
    "before_script",
    "after_script",
    "bash",
    "pwsh",
    "powershell",
    "inlineScript",
    "scriptPath",
    "command",
    "commands",
    "cmd",
    "entry",
    "entrypoint",
    "script_parameter",
    "steps_script",
];

/// Every command under [`COMMAND_KEYS`] anywhere in `y` (lines split, comments dropped),
/// and every `template:` / `include:` reference, within a node budget.
pub fn collect(y: &Yaml, out: &mut Vec<Cmd>, refs: &mut Vec<String>) {
    let mut budget = 50_000usize;
    walk(y, None, out, refs, &mut budget);
}

fn walk(y: &Yaml, key: Option<&str>, out: &mut Vec<Cmd>, refs: &mut Vec<String>, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    match y {
        Yaml::Hash(h) => {
            // Cloud Build and Kubernetes-style steps: `entrypoint` + `args` make one command.
            if let Some(Yaml::Array(args)) = h.get(&Yaml::String("args".into())) {
                let parts: Vec<&str> = args.iter().filter_map(Yaml::as_str).collect();
                let entry = h.get(&Yaml::String("entrypoint".into())).and_then(Yaml::as_str).unwrap_or("");
                let joined = format!("{entry} {}", parts.join(" "));
                if matches!(entry, "bash" | "sh" | "/bin/bash" | "/bin/sh") && parts.first() == Some(&"-c") {
                    push_lines(&parts[1..].join(" "), out);
                } else {
                    push_lines(joined.trim(), out);
                }
            }
            for (k, v) in h {
                let k = k.as_str();
                if matches!(k, Some("template" | "local" | "extends"))
                    && let Some(s) = v.as_str()
                {
                    refs.push(s.to_string());
                }
                walk(v, k, out, refs, budget);
            }
        }
        Yaml::Array(a) => {
            for v in a {
                walk(v, key, out, refs, budget);
            }
        }
        Yaml::String(s) if key.is_some_and(|k| COMMAND_KEYS.contains(&k)) => push_lines(s, out),
        _ => {}
    }
}

/// Splits a script into commands: one per line, continuation lines joined, comments dropped.
pub fn push_lines(script: &str, out: &mut Vec<Cmd>) {
    let mut pending = String::new();
    for line in script.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if let Some(head) = l.strip_suffix('\\').or_else(|| l.strip_suffix('`')) {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(l);
        let mut c = Cmd::new(std::mem::take(&mut pending));
        if c.text.ends_with("|| true") || c.text.ends_with("|| :") {
            c.ignored = Some("`|| true`".into());
        }
        out.push(c);
    }
    if !pending.trim().is_empty() {
        out.push(Cmd::new(pending.trim().to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_routed_to_their_system() {
        for (p, s) in [
            (".github/workflows/ci.yml", Some("GitHub Actions")),
            (".gitlab-ci.yml", Some("GitLab CI")),
            ("azure-pipelines.yml", Some("Azure Pipelines")),
            (".azure-pipelines/templates/x.yml", Some("Azure Pipelines")),
            ("cloudbuild.yaml", Some("Cloud Build")),
            (".circleci/config.yml", Some("CircleCI")),
            ("bitbucket-pipelines.yml", Some("Bitbucket Pipelines")),
            (".buildkite/pipeline.yml", Some("Buildkite")),
            ("build/buildspec.yml", Some("AWS CodeBuild")),
            (".pre-commit-config.yaml", Some("pre-commit")),
            ("Jenkinsfile", Some("Jenkins")),
            ("src/ci.yml", None),
            ("docs/.gitlab-ci.yml", None),
        ] {
            assert_eq!(system_of(p), s, "{p}");
        }
    }

    #[test]
    fn path_filters_include_and_exclude() {
        let mut j = Job::new("w.yml", "a", "GitHub Actions", vec!["push".into()]);
        assert!(j.path_filter().is_none(), "no filter: every change");
        j.paths = vec!["src/**".into(), "!src/docs/**".into()];
        let f = j.path_filter().unwrap();
        assert!(f.matches("src/train.py") && !f.matches("src/docs/a.md") && !f.matches("README.md"));
        j.paths = vec!["!docs/**".into()];
        assert!(!j.path_filter().unwrap().matches("src/train.py"), "negations alone include nothing");
    }

    #[test]
    fn cloud_build_configs_under_any_name() {
        assert!(looks_like_cloud_build("steps:\n- name: 'gcr.io/cloud-builders/git'\n  args: ['clone']\n"));
        assert!(!looks_like_cloud_build("steps:\n  - name: build\n    run: make\n"));
    }

    #[test]
    fn scripts_split_into_commands() {
        let mut out = vec![];
        push_lines("pip install x\n# no\npython -m pipeline \\\n  --wait True\n", &mut out);
        let t: Vec<&str> = out.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(t, ["pip install x", "python -m pipeline  --wait True"]);
    }
}
