//! The verdict of a run: gates and checks counted by status, and the exit code that follows
//! from them (and from the rubric's `--min-score`, when one is set).

use serde::{Deserialize, Serialize};

use super::{GateResult, RubricResult, Status};

/// Counts of gates by status and the resulting exit code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    pub status: Status,
    pub exit_code: i32,
    /// `fail` (default) or `warn`: the lowest status that blocks.
    pub fail_on: FailOn,
    /// Gates by status.
    pub counts: StatusCounts,
    /// Checks by status, across all gates.
    pub check_counts: StatusCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusCounts {
    pub pass: u64,
    pub warn: u64,
    pub fail: u64,
    pub error: u64,
    pub skipped: u64,
}

impl StatusCounts {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Pass => self.pass += 1,
            Status::Warn => self.warn += 1,
            Status::Fail => self.fail += 1,
            Status::Error => self.error += 1,
            Status::Skipped => self.skipped += 1,
        }
    }
}

/// The lowest status that makes the run fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    #[default]
    Fail,
    Warn,
}

impl FailOn {
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Fail => "fail",
            FailOn::Warn => "warn",
        }
    }
}

impl Verdict {
    /// The verdict of gates and, when present, the rubric's `--min-score`.
    pub fn compute(gates: &[GateResult], rubric: Option<&RubricResult>, fail_on: FailOn) -> Verdict {
        let mut v = Verdict::from_gates(gates, fail_on);
        if gates.is_empty() && rubric.is_some() {
            // A score on its own passes unless a minimum score is set and missed.
            v.status = Status::Pass;
        }
        if rubric.is_some_and(RubricResult::below_minimum) {
            v.status = v.status.max(Status::Fail);
            v.exit_code = crate::exit::GATE_FAILED;
        }
        v
    }

    /// Derives the verdict from gate results. A gate in `error` blocks like a failure: a
    /// gate that could not run has not shown that the change is safe.
    pub fn from_gates(gates: &[GateResult], fail_on: FailOn) -> Verdict {
        let mut counts = StatusCounts::default();
        let mut check_counts = StatusCounts::default();
        for g in gates {
            counts.add(g.status);
            for c in &g.checks {
                check_counts.add(c.status);
            }
        }
        let status = Status::worst(gates.iter().map(|g| g.status));
        let blocking = match status {
            Status::Fail | Status::Error => true,
            Status::Warn => fail_on == FailOn::Warn,
            Status::Pass | Status::Skipped => false,
        };
        Verdict {
            status,
            exit_code: if blocking { crate::exit::GATE_FAILED } else { crate::exit::SUCCESS },
            fail_on,
            counts,
            check_counts,
        }
    }
}
