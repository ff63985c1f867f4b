//! The YAML CI systems other than GitHub Actions. Each reduces to jobs with triggers and the
//! commands found under the system's script keys ([`super::COMMAND_KEYS`]); template and
//! include references become `template: FILE` commands the automation graph follows.
//!
//! Triggers, per system:
//! - GitLab CI: push and merge requests, `schedule` when a job's rules or `only` name it,
//!   manual with `when: manual`.
//! - Azure Pipelines: `trigger:` (push; on by default when absent, off with `none`), `pr:`,
//!   `schedules:`. A file with `parameters:` and no trigger keys is a template: it runs only
//!   when a pipeline includes it.
//! - CircleCI: push, and `schedule` for workflows with a `triggers: - schedule` entry.
//! - Bitbucket: `default` / `branches` (push), `pull-requests`, `custom` (manual).
//! - Buildkite, Cloud Build, AWS CodeBuild: started by the service's own trigger on push
//!   (configured in the service, which is how those systems are used).
//! - pre-commit: every commit (local hooks' `entry` commands).

use yaml_rust2::Yaml;

use super::{Cmd, Job};

fn commands(y: &Yaml) -> Vec<Cmd> {
    let (mut out, mut refs) = (Vec::new(), Vec::new());
    super::collect(y, &mut out, &mut refs);
    out.extend(refs.into_iter().map(|r| Cmd::new(format!("template: {r}"))));
    out
}

fn key<'a>(y: &'a Yaml, k: &str) -> Option<&'a Yaml> {
    y.as_hash().and_then(|h| h.get(&Yaml::String(k.into())))
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

pub fn parse(system: &'static str, rel: &str, doc: &Yaml) -> Vec<Job> {
    match system {
        "GitLab CI" => gitlab(rel, doc),
        "Azure Pipelines" => azure(rel, doc),
        "CircleCI" => circleci(rel, doc),
        "Bitbucket Pipelines" => bitbucket(rel, doc),
        "pre-commit" => precommit(rel, doc),
        _ => {
            // Buildkite, Cloud Build, AWS CodeBuild: one job of all the file's commands.
            let mut j = Job::new(rel, "build", system, strs(&["push"]));
            j.commands = commands(doc);
            // A buildspec or cloudbuild file sits at the root of the source it builds.
            let dir = super::super::graph::dir_of(rel);
            for c in &mut j.commands {
                c.cwd.get_or_insert_with(|| dir.to_string());
            }
            if j.commands.is_empty() { vec![] } else { vec![j] }
        }
    }
}

/// GitLab CI: every top-level key with a `script` is a job.
fn gitlab(rel: &str, doc: &Yaml) -> Vec<Job> {
    let Yaml::Hash(top) = doc else { return vec![] };
    let mut jobs = Vec::new();
    for (name, job) in top {
        let Some(name) = name.as_str() else { continue };
        if key(job, "script").is_none() {
            if name == "include" {
                let mut j = Job::new(rel, "include", "GitLab CI", strs(&["push", "merge_request"]));
                j.commands =
                    commands(&Yaml::Hash([(Yaml::String("include".into()), job.clone())].into_iter().collect()));
                jobs.push(j);
            }
            continue;
        }
        let text = format!("{:?}{:?}", job["rules"], job["only"]);
        let triggers = if job["when"].as_str() == Some("manual") {
            strs(&["workflow_dispatch"])
        } else if text.contains("schedule") {
            strs(&["schedule"])
        } else {
            strs(&["push", "merge_request"])
        };
        let mut j = Job::new(rel, name, "GitLab CI", triggers);
        j.commands = commands(job);
        jobs.push(j);
    }
    jobs
}

fn azure(rel: &str, doc: &Yaml) -> Vec<Job> {
    let has = |k: &str| key(doc, k).is_some();
    let off = |k: &str| matches!(key(doc, k), Some(Yaml::String(s)) if s == "none");
    let mut triggers = Vec::new();
    let is_template = has("parameters") && !has("trigger") && !has("pr") && !has("schedules");
    if is_template {
        triggers.push("template".to_string());
    } else {
        if !off("trigger") {
            triggers.push("push".into());
        }
        if has("pr") && !off("pr") {
            triggers.push("pull_request".into());
        }
        if has("schedules") {
            triggers.push("schedule".into());
        }
    }
    let mut j = Job::new(rel, "pipeline", "Azure Pipelines", triggers);
    j.commands = commands(doc);
    vec![j]
}

fn circleci(rel: &str, doc: &Yaml) -> Vec<Job> {
    let scheduled = format!("{:?}", doc["workflows"]).contains("\"schedule\"");
    let mut triggers = strs(&["push"]);
    if scheduled {
        triggers.push("schedule".into());
    }
    let mut jobs = Vec::new();
    if let Yaml::Hash(js) = &doc["jobs"] {
        for (name, job) in js {
            let mut j = Job::new(rel, name.as_str().unwrap_or("?"), "CircleCI", triggers.clone());
            j.commands = commands(job);
            jobs.push(j);
        }
    }
    jobs
}

fn bitbucket(rel: &str, doc: &Yaml) -> Vec<Job> {
    let mut jobs = Vec::new();
    if let Yaml::Hash(p) = &doc["pipelines"] {
        for (kind, body) in p {
            let triggers = match kind.as_str() {
                Some("default" | "branches" | "tags") => strs(&["push"]),
                Some("pull-requests") => strs(&["pull_request"]),
                _ => strs(&["workflow_dispatch"]),
            };
            let mut j = Job::new(rel, kind.as_str().unwrap_or("?"), "Bitbucket Pipelines", triggers);
            j.commands = commands(body);
            jobs.push(j);
        }
    }
    jobs
}

/// pre-commit: local hooks run their `entry` on every commit; remote hooks are named.
fn precommit(rel: &str, doc: &Yaml) -> Vec<Job> {
    let mut j = Job::new(rel, "hooks", "pre-commit", strs(&["commit"]));
    for repo in doc["repos"].as_vec().into_iter().flatten() {
        for h in repo["hooks"].as_vec().into_iter().flatten() {
            match h["entry"].as_str() {
                Some(e) => super::push_lines(e, &mut j.commands),
                None => {
                    if let Some(id) = h["id"].as_str() {
                        j.commands.push(Cmd::new(format!("pre-commit hook {id}")));
                    }
                }
            }
        }
    }
    vec![j]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jobs(system: &'static str, text: &str) -> Vec<Job> {
        super::super::parse(system, "f.yml", text).unwrap()
    }

    #[test]
    fn gitlab_jobs() {
        let ci = "test:\n  script:\n    - pytest\nnightly:\n  rules:\n    - if: '$CI_PIPELINE_SOURCE == \"schedule\"'\n  script:\n    - mlgate check\ndeploy:\n  when: manual\n  script:\n    - ./deploy.sh\n";
        let jobs = jobs("GitLab CI", ci);
        assert_eq!(jobs.len(), 3);
        assert!(jobs.iter().find(|j| j.id.ends_with("#nightly")).unwrap().scheduled());
        assert!(!jobs.iter().find(|j| j.id.ends_with("#deploy")).unwrap().automatic());
    }

    #[test]
    fn azure_triggers_templates_and_steps() {
        let p = "trigger: none\npr:\n  branches: {include: [main]}\nstages:\n- stage: ci\n  jobs:\n  - job: t\n    steps:\n    - script: pytest tests\n    - template: templates/run.yml\n    - task: AzureCLI@2\n      inputs:\n        inlineScript: |\n          python -m mlops.pipeline --wait\n";
        let j = &jobs("Azure Pipelines", p)[0];
        assert_eq!(j.triggers, ["pull_request"]);
        let t: Vec<&str> = j.commands.iter().map(|c| c.text.as_str()).collect();
        assert!(t.contains(&"pytest tests") && t.contains(&"python -m mlops.pipeline --wait"), "{t:?}");
        assert!(t.contains(&"template: templates/run.yml"), "{t:?}");
        let tpl = &jobs("Azure Pipelines", "parameters:\n- name: x\nsteps:\n- bash: make test\n")[0];
        assert!(!tpl.automatic());
        assert_eq!(jobs("Azure Pipelines", "steps:\n- bash: make test\n")[0].triggers, ["push"]);
    }

    #[test]
    fn cloud_build_circleci_bitbucket_precommit() {
        let cb = "steps:\n- name: python\n  entrypoint: bash\n  args: ['-c', 'pytest -q tests']\n";
        assert_eq!(jobs("Cloud Build", cb)[0].commands[0].text, "pytest -q tests");
        let cc = "jobs:\n  test:\n    steps:\n      - run: make test\n      - run:\n          command: tox -e py\nworkflows:\n  nightly:\n    triggers:\n      - schedule:\n          cron: '0 0 * * *'\n    jobs: [test]\n";
        let j = &jobs("CircleCI", cc)[0];
        assert!(j.scheduled() && j.commands.len() == 2);
        let bb = "pipelines:\n  pull-requests:\n    '**':\n      - step:\n          script:\n            - pytest\n  custom:\n    retrain:\n      - step:\n          script: [python train.py]\n";
        let bj = jobs("Bitbucket Pipelines", bb);
        assert!(bj[0].automatic() && !bj[1].automatic());
        let pc = "repos:\n- repo: local\n  hooks:\n  - id: tests\n    entry: pytest tests/unit\n";
        assert_eq!(jobs("pre-commit", pc)[0].commands[0].text, "pytest tests/unit");
    }
}
