//! A small client for the few REST calls mlgate makes, on octocrab's HTTP stack.
//!
//! It adds what a CI tool needs on top: GitHub's error bodies turned into messages that say
//! what to fix, bounded waiting on rate limits (`retry-after`, `x-ratelimit-reset`), a
//! couple of retries on 5xx and network errors, pagination that never sends the token to
//! another host, and the token scrubbed from every message.

use std::time::Duration;

use http::{HeaderMap, Method, Uri};
use octocrab::Octocrab;
use octocrab::service::middleware::retry::RetryConfig;
use serde_json::Value;

/// A failed API call, with the message and the fix, already free of the token.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status, or `None` for network errors.
    pub status: Option<u16>,
    pub message: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// A successful response.
#[derive(Debug)]
pub struct Reply {
    pub headers: HeaderMap,
    pub body: Value,
}

pub struct Api {
    octo: Octocrab,
    base: Uri,
    base_url: String,
    token: String,
    token_env: String,
    /// Longest total wait on rate limits before giving up.
    max_wait: Duration,
}

/// Replaces every occurrence of the token with `***`: the token itself, and any base64 run
/// that encodes it at any alignment, in either alphabet (`actions/checkout` keeps
/// `basic base64("x-access-token:" + token)` in `.git/config`, where a report could quote it).
pub fn scrub(text: &str, token: &str) -> String {
    if token.len() < 4 {
        return text.to_string();
    }
    let mut out = text.replace(token, "***");
    for core in base64_cores(token) {
        while let Some(i) = out.find(&core) {
            let b = out.as_bytes();
            let is_b64 = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_' | b'=');
            let start = (0..i).rev().take_while(|&k| is_b64(b[k])).last().unwrap_or(i);
            let end = (i + core.len()..b.len()).find(|&k| !is_b64(b[k])).unwrap_or(b.len());
            out.replace_range(start..end, "***");
        }
    }
    out
}

/// The base64 characters that depend on the token's bytes alone, for each of the three
/// alignments the token can have inside encoded text, in the standard and URL-safe alphabets.
fn base64_cores(token: &str) -> Vec<String> {
    use base64::Engine;
    let mut cores = Vec::new();
    for pad in 0..3usize {
        let mut bytes = vec![0u8; pad];
        bytes.extend_from_slice(token.as_bytes());
        let (first, last) = ((8 * pad).div_ceil(6), 8 * (pad + token.len()) / 6);
        for engine in
            [&base64::engine::general_purpose::STANDARD_NO_PAD, &base64::engine::general_purpose::URL_SAFE_NO_PAD]
        {
            let encoded = engine.encode(&bytes);
            if last > first + 8 {
                cores.push(encoded[first..last].to_string());
            }
        }
    }
    cores.dedup();
    cores
}

/// Short, single-line text from an untrusted source (an error body), scrubbed.
fn clean(text: &str, token: &str, max: usize) -> String {
    let s: String = scrub(text, token).chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if s.chars().count() > max { format!("{}…", s.chars().take(max).collect::<String>()) } else { s }
}

/// GitHub's `message` plus the `errors[]` details of an error body.
fn github_message(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return body.trim().chars().take(200).collect();
    };
    let mut msg = v["message"].as_str().unwrap_or("").to_string();
    let details: Vec<String> = v["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| match e {
            Value::String(s) => Some(s.clone()),
            Value::Object(_) => e["message"].as_str().map(str::to_string).or_else(|| {
                Some(format!(
                    "{} {} {}",
                    e["resource"].as_str()?,
                    e["field"].as_str().unwrap_or(""),
                    e["code"].as_str().unwrap_or("")
                ))
            }),
            _ => None,
        })
        .collect();
    if !details.is_empty() {
        msg.push_str(&format!(" ({})", details.join("; ")));
    }
    msg
}

fn header_u64(h: &HeaderMap, name: &str) -> Option<u64> {
    h.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Seconds to wait before retrying, when a response is a rate limit.
pub fn rate_limit_wait(status: u16, headers: &HeaderMap, body: &str, now_epoch: u64) -> Option<u64> {
    let until_reset = || header_u64(headers, "x-ratelimit-reset").map(|r| r.saturating_sub(now_epoch) + 1);
    let retry_after = header_u64(headers, "retry-after");
    let exhausted = headers.get("x-ratelimit-remaining").and_then(|v| v.to_str().ok()) == Some("0");
    let secondary = body.to_ascii_lowercase().contains("rate limit");
    match status {
        429 => Some(retry_after.or_else(until_reset).unwrap_or(60)),
        403 if retry_after.is_some() => retry_after,
        403 if exhausted => Some(until_reset().unwrap_or(60)),
        403 if secondary => Some(60),
        _ => None,
    }
}

fn now_epoch() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The next-page link of a `Link` header.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    let link = headers.get("link")?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        params.split(';').any(|p| p.trim() == "rel=\"next\"").then(|| url.to_string())
    })
}

impl Api {
    /// A client for `base_url` (already checked by `parse_api_url`).
    pub fn new(base_url: &str, token: &str, token_env: &str, max_wait: Duration) -> anyhow::Result<Api> {
        let base: Uri = base_url.parse()?;
        let octo = Octocrab::builder()
            .base_uri(base_url)?
            .personal_token(token.to_string())
            .add_retry_config(RetryConfig::None)
            .set_connect_timeout(Some(Duration::from_secs(10)))
            .set_read_timeout(Some(Duration::from_secs(60)))
            .set_write_timeout(Some(Duration::from_secs(60)))
            .build()
            .map_err(|e| anyhow::anyhow!("setting up the GitHub client: {}", scrub(&e.to_string(), token)))?;
        Ok(Api {
            octo,
            base,
            base_url: base_url.to_string(),
            token: token.to_string(),
            token_env: token_env.to_string(),
            max_wait,
        })
    }

    /// The URL shown for a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    fn network_error(&self, what: &str, err: &octocrab::Error) -> ApiError {
        // The root cause says what happened ("tcp connect error: Connection refused");
        // the layers above it only repeat "client error".
        let mut root = err.to_string();
        let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(err);
        while let Some(e) = cur {
            root = e.to_string();
            cur = e.source();
        }
        // octocrab appends backtraces to some messages; keep the first line.
        let root = root.lines().next().unwrap_or("").to_string();
        ApiError {
            status: None,
            message: clean(&format!("{what}: cannot reach {}: {root}", self.base_url), &self.token, 400),
            hint: Some("check the network and the API URL (GITHUB_API_URL or --api-url); GitHub Enterprise Server is https://HOST/api/v3".into()),
        }
    }

    fn http_error(&self, what: &str, status: u16, body: &str) -> ApiError {
        let gh = clean(&github_message(body), &self.token, 300);
        let detail = if gh.is_empty() { format!("{status}") } else { format!("{status}: {gh}") };
        let var = &self.token_env;
        let (message, hint) = match status {
            401 => (
                format!("{what}: GitHub rejected the token ({detail})"),
                format!("the token in ${var} is invalid, expired or revoked; in a workflow set `env: {var}: ${{{{ secrets.GITHUB_TOKEN }}}}`"),
            ),
            403 => (
                format!("{what}: the token is not allowed to do this ({detail})"),
                "on pull requests from forks GITHUB_TOKEN is read-only: run the gates on `pull_request`, upload the report, and post it from a `workflow_run` job (README, \"Fork pull requests\"); otherwise give the job `permissions: { pull-requests: write, statuses: write }`".into(),
            ),
            404 => (
                format!("{what}: not found ({detail})"),
                "check --repo, --pr and --sha; GitHub also answers 404 when the token cannot see a private repository".into(),
            ),
            422 => (
                format!("{what}: GitHub refused the request as invalid ({detail})"),
                "for a commit status the SHA must be a commit GitHub has (the PR's head, pushed); for a comment the body must be under 65,536 characters".into(),
            ),
            _ => (format!("{what}: GitHub answered {detail}"), "GitHub may be having trouble; see https://www.githubstatus.com and rerun".into()),
        };
        ApiError {
            status: Some(status),
            message: clean(&message, &self.token, 600),
            hint: Some(clean(&hint, &self.token, 600)),
        }
    }

    /// Sends one request, waiting out rate limits (up to `max_wait` in total) and retrying
    /// twice on server and network errors. `what` names the action for messages.
    pub async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Reply, ApiError> {
        let mut attempt = 0u32;
        let mut waited = 0u64;
        loop {
            attempt += 1;
            let req = self.request(method.clone(), path_and_query, true, body, what)?;
            let resp = match self.octo.execute(req).await {
                Ok(r) => r,
                Err(e) => {
                    if attempt <= 2 {
                        tokio::time::sleep(Duration::from_secs(attempt as u64)).await;
                        continue;
                    }
                    return Err(self.network_error(what, &e));
                }
            };
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let text = match self.octo.body_to_string(resp).await {
                Ok(t) => t,
                Err(e) => return Err(self.network_error(what, &e)),
            };
            if (200..300).contains(&status) {
                let body = if text.trim().is_empty() {
                    Value::Null
                } else {
                    serde_json::from_str(&text).unwrap_or(Value::Null)
                };
                return Ok(Reply { headers, body });
            }
            if let Some(wait) = rate_limit_wait(status, &headers, &text, now_epoch()) {
                if attempt <= 3 && waited + wait <= self.max_wait.as_secs() {
                    tokio::time::sleep(Duration::from_secs(wait)).await;
                    waited += wait;
                    continue;
                }
                let at = chrono::DateTime::from_timestamp((now_epoch() + wait) as i64, 0)
                    .map(|t| t.format("%H:%M:%S UTC").to_string())
                    .unwrap_or_default();
                return Err(ApiError {
                    status: Some(status),
                    message: clean(
                        &format!("{what}: GitHub's rate limit was reached ({status}: {})", github_message(&text)),
                        &self.token,
                        400,
                    ),
                    hint: Some(format!(
                        "GitHub asks to wait {wait} s (until {at}){}; rerun then, or raise --max-wait",
                        if waited > 0 { format!(" after mlgate already waited {waited} s") } else { String::new() }
                    )),
                });
            }
            if status >= 500 && attempt <= 2 {
                tokio::time::sleep(Duration::from_secs(attempt as u64)).await;
                continue;
            }
            return Err(self.http_error(what, status, &text));
        }
    }

    /// GETs every page of a list (per_page=100, following `Link: rel="next"` on the same
    /// host only), stopping after `max_pages`.
    pub async fn get_all(&self, path: &str, what: &str, max_pages: usize) -> Result<Vec<Value>, ApiError> {
        let mut items = Vec::new();
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{path}{sep}per_page=100"));
        let mut pages = 0;
        while let Some(p) = next.take() {
            pages += 1;
            let reply = self.send(Method::GET, &p, None, what).await?;
            match reply.body {
                Value::Array(a) => items.extend(a),
                _ => {
                    return Err(ApiError {
                        status: None,
                        message: format!("{what}: GitHub answered with something other than a list"),
                        hint: Some(
                            "check --api-url points at the REST API (GitHub Enterprise Server: https://HOST/api/v3)"
                                .into(),
                        ),
                    });
                }
            }
            if pages >= max_pages {
                break;
            }
            if let Some(link) = next_link(&reply.headers) {
                next = Some(self.same_host_path(&link).ok_or_else(|| ApiError {
                    status: None,
                    message: clean(
                        &format!(
                            "{what}: the next-page link {link:?} points away from {}; refusing to send the token there",
                            self.base_url
                        ),
                        &self.token,
                        400,
                    ),
                    hint: None,
                })?);
            }
        }
        Ok(items)
    }

    /// A request to the API's host with mlgate's user agent (and GitHub's JSON media type when
    /// `json`); octocrab adds the token and the API version.
    fn request(
        &self,
        method: Method,
        path_and_query: &str,
        json: bool,
        body: Option<&Value>,
        what: &str,
    ) -> Result<http::Request<octocrab::OctoBody>, ApiError> {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(path_and_query)
            .header(http::header::USER_AGENT, concat!("mlgate/", env!("CARGO_PKG_VERSION")));
        if json {
            builder = builder.header(http::header::ACCEPT, "application/vnd.github+json");
        }
        self.octo.build_request(builder, body).map_err(|e| ApiError {
            status: None,
            message: clean(&format!("{what}: cannot build the request: {e}"), &self.token, 300),
            hint: None,
        })
    }

    /// GETs raw bytes (an artefact's zip archive) from `url` on the API's host, following
    /// GitHub's redirect to its storage (the token is not sent to another host), reading at
    /// most `max` bytes: a larger body is refused, never buffered.
    pub async fn download(&self, url: &str, what: &str, max: u64) -> Result<Vec<u8>, ApiError> {
        use http_body_util::BodyExt;
        let path = self.same_host_path(url).ok_or_else(|| ApiError {
            status: None,
            message: clean(&format!("{what}: the download link is not on {}", self.base_url), &self.token, 300),
            hint: None,
        })?;
        let req = self.request(Method::GET, &path, false, None, what)?;
        let resp = self.octo.execute(req).await.map_err(|e| self.network_error(what, &e))?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            let text = self.octo.body_to_string(resp).await.unwrap_or_default();
            return Err(self.http_error(what, status, &text));
        }
        let mut body = resp.into_body();
        let mut out = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| self.network_error(what, &e))?;
            if let Some(d) = frame.data_ref() {
                if (out.len() + d.len()) as u64 > max {
                    return Err(ApiError {
                        status: None,
                        message: format!("{what}: larger than {} MiB; not downloaded", max >> 20),
                        hint: None,
                    });
                }
                out.extend_from_slice(d);
            }
        }
        Ok(out)
    }

    /// The path and query of `url` when it is on the API's own scheme and host.
    fn same_host_path(&self, url: &str) -> Option<String> {
        let u: Uri = url.parse().ok()?;
        (u.scheme() == self.base.scheme() && u.authority() == self.base.authority())
            .then(|| u.path_and_query().map(|p| p.as_str().to_string()))?
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_token_is_scrubbed_in_base64_at_every_alignment() {
        use base64::Engine;
        let token = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
        for prefix in ["x-access-token:", "x:", "ab:", ""] {
            let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{prefix}{token}"));
            let text = format!("extraheader = AUTHORIZATION: basic {b64}\nnext line");
            let s = super::scrub(&text, token);
            assert_eq!(s, "extraheader = AUTHORIZATION: basic ***\nnext line", "{prefix:?}");
        }
        assert_eq!(super::scrub(&format!("a {token} b"), token), "a *** b");
        assert_eq!(super::scrub("nothing to hide", token), "nothing to hide");
    }

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn rate_limits_are_recognised() {
        assert_eq!(rate_limit_wait(429, &headers(&[("retry-after", "7")]), "", 0), Some(7));
        assert_eq!(rate_limit_wait(429, &headers(&[]), "", 0), Some(60));
        let exhausted = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1000")]);
        assert_eq!(rate_limit_wait(403, &exhausted, "", 990), Some(11));
        assert_eq!(
            rate_limit_wait(403, &headers(&[]), r#"{"message":"You have exceeded a secondary rate limit"}"#, 0),
            Some(60)
        );
        // A plain 403 (a read-only token) is not a rate limit.
        assert_eq!(
            rate_limit_wait(403, &headers(&[]), r#"{"message":"Resource not accessible by integration"}"#, 0),
            None
        );
        assert_eq!(rate_limit_wait(404, &headers(&[("retry-after", "1")]), "", 0), None);
    }

    #[test]
    fn next_links_follow_rel_next_only() {
        let h = headers(&[(
            "link",
            r#"<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=9>; rel="last""#,
        )]);
        assert_eq!(
            next_link(&h).as_deref(),
            Some("https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2")
        );
        let last_only = headers(&[("link", r#"<https://x/y?page=1>; rel="prev", <https://x/y?page=1>; rel="first""#)]);
        assert_eq!(next_link(&last_only), None);
    }

    #[test]
    fn github_messages_include_details() {
        let body = r#"{"message":"Validation Failed","errors":[{"resource":"Status","code":"custom","field":"sha","message":"No commit found for SHA: abc"}],"documentation_url":"https://docs.github.com"}"#;
        assert_eq!(github_message(body), "Validation Failed (No commit found for SHA: abc)");
        assert_eq!(github_message("<html>Bad gateway</html>"), "<html>Bad gateway</html>");
    }

    #[test]
    fn the_token_is_scrubbed() {
        assert_eq!(clean("Bearer ghs_abcdef123\nmore", "ghs_abcdef123", 100), "Bearer *** more");
    }
}
