//! `action.yml`, read as a user and as GitHub would: every input is documented, used and in
//! the README; every reference resolves; no `${{ }}` is spliced into a shell script; the
//! scripts it calls exist and parse. Then the scripts themselves run on the example, and
//! post to a mock GitHub, as the composite action would.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::{churn_sandbox, repo_root};
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use yaml_rust2::{Yaml, YamlLoader};

fn action() -> (String, Yaml) {
    let text = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    let doc = YamlLoader::load_from_str(&text).unwrap().remove(0);
    (text, doc)
}

fn keys(y: &Yaml) -> Vec<String> {
    y.as_hash().unwrap().keys().map(|k| k.as_str().unwrap().to_string()).collect()
}

/// Every `${{ … }}` expression's references of the form `prefix.name`.
fn refs(text: &str, prefix: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(&format!(r"\b{}\.([A-Za-z0-9_-]+)", regex::escape(prefix))).unwrap();
    re.captures_iter(text).map(|c| c[1].to_string()).collect()
}

#[test]
fn every_input_is_documented_used_and_in_the_readme() {
    let (text, doc) = action();
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let inputs = keys(&doc["inputs"]);
    assert!(inputs.len() >= 10, "{inputs:?}");
    let runs = &doc["runs"];
    let runs_text = {
        let mut out = String::new();
        let mut emitter = yaml_rust2::YamlEmitter::new(&mut out);
        emitter.dump(runs).unwrap();
        out
    };
    let used = refs(&runs_text, "inputs");
    for name in &inputs {
        let input = &doc["inputs"][name.as_str()];
        let description = input["description"].as_str().unwrap_or("");
        assert!(description.len() > 20, "input {name} needs a real description");
        assert!(!input["default"].is_badvalue(), "input {name} needs a default (or be required)");
        assert!(used.contains(name), "input {name} is declared but never used");
        assert!(readme.contains(&format!("| `{name}` |")), "input {name} is not in the README's inputs table");
    }
    for name in &used {
        assert!(inputs.contains(name), "inputs.{name} is used but not declared");
    }
    // Outputs: documented, and each comes from a step that exists.
    let steps = runs["steps"].as_vec().unwrap();
    let ids: BTreeSet<String> = steps.iter().filter_map(|s| s["id"].as_str().map(str::to_string)).collect();
    for name in keys(&doc["outputs"]) {
        let o = &doc["outputs"][name.as_str()];
        assert!(o["description"].as_str().is_some_and(|d| d.len() > 10), "output {name}");
        let value = o["value"].as_str().unwrap();
        let step = refs(value, "steps").into_iter().next().unwrap_or_else(|| panic!("output {name} = {value}"));
        assert!(ids.contains(&step), "output {name} reads step {step}, which does not exist");
        assert!(readme.contains(&format!("| `{name}` |")), "output {name} is not in the README's outputs table");
    }
    for step in refs(&text, "steps") {
        assert!(ids.contains(&step), "steps.{step} does not exist");
    }
}

#[test]
fn no_expression_is_spliced_into_a_shell_script() {
    let (_, doc) = action();
    for step in doc["runs"]["steps"].as_vec().unwrap() {
        if let Some(run) = step["run"].as_str() {
            assert!(
                !run.contains("${{"),
                "step {:?} splices an expression into its script; pass it through env",
                step["name"]
            );
            assert_eq!(step["shell"].as_str(), Some("bash"), "composite run steps need a shell");
        }
    }
}

#[test]
fn the_scripts_exist_are_executable_and_parse() {
    let (text, _) = action();
    let re = regex::Regex::new(r#"\$GITHUB_ACTION_PATH/([A-Za-z0-9_./-]+\.sh)"#).unwrap();
    let scripts: BTreeSet<String> = re.captures_iter(&text).map(|c| c[1].to_string()).collect();
    assert_eq!(scripts.len(), 3, "{scripts:?}");
    for s in scripts {
        let p = repo_root().join(&s);
        let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&p).unwrap().permissions());
        assert!(mode & 0o111 != 0, "{s} is not executable");
        let out = Command::new("bash").arg("-n").arg(&p).output().unwrap();
        assert!(out.status.success(), "{s}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

fn run_script(dir: &Path, script: &str, env: &[(&str, &str)]) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("mlgate");
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join("action").join(script))
        .current_dir(dir)
        .env("MLGATE_BIN", &bin)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("GITHUB_ACTIONS", "true")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("GITHUB_HEAD_REF")
        .env_remove("GITHUB_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Step outputs as GitHub reads them: `key=value`, or `key<<DELIMITER` … `DELIMITER`.
fn outputs(file: &Path) -> std::collections::BTreeMap<String, String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = std::collections::BTreeMap::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        if let Some((k, delim)) = l.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|x| *x != delim).collect();
            out.insert(k.to_string(), value.join("\n"));
        } else if let Some((k, v)) = l.split_once('=') {
            out.insert(k.to_string(), v.to_string());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_action_scripts_run_the_gates_and_post_to_github() {
    let sandbox = churn_sandbox();
    let d = sandbox.path().to_path_buf();
    let out_file = d.join("github-output.txt");
    let o = out_file.to_str().unwrap().to_string();
    let dd = d.clone();
    let run = tokio::task::spawn_blocking(move || {
        run_script(
            &dd,
            "gates.sh",
            &[("GITHUB_OUTPUT", o.as_str()), ("INPUT_COMMANDS", "check, score"), ("INPUT_OUT", "my reports")],
        )
    })
    .await
    .unwrap();
    assert!(run.status.success(), "{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("::group::mlgate check") && stdout.contains("mlgate check: fail (exit 1)"), "{stdout}");
    assert!(stdout.contains("::error file=mlgate.toml,title=mlgate leakage"), "annotations are printed: {stdout}");
    let outs = outputs(&out_file);
    assert_eq!(outs["verdict"], "fail");
    assert_eq!(outs["exit-code"], "1");
    assert!(outs["score"].parse::<f64>().is_ok(), "{outs:?}");
    assert_eq!(outs["report-dir"], "my reports");
    assert_eq!(outs["report-md"], "my reports/check/report.md");
    assert_eq!(outs["result-dirs"], "check=my reports/check\nscore=my reports/score", "a folder with a space");
    assert!(d.join("my reports/check/report.html").exists() && d.join("my reports/score/results.json").exists());

    // A bad command is a clear error.
    let dd = d.clone();
    let bad =
        tokio::task::spawn_blocking(move || run_script(&dd, "gates.sh", &[("INPUT_COMMANDS", "chek")])).await.unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("unknown command 'chek'"));

    // The comment step: one comment and one status per command, keyed apart.
    let sha = "0123456789abcdef0123456789abcdef01234567";
    std::fs::write(d.join("event.json"), json!({"pull_request": {"number": 5, "head": {"sha": sha}}}).to_string())
        .unwrap();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/issues/5/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(2)
        .mount(&server)
        .await;
    for key in ["check", "score"] {
        Mock::given(method("POST"))
            .and(path("/repos/acme/churn/issues/5/comments"))
            .and(wiremock::matchers::body_string_contains(format!("<!-- mlgate:comment {key} -->")))
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_json(json!({"id": 1, "html_url": "https://github.com/acme/churn/pull/5#c"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(format!("/repos/acme/churn/statuses/{sha}")))
            .and(body_partial_json(json!({"context": format!("mlgate/{key}")})))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let uri = server.uri();
    let event = d.join("event.json").to_str().unwrap().to_string();
    let dirs = outs["result-dirs"].clone();
    let dd = d.clone();
    let post = tokio::task::spawn_blocking(move || {
        run_script(
            &dd,
            "comment.sh",
            &[
                ("GITHUB_EVENT_NAME", "pull_request"),
                ("GITHUB_EVENT_PATH", event.as_str()),
                ("GITHUB_REPOSITORY", "acme/churn"),
                ("GITHUB_API_URL", uri.as_str()),
                ("GITHUB_TOKEN", "ghs_actiontoken123456"),
                ("RESULT_DIRS", dirs.as_str()),
            ],
        )
    })
    .await
    .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&post.stdout), String::from_utf8_lossy(&post.stderr));
    assert!(post.status.success(), "{text}");
    assert!(!text.contains("ghs_actiontoken123456"), "{text}");

    // On a push there is no pull request: the status alone is set.
    let dd = d.clone();
    let dirs = outs["result-dirs"].clone();
    let push = tokio::task::spawn_blocking(move || {
        run_script(
            &dd,
            "comment.sh",
            &[("GITHUB_EVENT_NAME", "push"), ("INPUT_STATUS", "false"), ("RESULT_DIRS", dirs.as_str())],
        )
    })
    .await
    .unwrap();
    assert!(push.status.success());
    assert!(String::from_utf8_lossy(&push.stdout).contains("nothing to post"));
}
