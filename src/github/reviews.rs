//! Which pull-request reviews approve loosened thresholds. A review counts only when it is
//! the reviewer's latest decisive review (a later "changes requested" or a dismissal
//! withdraws it), its state is APPROVED, it was given on the pull request's current head
//! commit (an approval of an earlier push does not approve what was pushed since), the
//! reviewer has write access (`OWNER`, `MEMBER` or `COLLABORATOR`), and the reviewer is not
//! the pull request's author. Every review that does not count is named with the reason.

use serde_json::Value;

use super::api::{Api, ApiError};

/// Associations that come with write access to the repository.
pub const WRITERS: &[&str] = &["OWNER", "MEMBER", "COLLABORATOR"];

/// One review, as `GET /repos/{o}/{r}/pulls/{n}/reviews` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub login: String,
    pub state: String,
    pub commit: String,
    pub association: String,
    pub submitted_at: String,
    pub body: String,
}

impl Review {
    fn of(v: &Value) -> Option<Review> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        Some(Review {
            login: v.get("user")?.get("login")?.as_str()?.to_string(),
            state: s("state"),
            commit: s("commit_id"),
            association: s("author_association"),
            submitted_at: s("submitted_at"),
            body: s("body"),
        })
    }
}

/// The reviews sorted by whether they approve.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Sorted {
    pub counted: Vec<Review>,
    /// "@login: why it does not count".
    pub ignored: Vec<String>,
}

fn short(sha: &str) -> &str {
    crate::text::prefix(sha, 12)
}

/// Sorts reviews (oldest first, as GitHub lists them) for a pull request by `author`
/// whose head is `head`.
pub fn sort(reviews: &[Review], author: &str, head: &str) -> Sorted {
    let mut latest: Vec<&Review> = Vec::new();
    for r in reviews.iter().filter(|r| matches!(r.state.as_str(), "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED")) {
        match latest.iter_mut().find(|l| l.login.eq_ignore_ascii_case(&r.login)) {
            Some(slot) => *slot = r,
            None => latest.push(r),
        }
    }
    let mut out = Sorted::default();
    for r in latest {
        let why = match r.state.as_str() {
            "CHANGES_REQUESTED" => Some("their latest review requests changes".to_string()),
            "DISMISSED" => Some("their review was dismissed".to_string()),
            _ if r.login.eq_ignore_ascii_case(author) => Some("the pull request's own author".to_string()),
            _ if !WRITERS.contains(&r.association.as_str()) => {
                Some(format!("no write access to the repository ({})", r.association.to_lowercase()))
            }
            _ if !r.commit.eq_ignore_ascii_case(head) => {
                Some(format!("approved {}, an earlier commit than the head {}", short(&r.commit), short(head)))
            }
            _ => None,
        };
        match why {
            Some(w) => out.ignored.push(format!("@{}: {w}", r.login)),
            None => out.counted.push(r.clone()),
        }
    }
    out
}

/// The pull request's author and head, and its reviews (every page, at most 30).
pub async fn fetch(api: &Api, owner: &str, repo: &str, pr: u64) -> Result<(String, String, Vec<Review>), ApiError> {
    let what = format!("reading pull request #{pr}");
    let p = api.send(http::Method::GET, &format!("/repos/{owner}/{repo}/pulls/{pr}"), None, &what).await?;
    let author = p.body.pointer("/user/login").and_then(Value::as_str).unwrap_or_default().to_string();
    let head = p.body.pointer("/head/sha").and_then(Value::as_str).unwrap_or_default().to_string();
    if author.is_empty() || head.is_empty() {
        return Err(ApiError {
            status: None,
            message: format!("{what}: GitHub's answer names no author or head commit"),
            hint: None,
        });
    }
    let list = api
        .get_all(&format!("/repos/{owner}/{repo}/pulls/{pr}/reviews"), &format!("reading the reviews of #{pr}"), 30)
        .await?;
    Ok((author, head, list.iter().filter_map(Review::of).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "1111111111111111111111111111111111111111";
    const OLD: &str = "2222222222222222222222222222222222222222";

    fn r(login: &str, state: &str, commit: &str, assoc: &str) -> Review {
        Review {
            login: login.into(),
            state: state.into(),
            commit: commit.into(),
            association: assoc.into(),
            submitted_at: "2026-12-01T10:00:00Z".into(),
            body: String::new(),
        }
    }

    #[test]
    fn only_a_writers_latest_approval_of_the_head_by_someone_else_counts() {
        let reviews = [
            r("author", "APPROVED", HEAD, "OWNER"),
            r("outsider", "APPROVED", HEAD, "CONTRIBUTOR"),
            r("stale", "APPROVED", OLD, "MEMBER"),
            r("flipper", "APPROVED", HEAD, "MEMBER"),
            r("flipper", "CHANGES_REQUESTED", HEAD, "MEMBER"),
            r("dismissed", "DISMISSED", HEAD, "COLLABORATOR"),
            r("ok", "CHANGES_REQUESTED", HEAD, "COLLABORATOR"),
            r("ok", "APPROVED", HEAD, "COLLABORATOR"),
            r("ok", "COMMENTED", HEAD, "COLLABORATOR"),
        ];
        let s = sort(&reviews, "Author", HEAD);
        assert_eq!(s.counted.iter().map(|r| r.login.as_str()).collect::<Vec<_>>(), ["ok"]);
        let joined = s.ignored.join("\n");
        for want in [
            "@author: the pull request's own author",
            "@outsider: no write access",
            "@stale: approved 222222222222",
            "@flipper: their latest review requests changes",
            "@dismissed: their review was dismissed",
        ] {
            assert!(joined.contains(want), "{want} not in {joined}");
        }
    }
}
