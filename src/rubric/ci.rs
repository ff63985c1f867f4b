//! CI configuration, parsed properly: which jobs run, on which triggers, with which commands.
//!
//! GitHub Actions workflows (`.github/workflows/*.yml`) are read with a YAML parser: the
//! triggers from `on:` (a string, a list or a map), and per job every step's `run:` script
//! and `uses:` action. Commented-out jobs do not exist for a parser, and a job whose only
//! trigger is `workflow_dispatch` is human-started: manual at most. GitLab CI
//! (`.gitlab-ci.yml`) is read too: jobs with `script:`, scheduled when their rules mention
//! `schedule`, manual when `when: manual`.

use yaml_rust2::Yaml;

/// Triggers that start a job without a person.
pub const AUTOMATIC: &[&str] = &[
    "push",
    "pull_request",
    "pull_request_target",
    "merge_group",
    "schedule",
    "release",
    "workflow_run",
    "deployment",
    "check_suite",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// `file#job`.
    pub id: String,
    pub triggers: Vec<String>,
    /// `run:` lines and `uses:` references.
    pub commands: Vec<String>,
}

impl Job {
    pub fn automatic(&self) -> bool {
        self.triggers.iter().any(|t| AUTOMATIC.contains(&t.as_str()))
    }
    pub fn scheduled(&self) -> bool {
        self.triggers.iter().any(|t| t == "schedule")
    }
    /// The first command matching `re`.
    pub fn runs(&self, re: &regex::Regex) -> Option<&str> {
        self.commands.iter().map(String::as_str).find(|c| re.is_match(c))
    }
}

fn triggers_of(on: &Yaml) -> Vec<String> {
    match on {
        Yaml::String(s) => vec![s.clone()],
        Yaml::Array(a) => a.iter().filter_map(|y| y.as_str().map(str::to_string)).collect(),
        Yaml::Hash(h) => h.keys().filter_map(|k| k.as_str().map(str::to_string)).collect(),
        _ => vec![],
    }
}

/// Parses one GitHub Actions workflow. Returns the jobs, or a message when the YAML is
/// malformed.
pub fn parse_github(path: &str, text: &str) -> Result<Vec<Job>, String> {
    let docs = super::yaml::load(text).map_err(|e| format!("{path}: {e}"))?;
    let Some(doc) = docs.first() else { return Ok(vec![]) };
    // `on` may also be read as the boolean true by YAML 1.1 parsers; accept both keys.
    let on = match &doc["on"] {
        Yaml::BadValue => doc.as_hash().and_then(|h| h.get(&Yaml::Boolean(true))).unwrap_or(&Yaml::BadValue),
        other => other,
    };
    let triggers = triggers_of(on);
    let mut jobs = Vec::new();
    if let Yaml::Hash(js) = &doc["jobs"] {
        for (name, job) in js {
            let name = name.as_str().unwrap_or("?");
            let mut commands = Vec::new();
            if let Some(u) = job["uses"].as_str() {
                commands.push(format!("uses: {u}"));
            }
            if let Yaml::Array(steps) = &job["steps"] {
                for s in steps {
                    if let Some(r) = s["run"].as_str() {
                        commands.extend(
                            r.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty() && !l.starts_with('#')),
                        );
                    }
                    if let Some(u) = s["uses"].as_str() {
                        commands.push(format!("uses: {u}"));
                    }
                }
            }
            jobs.push(Job { id: format!("{path}#{name}"), triggers: triggers.clone(), commands });
        }
    }
    Ok(jobs)
}

/// Parses `.gitlab-ci.yml`.
pub fn parse_gitlab(path: &str, text: &str) -> Result<Vec<Job>, String> {
    let docs = super::yaml::load(text).map_err(|e| format!("{path}: {e}"))?;
    let Some(Yaml::Hash(top)) = docs.first() else { return Ok(vec![]) };
    let mut jobs = Vec::new();
    for (name, job) in top {
        let Some(name) = name.as_str() else { continue };
        let Yaml::Array(script) = &job["script"] else { continue };
        let commands: Vec<String> = script.iter().filter_map(|l| l.as_str().map(|s| s.trim().to_string())).collect();
        let text = format!("{:?}", job["rules"]) + &format!("{:?}", job["only"]);
        let triggers = if job["when"].as_str() == Some("manual") {
            vec!["workflow_dispatch".to_string()]
        } else if text.contains("schedule") {
            vec!["schedule".to_string()]
        } else {
            vec!["push".to_string(), "pull_request".to_string()]
        };
        jobs.push(Job { id: format!("{path}#{name}"), triggers, commands });
    }
    Ok(jobs)
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
        assert!(j.commands.contains(&"uses: actions/checkout@v4".to_string()));
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

    #[test]
    fn gitlab_jobs() {
        let ci = "test:\n  script:\n    - pytest\nnightly:\n  rules:\n    - if: '$CI_PIPELINE_SOURCE == \"schedule\"'\n  script:\n    - mlgate check\ndeploy:\n  when: manual\n  script:\n    - ./deploy.sh\n";
        let jobs = parse_gitlab(".gitlab-ci.yml", ci).unwrap();
        assert_eq!(jobs.len(), 3);
        assert!(jobs.iter().find(|j| j.id.ends_with("#nightly")).unwrap().scheduled());
        assert!(!jobs.iter().find(|j| j.id.ends_with("#deploy")).unwrap().automatic());
    }
}
