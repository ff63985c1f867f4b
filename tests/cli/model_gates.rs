//! Slices and baseline gates against scikit-learn on real data (breast cancer and diabetes,
//! see tests/fixtures/model/make_reference.py), plus bad inputs.

use crate::common::*;
use std::path::Path;

fn fixtures() -> std::path::PathBuf {
    repo_root().join("tests/fixtures/model")
}

fn expected() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join("expected.json")).unwrap()).unwrap()
}

fn run(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = mlgate(dir).args(args).args(["--format", "json"]).output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    (out.status.code().unwrap_or(-1), serde_json::from_str(&stdout(&out)).unwrap_or(serde_json::Value::Null), err)
}

fn checks(v: &serde_json::Value) -> Vec<serde_json::Value> {
    v["gates"][0]["checks"].as_array().cloned().unwrap_or_default()
}

#[test]
fn every_binary_metric_matches_sklearn_overall_and_per_slice() {
    let e = expected();
    for metric in ["accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "log_loss", "brier"] {
        let (code, v, err) = run(
            &fixtures(),
            &[
                "gate",
                "slices",
                "--predictions",
                "candidate.csv",
                "--label",
                "y",
                "--score",
                "score",
                "--by",
                "size,segment",
                "--metric",
                metric,
                "--min-rows",
                "20",
                "--bootstrap",
                "200",
            ],
        );
        assert!(code == 0 || code == 1, "{metric}: {err}");
        assert_valid("results.schema.json", &v);
        let cs = checks(&v);
        let overall = cs.iter().find(|c| c["code"] == "slices.overall").unwrap();
        let want = e["overall"][metric].as_f64().unwrap();
        let got = overall["value"].as_f64().unwrap();
        assert!((got - want).abs() < 1e-9, "{metric} overall: {got} vs sklearn {want}");
        for (slice, vals) in e["slices"].as_object().unwrap() {
            let Some(want) = vals[metric].as_f64() else { continue };
            let c = cs.iter().find(|c| c["subject"] == slice.as_str()).unwrap_or_else(|| panic!("{slice}"));
            let got = c["value"].as_f64().unwrap();
            assert!((got - want).abs() < 1e-9, "{metric} on {slice}: {got} vs sklearn {want}");
            assert!(
                c["interval"]["low"].as_f64().unwrap() <= got + 1e-12
                    && got <= c["interval"]["high"].as_f64().unwrap() + 1e-12
            );
        }
    }
}

#[test]
fn planted_slice_fails_and_a_tiny_noisy_slice_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A 15-row slice with reversed scores: terrible, but too small to judge.
    let text = std::fs::read_to_string(fixtures().join("candidate.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[0].push_str(",tiny");
    for (i, l) in lines.iter_mut().enumerate().skip(1) {
        l.push_str(if i <= 15 { ",t" } else { ",rest" });
    }
    write(d, "p.csv", &(lines.join("\n") + "\n"));
    let (code, v, err) = run(
        d,
        &[
            "gate",
            "slices",
            "--predictions",
            "p.csv",
            "--label",
            "y",
            "--score",
            "score",
            "--by",
            "segment,tiny",
            "--min",
            "0.7",
            "--min-rows",
            "50",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let cs = checks(&v);
    let status = |s: &str| cs.iter().find(|c| c["subject"] == s).unwrap()["status"].as_str().unwrap().to_string();
    assert_eq!(status("segment=z"), "fail");
    assert_eq!(status("segment=x"), "pass");
    assert_eq!(status("tiny=t"), "skipped");
    let tiny = cs.iter().find(|c| c["subject"] == "tiny=t").unwrap();
    assert!(tiny["message"].as_str().unwrap().starts_with("too small to judge"));
    // The series carries what the report charts.
    let slices = v["gates"][0]["series"]["slices"].as_array().unwrap();
    assert!(slices.iter().all(|s| s["rows"].is_number() && (s["value"].is_number() || s["slice"] == "t")));
}

#[test]
fn regression_metrics_match_sklearn() {
    let e = expected();
    for metric in ["rmse", "mae", "r2"] {
        let (_, v, err) = run(
            &fixtures(),
            &[
                "gate",
                "slices",
                "--predictions",
                "regression.csv",
                "--label",
                "target",
                "--score",
                "pred",
                "--by",
                "group",
                "--metric",
                metric,
                "--bootstrap",
                "200",
            ],
        );
        let overall = checks(&v).into_iter().find(|c| c["code"] == "slices.overall").unwrap_or_else(|| panic!("{err}"));
        let want = e["regression"][metric].as_f64().unwrap();
        assert!((overall["value"].as_f64().unwrap() - want).abs() < 1e-9, "{metric}");
    }
}

#[test]
fn baseline_pairs_by_entity_and_tests_each_metric() {
    let (code, v, err) = run(
        &fixtures(),
        &[
            "gate",
            "baseline",
            "--candidate",
            "candidate.csv",
            "--baseline",
            "champion.csv",
            "--label",
            "y",
            "--score",
            "score",
            "--entity",
            "id",
            "--metrics",
            "roc_auc,accuracy,brier",
        ],
    );
    assert!(code == 0 || code == 1, "{err}");
    assert_valid("results.schema.json", &v);
    let cs = checks(&v);
    let pairing = cs.iter().find(|c| c["code"] == "baseline.unmatched").unwrap();
    assert_eq!(pairing["status"], "pass", "{pairing}");
    for (m, test) in [("roc_auc", "DeLong"), ("accuracy", "McNemar"), ("brier", "bootstrap")] {
        let c = cs.iter().find(|c| c["code"] == "baseline.metric" && c["subject"] == m).unwrap();
        assert!(c["details"]["test"].as_str().unwrap().contains(test), "{c}");
        assert!(c["p_value"].is_number() && c["interval"]["low"].is_number(), "{c}");
    }
    let trivial = cs.iter().find(|c| c["code"] == "baseline.trivial").unwrap();
    assert_eq!(trivial["status"], "pass", "the candidate beats the class prior: {trivial}");
    assert!(cs.iter().any(|c| c["code"] == "baseline.agreement"));
    // Against a trivial baseline directly.
    let (code, v, _) = run(
        &fixtures(),
        &[
            "gate",
            "baseline",
            "--candidate",
            "candidate.csv",
            "--baseline",
            "trivial",
            "--label",
            "y",
            "--score",
            "score",
        ],
    );
    assert_eq!(code, 0);
    let c = checks(&v).into_iter().find(|c| c["code"] == "baseline.metric").unwrap();
    assert_eq!(c["details"]["baseline"], 0.5);
}

#[test]
fn bad_prediction_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Scores outside [0, 1] with a metric that needs probabilities: exit 2, rows named.
    write(d, "logits.csv", "y,score,g\n1,2.5,a\n0,-1.0,a\n1,0.3,b\n0,0.1,b\n");
    let out = mlgate(d)
        .args([
            "gate",
            "slices",
            "--predictions",
            "logits.csv",
            "--label",
            "y",
            "--score",
            "score",
            "--by",
            "g",
            "--metric",
            "log_loss",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("outside [0, 1] (rows 1 (2.5), 2 (-1))"), "{}", stderr(&out));
    // The same scores are fine for a ranking metric.
    let out = mlgate(d)
        .args([
            "gate",
            "slices",
            "--predictions",
            "logits.csv",
            "--label",
            "y",
            "--score",
            "score",
            "--by",
            "g",
            "--min-rows",
            "1",
        ])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0) | Some(1)), "{}", stderr(&out));
    // A single class: ROC AUC is not computable (a gate error that says why), but the
    // metrics defined for one class are computed. Values from scikit-learn 1.x:
    // accuracy_score 0.75, log_loss(labels=[0, 1]) 0.6911551381476512,
    // brier_score_loss 0.2475 for y = [1, 1, 1, 1], p = [0.5, 0.7, 0.2, 0.9].
    write(d, "one.csv", "y,score,g\n1,0.5,a\n1,0.7,a\n1,0.2,a\n1,0.9,a\n");
    let (code, v, err) =
        run(d, &["gate", "slices", "--predictions", "one.csv", "--label", "y", "--score", "score", "--by", "g"]);
    assert_eq!(code, 1, "{err}");
    let overall =
        &v["gates"][0]["checks"].as_array().unwrap().iter().find(|c| c["code"] == "slices.overall").unwrap().clone();
    assert_eq!(overall["status"], "error");
    assert!(overall["message"].as_str().unwrap().contains("single class"), "{overall}");
    for (metric, expected) in [("accuracy", 0.75), ("log_loss", 0.6911551381476512), ("brier", 0.2475)] {
        let (code, v, err) = run(
            d,
            &[
                "gate",
                "slices",
                "--predictions",
                "one.csv",
                "--label",
                "y",
                "--score",
                "score",
                "--by",
                "g",
                "--metric",
                metric,
                "--min-rows",
                "1",
            ],
        );
        assert!(matches!(code, 0 | 1), "{metric}: {err}");
        let all = checks(&v);
        let overall = all.iter().find(|c| c["code"] == "slices.overall").unwrap();
        assert!((overall["value"].as_f64().unwrap() - expected).abs() < 1e-12, "{metric}: {overall}");
    }
    let (code, v, err) = run(
        d,
        &[
            "gate",
            "baseline",
            "--candidate",
            "one.csv",
            "--baseline",
            "trivial",
            "--label",
            "y",
            "--score",
            "score",
            "--metrics",
            "log_loss,roc_auc",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let all = checks(&v);
    let by = |m: &str| all.iter().find(|c| c["subject"] == m).unwrap().clone();
    assert_eq!(by("roc_auc")["status"], "error", "only the ranking metric is not computable");
    assert!((by("log_loss")["details"]["candidate"].as_f64().unwrap() - 0.6911551381476512).abs() < 1e-12);
    // NaN predictions are a failing check, not a crash.
    write(d, "nan.csv", "y,score,g\n1,0.9,a\n0,NaN,a\n1,0.8,b\n0,0.2,b\n1,,a\n");
    let (code, v, err) = run(
        d,
        &[
            "gate",
            "slices",
            "--predictions",
            "nan.csv",
            "--label",
            "y",
            "--score",
            "score",
            "--by",
            "g",
            "--min-rows",
            "1",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let inv = checks(&v).into_iter().find(|c| c["code"] == "model.invalid-predictions").unwrap();
    assert_eq!(inv["count"], 2);
    assert_eq!(inv["examples"][0]["row"], 2);
    // Mismatched row counts without an entity: exit 2 with the fix.
    write(d, "a.csv", "y,score\n1,0.9\n0,0.2\n1,0.7\n");
    write(d, "b.csv", "y,score\n1,0.9\n0,0.2\n");
    let out = mlgate(d)
        .args(["gate", "baseline", "--candidate", "a.csv", "--baseline", "b.csv", "--label", "y", "--score", "score"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("different row counts (candidate 3, baseline 2)"), "{}", stderr(&out));
    // A slice column with thousands of values: the biggest slices are evaluated, the rest noted.
    let mut s = String::from("y,score,zip\n");
    for i in 0..3000 {
        s.push_str(&format!("{},{},z{}\n", i % 2, (i % 97) as f64 / 97.0, i % 1500));
    }
    write(d, "zip.csv", &s);
    let (_, v, err) =
        run(d, &["gate", "slices", "--predictions", "zip.csv", "--label", "y", "--score", "score", "--by", "zip"]);
    let notes = v["gates"][0]["notes"].as_array().unwrap_or_else(|| panic!("{err}"));
    assert!(notes[0].as_str().unwrap().contains("1,500 distinct values"), "{notes:?}");
    assert_eq!(v["gates"][0]["series"]["slices"].as_array().unwrap().len(), 50);
}
