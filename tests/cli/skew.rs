//! Skew gate from the command line: skew of each kind planted at known rows of a real
//! dataset (scikit-learn's copy of the Wisconsin breast-cancer data) and of generated event
//! logs is found and its cause named; clean pairs pass; bad inputs get a clear status or
//! exit 2.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// A CSV table as rows of text cells, with its header.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(path: &Path) -> Table {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap().split(',').map(str::to_string).collect();
        let rows = lines.map(|l| l.split(',').map(str::to_string).collect()).collect();
        Table { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
    }

    /// Rewrites column `name` cell by cell: `f(row index, cell)`.
    fn map(&mut self, name: &str, f: impl Fn(usize, &str) -> String) {
        let c = self.col(name);
        for (i, r) in self.rows.iter_mut().enumerate() {
            r[c] = f(i, &r[c]);
        }
    }

    fn write(&self, dir: &Path, name: &str) {
        let mut s = self.header.join(",") + "\n";
        for r in &self.rows {
            s.push_str(&r.join(","));
            s.push('\n');
        }
        write(dir, name, &s);
    }
}

fn cancer() -> Table {
    Table::read(&repo_root().join("tests/fixtures/skew/breast_cancer.csv"))
}

/// Runs `mlgate gate skew ARGS --out rep` and returns the exit code and results.json.
fn gate(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = mlgate(dir).args(["gate", "skew"]).args(args).args(["--out", "rep"]).output().unwrap();
    let code = out.status.code().unwrap();
    assert!(code == 0 || code == 1, "exit {code}: {}{}", stdout(&out), stderr(&out));
    let results: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("rep/results.json")).unwrap()).unwrap();
    assert_valid("results.schema.json", &results);
    (code, results)
}

fn check<'a>(r: &'a Value, code: &str, subject: &str) -> &'a Value {
    r["gates"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code && c["subject"] == subject)
        .unwrap_or_else(|| panic!("no check {code} [{subject}] in {:#}", r["gates"][0]["checks"]))
}

fn cause(r: &Value, feature: &str) -> Vec<String> {
    let c = check(r, "skew.mismatch", feature);
    c["details"]["cause"]
        .as_array()
        .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn f(s: &str) -> f64 {
    s.parse().unwrap()
}

#[test]
fn every_kind_planted_in_real_data_is_found_at_its_rows_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut offline = cancer();
    // Training leaves mean_area missing for every tenth patient; serving fills in the mean.
    offline.map("mean_area", |i, v| if i % 10 == 3 { String::new() } else { v.to_string() });
    let area = offline.col("mean_area");
    let known: Vec<f64> = offline.rows.iter().filter(|r| !r[area].is_empty()).map(|r| f(&r[area])).collect();
    let mean = known.iter().sum::<f64>() / known.len() as f64;
    offline.write(d, "offline.csv");
    let mut online = Table { header: offline.header.clone(), rows: offline.rows.clone() };
    online.map("mean_area", |_, v| if v.is_empty() { format!("{mean:?}") } else { v.to_string() });
    online.map("mean_symmetry", |_, v| format!("{:?}", f(v) * 100.0));
    online.map("mean_texture", |_, v| format!("{:.1}", f(v)));
    online.map("diagnosis", |_, v| if v == "malignant" { "M".into() } else { "B".into() });
    online.map("mean_smoothness", |_, v| format!("{:?}", (f(v) as f32) as f64));
    let noise = [(5usize, 0.37), (105, 1.9), (305, -2.2)];
    online.map("worst_radius", |i, v| match noise.iter().find(|(r, _)| *r == i) {
        Some((_, dx)) => format!("{:?}", f(v) + dx),
        None => v.to_string(),
    });
    online.rows.reverse();
    let width = online.header.len();
    for k in 0..2 {
        let mut r = online.rows[0].clone();
        r[0] = format!("NEW{k}");
        assert_eq!(r.len(), width);
        online.rows.push(r);
    }
    online.write(d, "online.csv");
    let (code, r) = gate(d, &["--offline", "offline.csv", "--online", "online.csv", "--key", "patient_id"]);
    assert_eq!(code, 1);
    assert_eq!(cause(&r, "mean_area"), ["imputation"]);
    let area = check(&r, "skew.mismatch", "mean_area");
    assert_eq!(area["details"]["null_offline_only"], 57);
    assert!(area["message"].as_str().unwrap().contains("the offline mean"), "{}", area["message"]);
    assert_eq!(cause(&r, "mean_symmetry"), ["units"]);
    assert!(check(&r, "skew.mismatch", "mean_symmetry")["message"].as_str().unwrap().contains("× 100"));
    assert_eq!(cause(&r, "mean_texture"), ["precision"]);
    assert!(
        check(&r, "skew.mismatch", "mean_texture")["message"].as_str().unwrap().contains("online keeps only 1 decimal")
    );
    assert_eq!(cause(&r, "diagnosis"), ["encoding"]);
    // float32 round-off passes; the three noisy rows are exactly the ones found.
    assert_eq!(check(&r, "skew.mismatch", "mean_smoothness")["status"], "pass");
    let wr = check(&r, "skew.mismatch", "worst_radius");
    assert_eq!((wr["count"].as_u64(), wr["status"].as_str()), (Some(3), Some("fail")));
    let rows: Vec<u64> = wr["examples"].as_array().unwrap().iter().map(|e| e["row"].as_u64().unwrap()).collect();
    assert_eq!(rows, [306, 106, 6], "online order (reversed), offline 1-based rows");
    assert!(wr["message"].as_str().unwrap().contains("no single cause fits"), "{}", wr["message"]);
    assert!(cause(&r, "worst_radius").is_empty());
    // The 24 untouched measurements agree; the two unknown patients are counted.
    let passing = r["gates"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["code"] == "skew.mismatch" && c["status"] == "pass")
        .count();
    assert_eq!(passing, 26, "31 features, 5 planted");
    let un = check(&r, "skew.unmatched", "online");
    assert_eq!((un["count"].as_u64(), un["status"].as_str()), (Some(2), Some("pass")));
    let md = std::fs::read_to_string(d.join("rep/report.md")).unwrap();
    assert!(md.contains("Training–serving skew: 569 of 571 online rows joined"), "{md}");
    let html = std::fs::read_to_string(d.join("rep/report.html")).unwrap();
    assert!(html.contains("imputation: 57 values missing offline"), "the HTML report states the cause");
}

#[test]
fn a_clean_pair_passes_whatever_the_row_order_names_and_float32_storage() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let offline = cancer();
    offline.write(d, "offline.csv");
    let mut online = Table { header: offline.header.clone(), rows: offline.rows.clone() };
    for name in offline.header.clone().iter().filter(|h| h.starts_with("mean_") || h.starts_with("worst_")) {
        online.map(name, |_, v| format!("{:?}", (f(v) as f32) as f64));
    }
    online.rows.rotate_left(200);
    let c = online.col("diagnosis");
    online.header[c] = "label_served".into();
    online.write(d, "online.csv");
    let (code, r) = gate(
        d,
        &[
            "--offline",
            "offline.csv",
            "--online",
            "online.csv",
            "--key",
            "patient_id",
            "--rename",
            "label_served=diagnosis",
        ],
    );
    assert_eq!(code, 0, "{:#}", r["gates"][0]["checks"]);
    assert_eq!(r["gates"][0]["status"], "pass");
    assert_eq!(r["gates"][0]["series"]["coverage"]["joined"], 569);
}

#[test]
fn a_clean_pair_across_formats_passes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // pandas writes ids with a gap as floats and flags as True/False; the serving log (JSON)
    // has integer ids, booleans, epoch seconds and the same instants with an offset.
    let mut off = String::from("id,flag,at,epoch_at,price\n");
    let mut on = String::new();
    for i in 0..50i64 {
        let t = chrono::DateTime::from_timestamp(1_717_200_000 + i * 3_600, 0).unwrap();
        let id = if i == 7 { String::new() } else { format!("{i}.0") };
        off.push_str(&format!(
            "{id},{},{},{},{}\n",
            if i % 3 == 0 { "True" } else { "False" },
            t.to_rfc3339(),
            t.to_rfc3339(),
            9.99 + i as f64
        ));
        if i != 7 {
            let local = t.with_timezone(&chrono::FixedOffset::east_opt(7_200).unwrap());
            on.push_str(&format!(
                "{{\"id\":{i},\"flag\":{},\"at\":\"{}\",\"epoch_at\":{},\"price\":{}}}\n",
                i % 3 == 0,
                local.to_rfc3339(),
                t.timestamp(),
                ((9.99 + i as f64) as f32) as f64
            ));
        }
    }
    write(d, "off.csv", &off);
    write(d, "on.jsonl", &on);
    let (code, r) = gate(d, &["--offline", "off.csv", "--online", "on.jsonl", "--key", "id"]);
    assert_eq!(code, 0, "{:#}", r["gates"][0]["checks"]);
    assert_eq!(r["gates"][0]["series"]["coverage"]["joined"], 49);
    assert_eq!(check(&r, "skew.unmatched", "offline")["count"], 1, "the row without an id");
}

/// Offline events and what serving logged for them, with one kind of skew per column.
fn events(d: &Path) {
    let mut off = String::from("event_id,ts,event_date,ts_epoch,hour,name,code,score,amount\n");
    let mut on = off.clone();
    for i in 0..400i64 {
        let secs = 1_717_200_000 + i * 977; // from 2024-06-01, about 16 min apart
        let t = chrono::DateTime::from_timestamp(secs, 0).unwrap();
        let hour = t.format("%H").to_string().parse::<i64>().unwrap();
        let local = t + chrono::Duration::hours(1);
        let names = ["Gold", "Silver", "Bronze"];
        let name = names[(i % 3) as usize];
        let code = 1 + i % 3;
        let score = 0.123456 + i as f64 * 0.001;
        let amount = if i % 8 == 0 { String::new() } else { format!("{}", 10 + i) };
        off.push_str(&format!(
            "E{i},{},{},{secs},{hour},{name},{code},{score},{amount}\n",
            t.format("%Y-%m-%dT%H:%M:%SZ"),
            t.format("%Y-%m-%d")
        ));
        // Serving: local time written as UTC; the local date; milliseconds; the local
        // hour; names lower-cased with a trailing space; codes from another table;
        // scores truncated to 3 decimals; missing amounts as -1.
        on.push_str(&format!(
            "E{i},{},{},{},{},{} ,{},{},{}\n",
            local.format("%Y-%m-%dT%H:%M:%SZ"),
            local.format("%Y-%m-%d"),
            secs * 1000,
            (hour + 1) % 24,
            name.to_lowercase(),
            [0, 3, 1, 2][code as usize],
            (score * 1000.0).trunc() / 1000.0,
            if amount.is_empty() { "-1".to_string() } else { amount.clone() }
        ));
    }
    write(d, "offline.csv", &off);
    write(d, "online.csv", &on);
}

#[test]
fn time_text_and_code_skew_in_event_logs_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    events(d);
    let (code, r) = gate(d, &["--offline", "offline.csv", "--online", "online.csv", "--key", "event_id"]);
    assert_eq!(code, 1);
    assert_eq!(cause(&r, "ts"), ["timezone"], "{}", check(&r, "skew.mismatch", "ts")["message"]);
    assert!(check(&r, "skew.mismatch", "ts")["message"].as_str().unwrap().contains("+ 1 h"));
    assert_eq!(cause(&r, "event_date"), ["date-boundary"], "{}", check(&r, "skew.mismatch", "event_date")["message"]);
    // Only the events after 23:00 UTC move to the next local date.
    let dates = check(&r, "skew.mismatch", "event_date")["count"].as_u64().unwrap();
    assert!(dates > 0 && dates < 40, "{dates}");
    assert_eq!(cause(&r, "ts_epoch"), ["units"]);
    assert!(check(&r, "skew.mismatch", "ts_epoch")["message"].as_str().unwrap().contains("× 1000"));
    assert_eq!(cause(&r, "hour"), ["timezone"]);
    assert_eq!(cause(&r, "name"), ["normalisation"]);
    assert!(
        check(&r, "skew.mismatch", "name")["message"]
            .as_str()
            .unwrap()
            .contains("trimming whitespace and folding case")
    );
    assert_eq!(cause(&r, "code"), ["encoding"], "{}", check(&r, "skew.mismatch", "code")["message"]);
    assert_eq!(cause(&r, "score"), ["precision"], "{}", check(&r, "skew.mismatch", "score")["message"]);
    assert_eq!(cause(&r, "amount"), ["imputation"]);
    assert!(check(&r, "skew.mismatch", "amount")["message"].as_str().unwrap().contains("are -1 online"));
}

#[test]
fn entity_and_time_pair_within_the_window_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut off = String::from("user,at,x\n");
    let mut on = String::from("user,served_at,x\n");
    for i in 0..300 {
        // Each user has three events a day apart; serving logs them up to 1.5 s later.
        let u = i / 3;
        let secs = 1_717_200_000 + (i % 3) * 86_400 + u * 7;
        let lag = (i * 37 % 1500) as f64 / 1000.0;
        off.push_str(&format!("u{u},{},{i}\n", chrono::DateTime::from_timestamp(secs, 0).unwrap().to_rfc3339()));
        let at = chrono::DateTime::from_timestamp_millis(secs * 1000 + (lag * 1000.0) as i64).unwrap();
        on.push_str(&format!("u{u},{},{i}\n", at.format("%Y-%m-%dT%H:%M:%S%.3fZ")));
    }
    write(d, "offline.csv", &off);
    write(d, "online.csv", &on);
    let base = [
        "--offline",
        "offline.csv",
        "--online",
        "online.csv",
        "--key",
        "user",
        "--time",
        "at",
        "--rename",
        "served_at=at",
    ];
    let (code, r) = gate(d, &[&base[..], &["--within", "2s"]].concat());
    assert_eq!(code, 0, "{:#}", r["gates"][0]["checks"]);
    assert_eq!(r["gates"][0]["series"]["coverage"]["joined"], 300);
    // A window of 0.5 s misses the requests logged later; they are counted, not guessed.
    let (code, r) = gate(d, &[&base[..], &["--within", "0"]].concat());
    assert_eq!(code, 1);
    let un = check(&r, "skew.unmatched", "online");
    assert!(un["message"].as_str().unwrap().contains("at no time within the window"), "{}", un["message"]);
    assert_eq!(check(&r, "skew.mismatch", "x")["status"], "pass", "the pairs that were found agree");
}

#[test]
fn duplicate_keys_are_counted_and_left_out_never_fanned_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let offline = cancer();
    offline.write(d, "offline.csv");
    let mut online = Table { header: offline.header.clone(), rows: offline.rows.clone() };
    // Five retried requests logged twice, with a different value the second time.
    for i in [3usize, 50, 77, 200, 401] {
        let mut r = online.rows[i].clone();
        r[1] = "99.0".into();
        online.rows.push(r);
    }
    online.write(d, "online.csv");
    let (code, r) = gate(d, &["--offline", "offline.csv", "--online", "online.csv", "--key", "patient_id"]);
    assert_eq!(code, 1, "{:#}", r["gates"][0]["checks"]);
    // Ten online rows (five keys twice) of 574 is above the 1% fail level; the five offline
    // rows they would pair with (0.88%) only warn.
    let dup = check(&r, "skew.duplicate-keys", "online");
    assert_eq!((dup["count"].as_u64(), dup["status"].as_str()), (Some(10), Some("fail")));
    let off = check(&r, "skew.duplicate-keys", "offline");
    assert_eq!((off["count"].as_u64(), off["status"].as_str()), (Some(5), Some("warn")));
    assert_eq!(r["gates"][0]["series"]["coverage"]["joined"], 564, "569 − 5 ambiguous keys, one pair each");
    assert_eq!(check(&r, "skew.mismatch", "mean_radius")["status"], "pass", "the retried values never paired");
}

#[test]
fn no_overlap_fails_and_shows_the_keys_of_each_side() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let offline = cancer();
    offline.write(d, "offline.csv");
    let mut online = Table { header: offline.header.clone(), rows: offline.rows.clone() };
    online.map("patient_id", |_, v| format!(" {} ", v.to_lowercase()));
    online.write(d, "online.csv");
    let (code, r) = gate(d, &["--offline", "offline.csv", "--online", "online.csv", "--key", "patient_id"]);
    assert_eq!(code, 1);
    let un = check(&r, "skew.unmatched", "online");
    assert_eq!(un["status"], "fail");
    let msg = un["message"].as_str().unwrap();
    assert!(msg.contains("no row paired at all") && msg.contains("patient_id=P0000"), "{msg}");
    assert!(msg.contains("569 online keys would pair after trimming and folding case"), "{msg}");
    assert_eq!(check(&r, "skew.not-evaluated", "mean_radius")["status"], "skipped");
}

#[test]
fn bad_inputs_exit_2_naming_the_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "off.csv", "id,x\n1,0.5\n2,0.7\n");
    write(d, "on.csv", "id,x\nA1,0.5\nA2,0.7\n");
    write(d, "on_missing.csv", "request,x\n1,0.5\n");
    let run = |args: &[&str]| {
        let out = mlgate(d).args(["gate", "skew"]).args(args).output().unwrap();
        (out.status.code(), stderr(&out))
    };
    let (code, err) = run(&["--offline", "off.csv", "--online", "on.csv", "--key", "id"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("whole numbers") && err.contains("off.csv") && err.contains("on.csv"), "{err}");
    let (code, err) = run(&["--offline", "off.csv", "--online", "on_missing.csv", "--key", "id"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("\"id\" is not a column of \"on_missing.csv\"") && err.contains("--key"), "{err}");
    let (code, err) = run(&["--offline", "off.csv", "--online", "on.csv", "--key", "id", "--rename", "nope=x"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--rename") && err.contains("\"nope\""), "{err}");
    let (code, err) = run(&["--offline", "off.csv", "--online", "missing.csv", "--key", "id"]);
    assert_eq!(code, Some(2), "{err}");
    // A table that pairs nothing by time without a key is refused when read.
    write(
        d,
        "mlgate.toml",
        "[data]\na = \"off.csv\"\nb = \"on.csv\"\n[gates.skew]\noffline = \"a\"\nonline = \"b\"\ntime = \"t\"\nwithin = \"soon\"\n",
    );
    let out = mlgate(d).arg("check").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("needs the entity in `key`") && err.contains("within"), "{err}");
}

#[test]
fn types_that_differ_get_a_per_feature_status() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "off.csv", "id,x,y,z\n1,0.5,3,a\n2,0.7,4,b\n3,,5,c\n");
    // y arrives as text that is a number; z as text on both sides; x as words.
    write(
        d,
        "on.jsonl",
        "{\"id\":1,\"x\":\"high\",\"y\":\"3\",\"z\":\"a\"}\n{\"id\":2,\"x\":\"low\",\"y\":\"4\",\"z\":\"b\"}\n{\"id\":3,\"x\":null,\"y\":\"5\",\"z\":\"c\"}\n",
    );
    let (code, r) = gate(d, &["--offline", "off.csv", "--online", "on.jsonl", "--key", "id"]);
    assert_eq!(code, 1);
    assert_eq!(check(&r, "skew.type", "x")["status"], "fail");
    assert!(check(&r, "skew.type", "x")["message"].as_str().unwrap().contains("\"high\""));
    let y = check(&r, "skew.mismatch", "y");
    assert_eq!(y["status"], "pass");
    assert!(y["message"].as_str().unwrap().contains("writes this number as text"), "{}", y["message"]);
    assert_eq!(check(&r, "skew.mismatch", "z")["status"], "pass");
}

#[test]
fn codes_against_labels_are_an_encoding_not_a_type_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (mut off, mut on) = (String::from("id,weather\n"), String::from("id,weather\n"));
    for i in 0..60 {
        let w = ["sun", "rain", "fog", "snow"][i % 4];
        off.push_str(&format!("{i},{w}\n"));
        on.push_str(&format!("{i},{}\n", i % 4 + 1));
    }
    write(d, "off.csv", &off);
    write(d, "on.csv", &on);
    let (code, r) = gate(d, &["--offline", "off.csv", "--online", "on.csv", "--key", "id"]);
    assert_eq!(code, 1);
    let c = check(&r, "skew.mismatch", "weather");
    assert_eq!(cause(&r, "weather"), ["encoding"], "{c:#}");
    let msg = c["message"].as_str().unwrap();
    assert!(msg.contains("sun → 1") && msg.contains("types differ"), "{msg}");
}

#[test]
fn without_a_key_distributions_are_compared_and_labelled_weaker() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let offline = cancer();
    offline.write(d, "offline.csv");
    let mut online = Table { header: offline.header.clone(), rows: offline.rows.clone() };
    online.map("mean_symmetry", |_, v| format!("{:?}", f(v) * 1.5));
    online.map("diagnosis", |i, v| if i % 2 == 0 { "malignant".into() } else { v.to_string() });
    online.rows.reverse();
    online.write(d, "online.csv");
    let (code, r) = gate(d, &["--offline", "offline.csv", "--online", "online.csv", "--exclude", "patient_id"]);
    assert_eq!(code, 1);
    assert_eq!(r["gates"][0]["series"]["mode"], "distribution");
    assert_eq!(check(&r, "skew.distribution", "mean_symmetry")["status"], "fail");
    let dx = check(&r, "skew.distribution", "diagnosis");
    assert_eq!((dx["statistic"].as_str(), dx["status"].as_str()), (Some("linf"), Some("fail")));
    assert_eq!(check(&r, "skew.distribution", "mean_radius")["status"], "pass");
    assert!(r["gates"][0]["notes"].to_string().contains("weaker evidence than a join"));
    // The same file against itself, reordered: nothing to report.
    let mut same = Table { header: offline.header.clone(), rows: offline.rows.clone() };
    same.rows.reverse();
    same.write(d, "same.csv");
    let (code, _) = gate(d, &["--offline", "offline.csv", "--online", "same.csv", "--exclude", "patient_id"]);
    assert_eq!(code, 0);
}

#[test]
fn the_bundled_example_names_its_planted_skew_and_passes_the_float32_column() {
    let dir = churn_sandbox();
    let out = mlgate(dir.path()).args(["check", "--out", "rep"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("rep/results.json")).unwrap()).unwrap();
    let skew = r["gates"].as_array().unwrap().iter().find(|g| g["kind"] == "skew").unwrap().clone();
    let one = serde_json::json!({ "gates": [skew] });
    assert_eq!(cause(&one, "last_login_hour"), ["timezone"]);
    assert_eq!(cause(&one, "days_since_complaint"), ["imputation"]);
    assert_eq!(cause(&one, "discount_share"), ["units"]);
    for clean in ["monthly_charges", "tenure_months", "plan", "region", "support_calls"] {
        assert_eq!(check(&one, "skew.mismatch", clean)["status"], "pass", "{clean}");
    }
}

#[test]
fn monitor_3_is_credited_from_a_passing_skew_result() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let offline = cancer();
    offline.write(d, "offline.csv");
    offline.write(d, "online.csv");
    write(
        d,
        "mlgate.toml",
        "[data]\noffline = \"offline.csv\"\nonline = \"online.csv\"\n[gates.skew]\noffline = \"offline\"\nonline = \"online\"\nkey = \"patient_id\"\n",
    );
    let out = mlgate(d).args(["audit", "--out", "rep"]).output().unwrap();
    let r: Value = serde_json::from_str(&std::fs::read_to_string(d.join("rep/results.json")).unwrap()).unwrap();
    let t = r["rubric"]["tests"].as_array().unwrap().iter().find(|t| t["id"] == "monitoring.3").unwrap().clone();
    assert_eq!(t["points"], 0.5, "a passing skew gate run once is manual evidence: {t:#}\n{}", stderr(&out));
}

#[test]
fn hostile_names_and_values_never_reach_markup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bad = ["<img src=x onerror=alert(1)>", "[x](javascript:alert(2))", "a|b", "@octocat <b>"];
    let header = format!("id,\"{}\",\"{}\"\n", bad[0], bad[2]);
    let (mut off, mut on) = (header.clone(), header);
    for i in 0..40 {
        off.push_str(&format!("{i},\"{}\",{}\n", bad[i % 4], i));
        on.push_str(&format!("{i},\"{}\",{}\n", bad[(i + 1) % 4], i * 100));
    }
    write(d, "off.csv", &off);
    write(d, "on.csv", &on);
    let (code, _) = gate(d, &["--offline", "off.csv", "--online", "on.csv", "--key", "id"]);
    assert_eq!(code, 1);
    let md = std::fs::read_to_string(d.join("rep/report.md")).unwrap();
    let html = std::fs::read_to_string(d.join("rep/report.html")).unwrap();
    let prose = strip_code_spans(&md).replace("\\<", "").replace("\\[", "").replace("\\]", "").replace("\\@", "");
    for b in ["<img", "<b>", "](javascript", "@octocat"] {
        assert!(!prose.contains(b), "Markdown leaks {b:?}");
    }
    for line in md.lines().filter(|l| l.starts_with("| ") || l.starts_with("|  |")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells == 5 || cells == 7 || cells == 8, "{cells} pipes in {line}");
    }
    for b in ["<img", "<b>", "href=\"javascript"] {
        assert!(!html.contains(b), "HTML leaks {b:?}");
    }
    assert!(html.contains("encoding") || html.contains("no single cause"), "the table is there");
}

#[test]
fn a_wide_table_keeps_the_markdown_report_under_the_comment_limit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let names: Vec<String> = (0..600).map(|j| format!("feature_with_a_long_name_{j:04}")).collect();
    let (mut off, mut on) = (format!("id,{}\n", names.join(",")), format!("id,{}\n", names.join(",")));
    for i in 0..30 {
        let vals: Vec<String> = (0..600).map(|j| format!("{}", i * j)).collect();
        off.push_str(&format!("{i},{}\n", vals.join(",")));
        let mut on_vals = vals.clone();
        on_vals[599] = format!("{}", i * 599 * 100 + 1);
        on.push_str(&format!("{i},{}\n", on_vals.join(",")));
    }
    write(d, "off.csv", &off);
    write(d, "on.csv", &on);
    let (code, _) = gate(d, &["--offline", "off.csv", "--online", "on.csv", "--key", "id"]);
    assert_eq!(code, 1);
    let md = std::fs::read_to_string(d.join("rep/report.md")).unwrap();
    assert!(md.chars().count() <= 65_536, "{} characters", md.chars().count());
    assert!(md.contains("feature\\_with\\_a\\_long\\_name\\_0599"), "the failing feature stays");
}
