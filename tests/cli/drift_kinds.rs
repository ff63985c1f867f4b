//! The drift gate telling kinds of drift apart from real files: delayed outcomes joined on
//! an id, a planted concept drift (the relation weakens, inputs and label rate stay), a
//! planted prior drift, bad outcome files, and the rubric's Monitor 7 credited from it.

use crate::common::*;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// A deterministic uniform stream (SplitMix64).
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.unit().max(f64::MIN_POSITIVE), self.unit());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Writes `reference.csv` (x, y, score), `current.csv` (id, x, score) and `outcomes.csv`
/// (id, y) for 70% of the current ids. y depends on x with log-odds slope `slope` and
/// intercept `intercept` on the current side; the model's score is fixed: sigmoid(1.5x).
fn world(d: &Path, n: usize, slope: f64, intercept: f64, seed: u64) {
    let mut rng = Rng(seed);
    let mut reference = String::from("x,y,score\n");
    for _ in 0..n {
        let x = rng.normal();
        let y = (rng.unit() < sigmoid(1.5 * x)) as u8;
        writeln!(reference, "{x:.6},{y},{:.6}", sigmoid(1.5 * x)).unwrap();
    }
    let (mut current, mut outcomes) = (String::from("id,x,score\n"), String::from("id,y\n"));
    for i in 0..n {
        let x = rng.normal();
        let y = (rng.unit() < sigmoid(intercept + slope * x)) as u8;
        writeln!(current, "r{i},{x:.6},{:.6}", sigmoid(1.5 * x)).unwrap();
        if rng.unit() < 0.7 {
            writeln!(outcomes, "r{i},{y}").unwrap();
        }
    }
    write(d, "reference.csv", &reference);
    write(d, "current.csv", &current);
    write(d, "outcomes.csv", &outcomes);
}

const ARGS: &[&str] = &[
    "gate",
    "drift",
    "--reference",
    "reference.csv",
    "--current",
    "current.csv",
    "--score",
    "score",
    "--label",
    "y",
    "--labels",
    "outcomes.csv",
    "--entity",
    "id",
    "--exclude",
    "id",
];

fn run(d: &Path, extra: &[&str]) -> (i32, Value, String) {
    let out = mlgate(d).args(ARGS).args(extra).args(["--format", "json"]).output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    let v = serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null);
    if !v.is_null() {
        assert_valid("results.schema.json", &v);
    }
    (out.status.code().unwrap_or(-1), v, err)
}

fn kind(v: &Value, k: &str) -> String {
    let kinds = v["gates"][0]["series"]["kinds"].as_array().unwrap_or_else(|| panic!("no kinds: {v:#}"));
    kinds.iter().find(|r| r["kind"] == k).unwrap()["found"].as_str().unwrap().to_string()
}

fn check<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["gates"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no {code}"))
}

#[test]
fn a_weakened_relation_with_stable_inputs_is_reported_as_concept_drift() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    world(d, 6000, 0.3, 0.0, 1);
    let (code, v, err) = run(d, &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(kind(&v, "concept"), "present", "{v:#}");
    assert_eq!(kind(&v, "covariate"), "absent");
    assert_eq!(kind(&v, "prior"), "absent");
    assert_eq!(check(&v, "drift.performance")["status"], "fail");
    assert_eq!(check(&v, "drift.feedback-loop")["status"], "pass", "outcomes missing at random");
    assert_eq!(v["gates"][0]["inputs"], serde_json::json!(["reference", "current", "labels"]));
    let out = mlgate(d).args(ARGS).args(["--out", "rep"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let md = std::fs::read_to_string(d.join("rep/report.md")).unwrap();
    assert!(md.contains("Which kind of drift"), "{md}");
    assert!(md.contains("retrain on recent labelled data"), "{md}");
    // The same world without a change finds no kind and passes.
    world(d, 6000, 1.5, 0.0, 2);
    let (code, v, err) = run(d, &[]);
    assert_eq!(code, 0, "{err}\n{v:#}");
    assert!(v["gates"][0]["summary"].as_str().unwrap().ends_with("drift kinds found: none"), "{v:#}");
}

#[test]
fn a_moved_label_rate_is_prior_drift_and_its_level_is_a_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Same slope, more positives: calibration moves, the ranking does not.
    world(d, 6000, 1.5, 1.0, 3);
    let (code, v, err) = run(d, &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(kind(&v, "prior"), "present", "{v:#}");
    assert_eq!(kind(&v, "concept"), "absent", "{v:#}");
    // A looser level from the flag reaches the check and the recorded thresholds.
    let (_, v, _) = run(d, &["--threshold", "label_rate=0.9,1.0"]);
    assert_eq!(check(&v, "drift.label-rate")["status"], "pass");
    assert_eq!(v["gates"][0]["thresholds"]["values"]["label_rate"]["fail"], 1.0);
}

#[test]
fn bad_outcome_files_are_usage_errors_naming_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    world(d, 500, 1.5, 0.0, 4);
    // An id twice in the outcomes.
    let text = std::fs::read_to_string(d.join("outcomes.csv")).unwrap();
    let first = text.lines().nth(1).unwrap().to_string();
    write(d, "outcomes.csv", &format!("{text}{first}\n"));
    let (code, _, err) = run(d, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("appears twice in the outcomes"), "{err}");
    // An outcome that is not 0/1.
    write(d, "outcomes.csv", "id,y\nr1,0\nr2,maybe\n");
    let (code, _, err) = run(d, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("\"maybe\"") && err.contains("not 0/1"), "{err}");
    // No outcome column in the outcomes file.
    write(d, "outcomes.csv", "id,outcome\nr1,0\n");
    let (code, _, err) = run(d, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the outcome column ([columns].label) \"y\" is not a column"), "{err}");
    // Outcomes that are all still missing: not judged, said so.
    write(d, "outcomes.csv", "id,y\nr1,\nr2,\n");
    let (code, v, err) = run(d, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(check(&v, "drift.label-rate")["status"], "skipped");
    assert!(check(&v, "drift.label-rate")["message"].as_str().unwrap().contains("current has 0 labelled rows"));
    assert_eq!(kind(&v, "concept"), "unknown");
    // --labels needs the id to join on.
    let out = mlgate(d)
        .args(["gate", "drift", "--reference", "reference.csv", "--current", "current.csv", "--label", "y"])
        .args(["--labels", "outcomes.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--entity"), "{}", stderr(&out));
}

#[test]
fn monitor_7_is_credited_only_when_served_performance_was_judged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    world(d, 3000, 1.5, 0.0, 5);
    let config = "[data]\nreference = \"reference.csv\"\ncurrent = \"current.csv\"\noutcomes = \"outcomes.csv\"\n\n[columns]\nlabel = \"y\"\nscore = \"score\"\nentity = \"id\"\n\n[gates.drift]\nreference = \"reference\"\ncurrent = \"current\"\n";
    let monitor_7 = |config: &str| -> Value {
        write(d, "mlgate.toml", config);
        let out = mlgate(d).args(["audit", "--out", "rep"]).output().unwrap();
        assert!(!stderr(&out).contains("panicked"));
        let r: Value = serde_json::from_str(&std::fs::read_to_string(d.join("rep/results.json")).unwrap()).unwrap();
        r["rubric"]["tests"].as_array().unwrap().iter().find(|t| t["id"] == "monitoring.7").unwrap().clone()
    };
    // Inputs only: drift ran, but prediction quality was not watched.
    let t = monitor_7(config);
    assert_eq!(t["points"], 0.0, "{t:#}");
    // With outcomes joined, the drift gate judged the served model's AUC.
    let with_labels = format!("{config}labels = \"outcomes\"\n");
    let t = monitor_7(&with_labels);
    assert_eq!(t["points"], 0.5, "{t:#}");
    // A scheduled job running the gate: automated only when the gate judges performance.
    write(
        d,
        ".github/workflows/monitor.yml",
        "on:\n  schedule:\n    - cron: '0 5 * * *'\njobs:\n  drift:\n    runs-on: ubuntu-latest\n    steps:\n      - run: mlgate check\n",
    );
    let t = monitor_7(config);
    assert_eq!(t["points"], 0.0, "a scheduled input-only drift job does not watch quality: {t:#}");
    let t = monitor_7(&with_labels);
    assert_eq!(t["points"], 1.0, "{t:#}");
}

#[test]
fn every_check_a_rubric_detector_names_is_a_real_code() {
    let text = std::fs::read_to_string(repo_root().join("rubrics/ml-test-score.toml")).unwrap();
    let rubric: toml::Value = toml::from_str(&text).unwrap();
    let mut named = 0;
    for t in rubric["tests"].as_array().unwrap() {
        for side in ["manual", "automated"] {
            for d in t.get(side).and_then(|v| v.as_array()).into_iter().flatten() {
                let Some(code) = d.get("check").and_then(|c| c.as_str()) else { continue };
                let gate = d["gate"].as_str().unwrap();
                assert!(code.starts_with(&format!("{gate}.")), "{code} is not a check of {gate}");
                let out = mlgate(&repo_root()).args(["explain", code]).output().unwrap();
                assert_eq!(out.status.code(), Some(0), "{code}: {}", stderr(&out));
                named += 1;
            }
        }
    }
    assert!(named >= 3, "{named}");
}

#[test]
fn a_regression_target_is_compared_as_before_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut reference = String::from("x,y\n");
    let mut current = String::from("x,y\n");
    for i in 0..400 {
        writeln!(reference, "{},{}", i % 17, (i % 13) as f64 * 1.5).unwrap();
        writeln!(current, "{},{}", i % 17, (i % 11) as f64 * 1.5).unwrap();
    }
    write(d, "reference.csv", &reference);
    write(d, "current.csv", &current);
    let out = mlgate(d)
        .args(["gate", "drift", "--reference", "reference.csv", "--current", "current.csv", "--label", "y"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let notes = v["gates"][0]["notes"].to_string();
    assert!(notes.contains("is not a 0/1 outcome") && notes.contains("need a binary label"), "{notes}");
}
