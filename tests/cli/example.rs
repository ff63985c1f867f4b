//! The bundled churn example, end to end, as a new user runs it.

use crate::common::*;

#[test]
fn example_check_finds_the_planted_schema_violations() {
    let dir = churn_sandbox();
    let out = mlgate(dir.path()).args(["check", "--out", "rep"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let s = stdout(&out);
    assert!(s.starts_with("mlgate check FAIL"), "{s}");
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("rep/results.json")).unwrap()).unwrap();
    assert_valid("results.schema.json", &results);
    let gates = results["gates"].as_array().unwrap();
    let status = |id: &str| gates.iter().find(|g| g["id"] == id).unwrap()["status"].as_str().unwrap().to_string();
    assert_eq!(status("schema:train"), "pass");
    assert_eq!(status("schema:test"), "pass");
    assert_eq!(status("schema:current"), "fail");
    let current = gates.iter().find(|g| g["id"] == "schema:current").unwrap();
    let failing: Vec<(String, String)> = current["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| (c["code"].as_str().unwrap().to_string(), c["subject"].as_str().unwrap().to_string()))
        .collect();
    for planted in [
        ("schema.range", "age"),
        ("schema.category", "plan"),
        ("schema.nulls", "tenure_months"),
        ("schema.unique", "customer_id"),
    ] {
        assert!(
            failing.iter().any(|(c, s)| c == planted.0 && s == planted.1),
            "planted problem {planted:?} not caught: {failing:?}"
        );
    }
    let md = std::fs::read_to_string(dir.path().join("rep/report.md")).unwrap();
    assert!(md.starts_with("## ✗ mlgate: **FAIL**"), "verdict line first: {md}");
    assert!(md.len() < 65_536);
}

#[test]
fn reports_are_byte_identical_for_the_same_inputs() {
    let dir = churn_sandbox();
    mlgate(dir.path()).args(["check", "--out", "a"]).assert().code(1);
    mlgate(dir.path()).args(["check", "--out", "b"]).assert().code(1);
    for f in ["results.json", "report.md"] {
        let a = std::fs::read(dir.path().join("a").join(f)).unwrap();
        let b = std::fs::read(dir.path().join("b").join(f)).unwrap();
        assert!(a == b, "{f} differs between identical runs");
    }
}

#[test]
fn format_json_prints_results_to_stdout() {
    let dir = churn_sandbox();
    let out = mlgate(dir.path()).args(["check", "--format", "json", "--out", "rep"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("stdout is the results JSON");
    assert_eq!(v["verdict"]["exit_code"], 1);
    assert_eq!(v["run"]["timestamp"], "2026-01-01T00:00:00Z");
    assert_valid("results.schema.json", &v);
}

#[test]
fn inferred_schema_passes_clean_data_and_fails_corrupted_data() {
    let dir = churn_sandbox();
    let d = dir.path();
    mlgate(d).args(["schema", "infer", "data/train.csv", "-o", "inferred.json"]).assert().success();
    let inferred: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("inferred.json")).unwrap()).unwrap();
    assert_valid("data-schema.schema.json", &inferred);
    mlgate(d).args(["gate", "schema", "--schema", "inferred.json", "--data", "data/test.csv"]).assert().code(0);
    // Corrupt the test set: a word in a numeric column, an unseen category, a negative age.
    let text = std::fs::read_to_string(d.join("data/test.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[5] = lines[5].replacen(",basic,", ",platinum,", 1).replacen(",standard,", ",platinum,", 1).replacen(
        ",premium,",
        ",platinum,",
        1,
    );
    let mut f: Vec<String> = lines[9].split(',').map(String::from).collect();
    f[2] = "-7".into();
    f[4] = "unknown".into();
    lines[9] = f.join(",");
    std::fs::write(d.join("data/test_bad.csv"), lines.join("\n") + "\n").unwrap();
    let out = mlgate(d)
        .args(["gate", "schema", "--schema", "inferred.json", "--data", "data/test_bad.csv", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let checks = v["gates"][0]["checks"].as_array().unwrap();
    let fail = |code: &str, col: &str| -> serde_json::Value {
        checks
            .iter()
            .find(|c| c["code"] == code && c["subject"] == col)
            .unwrap_or_else(|| panic!("no {code} for {col}"))
            .clone()
    };
    let t = fail("schema.type", "monthly_charges");
    assert_eq!(t["status"], "fail");
    assert_eq!(t["count"], 1);
    assert_eq!(t["examples"][0]["row"], 9, "data row 9 (file line 10)");
    assert_eq!(fail("schema.category", "plan")["status"], "fail");
    assert_eq!(fail("schema.range", "age")["status"], "fail");
}

#[test]
fn help_teaches_the_commands_and_exit_codes() {
    let out = mlgate(&repo_root()).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = stdout(&out);
    for needle in ["check", "gate", "schema", "init", "Exit codes", "2  usage, configuration or input error"] {
        assert!(s.contains(needle), "--help lacks {needle:?}");
    }
}

#[test]
fn explain_knows_every_code_and_suggests_near_misses() {
    mlgate(&repo_root()).args(["explain", "schema.range"]).assert().success();
    let out = mlgate(&repo_root()).args(["explain", "schema.rnage"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean `schema.range`?"), "{}", stderr(&out));
}

#[test]
fn init_writes_a_config_that_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&repo_root().join("examples/churn/data"), &d.join("data"));
    copy_dir(&repo_root().join("examples/churn/runs"), &d.join("runs"));
    mlgate(d).arg("init").assert().success();
    let cfg = std::fs::read_to_string(d.join("mlgate.toml")).unwrap();
    assert!(cfg.contains("label = \"churned\""), "{cfg}");
    assert!(cfg.contains("train = \"data/train.csv\""), "{cfg}");
    assert!(cfg.contains("current = \"data/serving_sample.jsonl\""), "{cfg}");
    assert!(cfg.contains("entity = \"customer_id\""), "{cfg}");
    assert!(d.join("schema.json").exists());
    // The starter config runs as written (the serving sample has no label column, so the
    // inferred schema flags it; any of pass/fail is fine, but never a usage error).
    let out = mlgate(d).arg("check").output().unwrap();
    assert!(matches!(out.status.code(), Some(0) | Some(1)), "{}", stderr(&out));
    // A second init refuses to overwrite.
    mlgate(d).arg("init").assert().code(2);
}
