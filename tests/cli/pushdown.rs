//! Profiles computed where the data lives, without an engine at test time: PostgreSQL's own
//! answers to the profile queries, saved by `tests/fixtures/engines/generate.sh` (COPY … CSV
//! HEADER), build the profiles mlgate computes from the same rows; the SQL printed is the
//! SQL that produced them; every dialect's SQL is snapshotted; bad result files are refused.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{mlgate, repo_root, stderr, stdout};

const COLS: [&str; 6] = ["--numeric", "id,x,n_int,flag,y", "--categorical", "city,ok", "--other", "ts"];

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/engines").join(name)
}

fn profile_sql(dir: &Path, query: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["profile", "--sql", query, "--dialect", "postgres"];
    args.extend(COLS);
    args.extend(extra);
    mlgate(dir).args(&args).output().unwrap()
}

fn ok(o: std::process::Output) -> String {
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    stdout(&o)
}

fn read(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn postgres_answers_build_the_profiles_mlgate_computes_from_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (p1, p2, cur) = (fixture("pass1.csv"), fixture("pass2.csv"), fixture("current.csv"));
    let (p1, p2, cur) = (p1.to_str().unwrap(), p2.to_str().unwrap(), cur.to_str().unwrap());
    // The SQL printed now is the SQL PostgreSQL answered.
    let sql1 = ok(profile_sql(d, "SELECT * FROM t", &["--emit-sql"]));
    assert_eq!(
        sql1,
        std::fs::read_to_string(fixture("pass1.sql")).unwrap(),
        "pass 1 SQL changed: rerun tests/fixtures/engines/generate.sh"
    );
    let sql2 = ok(profile_sql(d, "SELECT * FROM t", &["--from-result", p1, "--emit-sql"]));
    assert_eq!(sql2, std::fs::read_to_string(fixture("pass2.sql")).unwrap(), "pass 2 SQL changed: rerun generate.sh");
    ok(profile_sql(d, "SELECT * FROM t", &["--from-result", p1, "--from-result", p2, "-o", "ref.json"]));
    let sql3 = ok(profile_sql(d, "SELECT * FROM s", &["--edges-from", "ref.json", "--emit-sql"]));
    assert_eq!(
        sql3,
        std::fs::read_to_string(fixture("current.sql")).unwrap(),
        "current SQL changed: rerun generate.sh"
    );
    ok(profile_sql(d, "SELECT * FROM s", &["--edges-from", "ref.json", "--from-result", cur, "-o", "cur.json"]));

    let t = fixture("t.csv");
    let s = fixture("s.csv");
    ok(mlgate(d).args(["profile", t.to_str().unwrap(), "--grid", "-o", "ref_local.json"]).output().unwrap());
    ok(mlgate(d)
        .args(["profile", s.to_str().unwrap(), "--edges-from", "ref.json", "-o", "cur_local.json"])
        .output()
        .unwrap());
    for (engine, local) in [("ref.json", "ref_local.json"), ("cur.json", "cur_local.json")] {
        let (e, l) = (read(&d.join(engine)), read(&d.join(local)));
        assert_eq!(e["profile_version"], 2);
        crate::engines::assert_same_profile(&e, &l, engine);
    }
    // The flag column has two values: binned by value, not by quantile.
    let r = read(&d.join("ref.json"));
    let flag = r["columns"].as_array().unwrap().iter().find(|c| c["name"] == "flag").unwrap();
    assert_eq!(flag["numeric"]["grid"]["kind"], "points");
    assert_eq!(r["sources"][0]["format"], "sql");
}

#[test]
fn bad_result_files_are_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p1 = fixture("pass1.csv");
    let p1s = p1.to_str().unwrap();
    let fail = |extra: &[&str], expect: &str| {
        let o = profile_sql(d, "SELECT * FROM t", extra);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {e}");
        assert!(e.contains(expect), "{extra:?}: expected {expect:?} in {e}");
    };
    fail(&[], "no pass-1 result");
    fail(&["--from-result", p1s], "no pass-2 result");
    fail(&["--from-result", p1s, "--from-result", p1s], "two results of the same pass");
    let data = fixture("t.csv");
    fail(&["--from-result", data.to_str().unwrap()], "is not the answer to a profile query");
    // Truncated: the last line cut in half.
    let text = std::fs::read_to_string(fixture("pass2.csv")).unwrap();
    std::fs::write(d.join("cut.csv"), &text[..text.len() - 40]).unwrap();
    fail(&["--from-result", p1s, "--from-result", "cut.csv"], "fields");
    // A count that is not a whole number, a column index that was never profiled.
    std::fs::write(d.join("frac.csv"), text.replacen(",3,1,3,", ",2.5,1,3,", 1)).unwrap();
    fail(&["--from-result", p1s, "--from-result", "frac.csv"], "not a whole number");
    std::fs::write(d.join("idx.csv"), format!("{text}42,#0,1,1,1,1,0,300\n")).unwrap();
    fail(&["--from-result", p1s, "--from-result", "idx.csv"], "column_index 42");
    std::fs::write(d.join("bad.json"), "[1, 2]").unwrap();
    fail(&["--from-result", "bad.json"], "row 1 is not a JSON object");
    std::fs::write(d.join("empty.csv"), "").unwrap();
    fail(&["--from-result", "empty.csv"], "is empty");
    std::fs::write(d.join("header.csv"), "column_index,bin,n\n").unwrap();
    fail(&["--from-result", "header.csv"], "holds no rows");
    let big = std::fs::File::create(d.join("big.json")).unwrap();
    big.set_len(300 << 20).unwrap();
    fail(&["--from-result", "big.json"], "larger than any profile result");
    // Without declared columns and without a connection mlgate cannot see the columns.
    let o = mlgate(d).args(["profile", "--sql", "SELECT 1", "--dialect", "spark", "--emit-sql"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--numeric a,b --categorical c"), "{}", stderr(&o));
    // Only PostgreSQL is connected to.
    let o = mlgate(d)
        .env("V", "x")
        .args(["profile", "--sql", "SELECT 1", "--dialect", "trino", "--url-env", "V"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("PostgreSQL only"), "{}", stderr(&o));
}

#[test]
fn every_dialect_prints_its_profile_sql() {
    let dir = tempfile::tempdir().unwrap();
    for dialect in ["postgres", "duckdb", "spark", "trino", "bigquery", "snowflake"] {
        let o = mlgate(dir.path())
            .args([
                "profile",
                "--sql",
                "SELECT * FROM events WHERE day = '2026-11-30'",
                "--dialect",
                dialect,
                "--numeric",
                "amount",
                "--categorical",
                "country",
                "--levels",
                "4",
                "--emit-sql",
            ])
            .output()
            .unwrap();
        insta::assert_snapshot!(format!("pushdown_pass1_{dialect}"), ok(o));
    }
}
