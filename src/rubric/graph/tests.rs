use super::*;

fn repo(files: &[(&str, &str)]) -> (tempfile::TempDir, Reach, RepoIndex) {
    let dir = tempfile::tempdir().unwrap();
    for (p, t) in files {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
    let index = RepoIndex::build(dir.path());
    let reach = build(&index);
    (dir, reach, index)
}

#[test]
fn follows_workflow_make_script_python_and_imports() {
    let (_d, reach, _) = repo(&[
        (
            ".github/workflows/ci.yml",
            "on:\n  pull_request:\n    paths: ['svc/**']\njobs:\n  test:\n    steps:\n      - run: make integration\n        working-directory: svc\n",
        ),
        ("svc/Makefile", "unit:\n\tpipenv run pytest tests/\n\nintegration: unit\n\tbash ./it/run.sh\n"),
        ("svc/it/run.sh", "cd \"$(dirname \"$0\")\"\npipenv run python test_score.py 2022\n"),
        ("svc/it/test_score.py", "import score\nassert score.predict(1) == 2\n"),
        ("svc/score.py", "from model.core import load\n"),
        ("svc/model/core.py", "def load(): pass\n"),
        ("svc/tests/test_unit.py", "def test_x():\n    assert 1 + 1 == 2\n"),
        ("train/train.py", "model.fit(x)\n"),
    ]);
    let r = reach.route("svc/model/core.py", Some(Start::Change), false).expect("reached");
    let chain = r.describe();
    assert!(chain.starts_with("pull_request → .github/workflows/ci.yml job test"), "{chain}");
    assert!(chain.contains("svc/it/run.sh") && chain.ends_with("imports svc/model/core.py"), "{chain}");
    assert!(reach.route("svc/tests/test_unit.py", Some(Start::Change), false).is_some());
    assert!(reach.route("train/train.py", None, false).is_none());
}

#[test]
fn reusable_workflows_actions_templates_modules_and_schedules() {
    let (_d, reach, _) = repo(&[
        (".github/workflows/pr.yml", "on: pull_request\njobs:\n  ci:\n    uses: ./.github/workflows/platform.yml\n"),
        (
            ".github/workflows/platform.yml",
            "on: workflow_call\njobs:\n  run:\n    steps:\n      - uses: ./.github/actions/exec\n        with:\n          script_parameter: python -m mlops.${{ inputs.model }}.src.pipeline --wait\n",
        ),
        (
            ".github/actions/exec/action.yml",
            "runs:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n",
        ),
        ("mlops/taxi/src/pipeline.py", "import os\nstep = command(code='train.py')\n"),
        ("mlops/taxi/src/train.py", "m.fit(x)\n"),
        ("azure-pipelines.yml", "trigger: none\npr: [main]\nsteps:\n- template: templates/ci.yml\n"),
        ("templates/ci.yml", "parameters: []\nsteps:\n- script: python -m tool.check\n"),
        ("tool/check.py", "print(1)\n"),
        (
            "flows/deploy.py",
            "from train_flow import train\nDeployment.build_from_flow(flow=train, schedule=CronSchedule(cron='0 3 * * *'))\n",
        ),
        ("flows/train_flow.py", "def train(): model.fit(x)\n"),
        ("dvc.yaml", "stages:\n  train:\n    cmd: python src/fit.py\n"),
        (
            "Jenkinsfile",
            "pipeline { triggers { pollSCM('* * * * *') } stages { stage('t') { steps { sh 'dvc repro' } } } }\n",
        ),
        ("src/fit.py", "m.fit(x)\n"),
    ]);
    let r =
        reach.route("mlops/taxi/src/train.py", Some(Start::Change), false).expect("through workflow_call and with:");
    assert!(r.describe().contains("python -m mlops.*.src.pipeline"), "{}", r.describe());
    assert!(reach.route("tool/check.py", Some(Start::Change), false).is_some(), "azure template");
    assert!(reach.route("flows/train_flow.py", Some(Start::Schedule), false).is_some(), "prefect schedule");
    assert!(reach.route("src/fit.py", Some(Start::Change), false).is_some(), "jenkins → dvc stage");
}

#[test]
fn loops_and_self_calls_end() {
    let (_d, reach, _) = repo(&[
        (".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    steps:\n      - run: bash a.sh\n"),
        ("a.sh", "bash b.sh\nbash a.sh\n"),
        ("b.sh", "bash a.sh\nmake\n"),
        ("Makefile", "all: all b\n\tmake all\nb: all\n\tbash a.sh\n"),
        ("x.py", "import x\nimport y\n"),
        ("y.py", "import x\n"),
    ]);
    assert!(reach.route("b.sh", Some(Start::Change), false).is_some());
}

#[test]
fn commands_do_not_leave_the_repository() {
    assert_eq!(resolve::join("a/b", "../../c.sh").as_deref(), Some("c.sh"));
    assert_eq!(resolve::join("a", "../../c.sh"), None);
    assert_eq!(resolve::join("", "/etc/passwd"), None);
}
