//! The promotion registry: a committed JSON-lines file, one signed entry per stage change
//! (`mlgate promote`). Each entry carries the SHA-256 of the line before it and a sequence
//! number, and is signed (SSHSIG over the entry without its signature), so an edited,
//! removed or reordered earlier entry breaks the chain, a missing one leaves a gap, and an
//! edited last entry breaks its signature. Where the file is committed, every earlier
//! commit's version must also be a prefix of the current one: append-only in history too.

use serde::{Deserialize, Serialize};

use super::Finding;
use super::judge::{Trust, Valid};
use crate::provenance::sha256_hex;
use crate::results::Results;
use crate::results::release::{Promotion, ReleaseHistory};
use crate::sign::{SigningKey, verify::verify};

/// The approval an entry rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRef {
    pub file: String,
    pub sha256: String,
    pub approver: String,
    pub decision: String,
}

/// One registry line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub seq: u64,
    pub time: String,
    pub model: String,
    pub stage: String,
    pub previous_stage: Option<String>,
    pub results_sha256: String,
    pub verdict: String,
    pub commit: Option<String>,
    pub approval: ApprovalRef,
    /// Who promoted: the principal of the key that signed this entry.
    pub by: String,
    pub key: String,
    /// SHA-256 of the previous line's text; `None` for the first entry.
    pub prev_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

impl Entry {
    /// The bytes the signature covers: the entry as one JSON line, without `sig`.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut e = self.clone();
        e.sig = None;
        serde_json::to_vec(&e).expect("entries serialise")
    }

    fn promotion(&self) -> Promotion {
        Promotion {
            seq: self.seq,
            time: self.time.clone(),
            stage: self.stage.clone(),
            previous_stage: self.previous_stage.clone(),
            by: self.by.clone(),
            approver: self.approval.approver.clone(),
            decision: self.approval.decision.clone(),
            results_sha256: self.results_sha256.clone(),
            verdict: self.verdict.clone(),
            commit: self.commit.clone(),
        }
    }
}

/// Reads a registry's text: the entries that parse, and a failing finding for every break
/// (unreadable line, gap, rewritten predecessor, bad or missing signature).
pub fn check(text: &str, shown: &str, trust: Option<&Trust>) -> (Vec<Entry>, Vec<Finding>) {
    let (mut entries, mut out) = (Vec::new(), Vec::new());
    let mut prev_line: Option<&str> = None;
    let mut expected = 1u64;
    for (i, line) in text.lines().enumerate() {
        let at = format!("{shown}:{}", i + 1);
        if line.trim().is_empty() {
            out.push(Finding::fail(format!("{at}: an empty line (the registry is one entry per line)")));
            continue;
        }
        let e: Entry = match serde_json::from_str(line) {
            Ok(e) => e,
            Err(e) => {
                out.push(Finding::fail(format!("{at}: not a registry entry ({e})")));
                prev_line = Some(line);
                expected += 1;
                continue;
            }
        };
        if e.seq != expected {
            out.push(Finding::fail(format!(
                "{at}: entry number {} where {expected} was due — entries are missing or reordered",
                e.seq
            )));
        }
        let want = prev_line.map(|p| sha256_hex(p.as_bytes()));
        if e.prev_sha256 != want {
            out.push(Finding::fail(match prev_line {
                Some(_) => {
                    format!("{at}: the entry before it was rewritten (its SHA-256 is not the one this entry recorded)")
                }
                None => format!("{at}: the first entry names a predecessor — earlier entries were removed"),
            }));
        }
        match (&e.sig, trust) {
            (None, _) => out.push(Finding::fail(format!("{at}: entry {} is unsigned", e.seq))),
            (Some(_), None) => {}
            (Some(sig), Some(trust)) => {
                if let Err(p) = verify(trust.signers, trust.revoked, &e.signed_bytes(), sig, Some(&e.by), trust.at) {
                    out.push(Finding::fail(format!("{at}: entry {}: {p}", e.seq)));
                }
            }
        }
        expected = e.seq.max(expected) + 1;
        prev_line = Some(line);
        entries.push(e);
    }
    (entries, out)
}

/// Every committed version of the registry must be a prefix of the current text.
pub fn check_history(history: &[(String, Option<String>)], current: &str, shown: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (commit, old) in history {
        let Some(old) = old else { continue };
        if !current.starts_with(old.as_str()) {
            out.push(Finding::fail(format!(
                "{shown}: the version committed in {} is not a prefix of the current file — history was rewritten, not appended",
                &commit[..12.min(commit.len())]
            )));
        }
    }
    out
}

/// The new line for promoting `model` to `stage` on the results `r` (digest `digest`) and
/// the approval `approval`, appended to the `entries` already in the registry (`text`).
pub struct Promote<'a> {
    pub model: &'a str,
    pub stage: &'a str,
    pub by: &'a str,
    pub time: String,
    pub approval_file: String,
}

pub fn entry_line(
    p: &Promote,
    text: &str,
    entries: &[Entry],
    r: &Results,
    digest: &str,
    approval: &Valid,
    key: &SigningKey,
) -> anyhow::Result<String> {
    let previous_stage = entries.iter().rev().find(|e| e.model == p.model).map(|e| e.stage.clone());
    let mut e = Entry {
        seq: entries.last().map(|e| e.seq + 1).unwrap_or(1),
        time: p.time.clone(),
        model: p.model.to_string(),
        stage: p.stage.to_string(),
        previous_stage,
        results_sha256: digest.to_string(),
        verdict: r.verdict.status.as_str().to_string(),
        commit: r.run.git.as_ref().map(|g| g.commit.clone()),
        approval: ApprovalRef {
            file: p.approval_file.clone(),
            sha256: approval.sha256.clone(),
            approver: approval.record.approver.clone(),
            decision: approval.record.decision.as_str().to_string(),
        },
        by: p.by.to_string(),
        key: key.fingerprint(),
        prev_sha256: text.lines().last().map(|l| sha256_hex(l.as_bytes())),
        sig: None,
    };
    e.sig = Some(key.sign(&e.signed_bytes())?);
    Ok(serde_json::to_string(&e)?)
}

/// The history of one model, for the release report.
pub fn history(model: &str, shown: &str, text: &str, entries: &[Entry], problems: &[Finding]) -> ReleaseHistory {
    ReleaseHistory {
        model: model.to_string(),
        registry: shown.to_string(),
        registry_sha256: sha256_hex(text.as_bytes()),
        promotions: entries.iter().filter(|e| e.model == model).map(Entry::promotion).collect(),
        problems: problems.iter().filter(|f| f.ok == Some(false)).map(|f| f.text.clone()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64, prev: Option<&str>) -> String {
        let e = Entry {
            seq,
            time: "2026-12-01T00:00:00Z".into(),
            model: "m".into(),
            stage: "production".into(),
            previous_stage: None,
            results_sha256: "0".repeat(64),
            verdict: "pass".into(),
            commit: None,
            approval: ApprovalRef {
                file: "a.json".into(),
                sha256: "1".repeat(64),
                approver: "a".into(),
                decision: "promote".into(),
            },
            by: "b".into(),
            key: "SHA256:x".into(),
            prev_sha256: prev.map(|p| sha256_hex(p.as_bytes())),
            sig: Some("sig".into()),
        };
        serde_json::to_string(&e).unwrap()
    }

    fn failures(text: &str) -> Vec<String> {
        check(text, "r", None).1.into_iter().filter(|f| f.ok == Some(false)).map(|f| f.text).collect()
    }

    #[test]
    fn the_chain_finds_rewrites_gaps_and_removals() {
        let one = entry(1, None);
        let two = entry(2, Some(&one));
        let three = entry(3, Some(&two));
        assert!(failures(&format!("{one}\n{two}\n{three}\n")).is_empty());
        // An earlier entry rewritten: the next one's link breaks.
        let f = failures(&format!("{}\n{two}\n{three}\n", one.replace("production", "staging")));
        assert!(f.len() == 1 && f[0].starts_with("r:2: the entry before it was rewritten"), "{f:?}");
        // An entry removed in the middle: a gap and a broken link.
        let f = failures(&format!("{one}\n{three}\n"));
        assert!(f.iter().any(|m| m.contains("entry number 3 where 2 was due")), "{f:?}");
        // The first entries removed.
        let f = failures(&format!("{two}\n{three}\n"));
        assert!(f.iter().any(|m| m.contains("earlier entries were removed")), "{f:?}");
        // Garbage and empty lines are named, not skipped.
        let f = failures(&format!("{one}\n\nnot json\n"));
        assert_eq!(f.len(), 2, "{f:?}");
    }

    #[test]
    fn history_must_only_ever_append() {
        let now = "a\nb\nc\n";
        assert!(check_history(&[("c1".into(), Some("a\nb\n".into())), ("c0".into(), None)], now, "r").is_empty());
        let f = check_history(&[("0123456789abcdef".into(), Some("a\nX\n".into()))], now, "r");
        assert!(f[0].text.contains("committed in 0123456789ab is not a prefix"), "{:?}", f);
    }
}
