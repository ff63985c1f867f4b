//! Drift gate end to end: values against Evidently and scipy, profiles, bad inputs.

use crate::common::*;
use std::path::Path;

fn fixtures() -> std::path::PathBuf {
    repo_root().join("tests/fixtures/drift")
}

fn run_json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = mlgate(dir).args(args).args(["--format", "json"]).output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    let v = serde_json::from_str(&stdout(&out)).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), v, err)
}

fn features(v: &serde_json::Value) -> Vec<serde_json::Value> {
    v["gates"][0]["series"]["features"].as_array().cloned().unwrap_or_default()
}

fn feature<'a>(rows: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    rows.iter().find(|r| r["feature"] == name).unwrap_or_else(|| panic!("no row for {name}"))
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

/// `--compat evidently` reproduces Evidently's PSI, JS and normed Wasserstein, and scipy's
/// KS, on data nobody here tuned (see tests/fixtures/drift/make_reference.py).
#[test]
fn compat_mode_reproduces_evidently_exactly() {
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("evidently_expected.json")).unwrap()).unwrap();
    let (code, v, err) = run_json(
        &fixtures(),
        &["gate", "drift", "--reference", "ref.csv", "--current", "cur.csv", "--compat", "evidently"],
    );
    assert_eq!(code, 1, "{err}");
    assert_valid("results.schema.json", &v);
    let rows = features(&v);
    for (col, e) in expected.as_object().unwrap() {
        let r = feature(&rows, col);
        for (key, ours) in
            [("psi", "psi"), ("js", "js"), ("wasserstein_norm", "wasserstein"), ("ks", "ks"), ("ks_p", "p_value")]
        {
            let Some(want) = e.get(key).and_then(|x| x.as_f64()) else { continue };
            let got = r[ours].as_f64().unwrap_or_else(|| panic!("{col}.{ours} missing: {r}"));
            assert!(close(got, want, 1e-9), "{col}.{key}: ours {got} vs Evidently/scipy {want}");
        }
    }
    let method = &v["gates"][0]["method"];
    assert_eq!(method["compat"], "evidently");
    assert!(method["binning"].as_str().unwrap().contains("Sturges"));
}

#[test]
fn default_mode_states_its_method_and_flags_the_shifted_columns() {
    let (code, v, err) = run_json(&fixtures(), &["gate", "drift", "--reference", "ref.csv", "--current", "cur.csv"]);
    assert_eq!(code, 1, "{err}");
    let g = &v["gates"][0];
    let m = &g["method"];
    assert_eq!(m["mode"], "exact");
    for key in ["binning", "empty_bins", "log_base", "js", "ks", "chi2", "significance", "wasserstein"] {
        assert!(m[key].is_string(), "method.{key} is stated");
    }
    assert!(m["js"].as_str().unwrap().contains("distance"));
    assert!(m["log_base"].as_str().unwrap().contains("natural"));
    let rows = features(&v);
    // `plan` gains an unseen category (10%) and `gappy` goes from 5% to 20% missing.
    assert_eq!(feature(&rows, "plan")["status"], "fail");
    assert!(feature(&rows, "plan")["unseen"].as_f64().unwrap() > 0.05);
    assert_eq!(feature(&rows, "gappy")["status"], "fail");
    // A column drawn from the same distribution on both sides passes.
    assert_eq!(feature(&rows, "rating")["status"], "pass");
    // Every KS/χ² check carries a p-value and its BH-adjusted value.
    for c in g["checks"].as_array().unwrap().iter().filter(|c| c["code"] == "drift.ks" || c["code"] == "drift.chi2") {
        assert!(c["p_value"].is_number() && c["details"]["p_adjusted"].is_number(), "{c}");
    }
    // Sorted by severity: failures first.
    let first = rows.iter().position(|r| r["status"] != "fail").unwrap_or(rows.len());
    assert!(rows[first..].iter().all(|r| r["status"] != "fail"));
}

#[test]
fn profiles_merge_exactly_and_serve_as_reference() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = std::fs::read_to_string(fixtures().join("ref.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (header, body) = (lines[0], &lines[1..]);
    write(d, "a.csv", &format!("{header}\n{}\n", body[..500].join("\n")));
    write(d, "b.csv", &format!("{header}\n{}\n", body[500..].join("\n")));
    std::fs::copy(fixtures().join("ref.csv"), d.join("ref.csv")).unwrap();
    std::fs::copy(fixtures().join("cur.csv"), d.join("cur.csv")).unwrap();
    for (input, out) in [("ref.csv", "whole.json"), ("a.csv", "a.json"), ("b.csv", "b.json")] {
        mlgate(d).args(["profile", input, "-o", out]).assert().success();
    }
    mlgate(d).args(["profile", "--merge", "a.json", "b.json", "-o", "merged.json"]).assert().success();
    let load =
        |f: &str| -> serde_json::Value { serde_json::from_str(&std::fs::read_to_string(d.join(f)).unwrap()).unwrap() };
    let (whole, merged) = (load("whole.json"), load("merged.json"));
    assert_valid("profile.schema.json", &whole);
    assert_valid("profile.schema.json", &merged);
    assert_eq!(whole["rows"], merged["rows"]);
    for (w, m) in whole["columns"].as_array().unwrap().iter().zip(merged["columns"].as_array().unwrap()) {
        for key in ["rows", "nulls", "kind"] {
            assert_eq!(w[key], m[key], "{}.{key}", w["name"]);
        }
        assert_eq!(w["categorical"], m["categorical"], "{}: category counts", w["name"]);
        if w["numeric"].is_object() {
            for key in ["nan", "pos_inf", "neg_inf", "count", "min", "max", "hist"] {
                assert_eq!(w["numeric"][key], m["numeric"][key], "{}.{key}", w["name"]);
            }
            let (a, b) = (w["numeric"]["mean"].as_f64().unwrap(), m["numeric"]["mean"].as_f64().unwrap());
            assert!(close(a, b, 1e-12), "{}: mean {a} vs {b}", w["name"]);
        }
    }
    // A committed profile stands in for the training data.
    let (code, v, err) = run_json(d, &["gate", "drift", "--reference", "merged.json", "--current", "cur.csv"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(v["gates"][0]["method"]["mode"], "binned");
    let (_, exact, _) = run_json(d, &["gate", "drift", "--reference", "ref.csv", "--current", "cur.csv"]);
    let (rb, re) = (features(&v), features(&exact));
    for col in ["normal", "skewed", "counts", "plan", "gappy"] {
        let (b, e) = (feature(&rb, col), feature(&re, col));
        assert_eq!(b["status"], e["status"], "{col}: binned and exact verdicts agree");
        let (pb, pe) = (b["psi"].as_f64().unwrap(), e["psi"].as_f64().unwrap());
        assert!((pb - pe).abs() < 0.02 + 0.1 * pe, "{col}: PSI binned {pb} vs exact {pe}");
        if let (Some(kb), Some(ke)) = (b["ks"].as_f64(), e["ks"].as_f64()) {
            // Binned KS is a lower bound with the interval bracketing the exact value.
            assert!(kb <= ke + 1e-12, "{col}");
        }
    }
}

#[test]
fn hostile_columns_get_a_clear_status_never_a_nan() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = 400;
    let mut r = String::from("all_null,constant,nonfinite,num_vs_text,ids,ok\n");
    let mut c = String::from("all_null,constant,nonfinite,num_vs_text,ids,ok,extra\n");
    for i in 0..n {
        r.push_str(&format!(",7,{},{},id{i},{}\n", if i % 2 == 0 { "NaN" } else { "inf" }, i % 10, i % 13));
        c.push_str(&format!(",7,NaN,v{},cur{i},{},x\n", i % 3, i % 13));
    }
    write(d, "r.csv", &r);
    write(d, "c.csv", &c);
    let (code, v, err) = run_json(d, &["gate", "drift", "--reference", "r.csv", "--current", "c.csv"]);
    assert_eq!(code, 1, "{err}");
    assert_valid("results.schema.json", &v);
    let rows = features(&v);
    let note = |name: &str| feature(&rows, name)["note"].as_str().unwrap_or("").to_string();
    assert!(note("all_null").starts_with("not comparable"), "{}", note("all_null"));
    assert!(note("nonfinite").contains("no finite values"), "{}", note("nonfinite"));
    assert!(
        note("num_vs_text").contains("numeric (i64) in reference, categorical (str) in current"),
        "{}",
        note("num_vs_text")
    );
    assert_eq!(feature(&rows, "num_vs_text")["status"], "fail");
    assert!(note("ids").contains("distinct"), "{}", note("ids"));
    // A constant column compares fine (PSI 0) but cannot be normalised for Wasserstein.
    let constant = feature(&rows, "constant");
    assert_eq!(constant["psi"], 0.0);
    assert!(constant.get("wasserstein").is_none());
    // Every reported statistic is a finite number (JSON cannot even hold NaN).
    for c in v["gates"][0]["checks"].as_array().unwrap() {
        for key in ["value", "p_value"] {
            if let Some(x) = c.get(key) {
                assert!(x.as_f64().is_some_and(f64::is_finite), "{c}");
            }
        }
    }
    assert!(v["gates"][0]["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("\"extra\"")));
}

#[test]
fn a_million_distinct_categories_is_not_comparable_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut r = String::from("id,x\n");
    let mut c = String::from("id,x\n");
    for i in 0..120_000 {
        r.push_str(&format!("r{i},{}\n", i % 7));
        if i < 20_000 {
            c.push_str(&format!("c{i},{}\n", i % 7));
        }
    }
    write(d, "r.csv", &r);
    write(d, "c.csv", &c);
    for method in ["exact", "binned"] {
        let (code, v, err) =
            run_json(d, &["gate", "drift", "--reference", "r.csv", "--current", "c.csv", "--method", method]);
        assert_eq!(code, 0, "{method}: {err}");
        let rows = features(&v);
        assert!(feature(&rows, "id")["note"].as_str().unwrap().contains("not comparable"), "{method}");
        assert_eq!(feature(&rows, "x")["status"], "pass");
    }
}

#[test]
fn empty_current_sample_and_unknown_columns_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "r.csv", "a,b\n1,2\n3,4\n");
    write(d, "empty.csv", "a,b\n");
    let out = mlgate(d).args(["gate", "drift", "--reference", "r.csv", "--current", "empty.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("has no data rows"), "{}", stderr(&out));
    let out = mlgate(d)
        .args(["gate", "drift", "--reference", "r.csv", "--current", "r.csv", "--columns", "a,zz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("column \"zz\" is in neither"), "{}", stderr(&out));
    let out = mlgate(d)
        .args(["gate", "drift", "--reference", "r.csv", "--current", "r.csv", "--threshold", "pis=0.1,0.2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean `psi`?"), "{}", stderr(&out));
}

#[test]
fn small_samples_warn_that_they_cannot_judge() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "r.csv", "a\n1\n2\n3\n4\n5\n6\n");
    write(d, "c.csv", "a\n1\n2\n3\n4\n5\n6\n");
    let (code, v, _) = run_json(d, &["gate", "drift", "--reference", "r.csv", "--current", "c.csv"]);
    assert_eq!(code, 0);
    let c =
        v["gates"][0]["checks"].as_array().unwrap().iter().find(|c| c["code"] == "drift.sample-size").unwrap().clone();
    assert_eq!(c["status"], "warn");
    assert!(c["message"].as_str().unwrap().contains("too noisy to judge"));
}

#[test]
fn importance_orders_the_report_and_weights_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixtures().join("ref.csv"), d.join("ref.csv")).unwrap();
    std::fs::copy(fixtures().join("cur.csv"), d.join("cur.csv")).unwrap();
    // The drifting columns carry little importance: the gate warns instead of failing.
    write(
        d,
        "imp.csv",
        "feature,importance\nrating,0.80\nnormal,0.10\nplan,0.02\ngappy,0.02\ncounts,0.02\nskewed,0.02\nspiky,0.02\n",
    );
    let (code, v, err) =
        run_json(d, &["gate", "drift", "--reference", "ref.csv", "--current", "cur.csv", "--importance", "imp.csv"]);
    assert_eq!(code, 0, "{err}");
    let rows = features(&v);
    assert_eq!(rows[0]["feature"], "rating", "ordered by importance");
    let imp =
        v["gates"][0]["checks"].as_array().unwrap().iter().find(|c| c["code"] == "drift.importance").unwrap().clone();
    assert!(imp["value"].as_f64().unwrap() < 0.3, "{imp}");
    // JSON importance too; now the drifting columns matter.
    write(d, "imp.json", r#"{"plan": 0.5, "gappy": 0.3, "rating": 0.2}"#);
    let (code, v, _) =
        run_json(d, &["gate", "drift", "--reference", "ref.csv", "--current", "cur.csv", "--importance", "imp.json"]);
    assert_eq!(code, 1);
    assert_eq!(v["gates"][0]["status"], "fail");
}

/// One threshold followed from mlgate.toml to the report: `psi = { fail = 0.33 }` keeps
/// the default warn level, reaches every check, the recorded thresholds, the chart's series
/// and the Markdown table — and `--threshold psi=,0.33` means exactly the same.
#[test]
fn one_threshold_one_meaning_from_config_to_report() {
    let dir = churn_sandbox();
    let d = dir.path();
    let cfg = std::fs::read_to_string(d.join("mlgate.toml")).unwrap();
    let cfg = cfg.replace("score_reference = \"candidate\"", "score_reference = \"candidate\"\npsi = { fail = 0.33 }");
    write(d, "mlgate.toml", &cfg);
    let out = mlgate(d).args(["check", "--out", "rep"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("rep/results.json")).unwrap()).unwrap();
    let g = r["gates"].as_array().unwrap().iter().find(|g| g["kind"] == "drift").unwrap();
    let expected = serde_json::json!({"warn": 0.1, "fail": 0.33});
    assert_eq!(g["thresholds"]["values"]["psi"], expected);
    assert_eq!(g["series"]["psi"], expected);
    let psi: Vec<&serde_json::Value> =
        g["checks"].as_array().unwrap().iter().filter(|c| c["code"] == "drift.psi").collect();
    assert!(!psi.is_empty());
    for c in &psi {
        assert_eq!(c["threshold"], serde_json::json!({"warn": 0.1, "fail": 0.33, "comparison": "at_most"}), "{c}");
    }
    let md = std::fs::read_to_string(d.join("rep/report.md")).unwrap();
    assert!(md.contains("≤ 0.1 warn · ≤ 0.33 fail"), "{md}");

    let (_, adhoc, _) = run_json(
        d,
        &[
            "gate",
            "drift",
            "--reference",
            "data/train.csv",
            "--current",
            "data/serving_sample.jsonl",
            "--threshold",
            "psi=,0.33",
        ],
    );
    let g = &adhoc["gates"][0];
    assert_eq!(g["thresholds"]["values"]["psi"], expected, "the flag merges like the table");
}

/// Data over `exact_max_bytes` compared exactly (Evidently compatibility, or `--method
/// exact`) is sorted on disk instead of held in memory: the answer is the in-memory one,
/// bit for bit. 600,000 rows fill more than one sorted run (2^19 values), so the merge is
/// exercised.
#[test]
fn exact_comparison_of_large_data_sorts_on_disk_with_the_same_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for (name, shift) in [("ref.csv", 0.0), ("cur.csv", 0.1)] {
        let mut text = String::from("x,k\n");
        for _ in 0..600_000 {
            let x = (next() + next() + next()) * 2.0 - 3.0 + shift;
            let k = ((next() + shift) * 12.0).floor();
            text.push_str(&format!("{x:.6},{k}\n"));
        }
        write(dir.path(), name, &text);
    }
    // The run's own temporary folder, so leftovers of other processes cannot interfere.
    let scratch = tempfile::tempdir().unwrap();
    let config = |extra: &str| {
        write(
            dir.path(),
            "mlgate.toml",
            &format!(
                "[data]\ntrain = \"ref.csv\"\ncurrent = \"cur.csv\"\n\n[gates.drift]\nreference = \"train\"\ncurrent = \"current\"\n{extra}"
            ),
        );
        let out = mlgate(dir.path())
            .env("TMPDIR", scratch.path())
            .args(["check", "--config", "mlgate.toml", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let g = &v["gates"][0];
        (g["checks"].clone(), g["series"].clone(), g["method"]["mode"].clone())
    };
    for mode in ["compat = \"evidently\"\n", "method = \"exact\"\n"] {
        let in_memory = config(mode);
        let sorted = config(&format!("{mode}exact_max_bytes = 1\n"));
        assert_eq!(in_memory.2, "exact");
        assert!(in_memory == sorted, "{mode}: sorting on disk changed the answer");
    }
    let leftovers: Vec<_> = std::fs::read_dir(scratch.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "the sorted values are removed after the run: {leftovers:?}");
}
