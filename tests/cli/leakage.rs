//! Leakage gate from the command line: each planted kind is caught, clean data passes, and
//! bad inputs get a clear status or exit 2.

use crate::common::*;
use std::path::Path;

/// A deterministic pseudo-random sequence in [0, 1).
fn lcg(seed: &mut u64) -> f64 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

/// Writes train.csv and test.csv; `plant` adds each kind of leakage.
fn make(dir: &Path, plant: bool) {
    let mut seed = 7u64;
    let rows = |n: usize, start_day: i64, id0: usize, seed: &mut u64| -> Vec<String> {
        (0..n)
            .map(|i| {
                let x1 = lcg(seed) * 10.0;
                let x2 = lcg(seed) * 5.0;
                let cat = ["a", "b", "c"][(lcg(seed) * 3.0) as usize];
                let p = 1.0 / (1.0 + (-(x1 - 5.0) * 0.4 - (x2 - 2.5) * 0.3).exp());
                let y = (lcg(seed) < p) as i64;
                let day = start_day + (i as i64 % 60);
                let date = chrono_like(day);
                // The refund is decided after the outcome: a leak.
                let refund = if plant { y } else { (lcg(seed) < 0.3) as i64 };
                let seen = if plant && i % 50 == 0 { chrono_like(day + 3) } else { chrono_like(day) };
                format!("{},{date},{seen},{x1:.4},{x2:.4},{cat},{refund},{y}", id0 + i)
            })
            .collect()
    };
    let header = "id,as_of,seen_at,x1,x2,cat,refund,y";
    let train = rows(3000, 0, 0, &mut seed);
    let mut test = rows(1000, if plant { 50 } else { 70 }, 100_000, &mut seed);
    if plant {
        // Group leakage: ten training ids reappear in test.
        for (k, row) in test.iter_mut().take(10).enumerate() {
            let rest = row.split_once(',').unwrap().1.to_string();
            *row = format!("{},{rest}", k * 7);
        }
        // Duplicated rows: two test rows copy training rows exactly (id aside).
        for k in 0..2 {
            let t = train[100 + k].split_once(',').unwrap().1.to_string();
            test[500 + k] = format!("{},{t}", 900_000 + k);
        }
    }
    write(dir, "train.csv", &format!("{header}\n{}\n", train.join("\n")));
    write(dir, "test.csv", &format!("{header}\n{}\n", test.join("\n")));
}

/// Days since 2024-01-01 as YYYY-MM-DD (60-day windows stay within a year).
fn chrono_like(day: i64) -> String {
    let months = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let (mut m, mut d) = (0usize, day);
    while d >= months[m] {
        d -= months[m];
        m += 1;
    }
    format!("2024-{:02}-{:02}", m + 1, d + 1)
}

const ARGS: &[&str] = &[
    "gate",
    "leakage",
    "--train",
    "train.csv",
    "--test",
    "test.csv",
    "--label",
    "y",
    "--entity",
    "id",
    "--timestamp",
    "as_of",
    "--split",
    "temporal",
    "--observed-at",
    "x2=seen_at",
    "--format",
    "json",
];

fn checks(v: &serde_json::Value) -> Vec<serde_json::Value> {
    v["gates"][0]["checks"].as_array().cloned().unwrap()
}

#[test]
fn every_planted_kind_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    make(dir.path(), true);
    let out = mlgate(dir.path()).args(ARGS).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_valid("results.schema.json", &v);
    let failing: Vec<(String, String)> = checks(&v)
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| (c["code"].as_str().unwrap().to_string(), c["subject"].as_str().unwrap().to_string()))
        .collect();
    for (code, subject) in [
        ("leakage.target", "refund"),
        ("leakage.label-in-features", "refund"),
        ("leakage.point-in-time", "x2 (train)"),
        ("leakage.temporal-split", "as_of"),
        ("leakage.entity-overlap", "id"),
        ("leakage.duplicate-features", "train/test"),
        ("leakage.duplicate-rows", "train/test"),
    ] {
        assert!(failing.iter().any(|(c, s)| c == code && s == subject), "{code} on {subject} not caught: {failing:?}");
    }
    let cs = checks(&v);
    let overlap = cs.iter().find(|c| c["code"] == "leakage.entity-overlap").unwrap();
    assert_eq!(overlap["count"], 10);
    let dup = cs.iter().find(|c| c["code"] == "leakage.duplicate-features").unwrap();
    assert_eq!(dup["count"], 2);
    assert_eq!(dup["examples"][0]["row"], 501);
    let pit = cs.iter().find(|c| c["code"] == "leakage.point-in-time" && c["subject"] == "x2 (train)").unwrap();
    assert_eq!(pit["count"], 60);
    // Legitimate features are not flagged.
    for f in ["x1", "x2", "cat"] {
        let t = cs.iter().find(|c| c["code"] == "leakage.target" && c["subject"] == f).unwrap();
        assert_eq!(t["status"], "pass", "{t}");
    }
}

#[test]
fn clean_data_passes() {
    let dir = tempfile::tempdir().unwrap();
    make(dir.path(), false);
    let out = mlgate(dir.path()).args(ARGS).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}\n{}", stderr(&out), stdout(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["gates"][0]["status"], "pass");
    assert!(v["gates"][0]["method"]["time"].as_str().unwrap().contains("UTC"), "the naive-time rule is stated");
}

#[test]
fn unparseable_timestamps_name_rows_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "train.csv",
        "id,as_of,seen_at,x,y\n1,2024-01-02,2024-01-01,1,0\n2,02/01/2024,2024-01-01,2,1\n3,2024-01-03,soon,3,0\n",
    );
    let out = mlgate(d)
        .args([
            "gate",
            "leakage",
            "--train",
            "train.csv",
            "--label",
            "y",
            "--timestamp",
            "as_of",
            "--observed-at",
            "x=seen_at",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let c = checks(&v).into_iter().find(|c| c["code"] == "leakage.not-evaluated").unwrap();
    assert_eq!(c["status"], "error");
    let m = c["message"].as_str().unwrap();
    assert!(m.contains("row 2") && m.contains("RFC 3339"), "{m}");
    assert_eq!(c["examples"][0]["value"], "02/01/2024");
}

#[test]
fn missing_entity_column_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    make(dir.path(), false);
    let out = mlgate(dir.path())
        .args(["gate", "leakage", "--train", "train.csv", "--test", "test.csv", "--label", "y", "--entity", "customer"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(e.contains("--entity: the entity \"customer\" is not a column") && e.contains("help:"), "{e}");
}

#[test]
fn single_class_label_and_all_null_features_get_a_status() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "train.csv", "x,empty,y\n1,,1\n2,,1\n3,,1\n");
    let out = mlgate(d)
        .args(["gate", "leakage", "--train", "train.csv", "--label", "y", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let t = checks(&v).into_iter().find(|c| c["code"] == "leakage.target").unwrap();
    assert_eq!(t["status"], "error");
    assert!(t["message"].as_str().unwrap().contains("single class (\"1\")"));
    write(d, "train.csv", "x,empty,y\n1,,1\n2,,0\n3,,1\n");
    let out = mlgate(d)
        .args(["gate", "leakage", "--train", "train.csv", "--label", "y", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let e = checks(&v).into_iter().find(|c| c["code"] == "leakage.target" && c["subject"] == "empty").unwrap();
    assert_eq!(e["status"], "skipped");
}

#[test]
fn regression_labels_use_spearman() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut s = String::from("x,copyish,y\n");
    for i in 0..200 {
        let y = (i as f64 * 1.7).sin() * 10.0 + i as f64 * 0.05;
        s.push_str(&format!("{},{},{y:.5}\n", (i * 37) % 101, y * 2.0 + 1.0));
    }
    write(d, "train.csv", &s);
    let out = mlgate(d)
        .args(["gate", "leakage", "--train", "train.csv", "--label", "y", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let c = checks(&v).into_iter().find(|c| c["code"] == "leakage.target" && c["subject"] == "copyish").unwrap();
    assert_eq!(c["statistic"], "abs_spearman");
    assert_eq!(c["status"], "fail");
    let x = checks(&v).into_iter().find(|c| c["code"] == "leakage.target" && c["subject"] == "x").unwrap();
    assert_eq!(x["status"], "pass");
}
