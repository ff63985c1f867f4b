//! The shadow / canary gate on simulated logs with known effects — none, small, large — at
//! growing traffic, in both modes, from flags and from mlgate.toml; and the bad inputs a
//! real log brings (mismatched ids, repeated ids, unequal lengths, no outcomes yet,
//! constant scores, negative latencies).

use std::path::Path;

use crate::common::{mlgate, stderr, stdout, write};
use serde_json::Value;

/// A seeded xorshift generator.
struct Rng(u64);

impl Rng {
    fn f(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.f().max(1e-12), self.f());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Effect {
    None,
    /// 4% of the candidate's requests get the opposite score: about 2 points of accuracy.
    Small,
    /// A much weaker model, 30% slower.
    Large,
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Writes champion.csv and candidate.csv: `n` requests each, outcomes for half of them.
fn logs(d: &Path, n: usize, effect: Effect, seed: u64) {
    let mut r = Rng(seed);
    let head = "request_id,score,label,latency_ms,error\n";
    let (mut a, mut b) = (String::from(head), String::from(head));
    for i in 0..n {
        let x = r.normal();
        let y = r.f() < sigmoid(2.0 * x);
        let label = if r.f() < 0.5 { (y as u8).to_string() } else { String::new() };
        let champ = sigmoid(2.0 * x + 0.3 * r.normal());
        let mut cand = sigmoid(2.0 * x + 0.3 * r.normal());
        let mut slow = 1.0;
        match effect {
            Effect::None => {}
            Effect::Small => {
                if r.f() < 0.04 {
                    cand = 1.0 - cand;
                }
            }
            Effect::Large => {
                cand = sigmoid(0.6 * x + 0.9 * r.normal());
                slow = 1.3;
            }
        }
        let lat = |r: &mut Rng, k: f64| (3.0 + 0.4 * r.normal()).exp() * k;
        let (la, lb) = (lat(&mut r, 1.0), lat(&mut r, slow));
        let (ea, eb) = ((r.f() < 0.001) as u8, (r.f() < 0.001) as u8);
        a.push_str(&format!("r{i},{champ:.6},{label},{la:.3},{ea}\n"));
        b.push_str(&format!("r{i},{cand:.6},{label},{lb:.3},{eb}\n"));
    }
    write(d, "champion.csv", &a);
    write(d, "candidate.csv", &b);
}

fn canary(d: &Path, extra: &[&str]) -> (i32, Value, String) {
    let out = mlgate(d)
        .args(["gate", "canary", "--champion", "champion.csv", "--candidate", "candidate.csv", "--label", "label"])
        .args(["--latency", "latency_ms", "--error", "error", "--out", "out"])
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(code <= 1, "{}{}", stdout(&out), stderr(&out));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(d.join("out/results.json")).unwrap()).unwrap();
    crate::common::assert_valid("results.schema.json", &r);
    (code, r, stdout(&out))
}

fn decision(r: &Value) -> String {
    r["gates"][0]["series"]["decision"].as_str().unwrap().to_string()
}

fn statuses(r: &Value) -> Vec<(String, String)> {
    r["gates"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap().to_string(), c["status"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn known_effects_are_told_apart_as_traffic_grows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // (effect, requests, expected decision) in shadow mode, paired on the request id.
    let cases = [
        (Effect::None, 400, "continue"),
        (Effect::None, 40_000, "promote"),
        (Effect::Small, 400, "continue"),
        (Effect::Small, 40_000, "rollback"),
        (Effect::Large, 400, "rollback"),
        (Effect::Large, 40_000, "rollback"),
    ];
    for (i, (effect, n, want)) in cases.into_iter().enumerate() {
        logs(d, n, effect, 11 + i as u64);
        let (code, r, out) = canary(d, &["--key", "request_id"]);
        assert_eq!(decision(&r), want, "n = {n}:\n{out}");
        assert_eq!(code, if want == "rollback" { 1 } else { 0 }, "{out}");
        let g = &r["gates"][0];
        assert_eq!(g["series"]["mode"], "shadow");
        if want == "continue" {
            // An open check says how much more traffic decides it.
            let need = g["series"]["checks"].as_array().unwrap().iter().filter_map(|c| c["rows_needed"].as_u64()).max();
            assert!(need.is_some_and(|m| m > n as u64), "{g}");
            assert!(g["summary"].as_str().unwrap().contains("requests per arm decide them"), "{g}");
        }
        if effect == Effect::Small && n == 40_000 {
            let s = statuses(&r);
            assert!(s.contains(&("canary.accuracy".into(), "fail".into())), "{s:?}");
            assert!(s.contains(&("canary.latency".into(), "pass".into())), "{s:?}");
        }
        if effect == Effect::Large {
            let s = statuses(&r);
            assert!(s.contains(&("canary.latency".into(), "fail".into())) || n < 1000, "{s:?}");
        }
    }
    // The report shows the table and the chart.
    let html = std::fs::read_to_string(d.join("out/report.html")).unwrap();
    assert!(html.contains("Rows per arm to decide") && html.contains("as a multiple of each margin"));
}

#[test]
fn randomly_split_traffic_is_compared_as_independent_arms() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Independent arms carry more noise than paired ones: the margin is wider here.
    logs(d, 30_000, Effect::None, 5);
    let (code, r, out) = canary(d, &["--max-accuracy-drop", "0.02"]);
    assert_eq!((code, decision(&r).as_str()), (0, "promote"), "{out}");
    assert_eq!(r["gates"][0]["series"]["mode"], "canary");
    let codes: Vec<String> = statuses(&r).into_iter().map(|(c, _)| c).collect();
    assert!(codes.contains(&"canary.decision-rate".to_string()) && !codes.contains(&"canary.agreement".to_string()));
    logs(d, 30_000, Effect::Large, 6);
    let (code, r, _) = canary(d, &[]);
    assert_eq!((code, decision(&r).as_str()), (1, "rollback"));
    // Sequential intervals are wider: the same data may need more traffic, never less.
    logs(d, 3_000, Effect::None, 7);
    let (_, fixed, _) = canary(d, &[]);
    let (_, seq, _) = canary(d, &["--sequential"]);
    let width = |r: &Value, code: &str| {
        let c = r["gates"][0]["checks"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap().clone();
        c["interval"]["high"].as_f64().unwrap() - c["interval"]["low"].as_f64().unwrap()
    };
    assert!(width(&seq, "canary.brier") > width(&fixed, "canary.brier"));
    assert!(seq["gates"][0]["method"]["intervals"].as_str().unwrap().contains("confidence sequences"));
}

#[test]
fn the_gate_runs_from_mlgate_toml_and_its_margins_are_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    logs(d, 5_000, Effect::None, 3);
    write(
        d,
        "mlgate.toml",
        "[data]\nchampion = \"champion.csv\"\ncandidate = \"candidate.csv\"\n\n[gates.canary]\nchampion = \"champion\"\ncandidate = \"candidate\"\nkey = \"request_id\"\nlabel = \"label\"\nsequential = true\nplanned = 20000\nmax_accuracy_drop = 0.02\n",
    );
    let out = mlgate(d).arg("check").output().unwrap();
    assert!(out.status.code().unwrap() <= 1, "{}{}", stdout(&out), stderr(&out));
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("mlgate-report/results.json")).unwrap()).unwrap();
    let g = &r["gates"][0];
    assert_eq!(g["kind"], "canary");
    assert_eq!(g["thresholds"]["values"]["max_accuracy_drop"], 0.02);
    // A key in canary mode, an unknown mode, a bad alpha: located errors, exit 2.
    write(
        d,
        "mlgate.toml",
        "[data]\nchampion = \"champion.csv\"\ncandidate = \"candidate.csv\"\n\n[gates.canary]\nchampion = \"champion\"\ncandidate = \"candidate\"\nkey = \"request_id\"\nmode = \"canary\"\nalpha = 0.7\n",
    );
    let out = mlgate(d).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("a canary's arms share no requests to pair on") && err.contains("alpha"), "{err}");
    let out = mlgate(d).args(["explain", "canary.agreement"]).output().unwrap();
    assert!(stdout(&out).contains("max_disagreement"));
}

#[test]
fn bad_logs_are_exit_2_or_a_clear_status() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |champ: &str, cand: &str, extra: &[&str]| {
        write(d, "a.csv", champ);
        write(d, "b.csv", cand);
        mlgate(d).args(["gate", "canary", "--champion", "a.csv", "--candidate", "b.csv"]).args(extra).output().unwrap()
    };
    let key = ["--key", "id"];
    // Ids that never match, ids that repeat, unequal lengths without a key.
    let out = run("id,score\n1,0.5\n2,0.6\n", "id,score\n7,0.5\n8,0.6\n", &key);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no request id of"), "{}", stderr(&out));
    let out = run("id,score\n1,0.5\n1,0.6\n", "id,score\n1,0.5\n", &key);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("repeats in"), "{}", stderr(&out));
    let out = run("score\n0.5\n0.6\n", "score\n0.5\n", &["--mode", "shadow"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pairs rows by position"), "{}", stderr(&out));
    // Negative latencies, text scores, a label that is not 0/1.
    let out = run("score,lat\n0.5,3\n0.6,-1\n", "score,lat\n0.5,3\n0.6,2\n", &["--latency", "lat"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("negative or infinite latencies"), "{}", stderr(&out));
    let out = run("score\nhigh\n", "score\n0.5\n", &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = run("score,y\n0.5,2\n", "score,y\n0.5,1\n", &["--label", "y"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not 0 or 1"), "{}", stderr(&out));
    // No outcomes yet, constant scores, mismatched ids in part: statuses, never NaN.
    let mut champ = String::from("id,score,y\n");
    let mut cand = String::from("id,score,y\n");
    for i in 0..500 {
        champ.push_str(&format!("{i},0.5,\n"));
        cand.push_str(&format!("{},0.5,\n", i + 20));
    }
    let out = run(&champ, &cand, &["--key", "id", "--label", "y", "--out", "o"]);
    assert!(out.status.code().unwrap() <= 1, "{}", stderr(&out));
    let text = std::fs::read_to_string(d.join("o/results.json")).unwrap();
    assert!(!text.contains("NaN") && !text.contains("null,"), "no silent NaN");
    let r: Value = serde_json::from_str(&text).unwrap();
    crate::common::assert_valid("results.schema.json", &r);
    let checks = r["gates"][0]["checks"].to_string();
    assert!(checks.contains("wait for min_rows"), "{checks}");
    assert!(checks.contains("canary.pairing"), "{checks}");
}

#[test]
fn infra_6_is_credited_from_a_canary_result() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    logs(d, 20_000, Effect::None, 9);
    write(
        d,
        "mlgate.toml",
        "[data]\nchampion = \"champion.csv\"\ncandidate = \"candidate.csv\"\n[gates.canary]\nchampion = \"champion\"\ncandidate = \"candidate\"\nkey = \"request_id\"\nlabel = \"label\"\n",
    );
    let out = mlgate(d).args(["audit", "--out", "rep"]).output().unwrap();
    let r: Value = serde_json::from_str(&std::fs::read_to_string(d.join("rep/results.json")).unwrap()).unwrap();
    let t = r["rubric"]["tests"].as_array().unwrap().iter().find(|t| t["id"] == "infra.6").unwrap().clone();
    assert_eq!(t["points"], 0.5, "a canary judged once is manual evidence: {t:#}\n{}", stderr(&out));
}

#[test]
fn hostile_column_names_never_reach_markup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let col = "<img src=x onerror=alert(1)>";
    let mut a = format!("id,\"{col}\"\n");
    let mut b = a.clone();
    for i in 0..300 {
        a.push_str(&format!("{i},{}\n", (i % 10) as f64 / 10.0));
        b.push_str(&format!("{i},{}\n", (i % 7) as f64 / 7.0));
    }
    write(d, "a.csv", &a);
    write(d, "b.csv", &b);
    let out = mlgate(d)
        .args([
            "gate",
            "canary",
            "--champion",
            "a.csv",
            "--candidate",
            "b.csv",
            "--key",
            "id",
            "--score",
            col,
            "--out",
            "rep",
        ])
        .output()
        .unwrap();
    assert!(out.status.code().unwrap() <= 1, "{}", stderr(&out));
    let html = std::fs::read_to_string(d.join("rep/report.html")).unwrap();
    assert!(!html.contains("<img src=x"), "HTML leaks the column name");
}

#[test]
fn outcomes_seen_only_for_approved_requests_are_a_feedback_loop() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A loan model: repayment is observed for approved applicants, and for 3% of the
    // declined ones (an exploration share).
    let mut r = Rng(21);
    let head = "request_id,score,label\n";
    let (mut a, mut b) = (String::from(head), String::from(head));
    for i in 0..20_000 {
        let x = r.normal();
        let y = r.f() < sigmoid(2.0 * x);
        let champ = sigmoid(2.0 * x + 0.3 * r.normal());
        let cand = sigmoid(2.0 * x + 0.3 * r.normal());
        let seen = champ >= 0.5 || r.f() < 0.03;
        let label = if seen { (y as u8).to_string() } else { String::new() };
        a.push_str(&format!("r{i},{champ:.6},{label}\n"));
        b.push_str(&format!("r{i},{cand:.6},{label}\n"));
    }
    write(d, "champion.csv", &a);
    write(d, "candidate.csv", &b);
    let out = mlgate(d)
        .args(["gate", "canary", "--champion", "champion.csv", "--candidate", "candidate.csv", "--key", "request_id"])
        .args(["--label", "label", "--out", "out"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(d.join("out/results.json")).unwrap()).unwrap();
    let c = r["gates"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "canary.feedback-loop")
        .unwrap()
        .clone();
    assert_eq!(c["status"], "warn", "{c}");
    let msg = c["message"].as_str().unwrap();
    assert!(msg.contains("exploration share") && msg.contains("propensity"), "{msg}");
    assert_eq!(decision(&r), "continue", "biased outcomes cannot promote");
    // Outcomes seen at random: no warning.
    logs(d, 20_000, Effect::None, 22);
    let (_, r, _) = canary(d, &["--key", "request_id"]);
    let c = r["gates"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "canary.feedback-loop")
        .unwrap()
        .clone();
    assert_eq!(c["status"], "pass", "{c}");
}
