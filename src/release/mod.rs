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
