//! Profiles computed in real engines — PostgreSQL from Debian's packages, Apache Spark in
//! local mode from PyPI — against mlgate's own profiles of the same rows, and the drift
//! verdicts on both. Ignored in a plain `cargo test`: `tests/engines/run.sh` starts the
//! engines, loads the data, computes the Spark profiles, and runs these with `--ignored`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{mlgate, stderr, stdout};

const PASSWORD: &str = "ci-secret-7q";

fn engine_env(k: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set: run tests/engines/run.sh"))
}

fn data_dir() -> PathBuf {
    PathBuf::from(engine_env("MLGATE_ENGINE_DATA"))
}

fn read(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn run_ok(dir: &Path, args: &[&str]) {
    let o = mlgate(dir).env("MLGATE_TEST_PG_URL", engine_env("MLGATE_TEST_PG_URL")).args(args).output().unwrap();
    assert!(o.status.success(), "mlgate {args:?}: {}{}", stdout(&o), stderr(&o));
    for text in [stdout(&o), stderr(&o)] {
        assert!(!text.contains(PASSWORD), "the password was printed: {text}");
    }
}

/// Two profiles of the same rows: every count, cut and quantile equal; moments to rounding.
pub(crate) fn assert_same_profile(engine: &Value, local: &Value, what: &str) {
    assert_eq!(engine["rows"], local["rows"], "{what}: rows");
    let by_name = |p: &Value, n: &str| p["columns"].as_array().unwrap().iter().find(|c| c["name"] == n).cloned();
    let cols = engine["columns"].as_array().unwrap();
    assert_eq!(cols.len(), local["columns"].as_array().unwrap().len(), "{what}: columns");
    for c in cols {
        let name = c["name"].as_str().unwrap();
        let l = by_name(local, name).unwrap_or_else(|| panic!("{what}: {name} missing locally"));
        for k in ["kind", "rows", "nulls", "categorical"] {
            assert_eq!(c[k], l[k], "{what}: {name}.{k}");
        }
        let (n, m) = (&c["numeric"], &l["numeric"]);
        if n.is_null() {
            assert!(m.is_null(), "{what}: {name} numeric on one side only");
            continue;
        }
        for k in ["nan", "pos_inf", "neg_inf", "count", "min", "max"] {
            assert_eq!(n[k], m[k], "{what}: {name}.numeric.{k}");
        }
        // The percentile function differs by name (the engine's, mlgate's); nothing else.
        for k in ["kind", "quantiles", "cuts", "counts"] {
            assert_eq!(n["grid"][k], m["grid"][k], "{what}: {name}.numeric.grid.{k}");
        }
        for k in ["mean", "m2"] {
            let (a, b) = (n[k].as_f64().unwrap(), m[k].as_f64().unwrap());
            assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{what}: {name}.{k} {a} vs {b}");
        }
    }
}

fn drift(dir: &Path, reference: &str, current: &str, out: &str) -> Value {
    let o = mlgate(dir)
        .args([
            "gate",
            "drift",
            "--reference",
            reference,
            "--current",
            current,
            "--exclude",
            "id",
            "--out",
            out,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "the serving data drifted: {}{}", stdout(&o), stderr(&o));
    read(&dir.join(out).join("results.json"))["gates"][0].clone()
}

/// The same verdict on every check; PSI, JS, null rates and χ² equal to the exact ones.
fn assert_same_verdicts(pushed: &Value, exact: &Value) {
    assert_eq!(pushed["status"], exact["status"]);
    let (a, b) = (pushed["checks"].as_array().unwrap(), exact["checks"].as_array().unwrap());
    assert_eq!(a.len(), b.len());
    let mut failed = 0;
    for (x, y) in a.iter().zip(b) {
        assert_eq!((&x["code"], &x["subject"], &x["status"]), (&y["code"], &y["subject"], &y["status"]), "{x}\n{y}");
        let code = x["code"].as_str().unwrap();
        if ["drift.psi", "drift.js", "drift.null-rate", "drift.chi2", "drift.unseen-category"].contains(&code) {
            let (u, v) = (x["value"].as_f64().unwrap(), y["value"].as_f64().unwrap());
            assert!((u - v).abs() <= 1e-12 * v.abs().max(1.0), "{code} {}: {u} vs {v}", x["subject"]);
        }
        failed += usize::from(x["status"] == "fail");
    }
    assert!(failed >= 2, "the planted drift (x shifted, a new city) must fail");
}

#[test]
#[ignore = "needs PostgreSQL and the data of tests/engines/run.sh"]
fn engines_postgres_profiles_equal_local_profiles_and_drift_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = data_dir();
    let (train, serving) = (data.join("train.csv"), data.join("serving.csv"));
    let pg = ["--dialect", "postgres", "--url-env", "MLGATE_TEST_PG_URL"];
    run_ok(d, &[&["profile", "--sql", "SELECT * FROM train", "-o", "ref_pg.json"][..], &pg].concat());
    run_ok(d, &["profile", train.to_str().unwrap(), "--grid", "-o", "ref_local.json"]);
    assert_same_profile(&read(&d.join("ref_pg.json")), &read(&d.join("ref_local.json")), "reference");
    let cur = ["profile", "--sql", "SELECT * FROM serving", "--edges-from", "ref_pg.json", "-o", "cur_pg.json"];
    run_ok(d, &[&cur[..], &pg].concat());
    run_ok(d, &["profile", serving.to_str().unwrap(), "--edges-from", "ref_pg.json", "-o", "cur_local.json"]);
    assert_same_profile(&read(&d.join("cur_pg.json")), &read(&d.join("cur_local.json")), "current");
    let pushed = drift(d, "ref_pg.json", "cur_pg.json", "pushed");
    let exact = drift(d, train.to_str().unwrap(), serving.to_str().unwrap(), "exact");
    assert_same_verdicts(&pushed, &exact);
    // A pushed-down reference against a data file: the file is counted over its cuts.
    let mixed = drift(d, "ref_pg.json", serving.to_str().unwrap(), "mixed");
    assert_same_verdicts(&mixed, &exact);
}

#[test]
#[ignore = "needs the Spark results of tests/engines/run.sh"]
fn engines_spark_results_build_the_local_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (data, spark) = (data_dir(), data_dir().join("spark"));
    run_ok(d, &["profile", data.join("train.csv").to_str().unwrap(), "--grid", "-o", "ref_local.json"]);
    let reference = spark.join("train.profile.json");
    let r = reference.to_str().unwrap();
    run_ok(d, &["profile", data.join("serving.csv").to_str().unwrap(), "--edges-from", r, "-o", "cur_local.json"]);
    assert_same_profile(&read(&reference), &read(&d.join("ref_local.json")), "Spark reference");
    assert_same_profile(&read(&spark.join("serving.profile.json")), &read(&d.join("cur_local.json")), "Spark current");
    let pushed = drift(d, r, spark.join("serving.profile.json").to_str().unwrap(), "pushed");
    let exact = drift(d, data.join("train.csv").to_str().unwrap(), data.join("serving.csv").to_str().unwrap(), "exact");
    assert_same_verdicts(&pushed, &exact);

    // percentile_approx with accuracy 10000: each quantile's rank within 1/10000 of its level.
    let rows = mlgate::warehouse::result::read_file(&spark.join("pass1_approx.json"), "pass1_approx.json").unwrap();
    let q = match &rows[0]["q1"] {
        mlgate::warehouse::result::Cell::List(v) => v.iter().map(|x| x.unwrap()).collect::<Vec<f64>>(),
        other => panic!("q1 is {other:?}"),
    };
    let src = mlgate::data::Source::new("t", data.join("train.csv").to_str().unwrap(), Path::new(""), "test").unwrap();
    let df = src.load().unwrap();
    let mut x: Vec<f64> = df.column("x").unwrap().f64().unwrap().into_no_null_iter().collect();
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    assert_eq!(q.len(), 99);
    for (j, v) in q.iter().enumerate() {
        let level = (j + 1) as f64 / 100.0;
        let rank = x.partition_point(|a| a <= v) as f64 / n;
        assert!((rank - level).abs() <= 1e-4 + 1.0 / n, "quantile {level}: rank {rank}");
    }
}

fn fails(d: &Path, url: &str, args: &[String]) -> (i32, String) {
    let o = mlgate(d).env("PG", url).args(args).output().unwrap();
    let text = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!text.contains(PASSWORD) && !text.contains(url), "the connection string was printed: {text}");
    (o.status.code().unwrap(), text)
}

#[test]
#[ignore = "needs PostgreSQL: tests/engines/run.sh"]
fn engines_postgres_bad_input_is_explained_without_the_connection_string() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = engine_env("MLGATE_TEST_PG_URL");
    let pg = |q: &str| -> Vec<String> {
        ["profile", "--sql", q, "--dialect", "postgres", "--url-env", "PG", "-o", "p.json", "--force"]
            .map(String::from)
            .to_vec()
    };
    let (code, text) = fails(d, &url, &pg("SELECT nope FROM train"));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("column \"nope\" does not exist") && text.contains("42703"), "{text}");
    let (code, text) = fails(d, &url, &pg("SELECT x, '{}'::json AS j, ''::bytea AS b FROM train"));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("\"j\" (json)") && text.contains("\"b\" (bytea)") && text.contains("CAST"), "{text}");
    let (code, text) = fails(d, &url, &pg("SELECT * FROM train WHERE false"));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("no rows"), "{text}");
    // A column with no values at all: the engine's aggregates are NULL; the profile says so.
    let (code, text) = fails(d, &url, &pg("SELECT CAST(NULL AS DOUBLE PRECISION) AS z, x FROM train"));
    assert_eq!(code, 0, "{text}");
    let p = read(&d.join("p.json"));
    assert_eq!(
        (p["columns"][0]["nulls"].as_u64(), p["columns"][0]["numeric"]["count"].as_u64()),
        (p["rows"].as_u64(), Some(0))
    );
    // Wrong password: the server's refusal, exit 2; an unreachable server: exit 3.
    let wrong = url.replace(PASSWORD, "not-the-password");
    let o = mlgate(d).env("PG", &wrong).args(pg("SELECT x FROM train")).output().unwrap();
    let text = format!("{}{}", stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("28P01") && !text.contains("not-the-password") && !text.contains(&wrong), "{text}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let gone = format!("postgresql://mlgate_ci:{PASSWORD}@127.0.0.1:{closed}/mlgate");
    let (code, text) = fails(d, &gone, &pg("SELECT x FROM train"));
    assert_eq!(code, 3, "{text}");
    assert!(text.contains("cannot reach the PostgreSQL server named in $PG"), "{text}");
    let o = mlgate(d).env_remove("PG").args(pg("SELECT 1")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("PG") && stderr(&o).contains("not set"));
}

#[test]
#[ignore = "needs PostgreSQL and the data of tests/engines/run.sh"]
fn engines_mlgate_toml_queries_are_profiled_in_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(data_dir().join("train.csv"), d.join("train.csv")).unwrap();
    std::fs::copy(data_dir().join("serving.csv"), d.join("serving.csv")).unwrap();
    let exact = drift(d, "train.csv", "serving.csv", "exact");
    let config = |reference: &str, current: &str| {
        format!(
            "[data]\ntrain_sql = {{ sql = \"SELECT * FROM train\", engine = \"postgres\", url_env = \"MLGATE_TEST_PG_URL\" }}\n\
             serving_sql = {{ sql = \"SELECT * FROM serving\", engine = \"postgres\", url_env = \"MLGATE_TEST_PG_URL\" }}\n\
             train_file = \"train.csv\"\nserving_file = \"serving.csv\"\n\n\
             [columns]\nentity = \"id\"\n\n[gates.drift]\nreference = \"{reference}\"\ncurrent = \"{current}\"\n"
        )
    };
    // Both sides queries; a query against a file; a file against a query.
    for (i, (r, c)) in
        [("train_sql", "serving_sql"), ("train_sql", "serving_file"), ("train_file", "serving_sql")].iter().enumerate()
    {
        std::fs::write(d.join("mlgate.toml"), config(r, c)).unwrap();
        let out = format!("out{i}");
        let o = mlgate(d)
            .env("MLGATE_TEST_PG_URL", engine_env("MLGATE_TEST_PG_URL"))
            .args(["check", "--out", &out, "--format", "json", "--quiet"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{r} vs {c}: {}{}", stdout(&o), stderr(&o));
        let results = read(&d.join(&out).join("results.json"));
        assert_same_verdicts(&results["gates"][0], &exact);
        let inputs = results["inputs"].to_string();
        assert!(inputs.contains("\"format\":\"sql\"") && !inputs.contains(PASSWORD), "{inputs}");
    }
}
