//! A workflow's recent runs and their artefacts, for `mlgate score --runs-from-github`:
//! which runs (id, trigger, start, conclusion) and each artefact's zip archive, downloaded
//! within a size bound. What the archives hold is read elsewhere.

use http::Method;
use serde_json::Value;

use super::api::{Api, ApiError};

/// One workflow run and its artefacts.
#[derive(Debug)]
pub struct WorkflowRun {
    pub id: u64,
    /// What started it: `schedule`, `push`, `pull_request`, `workflow_dispatch` …
    pub event: String,
    pub conclusion: String,
    /// RFC 3339.
    pub started: String,
    /// (artefact name, zip archive)
    pub artifacts: Vec<(String, Vec<u8>)>,
}

/// A workflow that does not exist: what GitHub would answer 404 to.
fn not_found(message: String, hint: &str) -> ApiError {
    ApiError { status: Some(404), message, hint: Some(hint.into()) }
}

/// The workflow's id from its name, its file name (`monitor.yml`) or its id.
async fn workflow_id(api: &Api, owner: &str, repo: &str, workflow: &str) -> Result<u64, ApiError> {
    let reply = api
        .send(
            Method::GET,
            &format!("/repos/{owner}/{repo}/actions/workflows?per_page=100"),
            None,
            "listing the workflows",
        )
        .await?;
    let list = reply.body["workflows"].as_array().cloned().unwrap_or_default();
    let found = list.iter().find(|w| {
        w["name"].as_str() == Some(workflow)
            || w["path"].as_str().is_some_and(|p| p.rsplit('/').next() == Some(workflow))
            || w["id"].as_u64().map(|i| i.to_string()).as_deref() == Some(workflow)
    });
    match found.and_then(|w| w["id"].as_u64()) {
        Some(id) => Ok(id),
        None => {
            let names: Vec<String> = list
                .iter()
                .filter_map(|w| Some(format!("{} ({})", w["name"].as_str()?, w["path"].as_str()?.rsplit('/').next()?)))
                .collect();
            Err(not_found(
                format!("{owner}/{repo} has no workflow named {workflow:?}"),
                &format!(
                    "pass --workflow with a name or file name: {}",
                    if names.is_empty() { "none found".into() } else { names.join(", ") }
                ),
            ))
        }
    }
}

/// The `last` completed runs of a workflow, newest first, with their artefacts. Expired
/// artefacts, ones over `max_bytes`, and any past the `budget` of bytes left for all
/// downloads are not downloaded; `notes` says which.
#[allow(clippy::too_many_arguments)]
pub async fn recent(
    api: &Api,
    owner: &str,
    repo: &str,
    workflow: &str,
    last: u32,
    max_bytes: u64,
    budget: &mut u64,
    notes: &mut Vec<String>,
) -> Result<Vec<WorkflowRun>, ApiError> {
    let id = workflow_id(api, owner, repo, workflow).await?;
    let reply = api
        .send(
            Method::GET,
            &format!("/repos/{owner}/{repo}/actions/workflows/{id}/runs?status=completed&per_page={last}"),
            None,
            "listing the workflow's runs",
        )
        .await?;
    let runs = reply.body["workflow_runs"].as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for r in runs.iter().take(last as usize) {
        let Some(run_id) = r["id"].as_u64() else { continue };
        let what = format!("listing the artefacts of run {run_id}");
        let arts = api
            .send(
                Method::GET,
                &format!("/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts?per_page=100"),
                None,
                &what,
            )
            .await?;
        let mut artifacts = Vec::new();
        for a in arts.body["artifacts"].as_array().into_iter().flatten() {
            let name = a["name"].as_str().unwrap_or("?").to_string();
            let size = a["size_in_bytes"].as_u64().unwrap_or(0);
            if a["expired"].as_bool() == Some(true) {
                notes.push(format!("run {run_id}: artefact {name:?} has expired; not downloaded"));
                continue;
            }
            if size > max_bytes {
                notes.push(format!(
                    "run {run_id}: artefact {name:?} is {} MiB, over {} MiB; not downloaded",
                    size >> 20,
                    max_bytes >> 20
                ));
                continue;
            }
            if size > *budget {
                notes.push(format!(
                    "run {run_id}: artefact {name:?} would pass the total the run outputs may hold; not downloaded"
                ));
                continue;
            }
            let Some(url) = a["archive_download_url"].as_str() else { continue };
            let what = format!("downloading artefact {name:?} of run {run_id}");
            match api.download(url, &what, max_bytes.min(*budget)).await {
                Ok(bytes) => {
                    *budget = budget.saturating_sub(bytes.len() as u64);
                    artifacts.push((name, bytes));
                }
                Err(e) => notes.push(e.message),
            }
        }
        let text = |v: &Value| v.as_str().unwrap_or("").to_string();
        out.push(WorkflowRun {
            id: run_id,
            event: text(&r["event"]),
            conclusion: text(&r["conclusion"]),
            started: if r["run_started_at"].is_string() { text(&r["run_started_at"]) } else { text(&r["created_at"]) },
            artifacts,
        });
    }
    Ok(out)
}
