//! The promotion history of a release report, as text cells for both templates: the last
//! [`MAX_ROWS`] stage changes of the model, newest last, and whatever did not verify.

use serde::Serialize;

use crate::results::release::ReleaseHistory;

/// Most promotions shown; the registry holds every one.
pub const MAX_ROWS: usize = 20;

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseView {
    pub model: String,
    pub registry: String,
    pub registry_sha256_short: String,
    pub rows: Vec<PromotionRow>,
    /// Earlier promotions left out of the table.
    pub earlier: usize,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PromotionRow {
    pub seq: String,
    pub time: String,
    /// "staging → production", or the stage alone for a model's first entry.
    pub stage: String,
    pub by: String,
    pub approver: String,
    pub decision: String,
    pub results_short: String,
    pub verdict: String,
    pub commit_short: String,
}

fn short(s: &str) -> String {
    s.chars().take(12).collect()
}

pub fn build(h: &ReleaseHistory) -> ReleaseView {
    let earlier = h.promotions.len().saturating_sub(MAX_ROWS);
    ReleaseView {
        model: h.model.clone(),
        registry: h.registry.clone(),
        registry_sha256_short: short(&h.registry_sha256),
        rows: h.promotions[earlier..]
            .iter()
            .map(|p| PromotionRow {
                seq: p.seq.to_string(),
                time: p.time.clone(),
                stage: match &p.previous_stage {
                    Some(prev) => format!("{prev} → {}", p.stage),
                    None => p.stage.clone(),
                },
                by: p.by.clone(),
                approver: p.approver.clone(),
                decision: p.decision.clone(),
                results_short: short(&p.results_sha256),
                verdict: p.verdict.clone(),
                commit_short: p.commit.as_deref().map(short).unwrap_or_default(),
            })
            .collect(),
        earlier,
        problems: h.problems.clone(),
    }
}
