//! What a report needs to be trusted later: digests of inputs, the git state, and a
//! timestamp that honours `SOURCE_DATE_EPOCH` so the same inputs give byte-identical output.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::error::user;
use crate::results::GitInfo;

/// Lower-case hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// SHA-256 of a file, streamed in 1 MiB blocks.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).with_context(|| format!("opening {} to hash it", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

/// The run's timestamp: `SOURCE_DATE_EPOCH` when set (reproducible builds convention), else
/// the current time, as RFC 3339 UTC with second precision.
pub fn timestamp() -> Result<String> {
    let secs = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse::<i64>().map_err(|_| {
            user(format!("SOURCE_DATE_EPOCH={v:?} is not a whole number of seconds"))
                .hint("set it to a Unix time such as `$(git log -1 --format=%ct)`, or unset it")
        })?,
        Err(_) => chrono::Utc::now().timestamp(),
    };
    let dt = chrono::DateTime::<chrono::Utc>::from_timestamp(secs, 0)
        .ok_or_else(|| user(format!("SOURCE_DATE_EPOCH={secs} is out of range")))?;
    Ok(dt.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// [`crate::git::git`] with the output trimmed.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    crate::git::git(dir, args).map(|s| s.trim().to_string())
}

/// The commit, branch and dirty flag of the repository containing `dir`, if any.
///
/// Only tracked files count as dirty: the reports mlgate itself writes into the work tree
/// must not change the next run's provenance.
pub fn git_info(dir: &Path) -> Option<GitInfo> {
    let commit = git(dir, &["rev-parse", "HEAD"])?;
    let branch = std::env::var("GITHUB_HEAD_REF")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| git(dir, &["rev-parse", "--abbrev-ref", "HEAD"]).filter(|b| b != "HEAD"));
    let dirty = git(dir, &["status", "--porcelain", "--untracked-files=no"]).map(|s| !s.is_empty()).unwrap_or(false);
    Some(GitInfo { commit, branch, dirty })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_string() {
        // echo -n abc | sha256sum
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
