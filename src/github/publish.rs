//! The sticky comment and the commit status.
//!
//! A comment carries a hidden marker on its first line. Later runs page through the pull
//! request's comments, find the marked comment written by the token's own account (`GET
//! /user`; for the Actions token, which cannot read it, `github-actions[bot]`), and update
//! it; otherwise — or when that comment cannot be edited — they create one. A marker planted
//! by anyone else, a member or another bot included, is never taken over, and a comment
//! mlgate may not edit never stops it from posting. REST calls, as in GitHub's reference:
//! - `GET /user` (the token's login),
//! - `GET /repos/{owner}/{repo}/issues/{number}/comments` (paged),
//! - `PATCH /repos/{owner}/{repo}/issues/comments/{id}` or
//!   `POST /repos/{owner}/{repo}/issues/{number}/comments`,
//! - `POST /repos/{owner}/{repo}/statuses/{sha}`,
//! - for `workflow_run` events, `GET /repos/{owner}/{repo}/pulls/{number}` or
//!   `GET /repos/{owner}/{repo}/pulls?state=open&head=OWNER:BRANCH` to tie the comment to
//!   the pull request whose head the run tested.

use http::Method;
use serde_json::{Value, json};

use super::api::{Api, ApiError};
use super::context::RunHead;

/// Most pages of comments read (100 per page).
pub const MAX_PAGES: usize = 100;

/// The hidden first line of mlgate's comment; `key` tells several mlgate comments apart.
pub fn marker(key: &str) -> String {
    format!("<!-- mlgate:comment {key} -->")
}

/// Whether `key` is a valid comment key.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 64 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// The account comments are posted as when the token cannot say (the Actions token).
pub const ACTIONS_LOGIN: &str = "github-actions[bot]";

/// Whether a listed comment is mlgate's own, to be updated: marked, and written by `login`.
pub fn is_ours(c: &Value, marker: &str, login: &str) -> bool {
    let starts = c["body"].as_str().is_some_and(|b| b.trim_start().starts_with(marker));
    let by_us = c["user"]["login"].as_str().is_some_and(|l| l.eq_ignore_ascii_case(login));
    starts && by_us && c["id"].as_u64().is_some()
}

/// The login of the token's account; [`ACTIONS_LOGIN`] when the token cannot read it.
async fn own_login(api: &Api) -> String {
    match api.send(Method::GET, "/user", None, "reading the token's account").await {
        Ok(r) => r.body["login"].as_str().map(str::to_string).unwrap_or_else(|| ACTIONS_LOGIN.to_string()),
        Err(_) => ACTIONS_LOGIN.to_string(),
    }
}

/// A commit status.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusBody {
    pub state: &'static str,
    pub description: String,
    pub context: String,
    pub target_url: Option<String>,
}

impl StatusBody {
    pub fn json(&self) -> Value {
        let mut v = json!({ "state": self.state, "description": self.description, "context": self.context });
        if let Some(u) = &self.target_url {
            v["target_url"] = json!(u);
        }
        v
    }
}

/// Everything to publish.
#[derive(Debug, Clone)]
pub struct Plan {
    pub owner: String,
    pub repo: String,
    pub pr: Option<u64>,
    pub sha: Option<String>,
    /// The comment body, marker included; `None` = no comment.
    pub comment: Option<String>,
    pub marker: String,
    pub status: Option<StatusBody>,
    /// Set for `workflow_run` events: the PR must have this head.
    pub run_head: Option<RunHead>,
}

impl Plan {
    fn repo_path(&self) -> String {
        format!("/repos/{}/{}", self.owner, self.repo)
    }

    fn list_path(&self, pr: u64) -> String {
        format!("{}/issues/{pr}/comments", self.repo_path())
    }

    /// The requests a run would make, for `--dry-run`.
    pub fn describe(&self, api_url: &str) -> Vec<String> {
        let mut out = Vec::new();
        let base = format!("{api_url}{}", self.repo_path());
        let pr_shown = self.pr.map(|n| n.to_string()).unwrap_or_else(|| "{number}".into());
        if let Some(h) = &self.run_head {
            match self.pr {
                Some(n) => out.push(format!("GET   {base}/pulls/{n}\n      checks that pull request #{n} has head {} (the commit the workflow run tested)", h.sha)),
                None => out.push(format!(
                    "GET   {base}/pulls?state=open&head={}:{}&per_page=100\n      finds the open pull request whose head is {}",
                    h.owner.as_deref().unwrap_or("?"),
                    h.branch.as_deref().unwrap_or("?"),
                    h.sha
                )),
            }
        }
        if let Some(body) = &self.comment {
            out.push(format!(
                "GET   {base}/issues/{pr_shown}/comments?per_page=100   (every page)\n      looks for a comment starting with {} by a bot or a repository member",
                self.marker
            ));
            out.push(format!(
                "PATCH {base}/issues/comments/{{id}}   when found, otherwise\nPOST  {base}/issues/{pr_shown}/comments\n      {{\"body\": <{} characters, below>}}",
                body.chars().count()
            ));
        }
        if let Some(s) = &self.status {
            out.push(format!(
                "POST  {base}/statuses/{}\n      {}",
                self.sha.as_deref().unwrap_or("{sha}"),
                serde_json::to_string(&s.json()).unwrap_or_default()
            ));
        }
        out
    }
}

/// What was done.
#[derive(Debug, Default)]
pub struct Outcome {
    pub pr: Option<u64>,
    /// `(created?, id, html_url)`.
    pub comment: Option<(bool, u64, String)>,
    pub status: Option<&'static str>,
    pub errors: Vec<ApiError>,
}

fn refusal(message: String, hint: &str) -> ApiError {
    ApiError { status: None, message, hint: Some(hint.into()) }
}

/// For `workflow_run`: the pull request the run tested, checked against the run's head.
async fn resolve_pr(api: &Api, plan: &Plan) -> Result<Option<u64>, ApiError> {
    let Some(head) = &plan.run_head else { return Ok(plan.pr) };
    let repo = plan.repo_path();
    if let Some(n) = plan.pr {
        let what = format!("reading pull request #{n} of {}/{}", plan.owner, plan.repo);
        let pr = api.send(Method::GET, &format!("{repo}/pulls/{n}"), None, &what).await?.body;
        let actual = pr["head"]["sha"].as_str().unwrap_or("");
        if !actual.eq_ignore_ascii_case(&head.sha) {
            return Err(refusal(
                format!(
                    "pull request #{n}'s head is {}, but the workflow run that produced these results tested {}; not posting",
                    if actual.is_empty() { "unknown" } else { actual },
                    head.sha
                ),
                "the pull request moved on since the run (a newer run will post), or the PR number does not belong to this run; a PR number taken from an artifact cannot choose where results go",
            ));
        }
        return Ok(Some(n));
    }
    let (Some(owner), Some(branch)) = (&head.owner, &head.branch) else {
        return Err(refusal(
            "the workflow_run event names no head repository or branch, so its pull request cannot be found".into(),
            "pass --pr N; mlgate checks that the pull request's head is the run's head commit",
        ));
    };
    let head_q: String = format!("{owner}:{branch}")
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.:/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let what = format!("finding the pull request for {owner}:{branch}");
    let prs = api.get_all(&format!("{repo}/pulls?state=open&head={head_q}"), &what, 5).await?;
    prs.iter()
        .find(|p| p["head"]["sha"].as_str().is_some_and(|s| s.eq_ignore_ascii_case(&head.sha)))
        .and_then(|p| p["number"].as_u64())
        .map(Some)
        .ok_or_else(|| {
            refusal(
                format!("no open pull request from {owner}:{branch} has head {}; not posting", head.sha),
                "the pull request was closed or got new commits since the run; a newer run will post",
            )
        })
}

async fn post_comment(api: &Api, plan: &Plan, pr: u64, body: &str) -> Result<(bool, u64, String), ApiError> {
    let place = format!("{}/{}#{pr}", plan.owner, plan.repo);
    let comments = api.get_all(&plan.list_path(pr), &format!("listing the comments of {place}"), MAX_PAGES).await?;
    let payload = json!({ "body": body });
    let login = own_login(api).await;
    if let Some(id) = comments.iter().find(|c| is_ours(c, &plan.marker, &login)).and_then(|c| c["id"].as_u64()) {
        let path = format!("{}/issues/comments/{id}", plan.repo_path());
        match api.send(Method::PATCH, &path, Some(&payload), &format!("updating mlgate's comment on {place}")).await {
            Ok(r) => return Ok((false, id, r.body["html_url"].as_str().unwrap_or("").to_string())),
            // Deleted since it was listed, or not ours to edit after all: write a new one.
            Err(e) if matches!(e.status, Some(403 | 404)) => {}
            Err(e) => return Err(e),
        }
    }
    let r = api.send(Method::POST, &plan.list_path(pr), Some(&payload), &format!("commenting on {place}")).await?;
    Ok((true, r.body["id"].as_u64().unwrap_or(0), r.body["html_url"].as_str().unwrap_or("").to_string()))
}

/// Posts the comment and the status; each is attempted even if the other fails.
pub async fn publish(api: &Api, plan: &Plan) -> Outcome {
    let mut out = Outcome::default();
    let pr = match resolve_pr(api, plan).await {
        Ok(pr) => pr,
        Err(e) => {
            // Without the right pull request neither a comment nor a status is safe.
            out.errors.push(e);
            return out;
        }
    };
    out.pr = pr;
    if let (Some(body), Some(pr)) = (&plan.comment, pr) {
        match post_comment(api, plan, pr, body).await {
            Ok(c) => out.comment = Some(c),
            Err(e) => out.errors.push(e),
        }
    }
    if let (Some(s), Some(sha)) = (&plan.status, &plan.sha) {
        let path = format!("{}/statuses/{sha}", plan.repo_path());
        let what = format!("setting the commit status on {}", &sha[..12.min(sha.len())]);
        match api.send(Method::POST, &path, Some(&s.json()), &what).await {
            Ok(_) => out.status = Some(s.state),
            Err(e) => out.errors.push(e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_marked_comments_by_our_own_login_are_ours() {
        let m = marker("default");
        let c = |body: &str, login: &str| json!({"id": 1, "body": body, "user": {"login": login, "type": "Bot"}});
        assert!(is_ours(&c(&format!("{m}\n# report"), ACTIONS_LOGIN), &m, ACTIONS_LOGIN));
        assert!(is_ours(&c(&format!("{m}\n# report"), "Mlgate-Bot"), &m, "mlgate-bot"), "logins ignore case");
        assert!(!is_ours(&c(&format!("{m}\n# report"), "a-member"), &m, ACTIONS_LOGIN), "a planted marker");
        assert!(!is_ours(&c(&format!("{m}\n# report"), "other-app[bot]"), &m, ACTIONS_LOGIN), "another bot");
        assert!(!is_ours(&c(&format!("> {m}"), ACTIONS_LOGIN), &m, ACTIONS_LOGIN), "quoted, not first");
        assert!(!is_ours(&c(&format!("{}\n", marker("other")), ACTIONS_LOGIN), &m, ACTIONS_LOGIN), "another key");
    }

    #[test]
    fn keys() {
        assert!(valid_key("default") && valid_key("release-gate_2.x"));
        assert!(!valid_key("") && !valid_key("a b") && !valid_key("-->") && !valid_key(&"k".repeat(65)));
    }
}
