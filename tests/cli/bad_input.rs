//! Every class of bad input: exit code 2, a message naming the place and the fix, no panic,
//! and no results.json left behind.

use crate::common::*;

const SCHEMA: &str = r#"{"columns":[{"name":"a","type":"integer"},{"name":"b","type":"float"}]}"#;

/// Runs `mlgate check` with `config` and `files` in a fresh folder and asserts a clean
/// usage error whose message contains every needle.
fn assert_usage_error(config: &str, files: &[(&str, &[u8])], needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "mlgate.toml", config);
    write(d, "schema.json", SCHEMA);
    for (name, bytes) in files {
        std::fs::write(d.join(name), bytes).unwrap();
    }
    let out = mlgate(d).args(["check", "--out", "rep"]).output().unwrap();
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2, got {:?}\nstderr: {err}\nstdout: {}",
        out.status.code(),
        stdout(&out)
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("help: "), "a fix is suggested: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    assert!(!d.join("rep").exists(), "nothing may be written on an input error");
}

fn cfg(path: &str) -> String {
    format!("[data]\ntrain = \"{path}\"\n\n[gates.schema]\nschema = \"schema.json\"\n")
}

#[test]
fn missing_data_file() {
    assert_usage_error(
        &cfg("data/nope.csv"),
        &[],
        &["\"data/nope.csv\"", "not found", "[data].train at mlgate.toml:2:9"],
    );
}

#[test]
fn wrong_extension() {
    assert_usage_error(
        &cfg("train.xlsx"),
        &[("train.xlsx", b"PK\x03\x04")],
        &["train.xlsx", "`.xlsx`", "use .csv, .tsv, .parquet"],
    );
    assert_usage_error(&cfg("train.json"), &[("train.json", b"[{\"a\":1}]")], &["JSON Lines", ".jsonl"]);
}

#[test]
fn empty_file_and_header_only() {
    assert_usage_error(&cfg("t.csv"), &[("t.csv", b"")], &["\"t.csv\"", "is empty (0 bytes)"]);
    assert_usage_error(&cfg("t.csv"), &[("t.csv", b"a,b\n")], &["\"t.csv\"", "has no data rows"]);
}

#[test]
fn malformed_csv_names_the_line() {
    assert_usage_error(
        &cfg("t.csv"),
        &[("t.csv", b"a,b\n1,2\n3,4,5\n6,7\n")],
        &["\"t.csv\"", "line 3 has 3 fields but the header has 2"],
    );
    // A truncated last line is caught too (polars alone would fill it with nulls).
    assert_usage_error(&cfg("t.csv"), &[("t.csv", b"a,b\n1,2\n3")], &["line 3 has 1 field but the header has 2"]);
    assert_usage_error(
        &cfg("t.csv"),
        &[("t.csv", b"a,b\n1,2\n\"3,4\n")],
        &["quoted field opened on line 3 is never closed"],
    );
}

#[test]
fn malformed_parquet_and_json_lines() {
    assert_usage_error(
        &cfg("t.parquet"),
        &[("t.parquet", b"a,b\n1,2\n3,4\n5,6\n")],
        &["\"t.parquet\"", "Parquet", "PAR1"],
    );
    assert_usage_error(&cfg("t.jsonl"), &[("t.jsonl", b"{\"a\": 1}\n{\"a\": 2,\n")], &["\"t.jsonl\"", "line 2"]);
}

#[test]
fn column_of_the_wrong_type_in_the_file() {
    // A field that is a number in one record and an object in another cannot be a column.
    assert_usage_error(
        &cfg("t.jsonl"),
        &[("t.jsonl", b"{\"a\": 1, \"b\": 0.5}\n{\"a\": {\"x\": 2}, \"b\": 1.5}\n")],
        &["\"t.jsonl\"", "line 2: field \"a\" is an object, but line 1 has a number"],
    );
}

#[test]
fn column_of_the_wrong_type_against_the_schema_is_a_finding() {
    // Text in a column the schema declares numeric is a schema violation (exit 1) with
    // counts and rows, not an input error: it is exactly what the gate exists to catch.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "mlgate.toml", &cfg("t.csv"));
    write(d, "schema.json", SCHEMA);
    write(d, "t.csv", "a,b\n1,0.5\n2,oops\n3,1.5\n");
    let out = mlgate(d).args(["check", "--format", "json", "--out", "rep"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let c = v["gates"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "schema.type" && c["subject"] == "b")
        .unwrap()
        .clone();
    assert_eq!(c["status"], "fail");
    assert_eq!(c["count"], 1);
    assert_eq!(c["examples"][0]["row"], 2);
    assert_eq!(c["examples"][0]["value"], "oops");
}

#[test]
fn unknown_config_key_names_line_and_closest_key() {
    assert_usage_error(
        "[data]\ntrain = \"t.csv\"\n\n[gates.schema]\nschema = \"schema.json\"\ndatasetz = [\"train\"]\n",
        &[("t.csv", b"a,b\n1,2\n")],
        &["mlgate.toml:6:1", "unknown key \"datasetz\"", "did you mean `datasets`?"],
    );
    assert_usage_error(
        "[dta]\ntrain = \"t.csv\"\n",
        &[],
        &["mlgate.toml:1:2", "unknown key \"dta\"", "did you mean `data`?"],
    );
}

#[test]
fn wrong_config_value_type_is_located() {
    assert_usage_error(
        "[data]\ntrain = \"t.csv\"\n\n[gates.schema]\nschema = \"schema.json\"\ndatasets = \"train\"\n",
        &[("t.csv", b"a,b\n1,2\n")],
        &["mlgate.toml:6:12", "invalid type"],
    );
}

#[test]
fn unknown_dataset_name_and_missing_config() {
    assert_usage_error(
        "[data]\ntrain = \"t.csv\"\n\n[gates.schema]\nschema = \"schema.json\"\ndatasets = [\"trian\"]\n",
        &[("t.csv", b"a,b\n1,2\n")],
        &["mlgate.toml:6:13", "no dataset named \"trian\"", "did you mean \"train\"?"],
    );
    let dir = tempfile::tempdir().unwrap();
    let out = mlgate(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("mlgate init"), "{}", stderr(&out));
}

#[test]
fn bad_schema_json() {
    let config = "[data]\ntrain = \"t.csv\"\n\n[gates.schema]\nschema = \"bad.json\"\n";
    let data: (&str, &[u8]) = ("t.csv", b"a,b\n1,2\n");
    assert_usage_error(
        config,
        &[data, ("bad.json", b"{\n  \"columns\": [\n    {\"name\": \"a\",}\n  ]\n}")],
        &["bad.json:3:", "not valid JSON", "[gates.schema].schema at mlgate.toml:5:10"],
    );
    assert_usage_error(
        config,
        &[data, ("bad.json", br#"{"columns":[{"name":"a","type":"integer","mni":0}]}"#)],
        &["/columns/0 (column \"a\")", "did you mean \"min\"?"],
    );
    assert_usage_error(
        config,
        &[data, ("bad.json", br#"{"columns":[{"name":"a","type":"integer","min":10,"max":1}]}"#)],
        &["min 10 is greater than max 1"],
    );
    assert_usage_error(config, &[data], &["cannot read schema file \"bad.json\""]);
}

#[test]
fn hostile_file_and_column_names_are_handled() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Glob characters in a file name are a file name, not a pattern.
    write(d, "we[1]*.csv", "<script>x</script>,a|b\n1,2\n");
    write(d, "s.json", r#"{"strict":true,"columns":[{"name":"<script>x</script>","type":"integer","max":0}]}"#);
    let out = mlgate(d)
        .args(["gate", "schema", "--schema", "s.json", "--data", "we[1]*.csv", "--out", "rep"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let md = std::fs::read_to_string(d.join("rep/report.md")).unwrap();
    let outside_code = strip_code_spans(&md);
    assert!(!outside_code.contains("<script>"), "raw HTML leaked into Markdown:\n{md}");
    assert!(md.contains("`a\\|b`"), "pipes are escaped even in code spans: {md}");
}

#[test]
fn invalid_source_date_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "t.csv", "a,b\n1,2\n");
    write(d, "s.json", SCHEMA);
    let out = mlgate(d)
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .args(["gate", "schema", "--schema", "s.json", "--data", "t.csv", "--out", "rep"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("SOURCE_DATE_EPOCH"));
    assert!(!d.join("rep").exists());
}

/// A record nested 2,000 deep (it overflowed polars' stack: exit 134) and a field holding
/// objects in every record (it reached the gates as a struct column): exit 2, file and line.
#[test]
fn nested_json_lines_records() {
    let deep = format!("{{\"a\":1,\"b\":0.5}}\n{{\"a\":{}1{},\"b\":1.5}}\n", "[".repeat(2000), "]".repeat(2000));
    assert_usage_error(&cfg("t.jsonl"), &[("t.jsonl", deep.as_bytes())], &["t.jsonl:2: a record nested more than 64"]);
    assert_usage_error(
        &cfg("t.jsonl"),
        &[("t.jsonl", b"{\"a\": 1, \"b\": 0.5}\n{\"a\": 2, \"b\": 0.5, \"m\": {\"x\": 2}}\n")],
        &["t.jsonl:2: column \"m\" holds objects", "flatten it"],
    );
}

/// Paths in mlgate.toml stay inside the repository: a path that leaves it, a symlink out of
/// it and a JSON Schema `$ref` to a file are exit 2 before anything is read or written;
/// `--allow-outside-repo` is the explicit way out. A symlinked output folder is refused.
#[test]
fn configured_paths_stay_inside_the_repository() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.csv"), "a,b\n1,0.5\n").unwrap();
    let secret = outside.path().join("secret.csv").display().to_string();
    assert_usage_error(&cfg(&secret), &[], &["points outside the repository", "--allow-outside-repo"]);
    assert_usage_error(&cfg("../secret.csv"), &[], &["../secret.csv"]);
    // The output folder a configuration names stays inside too (`--out` on the command line is free).
    let sandbox = tempfile::tempdir().unwrap();
    let repo = sandbox.path().join("repo");
    write(&repo, "t.csv", "a,b\n1,0.5\n");
    write(&repo, "schema.json", SCHEMA);
    write(&repo, "mlgate.toml", &format!("[report]\nout = \"../elsewhere\"\n\n{}", cfg("t.csv")));
    let out = mlgate(&repo).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("[report].out") && stderr(&out).contains("leaves the repository"),
        "{}",
        stderr(&out)
    );
    assert!(!sandbox.path().join("elsewhere").exists(), "nothing written outside");

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "schema.json", SCHEMA);
    write(d, "mlgate.toml", &cfg("data/train.csv"));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path().join("secret.csv"), d.join("train.csv")).unwrap();
        write(d, "mlgate.toml", &cfg("train.csv"));
        let out = mlgate(d).args(["check", "--out", "rep"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("through a symbolic link"), "{}", stderr(&out));
        assert!(!stdout(&out).contains("1,0.5") && !stderr(&out).contains("1,0.5"));
        assert!(!d.join("rep").exists());
        let out = mlgate(d).args(["check", "--out", "rep", "--allow-outside-repo"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

        std::fs::remove_dir_all(d.join("rep")).unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), d.join("rep")).unwrap();
        let out = mlgate(d).args(["check", "--out", "rep", "--allow-outside-repo"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("is a symbolic link"), "{}", stderr(&out));
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0, "nothing written through the link");
    }

    // A JSON Schema that pulls in a file by `$ref`.
    std::fs::write(outside.path().join("s.json"), r#"{"type":"object"}"#).unwrap();
    let reference = format!("file://{}", outside.path().join("s.json").display());
    let js = format!(r#"{{"$ref":"{reference}"}}"#);
    let config =
        "[data]\nserving = \"s.jsonl\"\n\n[gates.schema]\nschema = \"schema.json\"\njson_schema = \"rec.json\"\n";
    assert_usage_error(config, &[("s.jsonl", b"{\"a\": 1, \"b\": 0.5}\n"), ("rec.json", js.as_bytes())], &["rec.json"]);
}

/// Two columns of the same name (polars would read one as `a_duplicated_0`) and bounds that
/// cannot be: exit 2, naming the column or the setting.
#[test]
fn duplicate_columns_and_impossible_bounds() {
    assert_usage_error(
        &cfg("t.csv"),
        &[("t.csv", b"a,b,a\n1,0.5,7\n2,0.7,8\n")],
        &["two columns named \"a\" (columns 1 and 3)", "rename one"],
    );
    let slices = "[predictions]\ncandidate = \"p.csv\"\n\n[gates.slices]\npredictions = \"candidate\"\nby = [\"g\"]\nmetric = \"accuracy\"\nmax_gap = -0.05\n";
    assert_usage_error(
        slices,
        &[("p.csv", b"g,label,score\na,1,0.9\nb,0,0.2\n")],
        &["max_gap", "must be a non-negative number, not -0.05", "mlgate.toml:"],
    );
}
