//! Approval records: one signed JSON file per decision, binding the exact results (their
//! SHA-256), the verdict and commit they state, who decided, when, and what was decided —
//! `promote`, `waive` (naming the failing checks it accepts) or `reject`. The signature is
//! `FILE.sig` beside it, over the file's exact bytes, so
//! `ssh-keygen -Y verify -n mlgate -f allowed_signers -I WHO -s FILE.sig < FILE` checks a
//! record without mlgate.

use serde::{Deserialize, Serialize};

use super::Item;

/// The record format's version.
pub const FORMAT: u32 = 1;

/// What the approver decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The results passed and the model may be promoted.
    Promote,
    /// The results failed, and the named failing checks are accepted.
    Waive,
    /// The model must not be promoted on these results.
    Reject,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Promote => "promote",
            Decision::Waive => "waive",
            Decision::Reject => "reject",
        }
    }
}

/// One approval record, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Marks the file as an mlgate approval record, and its format version.
    pub mlgate_approval: u32,
    /// SHA-256 of the exact results.json bytes decided on.
    pub results_sha256: String,
    /// The verdict the results state (`pass`, `warn`, `fail`, …).
    pub verdict: String,
    /// The commit the results were computed at, when they record one.
    pub commit: Option<String>,
    /// Who decided: the principal their key is listed under in allowed_signers.
    pub approver: String,
    /// When (UTC, RFC 3339; `SOURCE_DATE_EPOCH` when set).
    pub time: String,
    pub decision: Decision,
    pub reason: String,
    /// The failing checks this decision accepts (`waive`); `waive_all` accepts every one.
    #[serde(default)]
    pub waivers: Vec<Item>,
    #[serde(default)]
    pub waive_all: bool,
    /// The checks that were failing when the decision was made, for the record.
    #[serde(default)]
    pub failing: Vec<Item>,
    /// SHA-256 fingerprint of the signing key.
    pub key: String,
}

impl Record {
    /// The record's file text: pretty JSON and a final newline.
    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("records serialise");
        s.push('\n');
        s
    }

    /// Parses a record; `None` when the text is not an approval record at all (another JSON
    /// file in the folder), an error when it claims to be one but does not parse.
    pub fn parse(text: &str) -> Option<Result<Record, String>> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let format = v.get("mlgate_approval")?;
        if format.as_u64() != Some(FORMAT as u64) {
            return Some(Err(format!("record format {format} (this mlgate reads {FORMAT})")));
        }
        let rec: Record = match serde_json::from_value(v) {
            Ok(r) => r,
            Err(e) => return Some(Err(e.to_string())),
        };
        let hex = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex(&rec.results_sha256) {
            return Some(Err(format!(
                "results_sha256 {:?} is not a SHA-256 in hex",
                crate::text::prefix(&rec.results_sha256, 80)
            )));
        }
        Some(Ok(rec))
    }

    /// Whether the record accepts a failing check.
    pub fn waives(&self, item: &Item) -> bool {
        self.decision == Decision::Waive && (self.waive_all || self.waivers.iter().any(|w| w.covers(item)))
    }

    /// A file name that sorts by time and says what the record is:
    /// `20261202T101500Z-3f2a9c1b7e4d-promote-alice-example-com.json`.
    pub fn file_name(&self) -> String {
        let time: String = self.time.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        let mut who = String::new();
        for c in self.approver.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }) {
            if !(c == '-' && who.ends_with('-')) && who.len() < 40 {
                who.push(c);
            }
        }
        format!(
            "{time}-{}-{}-{}.json",
            crate::text::prefix(&self.results_sha256, 12),
            self.decision.as_str(),
            who.trim_matches('-')
        )
    }
}
