//! `mlgate score` follows automation end to end: every CI system, through scripts, make
//! targets and modules; explains each test; places the maturity level; gives templates and
//! vacuous tests nothing; and survives malformed CI files, loops and links out of the tree.

use crate::common::*;
use std::path::Path;

fn score(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let out = mlgate(dir).args(["score", "--format", "json"]).args(extra).output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap_or(serde_json::Value::Null);
    if !v.is_null() {
        assert_valid("results.schema.json", &v);
    }
    (out.status.code().unwrap_or(-1), v, err)
}

fn test<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["rubric"]["tests"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap()
}

fn points(v: &serde_json::Value, id: &str) -> f64 {
    test(v, id)["points"].as_f64().unwrap()
}

/// Training behind `bash scripts/ci.sh → make train → python -m pipeline.run`, tests behind
/// tox, a threshold that stops registration, deployment on push.
fn pipeline_repo(d: &Path, ci_file: &str, ci_text: &str) {
    write(d, ci_file, ci_text);
    write(d, "scripts/ci.sh", "#!/bin/bash\nset -euo pipefail\ntox -e py\nmake train\n");
    write(d, "tox.ini", "[tox]\nenvlist = py\n[testenv]\ncommands =\n    pytest tests/unit\n");
    write(
        d,
        "Makefile",
        "train: data\n\tpython -m pipeline.run --config conf/train.yaml\n\ndata:\n\tpython scripts/fetch.py\n",
    );
    write(d, "scripts/fetch.py", "print('fetch')\n");
    write(d, "pipeline/__init__.py", "");
    write(
        d,
        "pipeline/run.py",
        "from pipeline.train import fit_model\nfrom pipeline.evaluate import gate\n\nm = fit_model()\ngate(m)\nkubectl = 'kubectl apply -f deploy.yaml'\nos.system('kubectl apply -f k8s/serve.yaml')\n",
    );
    write(
        d,
        "pipeline/train.py",
        "from sklearn.linear_model import LogisticRegression\n\ndef fit_model(X, y):\n    return LogisticRegression(random_state=0).fit(X, y)\n",
    );
    write(
        d,
        "pipeline/evaluate.py",
        "def gate(auc, threshold=0.8):\n    if auc < threshold:\n        raise SystemExit('model is worse than the threshold; not registering')\n",
    );
    write(
        d,
        "tests/unit/test_model.py",
        "from pipeline.train import fit_model\n\ndef test_fit_learns():\n    m = fit_model([[0], [1]], [0, 1])\n    assert m.predict([[1]])[0] == 1\n",
    );
}

#[test]
fn automation_is_followed_through_scripts_tox_make_and_modules_in_every_ci_system() {
    let systems: &[(&str, &str)] = &[
        (".github/workflows/ci.yml", "on: [pull_request]\njobs:\n  ci:\n    steps:\n      - run: bash scripts/ci.sh\n"),
        (".gitlab-ci.yml", "test:\n  script:\n    - bash scripts/ci.sh\n"),
        ("azure-pipelines.yml", "trigger: [main]\npr: [main]\nsteps:\n- script: bash scripts/ci.sh\n"),
        ("cloudbuild.yaml", "steps:\n- name: python\n  entrypoint: bash\n  args: ['-c', 'bash scripts/ci.sh']\n"),
        (".circleci/config.yml", "version: 2.1\njobs:\n  t:\n    steps:\n      - run: bash scripts/ci.sh\n"),
        ("Jenkinsfile", "pipeline {\n  agent any\n  stages { stage('ci') { steps { sh 'bash scripts/ci.sh' } } }\n}\n"),
        (
            "bitbucket-pipelines.yml",
            "pipelines:\n  pull-requests:\n    '**':\n      - step:\n          script:\n            - bash scripts/ci.sh\n",
        ),
        (".buildkite/pipeline.yml", "steps:\n  - command: bash scripts/ci.sh\n"),
    ];
    for (file, text) in systems {
        let dir = tempfile::tempdir().unwrap();
        pipeline_repo(dir.path(), file, text);
        let (code, v, err) = score(dir.path(), &[]);
        assert_eq!(code, 0, "{file}: {err}");
        for (id, want) in [("model.1", 1.0), ("infra.2", 1.0), ("infra.3", 1.0), ("infra.4", 1.0)] {
            assert_eq!(points(&v, id), want, "{file} {id}: {}", test(&v, id));
        }
        let r = test(&v, "infra.4")["reason"].as_str().unwrap().to_string();
        assert!(
            r.contains(file)
                && r.contains("scripts/ci.sh")
                && r.contains("Makefile:train")
                && r.contains("pipeline/evaluate.py"),
            "{file}: {r}"
        );
        assert!(r.contains("fails at pipeline/evaluate.py:2"), "{r}");
        assert_eq!(
            v["rubric"]["maturity"]["level"], 2,
            "{file}: changes run tests, train and deploy: {}",
            v["rubric"]["maturity"]
        );
    }
}

#[test]
fn a_thrown_away_exit_status_is_half_a_point() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pipeline_repo(
        d,
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  ci:\n    steps:\n      - run: bash scripts/ci.sh\n",
    );
    // No `set -e`, and more commands after the tests: a failing test fails nothing.
    write(d, "scripts/ci.sh", "#!/bin/bash\ntox -e py\necho done\n");
    let (_, v, _) = score(d, &[]);
    assert_eq!(points(&v, "infra.2"), 0.5, "{}", test(&v, "infra.2"));
    assert!(test(&v, "infra.2")["reason"].as_str().unwrap().contains("exit status is thrown away (scripts/ci.sh)"));
    // Training runs on a change, nothing deploys: level 1.
    write(d, "pipeline/run.py", "from pipeline.train import fit_model\nfrom pipeline.evaluate import gate\n");
    let (_, v, _) = score(d, &[]);
    assert_eq!(v["rubric"]["maturity"]["level"], 1, "{}", v["rubric"]["maturity"]);
    assert!(v["rubric"]["maturity"]["missing"].to_string().contains("no automatic step deploys"));
}

#[test]
fn schedules_in_code_retrain_and_level_two_needs_tests_and_deploy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pipeline_repo(
        d,
        ".github/workflows/ci.yml",
        "on: pull_request\njobs:\n  ci:\n    steps:\n      - run: bash scripts/ci.sh\n",
    );
    write(
        d,
        "flows/deploy.py",
        "from pipeline.run import main\nDeployment.build_from_flow(flow=main, schedule=CronSchedule(cron='0 3 * * 1'))\n",
    );
    let (_, v, _) = score(d, &[]);
    assert_eq!(points(&v, "monitoring.4"), 0.5, "{}", test(&v, "monitoring.4"));
    assert!(test(&v, "monitoring.4")["reason"].as_str().unwrap().contains("schedule → flows/deploy.py job schedule"));
    let m = &v["rubric"]["maturity"];
    assert_eq!(m["level"], 2, "{m}");
    assert!(m["evidence"].to_string().contains("kubectl apply"), "{m}");
}

#[test]
fn no_automation_is_level_zero_and_explain_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "train.py", "from sklearn.linear_model import LogisticRegression\nLogisticRegression().fit(X, y)\n");
    let (_, v, _) = score(d, &[]);
    assert_eq!(v["rubric"]["maturity"]["level"], 0);
    assert!(v["rubric"]["maturity"]["missing"].to_string().contains("needs a person to start it"));
    assert_eq!(points(&v, "model.1"), 0.5, "version control alone");
    let out = mlgate(d).args(["score", "--explain", "model.1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for want in [
        "model.1",
        "0.5 of 1 (manual)",
        "train.py:2 `.fit(`",
        "Why not higher:",
        "nothing runs it without a person",
        "Cheapest step up:",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    let out = mlgate(d).args(["score", "--explain", "data.9"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean"), "{}", stderr(&out));
    pipeline_repo(
        d,
        ".github/workflows/ci.yml",
        "on: pull_request\njobs:\n  ci:\n    steps:\n      - run: bash scripts/ci.sh\n",
    );
    let out = mlgate(d).args(["score", "--explain", "automation"]).output().unwrap();
    let text = stdout(&out);
    assert!(text.contains("GitHub Actions .github/workflows/ci.yml#ci — pull_request"), "{text}");
    assert!(text.contains("pipeline/train.py ← pull_request → .github/workflows/ci.yml job ci"), "{text}");
}

#[test]
fn templates_and_vacuous_tests_earn_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t = "{{ cookiecutter.repo_name }}";
    pipeline_repo(
        &d.join(t),
        ".github/workflows/ci.yml",
        "on: pull_request\njobs:\n  ci:\n    steps:\n      - run: bash scripts/ci.sh\n",
    );
    write(d, &format!("{t}/tests/test_data.py"), "def test_code_is_tested():\n    assert False, 'write your tests'\n");
    // The template generator's own CI and a placeholder test outside the template.
    write(d, ".github/workflows/tests.yml", "on: pull_request\njobs:\n  t:\n    steps:\n      - run: pytest tests\n");
    write(
        d,
        "tests/test_features.py",
        "from app.features import build\n\ndef test_hello():\n    assert print('Hello') is None\n\ndef test_build():\n    build()\n",
    );
    let (_, v, _) = score(d, &[]);
    for s in v["rubric"]["sections"].as_array().unwrap() {
        if s["id"] != "model" {
            assert_eq!(s["score"], 0.0, "{s}");
        }
    }
    assert!(test(&v, "data.7")["hints"].to_string().contains("none asserts anything real"), "{}", test(&v, "data.7"));
    assert!(v["rubric"]["notes"].to_string().contains("as a project template"), "{}", v["rubric"]["notes"]);
}

#[test]
fn malformed_ci_loops_binaries_and_links_out_of_the_tree_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for f in [
        ".github/workflows/a.yml",
        ".gitlab-ci.yml",
        "azure-pipelines.yml",
        "cloudbuild.yaml",
        ".circleci/config.yml",
        "bitbucket-pipelines.yml",
        ".buildkite/pipeline.yml",
        "buildspec.yml",
        ".pre-commit-config.yaml",
    ] {
        write(d, f, "on: [push\njobs: {\n  - : :\n");
    }
    write(d, "Jenkinsfile", "pipeline { stages { stage('x') { steps { sh '''unterminated");
    write(
        d,
        ".github/workflows/loop.yml",
        "on: push\njobs:\n  a:\n    uses: ./.github/workflows/loop.yml\n  b:\n    steps:\n      - run: bash a.sh\n      - uses: ./.github/actions/none\n",
    );
    write(d, "a.sh", "bash b.sh\nbash a.sh\nmake all\n");
    write(d, "b.sh", "bash a.sh\n");
    write(d, "Makefile", "all: all\n\tmake all\n\tbash a.sh\n");
    write(d, "azure-templates.yml", "steps:\n- template: azure-templates.yml\n");
    std::fs::write(d.join("binary.sh"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    write(d, "c.sh", "bash binary.sh\nbash ../../etc/passwd.sh\nsource /etc/profile\n");
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "evil.sh", "pytest tests\n");
        std::os::unix::fs::symlink(outside.path().join("evil.sh"), d.join("evil.sh")).unwrap();
        std::os::unix::fs::symlink(outside.path(), d.join("outside")).unwrap();
        write(d, "d.sh", "bash evil.sh\nbash outside/evil.sh\n");
    }
    let started = std::time::Instant::now();
    let (code, v, err) = score(d, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(started.elapsed().as_secs() < 20, "loops end");
    let notes = v["rubric"]["notes"].to_string();
    assert!(notes.contains("azure-pipelines.yml: not valid YAML"), "{notes}");
    assert!(notes.contains(".gitlab-ci.yml: not valid YAML"), "{notes}");
    let out = mlgate(d).args(["score", "--explain", "automation"]).output().unwrap();
    let text = stdout(&out);
    assert!(!text.contains("evil.sh ←") && !text.contains("passwd"), "nothing outside the tree is followed: {text}");
}

#[test]
fn hostile_file_names_on_a_chain_are_escaped_in_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let evil = "<img src=x onerror=alert(1)>";
    write(
        d,
        ".github/workflows/ci.yml",
        "on: pull_request\njobs:\n  t:\n    steps:\n      - run: pytest tests && kubectl apply -f k8s.yaml\n",
    );
    write(
        d,
        &format!("tests/test_{evil}.py"),
        "from sklearn.linear_model import LogisticRegression\n\ndef test_fit():\n    assert LogisticRegression().fit([[0], [1]], [0, 1]).predict([[1]])[0] == 1\n",
    );
    write(
        d,
        "flows/retrain.py",
        &format!(
            "import importlib\nx = 'tests/test_{evil}.py'\nDeployment.build_from_flow(flow=f, schedule=CronSchedule(cron='0 3 * * *'))\n"
        ),
    );
    let out = mlgate(d).args(["score", "--format", "html,md,json", "--out", "r"]).output().unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", stderr(&out));
    let json = std::fs::read_to_string(d.join("r/results.json")).unwrap();
    assert!(json.contains("maturity") && json.contains("onerror"), "the name is in the results: {json}");
    let html = std::fs::read_to_string(d.join("r/report.html")).unwrap();
    let md0 = std::fs::read_to_string(d.join("r/report.md")).unwrap();
    let level = serde_json::from_str::<serde_json::Value>(&json).unwrap()["rubric"]["maturity"]["level"].to_string();
    assert!(
        html.contains(&format!("MLOps maturity level {level}"))
            && md0.contains(&format!("**MLOps maturity level {level}**")),
        "every report states the level"
    );
    assert!(!html.contains("<img src=x"), "HTML escapes it");
    let md = std::fs::read_to_string(d.join("r/report.md")).unwrap();
    let raw = regex::Regex::new(r"(^|[^\\])<img").unwrap();
    assert!(!raw.is_match(&strip_code_spans(&md)), "Markdown escapes it");
    let explain = mlgate(d).args(["score", "--explain", "automation"]).output().unwrap();
    assert!(stdout(&explain).contains("onerror"), "the terminal shows it, made safe");
}

#[test]
fn a_ci_check_on_every_change_to_the_model_code_is_a_gate_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "training/train.py",
        "from sklearn.linear_model import LogisticRegression\nLogisticRegression().fit(X, y)\n",
    );
    write(d, ".pre-commit-config.yaml", "repos:\n- repo: local\n  hooks:\n  - id: lint\n    entry: ruff check .\n");
    let (_, v, _) = score(d, &[]);
    assert_eq!(points(&v, "model.1"), 0.5, "a commit hook is not a review gate: {}", test(&v, "model.1"));
    write(
        d,
        ".github/workflows/lint.yml",
        "on:\n  pull_request:\n    paths: ['serving/**']\njobs:\n  lint:\n    steps:\n      - run: ruff check .\n",
    );
    let (_, v, _) = score(d, &[]);
    assert_eq!(points(&v, "model.1"), 0.5, "the filter leaves training out: {}", test(&v, "model.1"));
    write(
        d,
        ".github/workflows/lint.yml",
        "on:\n  pull_request:\n    paths: ['training/**']\njobs:\n  lint:\n    steps:\n      - run: ruff check .\n",
    );
    let (_, v, _) = score(d, &[]);
    assert_eq!(points(&v, "model.1"), 1.0, "{}", test(&v, "model.1"));
    assert!(
        test(&v, "model.1")["reason"]
            .as_str()
            .unwrap()
            .contains("is checked on every change to it: .github/workflows/lint.yml#lint runs `ruff check .`")
    );
}
