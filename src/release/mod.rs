//! Release evidence a compliance archive can trust: signed approval records (`record`),
//! the rule that decides whether they cover a set of results (`judge`), and the
//! append-only promotion registry (`registry`). Everything here reads results and files
//! it is given and returns findings; the CLI decides what to print and which exit code.

pub mod judge;
pub mod record;
pub mod registry;

use serde::{Deserialize, Serialize};

use crate::results::{FailOn, Results, Status};

/// One line of a verification: passed (`Some(true)`), failed (`Some(false)`) or a note.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub ok: Option<bool>,
    pub text: String,
}

impl Finding {
    pub fn pass(text: impl Into<String>) -> Finding {
        Finding { ok: Some(true), text: text.into() }
    }
    pub fn fail(text: impl Into<String>) -> Finding {
        Finding { ok: Some(false), text: text.into() }
    }
    pub fn note(text: impl Into<String>) -> Finding {
        Finding { ok: None, text: text.into() }
    }
}

/// A check named by code and subject (`drift.psi:age`), as waivers name them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub code: String,
    pub subject: String,
}

impl Item {
    /// Parses `CODE:SUBJECT`; a subject of `*` names every subject of the code.
    pub fn parse(s: &str) -> Option<Item> {
        let (code, subject) = s.split_once(':')?;
        let (code, subject) = (code.trim(), subject.trim());
        (!code.is_empty() && !subject.is_empty()).then(|| Item { code: code.into(), subject: subject.into() })
    }

    /// Whether this waiver names `item`.
    pub fn covers(&self, item: &Item) -> bool {
        self.code == item.code && (self.subject == "*" || self.subject == item.subject)
    }
}

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.code, self.subject)
    }
}

/// What makes these results block a release: every check at or above the blocking level
/// (`fail` and `error`, and `warn` under `fail_on = "warn"`), a gate that blocks without
/// such a check (`GATE.gate:NAME`), and a missed minimum score (`rubric.min-score:score`).
pub fn blocking(r: &Results) -> Vec<Item> {
    let blocks = |s: Status| {
        matches!(s, Status::Fail | Status::Error) || (s == Status::Warn && r.verdict.fail_on == FailOn::Warn)
    };
    let mut out = Vec::new();
    for g in &r.gates {
        let before = out.len();
        for c in g.checks.iter().filter(|c| blocks(c.status)) {
            out.push(Item { code: c.code.clone(), subject: c.subject.clone() });
        }
        if out.len() == before && blocks(g.status) {
            out.push(Item { code: format!("{}.gate", g.kind.as_str()), subject: g.id.clone() });
        }
    }
    if r.rubric.as_ref().is_some_and(crate::results::RubricResult::below_minimum) {
        out.push(Item { code: "rubric.min-score".into(), subject: "score".into() });
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::record::{Decision, FORMAT, Record};
    use super::*;

    #[test]
    fn waivers_name_checks_by_code_and_subject() {
        let age = Item::parse("drift.psi: age").unwrap();
        assert_eq!(age.to_string(), "drift.psi:age");
        assert!(age.covers(&Item { code: "drift.psi".into(), subject: "age".into() }));
        assert!(!age.covers(&Item { code: "drift.psi".into(), subject: "agent".into() }));
        let any = Item::parse("drift.psi:*").unwrap();
        assert!(any.covers(&Item { code: "drift.psi".into(), subject: "agent".into() }));
        assert!(Item::parse("drift.psi").is_none() && Item::parse(":x").is_none() && Item::parse("x:").is_none());
        // "support_calls (train)": subjects may hold spaces and colons.
        assert_eq!(Item::parse("leakage.point-in-time:t: (train)").unwrap().subject, "t: (train)");
    }

    #[test]
    fn records_parse_only_their_own_format() {
        let r = Record {
            mlgate_approval: FORMAT,
            results_sha256: "ab".repeat(32),
            verdict: "fail".into(),
            commit: None,
            approver: "Alice Smith <alice@example.com>".into(),
            time: "2026-12-01T10:15:00Z".into(),
            decision: Decision::Waive,
            reason: "known".into(),
            waivers: vec![Item::parse("drift.psi:age").unwrap()],
            waive_all: false,
            failing: vec![],
            key: "SHA256:x".into(),
        };
        let text = r.to_text();
        assert_eq!(Record::parse(&text), Some(Ok(r.clone())));
        assert_eq!(r.file_name(), "20261201T101500Z-abababababab-waive-alice-smith-alice-example-com.json");
        assert!(Record::parse("{\"other\": 1}").is_none());
        assert!(matches!(Record::parse("{\"mlgate_approval\": 2}"), Some(Err(e)) if e.contains("format 2")));
        assert!(matches!(Record::parse("{\"mlgate_approval\": 1, \"extra\": true}"), Some(Err(_))));
        assert!(r.waives(&Item::parse("drift.psi:age").unwrap()));
        assert!(!r.waives(&Item::parse("drift.ks:age").unwrap()));
        let reject = Record { decision: Decision::Reject, waive_all: true, ..r };
        assert!(!reject.waives(&Item::parse("drift.ks:age").unwrap()), "only a waive decision waives");
    }
}
