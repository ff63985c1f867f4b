//! Where a comment goes: the repository, pull request and commit, from flags or the GitHub
//! Actions environment (`GITHUB_REPOSITORY`, `GITHUB_EVENT_PATH`, `GITHUB_SHA`, …).

use std::path::Path;

use anyhow::Result;
use serde_json::Value;

use crate::error::{quoted, user};

/// The REST API of github.com, when `GITHUB_API_URL` and `--api-url` say nothing.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// What the event file says about the pull request and commit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventInfo {
    /// `GITHUB_EVENT_NAME`, when known.
    pub name: Option<String>,
    /// The pull request number the event is about.
    pub pr: Option<u64>,
    /// The commit a status belongs on: the PR's head (not the merge commit).
    pub head_sha: Option<String>,
    /// For `workflow_run` events: the head of the run whose results are posted. The pull
    /// request a comment goes to must have this head, so an artifact cannot redirect it.
    pub run_head: Option<RunHead>,
}

/// The head of the triggering run in a `workflow_run` event (trusted event data).
#[derive(Debug, Clone, PartialEq)]
pub struct RunHead {
    pub sha: String,
    /// Owner of the repository the head branch lives in (a fork's owner for fork PRs).
    pub owner: Option<String>,
    pub branch: Option<String>,
    /// The run that produced the results (and holds the report artifact).
    pub run_id: Option<u64>,
}

fn positive_int(v: &Value, at: &str, shown: &str) -> Result<Option<u64>> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) if n.as_u64().is_some_and(|n| n > 0) => Ok(n.as_u64()),
        other => Err(user(format!("{shown}: {at} is {other}, not a pull request number"))
            .hint("the event file is written by GitHub Actions; pass --pr N to override it")
            .into()),
    }
}

fn sha_at(v: &Value, at: &str, shown: &str) -> Result<Option<String>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if is_sha(s) => Ok(Some(s.to_ascii_lowercase())),
        other => Err(user(format!("{shown}: {at} is {other}, not a commit SHA"))
            .hint("pass --sha with the full commit SHA")
            .into()),
    }
}

/// A full commit SHA (SHA-1 or SHA-256 object format).
pub fn is_sha(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses an Actions event payload.
pub fn parse_event(text: &str, shown: &str, name: Option<String>) -> Result<EventInfo> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        user(format!("{shown}:{}:{}: the event file is not valid JSON: {e}", e.line(), e.column()))
            .hint("GITHUB_EVENT_PATH should point at the event payload GitHub Actions writes; unset it and pass --repo, --pr and --sha instead")
    })?;
    if !v.is_object() {
        return Err(user(format!("{shown}: the event file is not a JSON object"))
            .hint("unset GITHUB_EVENT_PATH and pass --repo, --pr and --sha")
            .into());
    }
    let mut info = EventInfo { name, ..EventInfo::default() };
    if v["pull_request"].is_object() {
        let pr = &v["pull_request"];
        info.pr = positive_int(&pr["number"], "pull_request.number", shown)?;
        info.head_sha = sha_at(&pr["head"]["sha"], "pull_request.head.sha", shown)?;
    } else if v["issue"].is_object() {
        // issue_comment on a pull request
        if !v["issue"]["pull_request"].is_null() {
            info.pr = positive_int(&v["issue"]["number"], "issue.number", shown)?;
        }
    } else if v["workflow_run"].is_object() {
        let run = &v["workflow_run"];
        let sha = sha_at(&run["head_sha"], "workflow_run.head_sha", shown)?;
        info.head_sha = sha.clone();
        if let Some(sha) = sha {
            info.run_head = Some(RunHead {
                sha,
                owner: run["head_repository"]["owner"]["login"].as_str().map(str::to_string),
                branch: run["head_branch"].as_str().map(str::to_string),
                run_id: run["id"].as_u64().filter(|&id| id > 0),
            });
        }
        // Filled by GitHub for pull requests from the same repository; empty for forks.
        if let Some(first) = run["pull_requests"].as_array().and_then(|a| a.first()) {
            info.pr = positive_int(&first["number"], "workflow_run.pull_requests[0].number", shown)?;
        }
    } else if let Some(after) = v["after"].as_str().filter(|s| is_sha(s)) {
        info.head_sha = Some(after.to_ascii_lowercase());
    }
    Ok(info)
}

/// Reads `GITHUB_EVENT_PATH`.
pub fn read_event(path: &Path, name: Option<String>) -> Result<EventInfo> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        user(format!("cannot read the event file {} (GITHUB_EVENT_PATH): {e}", quoted(&shown)))
            .hint("outside GitHub Actions unset GITHUB_EVENT_PATH and pass --repo, --pr and --sha")
    })?;
    if meta.len() > 64 << 20 {
        return Err(user(format!(
            "the event file {} is {} bytes; event payloads are far smaller",
            quoted(&shown),
            meta.len()
        ))
        .hint("unset GITHUB_EVENT_PATH and pass --repo, --pr and --sha")
        .into());
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| user(format!("cannot read the event file {}: {e}", quoted(&shown))))?;
    parse_event(&text, &shown, name)
}

/// `owner/name`, checked against GitHub's allowed characters.
pub fn parse_repo(s: &str, from: &str) -> Result<(String, String)> {
    let ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 100
            && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && p != "."
            && p != ".."
    };
    match s.split_once('/') {
        Some((o, n)) if ok(o) && ok(n) => Ok((o.to_string(), n.to_string())),
        _ => Err(user(format!("{from} {} is not a repository as OWNER/NAME", quoted(s)))
            .hint("for example --repo acme/churn-model")
            .into()),
    }
}

/// The API base URL: http(s), no credentials in it, and plain http only to this machine
/// (a token must never cross a network unencrypted).
pub fn parse_api_url(s: &str, from: &str) -> Result<String> {
    let bad = |why: &str| -> anyhow::Error {
        user(format!("{from} {} {why}", quoted(s)))
            .hint("GitHub.com is https://api.github.com; GitHub Enterprise Server is https://HOST/api/v3")
            .into()
    };
    let uri: http::Uri = s.parse().map_err(|_| bad("is not a URL"))?;
    let scheme = uri.scheme_str().unwrap_or("");
    let host = uri.host().unwrap_or("");
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(bad("carries credentials; pass the token through an environment variable instead"));
    }
    if host.is_empty() {
        return Err(bad("has no host"));
    }
    if uri.query().is_some() {
        return Err(bad("has a query string"));
    }
    let local = host == "localhost" || host == "127.0.0.1" || host == "[::1]" || host == "::1";
    match scheme {
        "https" => {}
        "http" if local => {}
        "http" => return Err(bad("is plain http to another machine; the token would travel unencrypted (use https)")),
        _ => return Err(bad("is not an http(s) URL")),
    }
    Ok(s.trim_end_matches('/').to_string())
}

/// The link to the workflow run that holds the report artifact: `report_run` (the run a
/// `workflow_run` event is about), else this run, from the Actions environment.
pub fn run_url(report_run: Option<u64>) -> Option<String> {
    let server = std::env::var("GITHUB_SERVER_URL").ok()?;
    let repo = std::env::var("GITHUB_REPOSITORY").ok()?;
    let id = match report_run {
        Some(id) => id.to_string(),
        None => std::env::var("GITHUB_RUN_ID").ok()?,
    };
    if !id.bytes().all(|b| b.is_ascii_digit()) || parse_repo(&repo, "").is_err() || !server.starts_with("https://") {
        return None;
    }
    Some(format!("{}/{repo}/actions/runs/{id}", server.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn pull_request_event() {
        let e = parse_event(
            &format!(r#"{{"number": 7, "pull_request": {{"number": 7, "head": {{"sha": "{SHA}"}}}}}}"#),
            "e",
            None,
        )
        .unwrap();
        assert_eq!(e.pr, Some(7));
        assert_eq!(e.head_sha.as_deref(), Some(SHA));
        assert!(e.run_head.is_none());
    }

    #[test]
    fn workflow_run_event_from_a_fork_has_no_pr_but_a_head() {
        let text = format!(
            r#"{{"workflow_run": {{"head_sha": "{SHA}", "head_branch": "patch-1", "pull_requests": [],
                "head_repository": {{"owner": {{"login": "outsider"}}}}}}}}"#
        );
        let e = parse_event(&text, "e", Some("workflow_run".into())).unwrap();
        assert_eq!(e.pr, None);
        let h = e.run_head.unwrap();
        assert_eq!((h.sha.as_str(), h.owner.as_deref(), h.branch.as_deref()), (SHA, Some("outsider"), Some("patch-1")));
    }

    #[test]
    fn issue_comment_only_on_pull_requests() {
        let on_pr = parse_event(r#"{"issue": {"number": 3, "pull_request": {"url": "x"}}}"#, "e", None).unwrap();
        assert_eq!(on_pr.pr, Some(3));
        let on_issue = parse_event(r#"{"issue": {"number": 3}}"#, "e", None).unwrap();
        assert_eq!(on_issue.pr, None);
    }

    #[test]
    fn malformed_events_are_user_errors() {
        for bad in [
            "{",
            "[]",
            r#"{"pull_request": {"number": "7"}}"#,
            r#"{"pull_request": {"number": -1}}"#,
            r#"{"pull_request": {"number": 1, "head": {"sha": "main"}}}"#,
        ] {
            let e = parse_event(bad, "event.json", None).unwrap_err();
            assert!(e.downcast_ref::<crate::error::UserError>().is_some(), "{bad}: {e:#}");
            assert!(format!("{e:#}").contains("event.json"), "{e:#}");
        }
    }

    #[test]
    fn repos_and_urls_are_checked() {
        assert_eq!(parse_repo("acme/churn.model", "--repo").unwrap(), ("acme".into(), "churn.model".into()));
        for bad in ["acme", "acme/", "/x", "a/b/c", "a b/c", "a/..", "a/b?x"] {
            assert!(parse_repo(bad, "--repo").is_err(), "{bad}");
        }
        assert_eq!(
            parse_api_url("https://ghe.example.com/api/v3/", "--api-url").unwrap(),
            "https://ghe.example.com/api/v3"
        );
        assert!(parse_api_url("http://127.0.0.1:8080", "--api-url").is_ok());
        for bad in [
            "http://api.github.com",
            "ftp://x",
            "https://user:pw@api.github.com",
            "not a url",
            "https://api.github.com?x=1",
        ] {
            assert!(parse_api_url(bad, "--api-url").is_err(), "{bad}");
        }
    }
}
