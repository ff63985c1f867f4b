//! `mlgate score` and `mlgate audit` on repositories built in the test: real evidence earns
//! points, keywords and stubs do not, bad inputs never crash.

use crate::common::*;
use std::path::Path;

fn score_json(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let out = mlgate(dir).args(["score", "--format", "json"]).args(extra).output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    let v = serde_json::from_str(&stdout(&out)).unwrap_or(serde_json::Value::Null);
    if !v.is_null() {
        assert_valid("results.schema.json", &v);
    }
    (out.status.code().unwrap_or(-1), v, err)
}

fn test_of<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["rubric"]["tests"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap_or_else(|| panic!("no test {id}"))
}

fn points(v: &serde_json::Value, id: &str) -> f64 {
    test_of(v, id)["points"].as_f64().unwrap()
}

const RUNBOOK: &str = "# Quality regression runbook\n\n1. Open the quality dashboard and compare the last seven days of AUC per region with the baseline.\n2. If the drop exceeds 0.02, page the on-call ML engineer and freeze promotions.\n3. Roll back to the previous model version with the release workflow.\n";

fn ml_repo(d: &Path) {
    write(
        d,
        "src/churn/features.py",
        "import pandas as pd\n\ndef tenure_bucket(df):\n    return pd.cut(df.tenure, [0, 12, 24, 48, 120])\n",
    );
    write(
        d,
        "src/churn/train.py",
        "from sklearn.model_selection import GridSearchCV\nfrom sklearn.linear_model import LogisticRegression\n\ndef search(X, y):\n    return GridSearchCV(LogisticRegression(), {'C': [0.1, 1, 10]}).fit(X, y)\n",
    );
    write(
        d,
        "tests/test_features.py",
        "from churn.features import tenure_bucket\n\ndef test_bucket():\n    assert tenure_bucket is not None\n",
    );
    write(
        d,
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n",
    );
    write(
        d,
        ".github/workflows/ci.yml",
        "name: ci\non:\n  pull_request:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pip install -e . && pytest tests/\n  gates:\n    runs-on: ubuntu-latest\n    steps:\n      - run: mlgate check --config mlgate.toml\n",
    );
    write(
        d,
        ".github/workflows/monitor.yml",
        "on:\n  schedule:\n    - cron: '0 5 * * *'\njobs:\n  drift:\n    runs-on: ubuntu-latest\n    steps:\n      - run: mlgate check --config mlgate.toml\n",
    );
    write(d, "docs/runbooks/quality.md", RUNBOOK);
    write(d, "docs/runbooks/rollback.md", "# Rollback\n\nTODO\n");
    write(
        d,
        "mlgate.toml",
        "[data]\ntrain = \"data/train.csv\"\ncurrent = \"data/current.csv\"\n\n[columns]\nlabel = \"y\"\nscore = \"p\"\n\n[predictions]\ncandidate = \"preds.csv\"\n\n[gates.schema]\nschema = \"schema.json\"\n\n[gates.drift]\nreference = \"train\"\ncurrent = \"current\"\n\n[gates.slices]\npredictions = \"candidate\"\nby = [\"region\"]\n\n[gates.baseline]\ncandidate = \"candidate\"\nbaseline = \"trivial\"\n\n[evidence]\n\"monitoring.7\" = { status = \"manual\", link = \"docs/runbooks/quality.md\" }\n\"infra.7\" = { status = \"manual\", link = \"docs/runbooks/rollback.md\" }\n\"monitoring.4\" = { status = \"automated\", link = \"docs/missing.md\" }\n\"data.5\" = { status = \"manual\", link = \"https://wiki.example.com/privacy-review\" }\n",
    );
}

/// A results.json as CI would commit it: the example's, with the gate statuses given.
fn recorded_results(d: &Path, statuses: &[(&str, &str)]) {
    let snap = std::fs::read_to_string(repo_root().join("tests/cli/snapshots/cli__golden__example-results-json.snap"))
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(snap.splitn(3, "---\n").nth(2).unwrap()).unwrap();
    for g in v["gates"].as_array_mut().unwrap() {
        let kind = g["kind"].as_str().unwrap().to_string();
        if let Some((_, s)) = statuses.iter().find(|(k, _)| *k == kind) {
            g["status"] = serde_json::Value::from(*s);
        }
    }
    write(d, "mlgate-report/results.json", &serde_json::to_string(&v).unwrap());
}

#[test]
fn real_evidence_earns_points_and_every_point_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ml_repo(d);
    // Gates configured and wired into CI, but never seen running: half a point at most.
    let (code, v, err) = score_json(d, &[]);
    assert_eq!(code, 0, "{err}");
    for id in ["data.1", "model.5", "model.6", "infra.4", "monitoring.2"] {
        assert_eq!(points(&v, id), 0.5, "{id}: {}", test_of(&v, id));
        let hints = test_of(&v, id)["hints"].to_string();
        assert!(hints.contains("no result of it was seen"), "{id}: {hints}");
    }
    // The results CI recorded: passing gates earn the point, a failing one does not.
    recorded_results(d, &[("schema", "pass"), ("slices", "pass"), ("baseline", "warn"), ("drift", "fail")]);
    let (code, v, err) = score_json(d, &[]);
    assert_eq!(code, 0, "{err}");
    assert_valid("results.schema.json", &v);
    for (id, want) in [
        ("data.1", 1.0),  // schema gate run by a CI job, last result pass
        ("data.7", 1.0),  // feature tests reached by pytest on pull requests
        ("model.3", 0.5), // GridSearchCV, not in a pipeline
        ("model.5", 1.0), // baseline gate in CI, last result warn
        ("model.6", 1.0), // slices gate in CI
        ("infra.4", 1.0),
        ("monitoring.1", 1.0), // dependabot
        ("monitoring.2", 1.0), // scheduled mlgate: the schema gate passes (drift fails)
        ("monitoring.7", 1.0), // scheduled slices/baseline beats the manual claim
        ("data.5", 0.5),       // claim with an external link
        ("infra.7", 0.0),      // a TODO runbook earns nothing
        ("monitoring.4", 0.0), // claim whose link does not exist
        ("data.6", 0.0),
    ] {
        assert_eq!(points(&v, id), want, "{id}: {}", test_of(&v, id));
        if want > 0.0 {
            assert!(!test_of(&v, id)["evidence"].as_array().unwrap().is_empty(), "{id} names its evidence");
        }
    }
    let data7 = test_of(&v, "data.7")["reason"].as_str().unwrap();
    assert!(
        data7.contains("pull_request, push → .github/workflows/ci.yml job test → `pip install -e . && pytest tests/` → pytest tests/test_features.py"),
        "{data7}"
    );
    assert!(test_of(&v, "monitoring.2")["evidence"].to_string().contains("recorded in mlgate-report/results.json"));
    let notes: Vec<&str> = v["rubric"]["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(notes.iter().any(|n| n.contains("monitoring.4") && n.contains("does not exist")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("infra.7") && n.contains("unfilled template")), "{notes:?}");
    // Sections sum their tests; the final score is the minimum.
    let sections = v["rubric"]["sections"].as_array().unwrap();
    let min = sections.iter().map(|s| s["score"].as_f64().unwrap()).fold(f64::INFINITY, f64::min);
    assert_eq!(v["rubric"]["final"].as_f64().unwrap(), min);
    assert!(v["rubric"]["band"].as_str().unwrap().starts_with('('), "a band is stated");
    assert_eq!(v["rubric"]["next_steps"].as_array().unwrap().len(), 3);
    // A failing recorded gate is the check doing its job (the paper's rule: it runs
    // repeatedly with a criterion): it keeps its point and names the failure.
    recorded_results(d, &[("schema", "fail"), ("slices", "pass"), ("baseline", "warn"), ("drift", "fail")]);
    let (_, v, _) = score_json(d, &[]);
    assert_eq!(points(&v, "data.1"), 1.0, "{}", test_of(&v, "data.1"));
    assert!(test_of(&v, "data.1")["hints"].to_string().contains("[gates.schema] last failed"));
    // A gate that could not judge (an error) has not shown that it works: half a point.
    recorded_results(d, &[("schema", "error"), ("slices", "pass"), ("baseline", "warn"), ("drift", "fail")]);
    let (_, v, _) = score_json(d, &[]);
    assert_eq!(points(&v, "data.1"), 0.5, "{}", test_of(&v, "data.1"));
    assert!(test_of(&v, "data.1")["hints"].to_string().contains("last result is error"));
}

#[test]
fn keywords_stubs_comments_and_manual_jobs_earn_nothing_automated() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "README.md", "We use great_expectations, optuna and Fairlearn MetricFrame for everything.\n");
    write(d, "notes.txt", "GridSearchCV DummyClassifier TerminateOnNaN\n");
    write(d, "train.py", "# from sklearn.model_selection import GridSearchCV\nprint('training')\n");
    write(
        d,
        ".github/workflows/ci.yml",
        "on: workflow_dispatch\njobs:\n  tune:\n    steps:\n      - run: python -m pytest\n#  nightly:\n#    steps:\n#      - run: mlgate check\n",
    );
    write(d, "tests/test_features.py", "from app.features import build\n\ndef test_build():\n    assert build\n");
    write(d, ".github/workflows/broken.yml", "on: [push\njobs: {");
    std::fs::write(d.join("model.bin"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(d, d.join("loop")).unwrap();
    let (code, v, err) = score_json(d, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(points(&v, "data.1"), 0.0, "a README keyword is not a schema");
    assert_eq!(points(&v, "model.3"), 0.0, "commented-out code is not tuning");
    assert_eq!(points(&v, "model.7"), 0.0);
    // Tests exist, but pytest runs only when started by hand: manual at most.
    assert_eq!(points(&v, "data.7"), 0.5, "{}", test_of(&v, "data.7"));
    assert!(test_of(&v, "data.7")["reason"].as_str().unwrap().contains("by hand"));
    let notes = v["rubric"]["notes"].to_string();
    assert!(notes.contains("broken.yml: not valid YAML"), "{notes}");
}

#[test]
fn min_score_sets_the_exit_code_and_claims_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ml_repo(d);
    let (code, v, _) = score_json(d, &["--min-score", "3"]);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"]["exit_code"], 1);
    let (code, _, _) = score_json(d, &["--min-score", "0"]);
    assert_eq!(code, 0);
    // A claim for a test that does not exist is a usage error with a suggestion.
    let text = std::fs::read_to_string(d.join("mlgate.toml")).unwrap();
    write(d, "mlgate.toml", &text.replace("\"monitoring.7\"", "\"monitoring.77\""));
    let (code, _, err) = score_json(d, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("did you mean \"monitoring.7\""), "{err}");
}

#[test]
fn not_applicable_is_off_by_default_and_labelled() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "mlgate.toml", "[evidence]\n\"data.6\" = { status = \"na\", note = \"images only\" }\n");
    let (_, v, _) = score_json(d, &[]);
    assert_eq!(points(&v, "data.6"), 0.0);
    assert!(v["rubric"]["notes"].to_string().contains("the paper has no"));
    let (_, v, _) = score_json(d, &["--allow-na"]);
    assert_eq!(points(&v, "data.6"), 1.0);
    assert_eq!(test_of(&v, "data.6")["level"], "na");
    assert_eq!(v["rubric"]["allow_na"], true);
}

#[test]
fn custom_rubrics_extend_the_builtin_and_bad_ones_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "features.yaml",
        "features:\n  - name: tenure\n    owner: growth-team\n  - name: plan\n    owner: billing-team\n",
    );
    write(
        d,
        "acme.toml",
        "[rubric]\nid = \"acme\"\nname = \"ACME\"\nversion = \"3\"\nextends = \"ml-test-score\"\n\n[[tests]]\nid = \"data.8\"\nsection = \"data\"\ntitle = \"Features have owners\"\nmeans = \"m\"\nhow = \"h\"\n[[tests.manual]]\nkind = \"files\"\nglobs = [\"features.yaml\"]\n",
    );
    let (code, v, err) = score_json(d, &["--rubric", "acme.toml"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["rubric"]["tests"].as_array().unwrap().len(), 29);
    assert_eq!(points(&v, "data.8"), 0.5);
    write(d, "bad.toml", "[rubric]\nid = \"x\"\nname = \"x\"\nversion = \"1\"\n[[tests]]\nid = \"a\"\n");
    let (code, _, err) = score_json(d, &["--rubric", "bad.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml"), "{err}");
    // A pattern too large for the scorer's regex limit (it used to load, then panic).
    let huge = std::fs::read_to_string(d.join("acme.toml"))
        .unwrap()
        .replace("kind = \"files\"\nglobs = [\"features.yaml\"]", "kind = \"code\"\npatterns = ['\\w{100}']");
    write(d, "huge.toml", &huge);
    let (code, _, err) = score_json(d, &["--rubric", "huge.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("does not compile") && !err.contains("panicked"), "{err}");
}

#[test]
fn audits_keep_dated_snapshots_and_show_the_trend() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "mlgate.toml", "[evidence]\n\"monitoring.7\" = { status = \"manual\", link = \"docs/q.md\" }\n");
    write(d, "docs/q.md", RUNBOOK);
    mlgate(d).env("SOURCE_DATE_EPOCH", "1759276800").args(["audit", "--out", "a1"]).assert().success();
    write(
        d,
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n",
    );
    mlgate(d).env("SOURCE_DATE_EPOCH", "1767225600").args(["audit", "--out", "a2"]).assert().success();
    let snaps: Vec<String> = std::fs::read_dir(d.join("mlgate-audits"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(snaps.len(), 2, "{snaps:?}");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("a2/results.json")).unwrap()).unwrap();
    assert_valid("results.schema.json", &r);
    let h = r["rubric"]["history"].as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0]["date"], "2025-10-01");
    assert_eq!(h[1]["date"], "2026-01-01");
    assert!(h[1]["sections"]["Monitoring"].as_f64().unwrap() > h[0]["sections"]["Monitoring"].as_f64().unwrap());
    let html = std::fs::read_to_string(d.join("a2/report.html")).unwrap();
    assert!(html.contains("ML Test Score across audits"), "the HTML charts the trend");
}

#[test]
fn dependencies_are_leads_never_points() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "requirements/base.txt", "pandas==2.2\npandera>=0.18  # schemas, one day\n");
    write(d, "pyproject.toml", "[project]\nname = \"churn\"\ndependencies = [\"evidently>=0.4\"]\n");
    write(d, "README.md", "We validate data with pandera and monitor drift with evidently.\n");
    let (code, v, err) = score_json(d, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(points(&v, "data.1"), 0.0, "a dependency and a README sentence earn nothing");
    assert_eq!(points(&v, "monitoring.2"), 0.0);
    let hints = test_of(&v, "data.1")["hints"].to_string();
    assert!(hints.contains("pandera is declared in requirements/base.txt but nothing shows it is used"), "{hints}");
    let hints = test_of(&v, "monitoring.2")["hints"].to_string();
    assert!(hints.contains("evidently is declared in pyproject.toml"), "{hints}");
    // Once the test earns its point, the lead is no longer shown.
    write(d, "src/schema.py", "import pandera as pa\n\nschema = pa.DataFrameSchema({\"age\": pa.Column(int)})\n");
    write(
        d,
        "tests/test_schema.py",
        "from src.schema import schema\n\ndef test_schema(df):\n    schema.validate(df)\n",
    );
    let (_, v, _) = score_json(d, &[]);
    assert!(points(&v, "data.1") > 0.0, "{}", test_of(&v, "data.1"));
}
