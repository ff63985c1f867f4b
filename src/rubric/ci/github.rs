//! GitHub Actions workflows (`.github/workflows/*.yml`): the triggers from `on:` (a string, a
//! list or a map) with their path filters, and per job every step's `run:` script (with its
//! `working-directory`), `uses:` action, and `with:` inputs that carry a script. A job whose
//! only trigger is `workflow_dispatch` is human-started: manual at most; a workflow that is
//! only `workflow_call`ed runs when its caller does (the graph follows `uses: ./…`).

use yaml_rust2::Yaml;

use super::{Cmd, Job};

fn triggers_of(on: &Yaml) -> Vec<String> {
    match on {
        Yaml::String(s) => vec![s.clone()],
        Yaml::Array(a) => a.iter().filter_map(|y| y.as_str().map(str::to_string)).collect(),
        Yaml::Hash(h) => h.keys().filter_map(|k| k.as_str().map(str::to_string)).collect(),
        _ => vec![],
    }
}

/// Path filters of the change triggers; empty when any change trigger has none.
fn paths_of(on: &Yaml) -> Vec<String> {
    let Yaml::Hash(h) = on else { return vec![] };
    let mut all = Vec::new();
    for (k, v) in h {
        if !matches!(k.as_str(), Some("push" | "pull_request" | "pull_request_target")) {
            continue;
        }
        match &v["paths"] {
            Yaml::Array(p) => all.extend(p.iter().filter_map(|y| y.as_str().map(str::to_string))),
            _ => return vec![],
        }
    }
    all
}

/// `with:` inputs that carry a script (`script`, `run`, `command`, `script_parameter` …).
fn script_inputs(with: &Yaml, out: &mut Vec<Cmd>) {
    if let Yaml::Hash(h) = with {
        for (k, v) in h {
            let (Some(k), Some(v)) = (k.as_str(), v.as_str()) else { continue };
            let k = k.to_ascii_lowercase();
            if k.contains("script") || k == "run" || k.contains("command") {
                super::push_lines(v, out);
            }
        }
    }
}

/// The commands of a list of steps (a job's, or a composite action's).
pub fn steps_commands(steps: &Yaml, default_cwd: Option<&str>, out: &mut Vec<Cmd>) {
    let Yaml::Array(steps) = steps else { return };
    for s in steps {
        let cwd = s["working-directory"].as_str().or(default_cwd).map(|d| d.trim_start_matches("./").to_string());
        let before = out.len();
        if let Some(r) = s["run"].as_str() {
            super::push_lines(r, out);
        }
        if let Some(u) = s["uses"].as_str() {
            out.push(Cmd::new(format!("uses: {u}")));
        }
        script_inputs(&s["with"], out);
        let tolerated = matches!(&s["continue-on-error"], Yaml::Boolean(true));
        for c in &mut out[before..] {
            c.cwd = cwd.clone();
            if tolerated {
                c.ignored = Some("`continue-on-error: true`".into());
            }
        }
    }
}

/// Parses one GitHub Actions workflow. Returns the jobs, or a message when the YAML is
/// malformed.
pub fn parse_github(path: &str, text: &str) -> Result<Vec<Job>, String> {
    let docs = super::super::yaml::load(text).map_err(|e| format!("{path}: {e}"))?;
    let Some(doc) = docs.first() else { return Ok(vec![]) };
    // `on` may also be read as the boolean true by YAML 1.1 parsers; accept both keys.
    let on = match &doc["on"] {
        Yaml::BadValue => doc.as_hash().and_then(|h| h.get(&Yaml::Boolean(true))).unwrap_or(&Yaml::BadValue),
        other => other,
    };
    let triggers = triggers_of(on);
    let paths = paths_of(on);
    let default_cwd = doc["defaults"]["run"]["working-directory"].as_str();
    let mut jobs = Vec::new();
    if let Yaml::Hash(js) = &doc["jobs"] {
        for (name, job) in js {
            let name = name.as_str().unwrap_or("?");
            let mut j = Job::new(path, name, "GitHub Actions", triggers.clone());
            j.paths = paths.clone();
            if let Some(u) = job["uses"].as_str() {
                j.commands.push(Cmd::new(format!("uses: {u}")));
            }
            let cwd = job["defaults"]["run"]["working-directory"].as_str().or(default_cwd);
            steps_commands(&job["steps"], cwd, &mut j.commands);
            jobs.push(j);
        }
    }
    Ok(jobs)
}

/// The commands of a composite action (`action.yml`); empty for JavaScript and Docker actions.
pub fn parse_action(path: &str, text: &str) -> Result<Vec<Cmd>, String> {
    let docs = super::super::yaml::load(text).map_err(|e| format!("{path}: {e}"))?;
    let mut out = Vec::new();
    if let Some(doc) = docs.first() {
        steps_commands(&doc["runs"]["steps"], None, &mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_triggers_jobs_and_commands() {
        let wf = r#"
name: ci
on:
  pull_request:
  schedule:
    - cron: "0 6 * * 1"
jobs:
  gates:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          pip install -r requirements.txt
          # mlgate check   (commented out: does not count)
          pytest tests/
#  old:
#    steps:
#      - run: mlgate check
"#;
        let jobs = parse_github(".github/workflows/ci.yml", wf).unwrap();
        assert_eq!(jobs.len(), 1);
        let j = &jobs[0];
        assert!(j.automatic() && j.scheduled());
        assert!(j.runs(&regex::Regex::new(r"\bpytest\b").unwrap()).is_some());
        assert!(j.runs(&regex::Regex::new(r"mlgate").unwrap()).is_none());
        assert!(j.commands.iter().any(|c| c.text == "uses: actions/checkout@v4"));
    }

    #[test]
    fn manual_dispatch_only_is_not_automatic() {
        let wf = "on: workflow_dispatch\njobs:\n  a:\n    steps:\n      - run: mlgate check\n";
        let jobs = parse_github("w.yml", wf).unwrap();
        assert!(!jobs[0].automatic());
        let wf = "on: [push, workflow_dispatch]\njobs:\n  a:\n    steps:\n      - run: mlgate check\n";
        assert!(parse_github("w.yml", wf).unwrap()[0].automatic());
    }

    #[test]
    fn malformed_yaml_is_a_message_not_a_crash() {
        let e = parse_github("bad.yml", "on: [push\njobs: {").unwrap_err();
        assert!(e.starts_with("bad.yml: not valid YAML"), "{e}");
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
            let prev = ["a", "b", "c", "d", "e", "f", "g"][i];
            bomb.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
        }
        let e = parse_github("bomb.yml", &format!("on: push\n{bomb}jobs: {{}}\n")).unwrap_err();
        assert!(e.starts_with("bomb.yml: expands to more than"), "{e}");
    }
}

#[cfg(test)]
mod more {
    use super::*;

    #[test]
    fn path_filters_working_directories_and_script_inputs() {
        let wf = "on:\n  pull_request:\n    paths: ['model-deployment/**']\njobs:\n  t:\n    steps:\n      - run: make integration_tests\n        working-directory: model-deployment\n      - uses: ./.github/actions/exec\n        with:\n          script_parameter: |\n            python -m mlops.x.src.pipeline\n";
        let j = &parse_github("w.yml", wf).unwrap()[0];
        assert_eq!(j.paths, ["model-deployment/**"]);
        assert_eq!(j.commands[0].cwd.as_deref(), Some("model-deployment"));
        assert!(j.commands.iter().any(|c| c.text == "python -m mlops.x.src.pipeline"));
    }
}
