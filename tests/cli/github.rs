//! `mlgate comment` against a local mock of GitHub's REST API (wiremock): the exact paths,
//! methods, headers and bodies of GitHub's reference, marker-based updates across pages,
//! the fork / workflow_run pattern, rate limits, errors, and that the token never shows.
//! Nothing here reaches the internet.

use std::path::Path;

use crate::common::{mlgate, stderr, stdout, write};
use serde_json::{Value, json};
use wiremock::matchers::{
    body_partial_json, body_string_contains, header, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "ghs_TestToken0123456789abcdef";
const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
const MARKER: &str = "<!-- mlgate:comment default -->";

fn numbers(seed: u64, shift: u64) -> String {
    let mut s = String::from("x\n");
    let mut state = seed;
    for _ in 0..400 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        s.push_str(&format!("{}\n", (state >> 33) % 1000 + shift));
    }
    s
}

/// A folder with results from a real `mlgate check` (drift passes, or fails when `drifted`).
fn checked(drifted: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "mlgate.toml",
        "[data]\nreference = \"ref.csv\"\ncurrent = \"cur.csv\"\n\n[gates.drift]\nreference = \"reference\"\ncurrent = \"current\"\n",
    );
    write(d, "ref.csv", &numbers(1, 0));
    write(d, "cur.csv", &numbers(2, if drifted { 600 } else { 0 }));
    let out = mlgate(d).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(if drifted { 1 } else { 0 }), "{}{}", stdout(&out), stderr(&out));
    write(d, "event.json", &json!({"number": 7, "pull_request": {"number": 7, "head": {"sha": SHA}}}).to_string());
    dir
}

/// Runs `mlgate comment` as in a pull_request workflow, against the mock server.
async fn comment(dir: &Path, server: &MockServer, args: &[&str], extra_env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = mlgate(dir);
    cmd.arg("comment")
        .args(args)
        .env("GITHUB_API_URL", server.uri())
        .env("GITHUB_REPOSITORY", "acme/churn")
        .env("GITHUB_EVENT_PATH", dir.join("event.json"))
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_TOKEN", TOKEN);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap()
}

fn no_token(o: &std::process::Output) {
    assert!(!stdout(o).contains(TOKEN) && !stderr(o).contains(TOKEN), "the token leaked:\n{}{}", stdout(o), stderr(o));
}

fn authed(m: wiremock::MockBuilder) -> wiremock::MockBuilder {
    m.and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/vnd.github+json"))
        .and(header("x-github-api-version", "2022-11-28"))
}

fn comment_json(id: u64, body: &str, user_type: &str, association: &str) -> Value {
    json!({"id": id, "body": body, "html_url": format!("https://github.com/acme/churn/pull/7#issuecomment-{id}"),
           "user": {"login": if user_type == "Bot" { "github-actions[bot]" } else { "someone" }, "type": user_type},
           "author_association": association})
}

async fn bodies(server: &MockServer, m: &str, p: &str) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == m && r.url.path() == p)
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn first_run_creates_the_comment_and_sets_the_status() {
    let dir = checked(true);
    let server = MockServer::start().await;
    authed(
        Mock::given(method("GET")).and(path("/repos/acme/churn/issues/7/comments")).and(query_param("per_page", "100")),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(json!([comment_json(1, "LGTM", "User", "MEMBER")])))
    .expect(1)
    .mount(&server)
    .await;
    authed(
        Mock::given(method("POST")).and(path("/repos/acme/churn/issues/7/comments")).and(body_string_contains(MARKER)),
    )
    .respond_with(ResponseTemplate::new(201).set_body_json(comment_json(101, "x", "Bot", "NONE")))
    .expect(1)
    .mount(&server)
    .await;
    authed(
        Mock::given(method("POST"))
            .and(path(format!("/repos/acme/churn/statuses/{SHA}")))
            .and(body_partial_json(json!({"state": "failure", "context": "mlgate"}))),
    )
    .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1, "state": "failure"})))
    .expect(1)
    .mount(&server)
    .await;

    let out = comment(dir.path(), &server, &[], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    no_token(&out);
    assert!(stdout(&out).contains("posted mlgate's comment on acme/churn#7"), "{}", stdout(&out));
    assert!(stdout(&out).contains("set commit status mlgate = failure"), "{}", stdout(&out));

    let posted = bodies(&server, "POST", "/repos/acme/churn/issues/7/comments").await;
    let body = posted[0]["body"].as_str().unwrap();
    assert!(body.starts_with(MARKER), "{body}");
    assert!(body.contains("drift"), "the report itself: {body}");
    assert!(body.chars().count() <= 65_536);
    assert!(!body.contains("<img") && !body.contains("!["), "no images in comments");
    // The same Markdown as the report on disk (rendered from the same results).
    let md = std::fs::read_to_string(dir.path().join("mlgate-report/report.md")).unwrap();
    assert!(body.contains(md.trim_end()), "comment and report.md differ");

    let status = &bodies(&server, "POST", &format!("/repos/acme/churn/statuses/{SHA}")).await[0];
    assert_eq!(status["description"], "1 of 1 gates failed: drift");
    assert!(status["description"].as_str().unwrap().chars().count() <= 140);
}

#[tokio::test(flavor = "multi_thread")]
async fn later_runs_update_the_marked_comment_found_on_a_later_page() {
    let dir = checked(false);
    let server = MockServer::start().await;
    let page1: Vec<Value> = (1..=100).map(|i| comment_json(i, "chatter", "User", "CONTRIBUTOR")).collect();
    let next = format!("<{}/repositories/99/issues/7/comments?per_page=100&page=2>; rel=\"next\"", server.uri());
    authed(
        Mock::given(method("GET")).and(path("/repos/acme/churn/issues/7/comments")).and(query_param_is_missing("page")),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(page1).insert_header("link", next.as_str()))
    .expect(1)
    .mount(&server)
    .await;
    let page2 = json!([
        // An outsider planting the marker is not mlgate's comment.
        comment_json(200, &format!("{MARKER}\nfake report"), "User", "FIRST_TIME_CONTRIBUTOR"),
        comment_json(555, &format!("{MARKER}\nold report"), "Bot", "NONE"),
    ]);
    authed(Mock::given(method("GET")).and(path("/repositories/99/issues/7/comments")).and(query_param("page", "2")))
        .respond_with(ResponseTemplate::new(200).set_body_json(page2))
        .expect(1)
        .mount(&server)
        .await;
    authed(
        Mock::given(method("PATCH"))
            .and(path("/repos/acme/churn/issues/comments/555"))
            .and(body_string_contains(MARKER)),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(comment_json(555, "x", "Bot", "NONE")))
    .expect(1)
    .mount(&server)
    .await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/churn/issues/7/comments"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/acme/churn/issues/comments/200"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;

    let out = comment(dir.path(), &server, &["--no-status"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("updated mlgate's comment"), "{}", stdout(&out));
    let patched = bodies(&server, "PATCH", "/repos/acme/churn/issues/comments/555").await;
    assert_eq!(patched[0].as_object().unwrap().keys().collect::<Vec<_>>(), vec!["body"], "only the body is sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_comment_deleted_meanwhile_is_written_anew() {
    let dir = checked(false);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/issues/7/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([comment_json(
            9,
            &format!("{MARKER}\nold"),
            "Bot",
            "NONE"
        )])))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/acme/churn/issues/comments/9"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/churn/issues/7/comments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(comment_json(10, "x", "Bot", "NONE")))
        .expect(1)
        .mount(&server)
        .await;
    let out = comment(dir.path(), &server, &["--no-status"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("posted"), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_fork_token_warns_unless_strict() {
    let dir = checked(false);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/issues/7/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let forbidden = ResponseTemplate::new(403).set_body_json(json!({
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment"
    }));
    Mock::given(method("POST")).respond_with(forbidden).mount(&server).await;

    let out = comment(dir.path(), &server, &[], &[]).await;
    assert_eq!(out.status.code(), Some(0), "a failed post does not fail a passing gate: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("warning: commenting on acme/churn#7: the token is not allowed to do this (403: Resource not accessible by integration)"), "{err}");
    assert!(err.contains("workflow_run"), "the fork pattern is named: {err}");
    assert!(err.contains("setting the commit status"), "the status is attempted too: {err}");
    no_token(&out);

    let out = comment(dir.path(), &server, &["--strict"], &[("GITHUB_ACTIONS", "true")]).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("error: commenting on acme/churn#7"), "{}", stderr(&out));
    assert!(stdout(&out).contains("::error title=mlgate comment::commenting on acme/churn#7"), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn api_errors_are_explained_and_never_echo_the_token() {
    let dir = checked(false);
    let cases: Vec<(u16, Value, &str)> = vec![
        (
            401,
            json!({"message": format!("Bad credentials for {TOKEN}")}),
            "GitHub rejected the token (401: Bad credentials for ***)",
        ),
        (404, json!({"message": "Not Found"}), "listing the comments of acme/churn#7: not found (404: Not Found)"),
        (
            422,
            json!({"message": "Validation Failed", "errors": [{"resource": "IssueComment", "code": "custom", "field": "body", "message": "body is too long (maximum is 65536 characters)"}]}),
            "GitHub refused the request as invalid (422: Validation Failed (body is too long",
        ),
    ];
    for (code, body, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(code).set_body_json(body)).mount(&server).await;
        let out = comment(dir.path(), &server, &["--strict", "--no-status"], &[]).await;
        assert_eq!(out.status.code(), Some(3), "{code}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{code}: {}", stderr(&out));
        assert!(stderr(&out).contains("help:"), "{code}: {}", stderr(&out));
        no_token(&out);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_wait_briefly_or_say_when_to_retry() {
    let dir = checked(false);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/repos/acme/churn/statuses/{SHA}")))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"message": "API rate limit exceeded"})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/repos/acme/churn/statuses/{SHA}")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"state": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    let out = comment(dir.path(), &server, &["--no-comment", "--strict"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("= success"), "{}", stdout(&out));

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "4102444800")
                .set_body_json(json!({"message": "API rate limit exceeded"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = comment(dir.path(), &server, &["--no-comment", "--strict"], &[]).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("rate limit was reached (403: API rate limit exceeded)"), "{err}");
    assert!(err.contains("GitHub asks to wait"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn workflow_run_posts_to_the_pull_request_whose_head_was_tested() {
    let dir = checked(false);
    // The pull request's run (777) holds the report; this commenting run is 42.
    let event = json!({"workflow_run": {"id": 777, "head_sha": SHA, "head_branch": "patch-1", "pull_requests": [],
                        "head_repository": {"owner": {"login": "outsider"}}}});
    write(dir.path(), "event.json", &event.to_string());
    let server = MockServer::start().await;
    authed(
        Mock::given(method("GET"))
            .and(path("/repos/acme/churn/pulls"))
            .and(query_param("state", "open"))
            .and(query_param("head", "outsider:patch-1")),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"number": 12, "head": {"sha": SHA}}])))
    .expect(1)
    .mount(&server)
    .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/issues/12/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/churn/issues/12/comments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(comment_json(1, "x", "Bot", "NONE")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/repos/acme/churn/statuses/{SHA}")))
        .and(body_partial_json(
            json!({"state": "success", "target_url": "https://github.com/acme/churn/actions/runs/777"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let env =
        [("GITHUB_EVENT_NAME", "workflow_run"), ("GITHUB_SERVER_URL", "https://github.com"), ("GITHUB_RUN_ID", "42")];
    let out = comment(dir.path(), &server, &[], &env).await;
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("acme/churn#12"), "{}", stdout(&out));
    let body =
        bodies(&server, "POST", "/repos/acme/churn/issues/12/comments").await[0]["body"].as_str().unwrap().to_string();
    assert!(
        body.contains("(https://github.com/acme/churn/actions/runs/777)"),
        "links the run holding the report: {body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_artifact_cannot_redirect_the_comment_to_another_pull_request() {
    let dir = checked(false);
    let event = json!({"workflow_run": {"head_sha": SHA, "head_branch": "patch-1", "pull_requests": [],
                        "head_repository": {"owner": {"login": "outsider"}}}});
    write(dir.path(), "event.json", &event.to_string());
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/pulls/13"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"number": 13, "head": {"sha": "f".repeat(40)}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).expect(0).mount(&server).await;
    let out = comment(dir.path(), &server, &["--pr", "13", "--strict"], &[("GITHUB_EVENT_NAME", "workflow_run")]).await;
    assert_eq!(out.status.code(), Some(3), "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("the workflow run that produced these results tested"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_the_requests_and_sends_nothing() {
    let dir = checked(true);
    let server = MockServer::start().await;
    let mut cmd = mlgate(dir.path());
    cmd.args(["comment", "--dry-run", "--repo", "acme/churn", "--pr", "7", "--sha", SHA, "--api-url", &server.uri()]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("nothing is sent"), "{text}");
    assert!(
        text.contains(&format!("GET   {}/repos/acme/churn/issues/7/comments?per_page=100", server.uri())),
        "{text}"
    );
    assert!(text.contains(&format!("PATCH {}/repos/acme/churn/issues/comments/{{id}}", server.uri())), "{text}");
    assert!(text.contains(&format!("POST  {}/repos/acme/churn/statuses/{SHA}", server.uri())), "{text}");
    assert!(text.contains(r#""state":"failure""#), "{text}");
    assert!(text.contains(MARKER), "{text}");
    assert!(text.contains("no token in $GITHUB_TOKEN"), "{text}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

fn usage_error(dir: &Path, args: &[&str], env: &[(&str, &str)], expected: &str) {
    let mut cmd = mlgate(dir);
    cmd.arg("comment").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains(expected), "{args:?}: expected {expected:?} in\n{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    no_token(&out);
}

#[test]
fn bad_setups_are_usage_errors() {
    let dir = checked(false);
    let d = dir.path();
    let ev = d.join("event.json");
    let ev = ev.to_str().unwrap();
    let gh = [("GITHUB_REPOSITORY", "acme/churn"), ("GITHUB_EVENT_PATH", ev)];
    usage_error(d, &[], &gh, "no GitHub token: $GITHUB_TOKEN is not set");
    usage_error(d, &["--token-env", "MY_TOKEN"], &gh, "$MY_TOKEN is not set");
    usage_error(
        d,
        &[],
        &[("GITHUB_REPOSITORY", "acme/churn"), ("GITHUB_EVENT_PATH", ev), ("GITHUB_TOKEN", &format!("{TOKEN}\nx"))],
        "contains spaces or control characters",
    );
    let bad_event = write(d, "bad-event.json", "{\"pull_request\": ");
    usage_error(
        d,
        &[],
        &[
            ("GITHUB_REPOSITORY", "acme/churn"),
            ("GITHUB_EVENT_PATH", bad_event.to_str().unwrap()),
            ("GITHUB_TOKEN", TOKEN),
        ],
        "bad-event.json:1:",
    );
    let push = write(d, "push.json", &json!({"after": SHA}).to_string());
    usage_error(
        d,
        &[],
        &[
            ("GITHUB_REPOSITORY", "acme/churn"),
            ("GITHUB_EVENT_PATH", push.to_str().unwrap()),
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_TOKEN", TOKEN),
        ],
        "no pull request to comment on: this push event is not about a pull request",
    );
    usage_error(d, &["--repo", "acme"], &[("GITHUB_TOKEN", TOKEN)], "is not a repository as OWNER/NAME");
    usage_error(
        d,
        &["--repo", "acme/churn", "--pr", "7", "--sha", SHA, "--api-url", "http://api.example.com"],
        &[("GITHUB_TOKEN", TOKEN)],
        "travel unencrypted",
    );
    usage_error(
        d,
        &["--repo", "acme/churn", "--pr", "7", "--sha", "main"],
        &[("GITHUB_TOKEN", TOKEN)],
        "not a full commit SHA",
    );
    usage_error(
        d,
        &["--repo", "acme/churn", "--pr", "7", "--sha", SHA, "--results", "nope.json"],
        &[("GITHUB_TOKEN", TOKEN)],
        "run `mlgate check` first",
    );
    usage_error(
        d,
        &["--repo", "acme/churn", "--pr", "7", "--no-comment"],
        &[("GITHUB_TOKEN", TOKEN)],
        "no commit for the status",
    );
    usage_error(
        d,
        &["--repo", "acme/churn", "--pr", "7", "--sha", SHA, "--key", "a b"],
        &[("GITHUB_TOKEN", TOKEN)],
        "--key",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_api_is_a_clear_runtime_error() {
    let dir = checked(false);
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut cmd = mlgate(dir.path());
    cmd.args([
        "comment",
        "--repo",
        "acme/churn",
        "--pr",
        "7",
        "--no-status",
        "--strict",
        "--api-url",
        &format!("http://127.0.0.1:{port}"),
    ])
    .env("GITHUB_TOKEN", TOKEN);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("cannot reach http://127.0.0.1:{port}")), "{}", stderr(&out));
    no_token(&out);
}

/// A marker planted by a member is not taken over (only the token's own login counts), and
/// a comment of ours that cannot be edited (403) leads to a new comment, not silence.
#[tokio::test(flavor = "multi_thread")]
async fn planted_or_uneditable_markers_never_stop_posting() {
    let dir = checked(false);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/churn/issues/7/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            comment_json(300, &format!("{MARKER}\nplanted by a member"), "User", "MEMBER"),
            comment_json(9, &format!("{MARKER}\nold"), "Bot", "NONE"),
        ])))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/acme/churn/issues/comments/300"))
        .respond_with(ResponseTemplate::new(200).set_body_json(comment_json(300, "x", "User", "MEMBER")))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/acme/churn/issues/comments/9"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({"message": "Resource not accessible by integration"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/churn/issues/7/comments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(comment_json(10, "x", "Bot", "NONE")))
        .expect(1)
        .mount(&server)
        .await;
    let out = comment(dir.path(), &server, &["--no-status"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("posted"), "{}", stdout(&out));
    no_token(&out);
}
