//! Pre-committed thresholds, tried in real temporary git repositories: loosening blocks
//! unless approved, tightening is allowed, thresholds moved together with the model's
//! predictions block, and missing history gives a clear exit 2.

use std::path::Path;
use std::process::Command;

use crate::common::{mlgate, stderr, stdout, write};
use serde_json::Value;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn config(psi_fail: f64, extra: &str) -> String {
    format!(
        r#"[data]
reference = "data/reference.csv"
current = "data/current.csv"

[predictions]
candidate = "runs/candidate.csv"

[gates.drift]
reference = "reference"
current = "current"
psi = {{ warn = 0.1, fail = {psi_fail} }}
{extra}"#
    )
}

fn numbers(seed: u64) -> String {
    let mut s = String::from("x\n");
    let mut state = seed;
    for _ in 0..400 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        s.push_str(&format!("{}\n", (state >> 33) % 1000));
    }
    s
}

/// A repository whose `main` has the configuration and data, checked out on `feature`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "mlgate.toml", &config(0.2, ""));
    write(d, "data/reference.csv", &numbers(1));
    write(d, "data/current.csv", &numbers(2));
    write(d, "runs/candidate.csv", "label,score\n1,0.9\n0,0.1\n");
    write(d, ".gitignore", "mlgate-report/\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "thresholds and data"]);
    git(d, &["checkout", "-qb", "feature"]);
    dir
}

fn commit(d: &Path, msg: &str) {
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", msg]);
}

fn results(d: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(d.join("mlgate-report/results.json")).unwrap()).unwrap()
}

fn thresholds_gate(r: &Value) -> &Value {
    r["gates"].as_array().unwrap().iter().find(|g| g["kind"] == "thresholds").expect("a thresholds gate")
}

fn codes(g: &Value) -> Vec<(String, String)> {
    g["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap().to_string(), c["status"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn loosening_blocks_until_approved() {
    let repo = repo();
    let d = repo.path();
    write(d, "mlgate.toml", &config(0.3, ""));
    commit(d, "loosen psi");

    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let r = results(d);
    crate::common::assert_valid("results.schema.json", &r);
    let g = thresholds_gate(&r);
    assert_eq!(g["status"], "fail");
    assert_eq!(codes(g), vec![("thresholds.loosened".to_string(), "fail".to_string())]);
    let msg = g["checks"][0]["message"].as_str().unwrap();
    assert!(msg.contains("psi.fail 0.2 → 0.3"), "{msg}");
    assert!(msg.contains("--approve"), "the fix is named: {msg}");
    // The other gates passed: the loosening alone blocks.
    assert!(r["gates"].as_array().unwrap().iter().filter(|g| g["kind"] != "thresholds").all(|g| g["status"] == "pass"));

    // A flag approval, shown in the report.
    let out = mlgate(d)
        .args(["check", "--base", "main", "--approve", "alice: PSI bound re-derived on the 2026 data, see #42"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let r = results(d);
    let g = thresholds_gate(&r);
    assert_eq!(g["status"], "pass");
    assert_eq!(g["thresholds"]["values"]["approvals"][0]["by"], "alice");
    let md = std::fs::read_to_string(d.join("mlgate-report/report.md")).unwrap();
    assert!(md.contains("approved by alice"), "{md}");
    assert!(md.contains("re-derived on the 2026 data"), "{md}");

    // In the pull request's own run the same flag is the change approving itself.
    let out = mlgate(d)
        .env("GITHUB_EVENT_NAME", "pull_request")
        .args(["check", "--base", "main", "--approve", "alice: PSI bound re-derived on the 2026 data, see #42"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let r = results(d);
    let g = thresholds_gate(&r);
    let msg = g["checks"][0]["message"].as_str().unwrap();
    assert!(msg.contains("approval by alice requested in this change — needs a reviewer"), "{msg}");
    assert_eq!(g["thresholds"]["values"]["approvals_requested"][0]["by"], "alice");
}

#[test]
fn approvals_count_from_the_base_branch_never_from_the_change() {
    let repo = repo();
    let d = repo.path();
    let approval =
        "\n[[review.approvals]]\nby = \"bob\"\nreason = \"seasonal shift expected in December\"\ngates = [\"drift\"]\n";
    // The change loosens psi and approves itself: blocked, the request shown.
    write(d, "mlgate.toml", &config(0.25, approval));
    commit(d, "loosen psi with approval");
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let g = thresholds_gate(&results(d)).clone();
    let msg = g["checks"][0]["message"].as_str().unwrap();
    assert!(msg.contains("approval by bob requested in this change — needs a reviewer"), "{msg}");
    let md = std::fs::read_to_string(d.join("mlgate-report/report.md")).unwrap();
    assert!(md.contains("requested in this change"), "{md}");

    // A reviewer's approval reaches main first; the change then counts it.
    git(d, &["checkout", "-q", "main"]);
    write(d, "mlgate.toml", &config(0.2, approval));
    commit(d, "approve the December loosening");
    // The feature branch, rebased onto it.
    git(d, &["checkout", "-q", "feature"]);
    git(d, &["reset", "-q", "--hard", "main"]);
    write(d, "mlgate.toml", &config(0.25, approval));
    commit(d, "loosen psi");
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let g = thresholds_gate(&results(d)).clone();
    assert!(g["checks"][0]["message"].as_str().unwrap().contains("approved by bob: seasonal shift"), "{g}");

    // The change cannot widen the approval it was given: another gate's approval, or an
    // edited reason, is the change's own.
    write(d, "mlgate.toml", &config(0.25, &approval.replace("[\"drift\"]", "[\"slices\"]")));
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    write(d, "mlgate.toml", &config(0.25, &approval.replace("[\"drift\"]", "[]")));
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "widening to every gate is a new approval");
}

#[test]
fn tightening_is_allowed_and_noted() {
    let repo = repo();
    let d = repo.path();
    write(d, "mlgate.toml", &config(0.15, ""));
    commit(d, "tighten psi");
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let g = thresholds_gate(&results(d)).clone();
    assert_eq!(codes(&g), vec![("thresholds.tightened".to_string(), "pass".to_string())]);
    assert!(g["checks"][0]["message"].as_str().unwrap().contains("psi.fail 0.2 → 0.15"));
}

#[test]
fn thresholds_moved_with_the_model_block() {
    let repo = repo();
    let d = repo.path();
    // Even a tightening is suspicious when the predictions it judges change in the same PR.
    write(d, "mlgate.toml", &config(0.15, ""));
    write(d, "runs/candidate.csv", "label,score\n1,0.8\n0,0.3\n");
    commit(d, "new model and new thresholds");
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let g = thresholds_gate(&results(d)).clone();
    let c = codes(&g);
    assert!(c.contains(&("thresholds.moved-with-model".to_string(), "fail".to_string())), "{c:?}");
    let moved = g["checks"].as_array().unwrap().iter().find(|c| c["code"] == "thresholds.moved-with-model").unwrap();
    assert!(moved["message"].as_str().unwrap().contains("runs/candidate.csv"), "{moved}");

    // A model file named in [review].model_paths counts too, and is caught uncommitted.
    git(d, &["reset", "-q", "--hard", "main"]);
    write(d, "mlgate.toml", &config(0.15, "\n[review]\nmodel_paths = [\"models/**\"]\n"));
    write(d, "models/churn/weights.bin", "new weights");
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let g = thresholds_gate(&results(d)).clone();
    let moved = g["checks"].as_array().unwrap().iter().find(|c| c["code"] == "thresholds.moved-with-model").unwrap();
    assert!(moved["message"].as_str().unwrap().contains("models/churn/weights.bin"), "{moved}");

    // With an approval it passes, and says who signed it off.
    let out = mlgate(d)
        .args(["check", "--base", "main", "--approve", "carol: retrained with the fixed feature pipeline"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn a_new_model_under_old_thresholds_is_fine() {
    let repo = repo();
    let d = repo.path();
    write(d, "runs/candidate.csv", "label,score\n1,0.8\n0,0.3\n");
    commit(d, "new model only");
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let g = thresholds_gate(&results(d)).clone();
    assert_eq!(codes(&g), vec![("thresholds.unchanged".to_string(), "pass".to_string())]);
}

#[test]
fn loosening_a_schema_file_blocks() {
    let repo = repo();
    let d = repo.path();
    let schema = |max: u32| format!(r#"{{"columns": [{{"name": "x", "type": "integer", "min": 0, "max": {max}}}]}}"#);
    write(d, "schema.json", &schema(1000));
    let cfg = config(0.2, "\n[gates.schema]\nschema = \"schema.json\"\ndatasets = [\"current\"]\n");
    write(d, "mlgate.toml", &cfg);
    commit(d, "schema gate");
    git(d, &["branch", "-qf", "main"]);
    write(d, "schema.json", &schema(5000));
    commit(d, "widen range");
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let g = thresholds_gate(&results(d)).clone();
    let msg = g["checks"][0]["message"].as_str().unwrap();
    assert!(msg.contains("\"x\".max 1000 → 5000"), "{msg}");
}

#[test]
fn the_base_is_detected_in_github_actions_pull_requests() {
    let origin = repo();
    git(origin.path(), &["checkout", "-q", "main"]);
    let clone = tempfile::tempdir().unwrap();
    let d = clone.path();
    git(Path::new("."), &["clone", "-q", origin.path().to_str().unwrap(), d.to_str().unwrap()]);
    git(d, &["checkout", "-qb", "feature"]);
    write(d, "mlgate.toml", &config(0.5, ""));
    let out = mlgate(d).arg("check").env("GITHUB_ACTIONS", "true").env("GITHUB_BASE_REF", "main").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let g = thresholds_gate(&results(d)).clone();
    assert_eq!(g["thresholds"]["values"]["base"], "origin/main");
    // Outside a pull request there is nothing to compare with: no thresholds gate.
    let out = mlgate(d).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(results(d)["gates"].as_array().unwrap().iter().all(|g| g["kind"] != "thresholds"));
}

#[test]
fn shallow_clones_explain_fetch_depth() {
    let origin = repo();
    let o = origin.path();
    write(o, "mlgate.toml", &config(0.3, ""));
    commit(o, "loosen");
    let url = format!("file://{}", o.display());

    // actions/checkout's default: one commit of the PR branch, no base branch.
    let shallow = tempfile::tempdir().unwrap();
    let s = shallow.path().join("c");
    git(Path::new("."), &["clone", "-q", "--depth", "1", "--branch", "feature", &url, s.to_str().unwrap()]);
    let out = mlgate(&s).args(["check", "--base", "origin/main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}{}", stdout(&out), stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("\"origin/main\" is not a commit"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
    assert!(!s.join("mlgate-report/results.json").exists(), "nothing half-written");

    // Both tips fetched, but no history between them.
    let both = tempfile::tempdir().unwrap();
    let b = both.path().join("c");
    git(
        Path::new("."),
        &["clone", "-q", "--depth", "1", "--no-single-branch", "--branch", "feature", &url, b.to_str().unwrap()],
    );
    let out = mlgate(&b).args(["check", "--base", "origin/main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}{}", stdout(&out), stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("no common ancestor"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
}

#[test]
fn outside_a_repository_or_with_a_bad_approval_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "mlgate.toml", &config(0.2, ""));
    write(d, "data/reference.csv", &numbers(1));
    write(d, "data/current.csv", &numbers(2));
    write(d, "runs/candidate.csv", "label,score\n1,0.9\n");
    let out = mlgate(d)
        .args(["check", "--base", "main"])
        .env("GIT_CEILING_DIRECTORIES", d.parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("is not inside a git repository"), "{}", stderr(&out));

    let repo = repo();
    let out = mlgate(repo.path()).args(["check", "--base", "main", "--approve", "alice"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("who: why"), "{}", stderr(&out));

    let out = mlgate(repo.path()).args(["check", "--base", "no-such-branch"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("git fetch origin main"), "{}", stderr(&out));
}

#[test]
fn unknown_review_keys_are_rejected() {
    let repo = repo();
    let d = repo.path();
    write(d, "mlgate.toml", &config(0.2, "\n[review]\nmodel_path = [\"models/**\"]\n"));
    let out = mlgate(d).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("model_paths"), "suggests the closest key: {}", stderr(&out));
}

#[test]
fn switching_a_gate_off_is_loosening() {
    let repo = repo();
    let d = repo.path();
    write(d, "schema.json", r#"{"columns": [{"name": "x", "type": "integer"}]}"#);
    let schema_gate = "\n[gates.schema]\nschema = \"schema.json\"\ndatasets = [\"current\"]\n";
    write(d, "mlgate.toml", &config(0.2, schema_gate));
    commit(d, "schema gate");
    git(d, &["branch", "-qf", "main"]);
    write(d, "mlgate.toml", &config(0.2, &format!("enabled = false\n{schema_gate}")));
    commit(d, "drift gate off");
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let g = thresholds_gate(&results(d)).clone();
    let msg = g["checks"][0]["message"].as_str().unwrap();
    assert!(msg.contains("the gate on → off (the gate no longer runs)"), "{msg}");
}

#[test]
fn introducing_mlgate_or_a_new_gate_is_not_loosening() {
    // mlgate.toml does not exist at the base: nothing was pre-committed.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "README.md", "model\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "start"]);
    git(d, &["checkout", "-qb", "feature"]);
    write(d, "mlgate.toml", &config(0.3, ""));
    write(d, "data/reference.csv", &numbers(1));
    write(d, "data/current.csv", &numbers(2));
    write(d, "runs/candidate.csv", "label,score\n1,0.9\n0,0.1\n");
    commit(d, "adopt mlgate");
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let g = thresholds_gate(&results(d)).clone();
    assert_eq!(codes(&g), vec![("thresholds.unchanged".to_string(), "pass".to_string())]);
    assert!(g["checks"][0]["message"].as_str().unwrap().contains("does not exist at the base"), "{g}");

    // A gate added later, with its own thresholds, tightens.
    let repo = repo();
    let d = repo.path();
    write(d, "schema.json", r#"{"columns": [{"name": "x", "type": "integer"}]}"#);
    write(d, "mlgate.toml", &config(0.2, "\n[gates.schema]\nschema = \"schema.json\"\ndatasets = [\"current\"]\n"));
    commit(d, "add a schema gate");
    let out = mlgate(d).args(["check", "--base", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let g = thresholds_gate(&results(d)).clone();
    assert_eq!(codes(&g), vec![("thresholds.tightened".to_string(), "pass".to_string())], "{g}");
}

mod pr_reviews {
    //! Approvals from pull-request reviews, read from a mock of GitHub's REST API.
    use super::*;
    use wiremock::matchers::{header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const TOKEN: &str = "ghs_ReviewToken0123456789abcdef";
    const HEAD: &str = "abcdefabcdefabcdefabcdefabcdefabcdefabcd";
    const OLD: &str = "1234512345123451234512345123451234512345";

    fn review(id: u64, login: &str, state: &str, commit: &str, assoc: &str, at: &str) -> Value {
        serde_json::json!({"id": id, "user": {"login": login, "type": "User"}, "state": state, "commit_id": commit,
                           "author_association": assoc, "submitted_at": at, "body": format!("review {id}")})
    }

    /// Serves the pull request and its reviews (two pages, linked as GitHub links them).
    async fn server(page1: Vec<Value>, page2: Vec<Value>) -> MockServer {
        let s = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/repos/acme/churn/pulls/7"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(
                    serde_json::json!({"number": 7, "user": {"login": "author"}, "head": {"sha": HEAD}}),
                ),
            )
            .mount(&s)
            .await;
        let next = format!("<{}/repos/acme/churn/pulls/7/reviews?per_page=100&page=2>; rel=\"next\"", s.uri());
        Mock::given(method("GET"))
            .and(path("/repos/acme/churn/pulls/7/reviews"))
            .and(query_param("page", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page2))
            .with_priority(1)
            .mount(&s)
            .await;
        Mock::given(method("GET"))
            .and(path("/repos/acme/churn/pulls/7/reviews"))
            .respond_with(ResponseTemplate::new(200).insert_header("link", next.as_str()).set_body_json(page1))
            .with_priority(2)
            .mount(&s)
            .await;
        s
    }

    async fn check_in_pr(d: &Path, s: &MockServer) -> std::process::Output {
        write(
            d,
            "event.json",
            &serde_json::json!({"number": 7, "pull_request": {"number": 7, "head": {"sha": HEAD}}}).to_string(),
        );
        let mut c = mlgate(d);
        c.args(["check", "--base", "main"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", d.join("event.json"))
            .env("GITHUB_REPOSITORY", "acme/churn")
            .env("GITHUB_API_URL", s.uri())
            .env("GITHUB_TOKEN", TOKEN);
        tokio::task::spawn_blocking(move || c.output().unwrap()).await.unwrap()
    }

    fn loosened() -> tempfile::TempDir {
        let repo = repo();
        write(repo.path(), ".gitignore", "mlgate-report/\nevent.json\n");
        write(repo.path(), "mlgate.toml", &config(0.3, ""));
        commit(repo.path(), "loosen psi");
        repo
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn only_an_approval_of_the_head_by_a_writer_other_than_the_author_counts() {
        let repo = loosened();
        let d = repo.path();
        let page1 = vec![
            review(1, "author", "APPROVED", HEAD, "OWNER", "2026-12-01T09:00:00Z"),
            review(2, "outsider", "APPROVED", HEAD, "CONTRIBUTOR", "2026-12-01T09:05:00Z"),
            review(3, "early", "APPROVED", OLD, "MEMBER", "2026-12-01T09:10:00Z"),
        ];
        let page2 = vec![
            review(4, "gone", "DISMISSED", HEAD, "COLLABORATOR", "2026-12-01T09:20:00Z"),
            review(5, "turned", "APPROVED", HEAD, "MEMBER", "2026-12-01T09:30:00Z"),
            review(6, "turned", "CHANGES_REQUESTED", HEAD, "MEMBER", "2026-12-01T09:40:00Z"),
        ];
        let s = server(page1.clone(), page2.clone()).await;
        let out = check_in_pr(d, &s).await;
        assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
        assert!(!stdout(&out).contains(TOKEN) && !stderr(&out).contains(TOKEN));
        let g = thresholds_gate(&results(d)).clone();
        assert_eq!(g["status"], "fail");
        let notes = g["notes"].to_string();
        for want in [
            "@author: the pull request's own author",
            "@outsider: no write access to the repository (contributor)",
            "@early: approved 123451234512, an earlier commit than the head abcdefabcdef",
            "@gone: their review was dismissed",
            "@turned: their latest review requests changes",
        ] {
            assert!(notes.contains(want), "{want} not in {notes}");
        }
        // Both pages were read.
        let reqs = s.received_requests().await.unwrap();
        assert!(reqs.iter().any(|r| r.url.query().is_some_and(|q| q.contains("page=2"))));

        // A collaborator approves the head: the loosening passes, and the report names them.
        let mut page2 = page2;
        page2.push(review(7, "reviewer", "APPROVED", HEAD, "COLLABORATOR", "2026-12-01T10:00:00Z"));
        let s = server(page1, page2).await;
        let out = check_in_pr(d, &s).await;
        assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
        let r = results(d);
        crate::common::assert_valid("results.schema.json", &r);
        let g = thresholds_gate(&r).clone();
        let msg = g["checks"][0]["message"].as_str().unwrap();
        assert!(
            msg.contains(
                "approved by @reviewer (pull-request review on abcdefabcdef at 2026-12-01T10:00:00Z): review 7"
            ),
            "{msg}"
        );
        assert_eq!(g["thresholds"]["values"]["approvals"][0]["review"]["association"], "COLLABORATOR");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn unreadable_reviews_approve_nothing() {
        let repo = loosened();
        let d = repo.path();
        let s = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(403)
                    .set_body_json(serde_json::json!({"message": "Resource not accessible by integration"})),
            )
            .mount(&s)
            .await;
        let out = check_in_pr(d, &s).await;
        assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
        let g = thresholds_gate(&results(d)).clone();
        assert!(g["notes"].to_string().contains("pull-request reviews not read"), "{g}");
        assert!(!g["notes"].to_string().contains(TOKEN));
    }
}
