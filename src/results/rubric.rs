//! The `rubric` part of the results: the ML Test Score (or a team's own rubric) of a
//! repository, test by test, with the evidence behind every point.
//!
//! `rubric::score` fills it; renderers only read it (section maxima and the number of
//! tests come from here, never from assumptions about the rubric).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One piece of evidence behind a test's points.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    /// `file`, `code`, `ci-job`, `gate`, `claim`.
    pub kind: String,
    pub detail: String,
}

/// How far a test is done.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Runs on its own, repeatedly (1 point).
    Automated,
    /// Done by hand with a recorded result (0.5 point).
    Manual,
    /// No evidence.
    None,
    /// Claimed not applicable (mlgate's `--allow-na` extension).
    Na,
}

impl Level {
    /// The symbol the reports show for the level.
    pub fn symbol(self) -> &'static str {
        match self {
            Level::Automated => "●",
            Level::Manual => "◐",
            Level::Na => "–",
            Level::None => "○",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Automated => "automated",
            Level::Manual => "manual",
            Level::None => "none",
            Level::Na => "na",
        }
    }
}

/// Where a test's points come from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// What the repository shows.
    Repository,
    /// An `[evidence]` claim in mlgate.toml.
    Claim,
    /// Run outputs (`--runs`): the check ran, with a recorded result.
    Runs,
    None,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TestResult {
    pub id: String,
    pub section: String,
    pub title: String,
    pub points: f64,
    pub level: Level,
    pub source: Source,
    pub evidence: Vec<Evidence>,
    pub reason: String,
    /// Leads that earned nothing (a dependency never used, a manual-only job …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    /// What the run outputs show of this test's check (only when run outputs were read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs: Option<TestRuns>,
}

/// The runs of one test's check that the run outputs show.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TestRuns {
    /// Distinct runs seen.
    pub seen: u32,
    /// Runs dated within the window (`--window`).
    pub in_window: u32,
    /// Runs that failed (they still count as runs).
    pub failed: u32,
    /// Runs without a date (they count as runs, never as within the window).
    pub undated: u32,
    /// The most recent run.
    pub last: Option<RunSeen>,
}

/// One run, as the reports show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunSeen {
    /// `YYYY-MM-DD`, when the artefact says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// `pass` or `fail`.
    pub outcome: String,
    /// The artefact it was read from.
    pub source: String,
    /// The tool that wrote it.
    pub tool: String,
    /// What it holds ("12 cases, 1 failed").
    pub summary: String,
}

/// The run outputs read for the score, and what they show.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct RunsRead {
    /// Folders and downloads read, as given.
    pub sources: Vec<String>,
    /// Artefacts read into records.
    pub artefacts: u32,
    /// Distinct runs among them.
    pub runs: u32,
    /// Files of no known format, ignored.
    pub unknown: u32,
    /// Artefacts not used, with the reason (the first 50).
    pub skipped: Vec<String>,
    /// How many were skipped in all.
    pub skipped_total: u32,
    /// Days a run counts as recent (`--window`).
    pub window_days: u32,
    /// Runs within the window an automated point needs (`--require-runs`), if asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_runs: Option<u32>,
    /// Tests whose last run failed, and automated points the window took away.
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SectionResult {
    pub id: String,
    pub title: String,
    pub score: f64,
    /// The most points the section can earn (its number of tests × `max_per_test`).
    pub max: f64,
    pub weakest: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Judged {
    /// Tests whose points come from what the repository shows.
    pub repository: u32,
    /// Tests whose points come only from [evidence] claims.
    pub claims: u32,
    /// Tests whose points come only from run outputs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub runs: u32,
    pub none: u32,
    pub na: u32,
}

/// One earlier audit, for the trend chart.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HistoryPoint {
    pub date: String,
    pub sections: BTreeMap<String, f64>,
    #[serde(rename = "final")]
    pub final_score: f64,
}

/// The `rubric` part of the results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RubricResult {
    pub id: String,
    pub name: String,
    pub version: String,
    /// `2017`: 0 / 0.5 / 1 per test, final = the minimum section.
    pub scale: String,
    pub max_per_test: f64,
    pub tests: Vec<TestResult>,
    pub sections: Vec<SectionResult>,
    #[serde(rename = "final")]
    pub final_score: f64,
    pub band: String,
    pub judged: Judged,
    pub next_steps: Vec<String>,
    pub notes: Vec<String>,
    /// Whether mlgate's "not applicable" extension was allowed.
    pub allow_na: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryPoint>,
    /// The MLOps maturity level the automation shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maturity: Option<Maturity>,
    /// The run outputs read (`--runs`, `--runs-from-github`); absent when the score judged
    /// the repository's wiring only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs: Option<RunsRead>,
}

/// The Google MLOps maturity level (0 manual, 1 ML pipeline automation, 2 CI/CD pipeline
/// automation) and what places the repository there.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Maturity {
    pub level: u8,
    pub name: String,
    pub evidence: Vec<String>,
    /// What the next level needs.
    pub missing: Vec<String>,
}

impl RubricResult {
    /// The most points any one section can earn (the axis of the section charts).
    pub fn section_max(&self) -> f64 {
        self.sections.iter().map(|s| s.max).fold(0.0, f64::max)
    }

    /// Whether `--min-score` was set and missed.
    pub fn below_minimum(&self) -> bool {
        self.min_score.is_some_and(|m| self.final_score < m)
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
