//! Approvals from the pull request's reviews, for `mlgate check --base` in GitHub Actions:
//! read through the REST API with `$GITHUB_TOKEN` (never printed) only when the threshold
//! review needs an approval. Failing to read them never approves anything: the notes say
//! why, and loosened thresholds keep blocking.

use std::time::Duration;

use super::common::env;
use crate::config::{Approval, ReviewRef};
use crate::github::api::{Api, scrub};
use crate::github::{context, reviews};

/// The approving reviews that count, and notes on the rest (or on why none were read).
pub fn approvals() -> (Vec<Approval>, Vec<String>) {
    match read() {
        Ok(r) => r,
        Err(why) => (Vec::new(), vec![format!("pull-request reviews not read: {why}")]),
    }
}

fn read() -> Result<(Vec<Approval>, Vec<String>), String> {
    let token = env("GITHUB_TOKEN").ok_or("$GITHUB_TOKEN is not set (give the step `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` and `permissions: pull-requests: read`)")?;
    let repo = env("GITHUB_REPOSITORY").ok_or("$GITHUB_REPOSITORY is not set")?;
    let (owner, name) = context::parse_repo(&repo, "GITHUB_REPOSITORY").map_err(|e| e.to_string())?;
    let event = env("GITHUB_EVENT_PATH").ok_or("$GITHUB_EVENT_PATH is not set")?;
    let info =
        context::read_event(std::path::Path::new(&event), env("GITHUB_EVENT_NAME")).map_err(|e| e.to_string())?;
    let pr = info.pr.ok_or("the event names no pull request")?;
    let url = super::common::github_api_url(None, "GITHUB_API_URL").map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let _entered = rt.enter();
    let api =
        Api::new(&url, &token, "GITHUB_TOKEN", Duration::from_secs(60)).map_err(|e| scrub(&e.to_string(), &token))?;
    let (author, head, list) =
        rt.block_on(reviews::fetch(&api, &owner, &name, pr)).map_err(|e| scrub(&e.message, &token))?;
    let sorted = reviews::sort(&list, &author, &head);
    let counted = sorted
        .counted
        .into_iter()
        .map(|r| Approval {
            by: format!("@{}", r.login),
            reason: match r.body.trim() {
                "" => format!("approved pull request #{pr}"),
                b if b.chars().count() > 200 => format!("{}…", b.chars().take(200).collect::<String>()),
                b => b.to_string(),
            },
            gates: Vec::new(),
            review: Some(ReviewRef { at: r.submitted_at, commit: r.commit, association: r.association }),
        })
        .collect();
    let notes = sorted.ignored.into_iter().map(|n| format!("review by {n} — not counted")).collect();
    Ok((counted, notes))
}
