//! OpenSSH's allowed_signers file (ssh-keygen(1), "ALLOWED SIGNERS"), read the way
//! `ssh-keygen -Y verify` reads it, so mlgate and OpenSSH accept the same signatures:
//!
//! ```text
//! # principals            options                                   key
//! alice@example.com       namespaces="mlgate",valid-after="20260101" ssh-ed25519 AAAA…
//! *@ml.example.com,!eve@* valid-before="20271231Z"                  ecdsa-sha2-nistp256 AAAA…
//! ```
//!
//! Principals and namespaces are pattern lists (`*`, `?`, `!` to exclude). Times are
//! `YYYYMMDD[HHMM[SS]]`, in UTC with a trailing `Z`, else in the machine's local time (as
//! OpenSSH reads them). `cert-authority` lines (trust in an SSH certificate authority) are
//! kept and reported but never match: mlgate verifies plain keys only. A malformed line is
//! an error naming the line, not a line silently skipped.

use anyhow::Result;
use chrono::{Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use ssh_key::{HashAlg, PublicKey, public::KeyData};

use crate::error::user;

/// One line of an allowed_signers file.
#[derive(Debug, Clone)]
pub struct SignerLine {
    /// 1-based line number in the file.
    pub line: usize,
    pub principals: Vec<String>,
    pub namespaces: Option<Vec<String>>,
    pub valid_after: Option<i64>,
    pub valid_before: Option<i64>,
    pub cert_authority: bool,
    pub key: PublicKey,
}

/// A parsed allowed_signers file.
#[derive(Debug, Clone, Default)]
pub struct Signers {
    pub shown: String,
    pub lines: Vec<SignerLine>,
}

/// Keys that no longer count, whatever allowed_signers says (`ssh-keygen -Y verify -r`).
#[derive(Debug, Clone, Default)]
pub struct Revoked(Vec<KeyData>);

/// Whether `s` matches one OpenSSH pattern (`*` any run, `?` one character). Greedy with
/// backtracking to the last `*` only: at most |pattern| × |s| steps, however many stars a
/// pattern in a pull request holds.
pub fn matches(pattern: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (pattern.chars().collect(), s.chars().collect());
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < s.len() {
        if i < p.len() && (p[i] == '?' || (p[i] != '*' && p[i] == s[j])) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            // The last star takes one more character.
            star = Some((si, sj + 1));
            i = si + 1;
            j = sj + 1;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

/// Whether `s` matches a pattern list: some positive pattern matches and no `!` one does.
pub fn matches_list(list: &[String], s: &str) -> bool {
    let mut hit = false;
    for p in list {
        if let Some(neg) = p.strip_prefix('!') {
            if matches(neg, s) {
                return false;
            }
        } else if matches(p, s) {
            hit = true;
        }
    }
    hit
}

/// `YYYYMMDD[HHMM[SS]][Z]` as Unix seconds.
pub fn parse_time(text: &str) -> Option<i64> {
    let (digits, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(d) => (d, true),
        None => (text, false),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<u32>().ok());
    let date = NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?)?;
    let (h, m, s) = match digits.len() {
        8 => (0, 0, 0),
        12 => (n(8..10)?, n(10..12)?, 0),
        14 => (n(8..10)?, n(10..12)?, n(12..14)?),
        _ => return None,
    };
    let naive: NaiveDateTime = date.and_hms_opt(h, m, s)?;
    if utc {
        Some(Utc.from_utc_datetime(&naive).timestamp())
    } else {
        Local.from_local_datetime(&naive).earliest().map(|t| t.timestamp())
    }
}

/// Splits a comma-separated option list, keeping commas inside quotes.
fn split_options(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// The first whitespace-separated field of `s` (a quoted field may hold spaces) and the rest.
fn field(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    if s.is_empty() {
        return None;
    }
    if let Some(rest) = s.strip_prefix('"') {
        let end = rest.find('"')?;
        return Some((rest[..end].to_string(), &rest[end + 1..]));
    }
    // Options may hold quoted spaces: a field ends at whitespace outside quotes.
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c.is_whitespace() && !quoted {
            return Some((s[..i].to_string(), &s[i..]));
        }
    }
    Some((s.to_string(), ""))
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v)
}

fn parse_line(text: &str, line: usize, shown: &str) -> Result<SignerLine> {
    let bad = |what: String| {
        user(format!("{shown}:{line}: {what}"))
            .hint("each line is `principals [options] key-type base64-key [comment]`, as ssh-keygen(1) describes under ALLOWED SIGNERS")
    };
    let (principals, rest) = field(text).ok_or_else(|| bad("no principals".into()))?;
    let principals = principals.split(',').map(str::to_string).filter(|p| !p.is_empty()).collect();
    let (mut namespaces, mut valid_after, mut valid_before, mut cert_authority) = (None, None, None, false);
    // The key follows the principals directly, or after the options.
    let key = match PublicKey::from_openssh(rest.trim()) {
        Ok(k) => k,
        Err(_) => {
            let (opts, key) = field(rest).ok_or_else(|| bad("no key after the principals".into()))?;
            for opt in split_options(&opts) {
                let (name, value) = opt.split_once('=').map(|(n, v)| (n, Some(unquote(v)))).unwrap_or((&opt, None));
                match (name.to_ascii_lowercase().as_str(), value) {
                    ("cert-authority", None) => cert_authority = true,
                    ("namespaces", Some(v)) => namespaces = Some(v.split(',').map(str::to_string).collect()),
                    (w @ ("valid-after" | "valid-before"), Some(v)) => {
                        let t = parse_time(v).ok_or_else(|| bad(format!("{w}={v:?} is not YYYYMMDD[HHMM[SS]][Z]")))?;
                        *if w == "valid-after" { &mut valid_after } else { &mut valid_before } = Some(t);
                    }
                    _ => return Err(bad(format!("unknown option {opt:?} (or a key mlgate cannot read)")).into()),
                }
            }
            PublicKey::from_openssh(key.trim()).map_err(|e| bad(format!("the key does not parse ({e})")))?
        }
    };
    Ok(SignerLine { line, principals, namespaces, valid_after, valid_before, cert_authority, key })
}

impl Signers {
    /// Parses an allowed_signers file's text; `shown` names it in messages.
    pub fn parse(text: &str, shown: &str) -> Result<Signers> {
        let mut lines = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let t = raw.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            lines.push(parse_line(t, i + 1, shown)?);
        }
        Ok(Signers { shown: shown.to_string(), lines })
    }

    /// Reads and parses an allowed_signers file.
    pub fn read(path: &std::path::Path) -> Result<Signers> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            user(format!("cannot read the allowed signers file {shown}: {e}"))
                .hint("one line per signer: `alice@example.com ssh-ed25519 AAAA…` (ssh-keygen(1), ALLOWED SIGNERS)")
        })?;
        Signers::parse(&text, &shown)
    }
}

impl Revoked {
    /// A file of public keys, one per line (`ssh-keygen -r` also takes such a file).
    pub fn read(path: &std::path::Path) -> Result<Revoked> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| user(format!("cannot read the revoked keys file {shown}: {e}")))?;
        if bytes.starts_with(b"SSHKRL\n") {
            return Err(user(format!("{shown} is a binary key revocation list (KRL)"))
                .hint("list the revoked public keys one per line instead (the lines of their .pub files)")
                .into());
        }
        let text = String::from_utf8_lossy(&bytes);
        let mut keys = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let t = raw.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let k = PublicKey::from_openssh(t).map_err(|e| {
                user(format!("{shown}:{}: not a public key ({e})", i + 1))
                    .hint("one `ssh-ed25519 AAAA…` line per revoked key")
            })?;
            keys.push(k.key_data().clone());
        }
        Ok(Revoked(keys))
    }

    pub fn contains(&self, k: &KeyData) -> bool {
        self.0.contains(k)
    }
}

/// The SHA-256 fingerprint of a key, as `ssh-keygen -l` prints it.
pub fn fingerprint(k: &KeyData) -> String {
    k.fingerprint(HashAlg::Sha256).to_string()
}
