//! The release rule: results may be promoted only when an approval record, signed by an
//! allowed signer under the approver's own identity, covers their exact SHA-256 — and
//! either the results passed and the decision is `promote`, or every check that blocks is
//! waived by name. A valid `reject` for the same results blocks whatever else was signed.

use super::record::{Decision, Record};
use super::{Finding, Item, blocking};
use crate::results::Results;
use crate::sign::{Revoked, Signers, verify::verify};

/// An approval record file as found on disk.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub shown: String,
    pub text: String,
    /// The text of `FILE.sig`, when it exists.
    pub sig: Option<String>,
}

/// What the keys are checked against.
pub struct Trust<'a> {
    pub signers: &'a Signers,
    pub revoked: &'a Revoked,
    /// Unix seconds the allowed signers lines must be valid at.
    pub at: i64,
}

/// A record that holds: its signature verifies for its approver and it matches the results.
#[derive(Debug, Clone)]
pub struct Valid {
    pub shown: String,
    pub record: Record,
    pub sha256: String,
}

/// The records that cover `digest` and hold, with a finding for each one that does not.
pub fn valid_records(
    r: &Results,
    digest: &str,
    found: &[Candidate],
    trust: &Trust,
    out: &mut Vec<Finding>,
) -> Vec<Valid> {
    let mut valid = Vec::new();
    let mut other = 0usize;
    let commit = r.run.git.as_ref().map(|g| g.commit.clone());
    for c in found {
        let rec = match Record::parse(&c.text) {
            None => continue,
            Some(Err(e)) => {
                out.push(Finding::fail(format!("{}: not a readable approval record ({e})", c.shown)));
                continue;
            }
            Some(Ok(rec)) => rec,
        };
        if rec.results_sha256 != digest {
            other += 1;
            continue;
        }
        let Some(sig) = &c.sig else {
            out.push(Finding::fail(format!(
                "{}: unsigned ({}.sig is missing); it counts for nothing",
                c.shown, c.shown
            )));
            continue;
        };
        match verify(trust.signers, trust.revoked, c.text.as_bytes(), sig, Some(&rec.approver), trust.at) {
            Err(p) => out.push(Finding::fail(format!("{}: {p}", c.shown))),
            Ok(who) => {
                if rec.verdict != r.verdict.status.as_str() || (rec.commit.is_some() && rec.commit != commit) {
                    out.push(Finding::fail(format!(
                        "{}: states verdict {} at {}, but the results say {} at {}",
                        c.shown,
                        rec.verdict,
                        rec.commit.as_deref().unwrap_or("no commit"),
                        r.verdict.status.as_str(),
                        commit.as_deref().unwrap_or("no commit")
                    )));
                    continue;
                }
                out.push(Finding::pass(format!(
                    "{}: {} by {} at {} (key {}, allowed signers line {}): {}",
                    c.shown,
                    rec.decision.as_str(),
                    rec.approver,
                    rec.time,
                    who.fingerprint,
                    who.line,
                    rec.reason
                )));
                valid.push(Valid {
                    shown: c.shown.clone(),
                    sha256: crate::provenance::sha256_hex(c.text.as_bytes()),
                    record: rec,
                });
            }
        }
    }
    if other > 0 {
        out.push(Finding::note(format!("{other} approval record(s) for other results ignored")));
    }
    valid
}

/// The record a promotion rests on: a `promote` when the results pass, else a waiver that
/// covers every failing check by itself, else the newest waiver.
pub fn basis<'a>(r: &Results, valid: &'a [Valid]) -> Option<&'a Valid> {
    let failing = blocking(r);
    let alone = |v: &&Valid| failing.iter().all(|i| v.record.waives(i));
    valid
        .iter()
        .rev()
        .find(|v| failing.is_empty() && v.record.decision == Decision::Promote)
        .or_else(|| valid.iter().rev().find(|v| v.record.decision == Decision::Waive && alone(v)))
        .or_else(|| valid.iter().rev().find(|v| v.record.decision != Decision::Reject))
}

/// Whether the valid records allow releasing `r`, with the finding that says why.
pub fn decide(r: &Results, valid: &[Valid]) -> (bool, Finding) {
    if let Some(v) = valid.iter().find(|v| v.record.decision == Decision::Reject) {
        let rec = &v.record;
        return (false, Finding::fail(format!("rejected by {} at {}: {}", rec.approver, rec.time, rec.reason)));
    }
    let failing = blocking(r);
    if failing.is_empty() {
        return match valid.iter().find(|v| matches!(v.record.decision, Decision::Promote | Decision::Waive)) {
            Some(v) => (true, Finding::pass(format!("approved for release by {} ({})", v.record.approver, v.shown))),
            None => (false, Finding::fail("no approval record signed by an allowed signer covers these results")),
        };
    }
    if !valid.iter().any(|v| v.record.decision == Decision::Waive) {
        let why = if valid.is_empty() {
            "no approval record signed by an allowed signer covers them"
        } else {
            "a promote decision does not waive failing checks"
        };
        return (
            false,
            Finding::fail(format!("the results block a release ({} failing check(s)) and {why}", failing.len())),
        );
    }
    let unwaived: Vec<&Item> = failing.iter().filter(|i| !valid.iter().any(|v| v.record.waives(i))).collect();
    if unwaived.is_empty() {
        let by: Vec<String> =
            valid.iter().filter(|v| v.record.decision == Decision::Waive).map(|v| v.record.approver.clone()).collect();
        (true, Finding::pass(format!("every failing check ({}) is waived, by {}", failing.len(), by.join(", "))))
    } else {
        let shown: Vec<String> = unwaived.iter().take(10).map(|i| i.to_string()).collect();
        (
            false,
            Finding::fail(format!(
                "{} failing check(s) not waived by any record: {}{}",
                unwaived.len(),
                shown.join(", "),
                if unwaived.len() > 10 { ", …" } else { "" }
            )),
        )
    }
}
