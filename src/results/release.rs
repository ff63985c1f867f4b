//! The promotion history a release report shows: who promoted which model to which stage,
//! when, on which results and approval — read from the registry when the results were made.

use serde::{Deserialize, Serialize};

/// The model's entries in the promotion registry, and whether the registry verified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseHistory {
    pub model: String,
    /// The registry file, as configured.
    pub registry: String,
    /// SHA-256 of the registry file as read.
    pub registry_sha256: String,
    /// Oldest first.
    pub promotions: Vec<Promotion>,
    /// What did not verify (a broken chain, a bad signature); empty when all held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// One stage change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    pub seq: u64,
    pub time: String,
    pub stage: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_stage: Option<String>,
    /// Who promoted (the signer of the registry entry).
    pub by: String,
    /// Who approved, and what they decided.
    pub approver: String,
    pub decision: String,
    pub results_sha256: String,
    pub verdict: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}
