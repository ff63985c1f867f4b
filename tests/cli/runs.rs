//! `mlgate score --runs`: run outputs written by the real tools (tests/fixtures/runs, made
//! by its generate.sh) as evidence that checks ran; the repetition window; bad artefacts
//! skipped with a reason; `--runs-from-github` against a local mock of the REST API.

use std::io::Write;
use std::path::Path;

use crate::common::*;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// 2026-11-30T12:00:00Z: after every fixture run (the last is 2026-11-24).
const NOW: &str = "1796040000";
const TOKEN: &str = "ghs_RunsToken0123456789abcdef";

fn fixtures() -> std::path::PathBuf {
    repo_root().join("tests/fixtures/runs")
}

/// A copy of the sample project the fixture artefacts were produced from.
fn sample_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("repo"), dir.path());
    dir
}

fn score(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out =
        mlgate(dir).env("SOURCE_DATE_EPOCH", NOW).args(["score", "--format", "json"]).args(args).output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null);
    if !v.is_null() {
        assert_valid("results.schema.json", &v);
    }
    (out.status.code().unwrap_or(-1), v, err)
}

fn test_of<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["rubric"]["tests"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap_or_else(|| panic!("no test {id}"))
}

fn notes(v: &Value) -> String {
    v["rubric"]["notes"].to_string()
}

fn junit(ts: &str, failed: bool) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="{}" skipped="0" tests="2" time="0.1" timestamp="{ts}" hostname="ci"><testcase classname="tests.test_features" name="test_ratio" time="0.0" /><testcase classname="tests.test_features" name="test_bucket_edges" time="0.0">{}</testcase></testsuite></testsuites>"#,
        u8::from(failed),
        if failed { r#"<failure message="AssertionError">boom</failure>"# } else { "" }
    )
}

#[test]
fn real_tool_outputs_show_which_checks_ran_when_and_how_they_ended() {
    let repo = sample_repo();
    let d = repo.path();
    let (code, wiring, err) = score(d, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(notes(&wiring).contains("Judged wiring only"), "{}", notes(&wiring));
    assert!(wiring["rubric"].get("runs").is_none());
    let artefacts = fixtures().join("artefacts");
    let (code, v, err) = score(d, &["--runs", artefacts.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(!notes(&v).contains("Judged wiring only"), "{}", notes(&v));
    let runs = &v["rubric"]["runs"];
    assert_eq!(runs["skipped_total"], 0, "{runs}");
    // pytest's three CI runs of the feature tests: Data 7, one failed, the last passed.
    let d7 = &test_of(&v, "data.7")["runs"];
    assert_eq!(d7["seen"], 3, "{d7}");
    assert_eq!(d7["failed"], 1, "{d7}");
    assert_eq!(d7["last"]["outcome"], "pass", "{d7}");
    assert_eq!(d7["last"]["date"], "2026-11-24", "{d7}");
    assert_eq!(d7["last"]["tool"], "JUnit", "{d7}");
    // The Great Expectations validation of the training data is Data 1's check having run:
    // nothing in the repository runs it, so it is a recorded result, half a point.
    let d1 = test_of(&v, "data.1");
    assert_eq!(test_of(&wiring, "data.1")["points"], 0.0);
    assert_eq!(d1["points"], 0.5, "{d1}");
    assert_eq!(d1["source"], "runs", "{d1}");
    assert_eq!(d1["runs"]["last"]["tool"], "Great Expectations", "{d1}");
    // The TFX blessing is the baseline comparison (Model 5 / Infra 4) having run.
    for id in ["model.5", "infra.4"] {
        assert_eq!(test_of(&v, id)["runs"]["last"]["tool"], "TFX", "{id}: {}", test_of(&v, id));
    }
    // DVC's lock: the stage ran to the end; the metrics its dvc.yaml declares are shown.
    let m5 = &test_of(&v, "monitoring.5")["runs"]["last"];
    assert_eq!(m5["tool"], "DVC", "{m5}");
    assert_eq!(m5["summary"], "1 stage ran: train; metrics.json: auc=0.91", "{m5}");
    // Evidently's second nightly report found drift: its test failed, which is a finding.
    let findings = runs["findings"].to_string();
    assert!(!findings.contains("data.7"), "the last feature-test run passed: {findings}");
    assert!(v["rubric"]["judged"]["runs"].as_u64().unwrap() > 0);
    // Evidently's drift reports and MLflow's training runs match no test from a folder (a
    // folder does not say a schedule started them), and the notes say so.
    assert!(notes(&v).contains("4 run artefacts matched no test (Evidently 2, MLflow 2)"), "{}", notes(&v));
    // Reproducible: the same inputs give the same results.
    let (_, again, _) = score(d, &["--runs", artefacts.to_str().unwrap()]);
    assert_eq!(v, again);
}

#[test]
fn the_window_decides_whether_runs_are_repeated_and_a_failing_last_run_is_a_finding() {
    let repo = sample_repo();
    let d = repo.path();
    let runs = tempfile::tempdir().unwrap();
    // A history with a gap and a failure at the end: 1 Nov, 20 Nov, 28 Nov (failed).
    for (name, ts, failed) in
        [("a", "2026-11-01T06:00:00", false), ("b", "2026-11-20T06:00:00", false), ("c", "2026-11-28T06:00:00", true)]
    {
        write(runs.path(), &format!("{name}/junit.xml"), &junit(ts, failed));
    }
    let dir = runs.path().to_str().unwrap();
    let (code, wiring, err) = score(d, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(test_of(&wiring, "data.7")["points"], 1.0, "the repository runs the feature tests on pull requests");
    // 30 days hold all three runs: the automated point stands; the failure is a finding.
    let (code, v, err) = score(d, &["--runs", dir, "--require-runs", "3", "--window", "30d"]);
    assert_eq!(code, 0, "{err}");
    let t = test_of(&v, "data.7");
    assert_eq!(t["points"], 1.0, "{t}");
    assert_eq!(t["runs"]["in_window"], 3, "{t}");
    assert_eq!(t["runs"]["last"]["outcome"], "fail", "{t}");
    let findings = v["rubric"]["runs"]["findings"].to_string();
    assert!(findings.contains("data.7: the last run failed"), "{findings}");
    assert!(findings.contains("2 cases, 1 failed (test_bucket_edges)"), "the failing case is named: {findings}");
    // Two weeks hold two: not repeated enough for the automated point.
    let (code, v, err) = score(d, &["--runs", dir, "--require-runs", "3", "--window", "2w"]);
    assert_eq!(code, 0, "{err}");
    let t = test_of(&v, "data.7");
    assert_eq!(t["points"], 0.5, "{t}");
    assert!(
        t["reason"].as_str().unwrap().contains("2 runs within the last 14 days where --require-runs asks for 3"),
        "{t}"
    );
    // The report shows it too.
    let out = mlgate(d)
        .env("SOURCE_DATE_EPOCH", NOW)
        .args(["score", "--format", "md", "--out", "rep", "--runs", dir, "--require-runs", "3", "--window", "2w"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = std::fs::read_to_string(d.join("rep/report.md")).unwrap();
    assert!(md.contains("Run outputs: 3 artefacts of 3 runs"), "{md}");
    assert!(md.contains("runs: 3 runs, 1 failed; last fail 2026-11-28 (JUnit)"), "{md}");
}

#[test]
fn require_runs_without_run_outputs_is_a_usage_error() {
    let repo = sample_repo();
    let (code, _, err) = score(repo.path(), &["--require-runs", "2"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--require-runs needs run outputs"), "{err}");
    let (code, _, err) = score(repo.path(), &["--runs", "no-such-folder"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no-such-folder"), "{err}");
    let (code, _, err) = score(repo.path(), &["--runs", ".", "--window", "30m"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a window"), "{err}");
    write(repo.path(), "mlgate.toml", "[evidence]\nruns = \"ci-runs\"\n");
    let (code, _, err) = score(repo.path(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("[evidence].runs must be a list"), "{err}");
    // A configuration (which a pull request writes) may not point outside the repository.
    write(repo.path(), "mlgate.toml", "[evidence]\nruns = [\"/etc\"]\n");
    let (code, _, err) = score(repo.path(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("points outside the repository"), "{err}");
}

#[test]
fn configured_run_folders_are_read_like_the_flag() {
    let repo = sample_repo();
    let d = repo.path();
    write(d, "ci-runs/1/junit.xml", &junit("2026-11-20T06:00:00", false));
    write(d, "ci-runs/2/junit.xml", &junit("2026-11-27T06:00:00", false));
    write(
        d,
        "mlgate.toml",
        "[evidence]\nruns = [\"ci-runs\"]\n\"data.5\" = { status = \"manual\", link = \"https://wiki.example.com/privacy\" }\n",
    );
    let (code, v, err) = score(d, &["--require-runs", "2"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["rubric"]["runs"]["sources"], json!(["ci-runs"]));
    let t = test_of(&v, "data.7");
    assert_eq!(t["runs"]["in_window"], 2, "{t}");
    assert_eq!(t["points"], 1.0, "{t}");
    assert_eq!(test_of(&v, "data.5")["points"], 0.5, "claims still read beside runs");
    // One artefact as downloaded (a zip archive) is read as given.
    let zip = zip_of(&[("junit.xml", junit("2026-11-29T06:00:00", false).as_bytes())]);
    std::fs::write(d.join("artefact.zip"), zip).unwrap();
    let (code, v, err) = score(d, &["--runs", "artefact.zip"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(test_of(&v, "data.7")["runs"]["seen"], 3, "{}", v["rubric"]["runs"]);
    assert_eq!(test_of(&v, "data.7")["runs"]["last"]["source"], "artefact.zip!junit.xml");
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn bad_artefacts_are_skipped_with_a_reason_and_a_count() {
    let repo = sample_repo();
    let d = repo.path();
    let runs = tempfile::tempdir().unwrap();
    let r = runs.path();
    let good = junit("2026-11-24T06:00:00", false);
    write(r, "ok/junit.xml", &good);
    write(r, "truncated/junit.xml", &good[..good.len() / 2]);
    write(r, "future/junit.xml", &junit("2031-01-01T00:00:00", false));
    write(r, "ancient/junit.xml", &junit("1970-01-02T00:00:00", false));
    write(r, "v99/results.json", r#"{"schema_version": "99.0", "tool": {"name": "mlgate"}, "gates": []}"#);
    write(r, "notes/readme.txt", "not an artefact");
    write(r, "gx/cut.json", r#"{"success": true, "results": [{"expectation_config": {"#);
    // A 2 GiB artefact (sparse: no disk used) is never read.
    let big = std::fs::File::create(r.join("huge.json")).unwrap();
    big.set_len(2 << 30).unwrap();
    // A zip bomb: 100 MiB of zeros in a 100 KiB archive.
    let zeros = vec![0u8; 100 << 20];
    std::fs::write(r.join("bomb.zip"), zip_of(&[("junit.xml", &zeros)])).unwrap();
    std::fs::write(r.join("broken.zip"), b"PK\x03\x04 cut short").unwrap();
    let (code, v, err) = score(d, &["--runs", r.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let runs = &v["rubric"]["runs"];
    let skipped = runs["skipped"].to_string();
    for want in [
        "truncated/junit.xml: truncated",
        "future/junit.xml: dated 2031-01-01 00:00 UTC, after now",
        "before 2000",
        "results schema 99.0",
        "gx/cut.json: truncated JSON",
        "huge.json: 2048 MiB, over the 64 MiB",
        "bomb.zip!junit.xml: expands past 64 MiB",
        "broken.zip: not a readable zip archive",
    ] {
        assert!(skipped.contains(want), "{want}: {skipped}");
    }
    assert_eq!(runs["skipped_total"], 8, "{skipped}");
    assert_eq!(runs["unknown"], 1, "{runs}");
    assert_eq!(test_of(&v, "data.7")["runs"]["seen"], 1);
    // A hostile folder name reaches the reports only escaped.
    let hostile = "<img src=x onerror=alert(1)>|`*";
    write(r, &format!("{hostile}/junit.xml"), &good[..good.len() / 2]);
    let out = mlgate(d)
        .env("SOURCE_DATE_EPOCH", NOW)
        .args(["score", "--format", "html,md", "--out", "rep", "--runs", r.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = std::fs::read_to_string(d.join("rep/report.html")).unwrap();
    let md = std::fs::read_to_string(d.join("rep/report.md")).unwrap();
    assert!(html.contains("onerror=alert(1)") && !html.contains("<img src=x"), "escaped in HTML");
    let md = strip_code_spans(&md);
    assert!(md.contains("\\<img src=x"), "{md}");
    assert_eq!(md.matches("<img").count(), md.matches("\\<img").count(), "escaped in Markdown");
}

/// A workflow with two runs on the mock API: a scheduled one whose artefact holds JUnit and
/// an mlgate drift result, and a push whose artefact has expired.
async fn mock_actions(api: &MockServer, storage: &MockServer, archive: Vec<u8>) {
    let auth = format!("Bearer {TOKEN}");
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/actions/workflows"))
        .and(header("authorization", auth.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total_count": 2, "workflows": [
            {"id": 11, "name": "ci", "path": ".github/workflows/ci.yml"},
            {"id": 12, "name": "monitor", "path": ".github/workflows/monitor.yml"}]})))
        .mount(api)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/actions/workflows/12/runs"))
        .and(query_param("status", "completed"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total_count": 2, "workflow_runs": [
            {"id": 9001, "event": "schedule", "conclusion": "success", "run_started_at": "2026-11-29T05:00:00Z"},
            {"id": 9000, "event": "push", "conclusion": "failure", "run_started_at": "2026-11-28T05:00:00Z"}]})))
        .mount(api)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/actions/runs/9001/artifacts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total_count": 1, "artifacts": [
            {"id": 77, "name": "mlgate-report", "size_in_bytes": archive.len(), "expired": false,
             "archive_download_url": format!("{}/repos/acme/churn/actions/artifacts/77/zip", api.uri())}]})))
        .mount(api)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/actions/runs/9000/artifacts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total_count": 1, "artifacts": [
            {"id": 76, "name": "old", "size_in_bytes": 10, "expired": true,
             "archive_download_url": format!("{}/repos/acme/churn/actions/artifacts/76/zip", api.uri())}]})))
        .mount(api)
        .await;
    // GitHub answers the download with a redirect to its storage, another host.
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/actions/artifacts/77/zip"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{}/blob/77.zip?sig=abc", storage.uri())),
        )
        .mount(api)
        .await;
    Mock::given(method("GET"))
        .and(path("/blob/77.zip"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(archive))
        .mount(storage)
        .await;
}

fn drift_results() -> String {
    let snap = std::fs::read_to_string(repo_root().join("tests/cli/snapshots/cli__golden__example-results-json.snap"))
        .unwrap();
    let mut v: Value = serde_json::from_str(snap.splitn(3, "---\n").nth(2).unwrap()).unwrap();
    v["gates"].as_array_mut().unwrap().retain(|g| g["kind"] == "drift");
    v["run"]["timestamp"] = json!("2026-11-29T05:10:00Z");
    v.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn runs_from_github_downloads_the_workflows_artefacts_without_showing_the_token() {
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    let results = drift_results();
    let archive =
        zip_of(&[("junit.xml", junit("2026-11-29T05:02:00", false).as_bytes()), ("results.json", results.as_bytes())]);
    mock_actions(&api, &storage, archive).await;
    let repo = sample_repo();
    let d = repo.path().to_path_buf();
    let url = api.uri();
    let run = move |args: Vec<&'static str>| {
        let mut c = mlgate(&d);
        c.env("SOURCE_DATE_EPOCH", NOW)
            .env("GITHUB_API_URL", &url)
            .env("GITHUB_TOKEN", TOKEN)
            .args(["score", "--format", "json", "--github-repo", "acme/churn", "--runs-from-github"])
            .args(args);
        c.output().unwrap()
    };
    let r2 = run.clone();
    let action_dir = repo.path().to_path_buf();
    let action_url = api.uri();
    let out = tokio::task::spawn_blocking(move || run(vec!["--workflow", "monitor", "--last", "2"])).await.unwrap();
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(!o.contains(TOKEN) && !e.contains(TOKEN), "the token leaked");
    assert_eq!(out.status.code(), Some(0), "{e}");
    let v: Value = serde_json::from_str(&o).unwrap();
    assert_valid("results.schema.json", &v);
    let runs = &v["rubric"]["runs"];
    assert!(runs["sources"].to_string().contains("GitHub acme/churn workflow \\\"monitor\\\", last 2 runs"), "{runs}");
    assert!(runs["skipped"].to_string().contains("run 9000: artefact \\\"old\\\" has expired"), "{runs}");
    let d7 = &test_of(&v, "data.7")["runs"];
    assert_eq!(d7["seen"], 1, "{d7}");
    assert!(d7["last"]["source"].as_str().unwrap().starts_with("GitHub run 9001: mlgate-report!junit.xml"), "{d7}");
    // The scheduled run's drift result is Monitor 2's check having run on a schedule.
    let m = test_of(&v, "monitoring.2");
    assert_eq!(m["runs"]["last"]["tool"], "mlgate", "{m}");
    assert_eq!(m["runs"]["last"]["date"], "2026-11-29", "{m}");
    // The token went to the API, never to the storage host the download was redirected to.
    let blob = storage.received_requests().await.unwrap();
    assert_eq!(blob.len(), 1);
    assert!(blob[0].headers.get("authorization").is_none(), "the token followed the redirect");
    // A workflow that does not exist names the ones that do.
    let out = tokio::task::spawn_blocking(move || r2(vec!["--workflow", "nightly"])).await.unwrap();
    let e = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains("no workflow named \"nightly\"") && e.contains("monitor (monitor.yml)"), "{e}");
    assert!(!e.contains(TOKEN));
    // The Action's inputs reach the same options.
    let out = tokio::task::spawn_blocking(move || {
        let bin = assert_cmd::cargo::cargo_bin("mlgate");
        let fixtures = fixtures().join("artefacts");
        std::process::Command::new("bash")
            .arg(repo_root().join("action/gates.sh"))
            .current_dir(&action_dir)
            .env("MLGATE_BIN", &bin)
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", NOW)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_API_URL", &action_url)
            .env("GITHUB_REPOSITORY", "acme/churn")
            .env("GITHUB_TOKEN", TOKEN)
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("GITHUB_OUTPUT")
            .env("INPUT_COMMANDS", "score")
            .env("INPUT_OUT", "rep")
            .env("INPUT_RUNS", fixtures.to_str().unwrap())
            .env("INPUT_RUNS_FROM_WORKFLOWS", " monitor ,")
            .env("INPUT_RUNS_LAST", "2")
            .env("INPUT_REQUIRE_RUNS", "1")
            .env("INPUT_RUNS_WINDOW", "4w")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(o.contains("mlgate score: pass (exit 0)"), "{o}{e}");
    assert!(!o.contains(TOKEN) && !e.contains(TOKEN), "the token leaked");
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("rep/results.json")).unwrap()).unwrap();
    let runs = &v["rubric"]["runs"];
    assert_eq!(runs["require_runs"], 1, "{runs}");
    assert_eq!(runs["window_days"], 28, "{runs}");
    assert_eq!(runs["sources"].as_array().unwrap().len(), 2, "{runs}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_token_is_the_users_to_fix_and_an_unreachable_api_is_a_runtime_failure() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/actions/workflows"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "Bad credentials"})))
        .mount(&api)
        .await;
    let repo = sample_repo();
    let d = repo.path().to_path_buf();
    let run = move |url: String| {
        mlgate(&d)
            .env("SOURCE_DATE_EPOCH", NOW)
            .env("GITHUB_API_URL", url)
            .env("GITHUB_TOKEN", TOKEN)
            .args(["score", "--github-repo", "acme/churn", "--runs-from-github", "--workflow", "ci"])
            .output()
            .unwrap()
    };
    let r2 = run.clone();
    let url = api.uri();
    let out = tokio::task::spawn_blocking(move || run(url)).await.unwrap();
    let e = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains("401") && !e.contains(TOKEN), "{e}");
    // Nothing listens on port 1.
    let out = tokio::task::spawn_blocking(move || r2("http://127.0.0.1:1".into())).await.unwrap();
    let e = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{e}");
    assert!(e.contains("cannot reach") && !e.contains(TOKEN), "{e}");
}
