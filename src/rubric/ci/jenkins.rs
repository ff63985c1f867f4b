//! Jenkinsfiles (declarative and scripted Groovy), read without a Groovy parser: the shell
//! steps (`sh`, `bat`, `powershell`, in single, double or triple quotes, or `script:`
//! arguments), and the triggers (`pollSCM` and `githubPush` are changes, `cron` a schedule).
//! A Jenkinsfile without a `triggers` block runs on push (multibranch pipelines and webhooks,
//! how Jenkinsfiles are used). Comments are dropped first.

use std::sync::LazyLock;

use regex::Regex;

use super::Job;

static STEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)\b(?:sh|bat|powershell|pwsh)\s*\(?\s*(?:script\s*:\s*)?('''(.*?)'''|"""(.*?)"""|'([^'\n]*)'|"([^"\n]*)")"#)
        .expect("valid")
});

fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        rest = rest[i + 2..].find("*/").map_or("", |j| &rest[i + 2 + j + 2..]);
    }
    out.push_str(rest);
    out.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

pub fn parse(rel: &str, text: &str) -> Vec<Job> {
    let code = without_comments(text);
    let mut triggers = Vec::new();
    if code.contains("pollSCM") || code.contains("githubPush") || code.contains("gitlab(") {
        triggers.push("poll_scm".to_string());
    }
    if Regex::new(r"\bcron\s*\(").expect("valid").is_match(&code) {
        triggers.push("schedule".to_string());
    }
    if triggers.is_empty() {
        triggers.push("push".to_string());
    }
    let mut j = Job::new(rel, "pipeline", "Jenkins", triggers);
    for c in STEP.captures_iter(&code) {
        let body = (2..=5).find_map(|i| c.get(i)).map_or("", |m| m.as_str());
        let mut cmds = Vec::new();
        super::push_lines(body, &mut cmds);
        if cmds.iter().any(|c| c.text.starts_with("set +e")) {
            let mut off = false;
            for c in &mut cmds {
                off = (off || c.text.starts_with("set +e")) && !c.text.starts_with("set -e");
                if off {
                    c.ignored = Some(format!("{rel} (`set +e`)"));
                }
            }
        }
        j.commands.extend(cmds);
    }
    vec![j]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_steps_and_triggers() {
        let jf = "pipeline {\n triggers {\n  // cron('H 4 * * *')\n  pollSCM('* * * * *')\n }\n stages {\n  stage('t') { steps { sh './run_tests.sh' } }\n  stage('p') { steps { sh \"python3 run.py pipeline ${x}\" } }\n  stage('m') { steps { sh '''\n   set +e\n   python3 acceptance.py\n  ''' } }\n }\n}\n";
        let j = &parse("Jenkinsfile", jf)[0];
        assert_eq!(j.triggers, ["poll_scm"]);
        let t: Vec<&str> = j.commands.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(t, ["./run_tests.sh", "python3 run.py pipeline ${x}", "set +e", "python3 acceptance.py"]);
    }
}
