//! `mlgate comment`: post or update the sticky pull-request comment and set a commit status.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;

use super::common::{Ui, env};
use crate::error::{quoted, user};
use crate::exit;
use crate::github::api::{Api, ApiError, scrub};
use crate::github::context::{self, EventInfo};
use crate::github::publish::{self, Plan, StatusBody};
use crate::render::{self, GITHUB_COMMENT_LIMIT};
use crate::results::Results;

#[derive(Debug, Args)]
pub struct CommentArgs {
    /// The results.json to report: the comment is rendered from it and the status takes
    /// its verdict.
    #[arg(long, value_name = "FILE", default_value = "mlgate-report/results.json")]
    pub results: PathBuf,

    /// Post this Markdown file instead of rendering the comment from --results.
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,

    /// Repository as OWNER/NAME [default: $GITHUB_REPOSITORY].
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,

    /// Pull request number [default: from $GITHUB_EVENT_PATH].
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,

    /// Commit for the status [default: the pull request's head from the event, else $GITHUB_SHA].
    #[arg(long, value_name = "SHA")]
    pub sha: Option<String>,

    /// Environment variable holding the token (the token itself is never a flag).
    #[arg(long, value_name = "NAME", default_value = "GITHUB_TOKEN")]
    pub token_env: String,

    /// REST API base URL [default: $GITHUB_API_URL, else https://api.github.com].
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,

    /// Tells several mlgate comments on one pull request apart (e.g. "release-gate").
    #[arg(long, value_name = "KEY", default_value = "default")]
    pub key: String,

    /// Commit status context (the name shown in the checks list).
    #[arg(long, value_name = "NAME", default_value = "mlgate")]
    pub status_context: String,

    /// Link on the commit status [default: this workflow run, where the report artifact is].
    #[arg(long, value_name = "URL")]
    pub target_url: Option<String>,

    /// Only set the commit status.
    #[arg(long, conflicts_with = "no_status")]
    pub no_comment: bool,

    /// Only post the comment.
    #[arg(long)]
    pub no_status: bool,

    /// Print the requests that would be sent, and send nothing (no token needed).
    #[arg(long)]
    pub dry_run: bool,

    /// Exit 3 when the comment or status cannot be posted. Without it a failed post is a
    /// warning and exit 0, so a comment never turns a passing gate into a failure.
    #[arg(long)]
    pub strict: bool,

    /// Longest total wait, in seconds, for GitHub's rate limits before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub max_wait: u64,
}

/// Reads a file of at most `max` bytes as UTF-8.
fn read_text(path: &std::path::Path, what: &str, hint: &str, max: u64) -> Result<String> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| user(format!("cannot read the {what} {}: {e}", quoted(&shown))).hint(hint))?;
    if meta.len() > max {
        return Err(user(format!(
            "the {what} {} is {} bytes, more than the {} mlgate reads",
            quoted(&shown),
            meta.len(),
            max
        ))
        .hint(hint)
        .into());
    }
    let bytes =
        std::fs::read(path).map_err(|e| user(format!("cannot read the {what} {}: {e}", quoted(&shown))).hint(hint))?;
    String::from_utf8(bytes)
        .map_err(|_| user(format!("the {what} {} is not UTF-8 text", quoted(&shown))).hint(hint).into())
}

/// Cuts `s` to at most `limit` characters, on a line boundary when one is near.
fn cut(s: &str, limit: usize) -> String {
    if s.chars().count() <= limit {
        return s.to_string();
    }
    let note = "\n\n> ✂ Cut to fit GitHub's comment limit; the full report is in the workflow run's artifacts.\n";
    let keep = limit.saturating_sub(note.chars().count());
    let mut out: String = s.chars().take(keep).collect();
    if let Some(i) = out.rfind('\n').filter(|&i| i + 2000 > out.len()) {
        out.truncate(i);
    }
    out.push_str(note);
    out
}

/// The one-line status description (GitHub allows 140 characters).
pub fn status_of(r: &Results, context: &str, target_url: Option<String>) -> StatusBody {
    let v = &r.verdict;
    let failing: Vec<&str> =
        r.gates.iter().filter(|g| g.status >= crate::results::Status::Fail).map(|g| g.id.as_str()).collect();
    let total = r.gates.len();
    let (state, mut description) = match v.exit_code {
        0 if v.counts.warn > 0 || v.check_counts.warn > 0 => {
            ("success", format!("passed with warnings: {} of {total} gates warn", v.counts.warn))
        }
        0 => ("success", format!("passed: {total} of {total} gates pass")),
        1 => ("failure", format!("{} of {total} gates failed: {}", failing.len().max(1), failing.join(", "))),
        _ => ("error", "mlgate could not evaluate the gates".to_string()),
    };
    if let Some(s) = r.rubric.as_ref().map(|ru| ru.final_score) {
        description.push_str(&format!("; ML Test Score {}", crate::text::num(s)));
    }
    if description.chars().count() > 140 {
        description = format!("{}…", description.chars().take(139).collect::<String>());
    }
    StatusBody { state, description, context: context.to_string(), target_url }
}

/// Builds the plan from flags and the Actions environment; every problem here is the
/// user's to fix (exit 2).
fn plan(a: &CommentArgs, event: &EventInfo, token: Option<&str>) -> Result<(Plan, String)> {
    if !publish::valid_key(&a.key) {
        return Err(user(format!("--key {} may only hold letters, digits, '-', '_' and '.'", quoted(&a.key))).into());
    }
    let (owner, repo) = super::common::github_repository(a.repo.as_deref(), "--repo")?;
    let api_url = super::common::github_api_url(a.api_url.as_deref(), "--api-url")?;
    let sha = match &a.sha {
        Some(s) if context::is_sha(s) => Some(s.to_ascii_lowercase()),
        Some(s) => {
            return Err(user(format!("--sha {} is not a full commit SHA (40 hex digits)", quoted(s)))
                .hint(
                    "use `git rev-parse HEAD`, or in a pull_request workflow ${{ github.event.pull_request.head.sha }}",
                )
                .into());
        }
        None => event.head_sha.clone().or_else(|| env("GITHUB_SHA").filter(|s| context::is_sha(s))),
    };
    let pr = a.pr.or(event.pr);
    if a.pr == Some(0) {
        return Err(user("--pr 0 is not a pull request number").into());
    }
    let want_comment = !a.no_comment;
    if want_comment && pr.is_none() && event.run_head.is_none() {
        let why = match event.name.as_deref() {
            Some(n) => format!("this {n} event is not about a pull request"),
            None => "no GitHub Actions event file (GITHUB_EVENT_PATH)".into(),
        };
        return Err(user(format!("no pull request to comment on: {why}"))
            .hint("pass --pr N, or --no-comment to only set the commit status")
            .into());
    }

    // The results: the status needs them; the comment is rendered from them unless a body file is given.
    let results_exist = a.results.exists();
    let results = if results_exist || a.body_file.is_none() {
        let text = read_text(
            &a.results,
            "results file",
            "run `mlgate check` first (it writes mlgate-report/results.json), or pass --results FILE",
            256 << 20,
        )?;
        let shown = a.results.display().to_string();
        Some((super::report::parse_results(&text, &shown)?, text))
    } else {
        None
    };
    let marker = publish::marker(&a.key);
    // In the fork flow the report lives in the run the event is about, not in this one.
    let run_url = context::run_url(event.run_head.as_ref().and_then(|h| h.run_id));
    let target_url = match &a.target_url {
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => Some(u.clone()),
        Some(u) => return Err(user(format!("--target-url {} is not an http(s) URL", quoted(u))).into()),
        None => run_url.clone(),
    };
    let comment =
        if want_comment { Some(comment_body(a, &marker, run_url.as_deref(), results.as_ref(), token)?) } else { None };
    let status = if a.no_status {
        None
    } else {
        match (&results, &sha) {
            (Some((r, _)), Some(_)) => Some(status_of(r, &a.status_context, target_url)),
            (None, _) => {
                return Err(user(format!(
                    "no results at {} for the commit status",
                    quoted(&a.results.display().to_string())
                ))
                .hint("pass --results FILE, or --no-status to post only the comment")
                .into());
            }
            (_, None) => {
                return Err(user(
                    "no commit for the status: pass --sha SHA (GitHub Actions sets GITHUB_SHA), or --no-status",
                )
                .into());
            }
        }
    };
    Ok((Plan { owner, repo, pr, sha, comment, marker, status, run_head: event.run_head.clone() }, api_url))
}

/// The comment: the marker, the report (from the body file or rendered from the results,
/// cut to GitHub's limit), and a footer pointing at the run's artifacts; the token is
/// scrubbed from it.
fn comment_body(
    a: &CommentArgs,
    marker: &str,
    run_url: Option<&str>,
    results: Option<&(crate::results::Results, String)>,
    token: Option<&str>,
) -> Result<String> {
    let footer = match run_url {
        Some(u) => format!(
            "\n\n<sub>The HTML report and results.json are in the [workflow run's artifacts]({u}). Posted by mlgate {}.</sub>\n",
            env!("CARGO_PKG_VERSION")
        ),
        None => format!("\n\n<sub>Posted by mlgate {}.</sub>\n", env!("CARGO_PKG_VERSION")),
    };
    let room = GITHUB_COMMENT_LIMIT - marker.chars().count() - footer.chars().count() - 1;
    let body = match (&a.body_file, results) {
        (Some(f), _) => cut(&read_text(f, "body file", "pass the report.md written by mlgate check", 16 << 20)?, room),
        (None, Some((r, text))) => render::markdown(r, room, &render::digest(text))?,
        (None, None) => unreachable!("results are read when there is no body file"),
    };
    let body = match token {
        Some(t) => scrub(&body, t),
        None => body,
    };
    Ok(format!("{marker}\n{}{footer}", body.trim_end()))
}

fn print_problem(ui: &Ui, e: &ApiError, fatal: bool) {
    let label = if fatal { "error:" } else { "warning:" };
    let status = if fatal { crate::results::Status::Fail } else { crate::results::Status::Warn };
    let mut s = format!("{} {}", crate::ui::paint(ui.color, status, label), e.message);
    if let Some(h) = &e.hint {
        s.push_str(&format!("\n  help: {h}"));
    }
    crate::ui::eprint_line(&s);
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        let kind = if fatal { "error" } else { "warning" };
        let esc = |t: &str| t.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
        crate::ui::print_line(&format!("::{kind} title=mlgate comment::{}", esc(&e.message)));
    }
}

pub fn run(a: CommentArgs, ui: &Ui) -> Result<i32> {
    let event = match env("GITHUB_EVENT_PATH") {
        Some(p) => context::read_event(std::path::Path::new(&p), env("GITHUB_EVENT_NAME"))?,
        None => EventInfo::default(),
    };
    if !a.token_env.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') || a.token_env.is_empty() {
        return Err(user(format!("--token-env {} is not an environment variable name", quoted(&a.token_env))).into());
    }
    let token = env(&a.token_env).map(|t| t.trim().to_string());
    if let Some(t) = &token
        && !t.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(user(format!("the token in ${} contains spaces or control characters", a.token_env))
            .hint("set it to the token alone, e.g. `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`")
            .into());
    }
    let (plan, api_url) = plan(&a, &event, token.as_deref())?;

    if a.dry_run {
        let mut out = std::io::stdout().lock();
        let mut text = String::from("mlgate comment --dry-run: nothing is sent.\n\n");
        for line in plan.describe(&api_url) {
            text.push_str(&line);
            text.push('\n');
        }
        text.push_str(&match &token {
            Some(_) => format!("\nheaders: Authorization: Bearer *** (from ${}), Accept: application/vnd.github+json, X-GitHub-Api-Version: 2022-11-28\n", a.token_env),
            None => format!("\nno token in ${}: a real run would stop here\n", a.token_env),
        });
        if let Some(body) = &plan.comment {
            text.push_str(&format!("\ncomment body ({} characters):\n{body}", body.chars().count()));
        }
        let text = match &token {
            Some(t) => scrub(&text, t),
            None => text,
        };
        out.write_all(text.as_bytes()).context("writing to stdout")?;
        return Ok(exit::SUCCESS);
    }

    let Some(token) = token else {
        return Err(user(format!("no GitHub token: ${} is not set", a.token_env))
            .hint(format!(
                "in a workflow add `env: {}: ${{{{ secrets.GITHUB_TOKEN }}}}` and `permissions: {{ pull-requests: write, statuses: write }}`; locally export a token with those rights, or use --dry-run",
                a.token_env
            ))
            .into());
    };
    let rt =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the async runtime")?;
    // octocrab's client spawns its request buffer: build it inside the runtime.
    let _entered = rt.enter();
    let api = Api::new(&api_url, &token, &a.token_env, Duration::from_secs(a.max_wait))?;
    let outcome = rt.block_on(publish::publish(&api, &plan));

    if !ui.quiet {
        let mut lines = Vec::new();
        if let Some((created, id, url)) = &outcome.comment {
            let pr = outcome.pr.map(|n| format!("#{n}")).unwrap_or_default();
            let link = if url.is_empty() { format!("comment {id}") } else { url.clone() };
            lines.push(format!(
                "{} mlgate's comment on {}/{}{pr}: {link}",
                if *created { "posted" } else { "updated" },
                plan.owner,
                plan.repo
            ));
        }
        if let (Some(state), Some(s)) = (outcome.status, &plan.status) {
            lines.push(format!(
                "set commit status {} = {state} on {}: {}",
                s.context,
                plan.sha.as_deref().map(|x| &x[..12]).unwrap_or(""),
                s.description
            ));
        }
        let mut out = std::io::stdout().lock();
        for l in lines {
            writeln!(out, "{}", scrub(&l, &token)).context("writing to stdout")?;
        }
    }
    if outcome.errors.is_empty() {
        return Ok(exit::SUCCESS);
    }
    for e in &outcome.errors {
        print_problem(ui, e, a.strict);
    }
    if a.strict {
        Ok(exit::RUNTIME_ERROR)
    } else {
        crate::ui::eprint_line(
            "note: the gates' verdict is unaffected; pass --strict to make a failed post fail this step",
        );
        Ok(exit::SUCCESS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_respects_the_limit_and_says_so() {
        let long = "line\n".repeat(20_000);
        let c = cut(&long, 10_000);
        assert!(c.chars().count() <= 10_000);
        assert!(c.contains("Cut to fit"));
        assert_eq!(cut("short", 10), "short");
    }
}
