//! Checking one SSHSIG signature against an allowed_signers file, with the same rules as
//! `ssh-keygen -Y verify -n mlgate`: the signature is valid for the exact bytes and the
//! `mlgate` namespace, its key is on a line of the file that allows the namespace and is
//! valid at the time of verification, the key is not revoked, and (with an identity) one of
//! the line's principal patterns matches that identity.

use ssh_key::{PublicKey, SshSig};

use super::key::NAMESPACE;
use super::signers::{Revoked, Signers, fingerprint, matches_list};

/// Who signed, when the signature holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Signer {
    /// The key's SHA-256 fingerprint.
    pub fingerprint: String,
    /// The principals of the matching line (patterns as written).
    pub principals: Vec<String>,
    /// The matching line of the allowed signers file.
    pub line: usize,
}

/// Why a signature does not count. Each names what to look at.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Not an armored SSH signature at all.
    Unreadable(String),
    /// Made for another purpose (`ssh-keygen -Y sign -n other`).
    Namespace(String),
    /// The bytes are not the ones that were signed.
    Altered { fingerprint: String },
    /// The key is on no line of the allowed signers file.
    UnknownSigner { fingerprint: String },
    /// The key is listed in the revoked keys file.
    Revoked { fingerprint: String },
    /// The key's lines do not allow this namespace.
    NamespaceNotAllowed { fingerprint: String, lines: Vec<usize> },
    /// Every line for the key is outside its validity at the time of verification.
    NotValid { fingerprint: String, why: String },
    /// The key is allowed, but not for this identity.
    Identity { fingerprint: String, identity: String, principals: Vec<String> },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Unreadable(e) => write!(f, "the signature file is not an SSH signature ({e})"),
            Problem::Namespace(n) => write!(f, "the signature is for namespace {n:?}, not {NAMESPACE:?}"),
            Problem::Altered { fingerprint } => {
                write!(
                    f,
                    "the signed file was altered after it was signed (signature by {fingerprint} does not match its bytes)"
                )
            }
            Problem::UnknownSigner { fingerprint } => {
                write!(f, "signed by {fingerprint}, a key that is not in the allowed signers file")
            }
            Problem::Revoked { fingerprint } => write!(f, "signed by {fingerprint}, a revoked key"),
            Problem::NamespaceNotAllowed { fingerprint, lines } => write!(
                f,
                "signed by {fingerprint}, whose allowed signers line(s) {} do not allow the {NAMESPACE:?} namespace",
                join(lines)
            ),
            Problem::NotValid { fingerprint, why } => write!(f, "signed by {fingerprint}, {why}"),
            Problem::Identity { fingerprint, identity, principals } => write!(
                f,
                "signed by {fingerprint}, which the allowed signers file lists for {} — not for {identity:?}",
                principals.join(", ")
            ),
        }
    }
}

fn join(lines: &[usize]) -> String {
    lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")
}

fn when(t: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M:%SZ").to_string())
        .unwrap_or_else(|| t.to_string())
}

/// Verifies `sig_text` over `msg`. `identity`: the principal the signer must be (as `-I`);
/// `at`: the time the signer lines must be valid at (Unix seconds; `-Overify-time`).
pub fn verify(
    signers: &Signers,
    revoked: &Revoked,
    msg: &[u8],
    sig_text: &str,
    identity: Option<&str>,
    at: i64,
) -> Result<Signer, Problem> {
    let sig = SshSig::from_pem(sig_text.trim().as_bytes()).map_err(|e| Problem::Unreadable(e.to_string()))?;
    if sig.namespace() != NAMESPACE {
        return Err(Problem::Namespace(sig.namespace().to_string()));
    }
    let key = sig.public_key().clone();
    let fp = fingerprint(&key);
    PublicKey::new(key.clone(), "")
        .verify(NAMESPACE, msg, &sig)
        .map_err(|_| Problem::Altered { fingerprint: fp.clone() })?;
    if revoked.contains(&key) {
        return Err(Problem::Revoked { fingerprint: fp });
    }
    let mine: Vec<_> = signers.lines.iter().filter(|l| !l.cert_authority && l.key.key_data() == &key).collect();
    if mine.is_empty() {
        return Err(Problem::UnknownSigner { fingerprint: fp });
    }
    let allowed: Vec<_> =
        mine.iter().filter(|l| l.namespaces.as_ref().is_none_or(|ns| matches_list(ns, NAMESPACE))).collect();
    if allowed.is_empty() {
        return Err(Problem::NamespaceNotAllowed { fingerprint: fp, lines: mine.iter().map(|l| l.line).collect() });
    }
    let valid: Vec<_> = allowed
        .iter()
        .filter(|l| l.valid_after.is_none_or(|t| at >= t) && l.valid_before.is_none_or(|t| at <= t))
        .collect();
    let Some(first) = valid.first() else {
        let l = allowed[0];
        let why = match (l.valid_after, l.valid_before) {
            (Some(a), _) if at < a => format!("whose allowed signers line {} is valid only from {}", l.line, when(a)),
            (_, Some(b)) => format!("whose allowed signers line {} expired at {}", l.line, when(b)),
            _ => format!("whose allowed signers line {} is not valid now", l.line),
        };
        return Err(Problem::NotValid { fingerprint: fp, why: format!("{why} (checked at {})", when(at)) });
    };
    match identity {
        None => Ok(Signer { fingerprint: fp, principals: first.principals.clone(), line: first.line }),
        Some(id) => match valid.iter().find(|l| matches_list(&l.principals, id)) {
            Some(l) => Ok(Signer { fingerprint: fp, principals: l.principals.clone(), line: l.line }),
            None => Err(Problem::Identity {
                fingerprint: fp,
                identity: id.to_string(),
                principals: valid.iter().flat_map(|l| l.principals.clone()).collect(),
            }),
        },
    }
}
