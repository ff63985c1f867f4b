//! The one result model everything upstream produces and everything downstream reads.
//!
//! `results.json` is this module serialised. Gates fill [`GateResult`]s, the rubric fills
//! [`RubricResult`], the `check`/`gate`/`score` commands assemble [`Results`] and derive the
//! [`Verdict`]; renderers and publishers only read it. `mlgate report` deserialises an
//! archived `results.json` and renders it again without the data.
//!
//! The JSON Schema in `schemas/results.schema.json` describes exactly this shape; a test
//! validates real output against it so the two cannot drift apart. Bump
//! [`SCHEMA_VERSION`] (and the schema) on any incompatible change.

pub mod release;
pub mod rubric;
pub mod series;
pub mod verdict;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use rubric::RubricResult;
pub use series::GateSeries;
pub use verdict::{FailOn, StatusCounts, Verdict};

/// Version of the `results.json` format (not of the tool).
pub const SCHEMA_VERSION: &str = "1.0";

/// Outcome of a check, a gate or the whole run, ordered from best to worst for
/// [`Status::worst`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not evaluated: disabled, not comparable, or too small to judge (the message says why).
    #[default]
    Skipped,
    Pass,
    Warn,
    Fail,
    /// The check could not be computed from the inputs it was given.
    Error,
}

impl Status {
    /// The most severe of a set of statuses; `Skipped` when empty.
    pub fn worst<I: IntoIterator<Item = Status>>(it: I) -> Status {
        it.into_iter().max().unwrap_or(Status::Skipped)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Skipped => "skipped",
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }

    /// A plain-text symbol that survives terminals, Markdown and JUnit alike.
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Skipped => "○",
            Status::Pass => "✓",
            Status::Warn => "!",
            Status::Fail => "✗",
            Status::Error => "⚠",
        }
    }
}

/// The kinds of gate, in the order a report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GateKind {
    Schema,
    Leakage,
    Drift,
    Slices,
    Baseline,
    /// Training–serving skew: offline features against what serving computed.
    Skew,
    /// Shadow or canary: a candidate's behaviour against the champion's on live traffic.
    Canary,
    /// The review of threshold changes against a base commit (`check --base`).
    Thresholds,
}

impl GateKind {
    /// The gates configured in `[gates.*]` tables, in report order.
    pub const CONFIGURED: [GateKind; 7] = [
        GateKind::Schema,
        GateKind::Leakage,
        GateKind::Slices,
        GateKind::Baseline,
        GateKind::Drift,
        GateKind::Skew,
        GateKind::Canary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GateKind::Schema => "schema",
            GateKind::Leakage => "leakage",
            GateKind::Drift => "drift",
            GateKind::Slices => "slices",
            GateKind::Baseline => "baseline",
            GateKind::Skew => "skew",
            GateKind::Canary => "canary",
            GateKind::Thresholds => "thresholds",
        }
    }
}

impl std::fmt::Display for GateKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The whole result of one mlgate run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub schema_version: String,
    pub tool: Tool,
    pub run: Run,
    /// Every file the run read, with its digest.
    pub inputs: Vec<Input>,
    pub gates: Vec<GateResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rubric: Option<RubricResult>,
    pub verdict: Verdict,
    /// The model's promotion history (`[release]` with a registry and a model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<release::ReleaseHistory>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    pub fn current() -> Tool {
        Tool { name: "mlgate".into(), version: env!("CARGO_PKG_VERSION").into() }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// The command that produced these results, e.g. `check` or `gate drift`.
    pub command: String,
    /// RFC 3339 UTC; from `SOURCE_DATE_EPOCH` when set, so reruns are byte-identical.
    pub timestamp: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<GitInfo>,
    /// SHA-256 of the configuration file's bytes, when one was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_digest: Option<String>,
    /// Path of the configuration file as given, when one was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_path: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GitInfo {
    pub commit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    pub dirty: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// Logical name (`train`, `current`, `schema`, …).
    pub name: String,
    /// Path as given in the configuration or on the command line.
    pub path: String,
    /// `csv`, `parquet`, `jsonl`, `json`, `profile`, …
    pub format: String,
    pub sha256: String,
    /// Number of data rows, when the input is tabular and was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
}

/// The result of one gate.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GateResult {
    /// Unique within a run, e.g. `schema:current` or `drift`.
    pub id: String,
    pub kind: GateKind,
    pub status: Status,
    /// One line a reviewer reads first.
    pub summary: String,
    /// Names of the inputs this gate read (see [`Results::inputs`]).
    #[serde(default)]
    pub inputs: Vec<String>,
    pub thresholds: Thresholds,
    pub checks: Vec<Check>,
    /// How the statistics were computed (binning, epsilon, log base, …), stated so that a
    /// reader can reproduce them.
    #[serde(default)]
    pub method: BTreeMap<String, serde_json::Value>,
    /// Small tables and series the reports draw (kind-specific).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<GateSeries>,
    /// Things the reader should know that are not checks (e.g. a sample too small to judge).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// `GateResult` as written, before its series is read by kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GateResultJson {
    id: String,
    kind: GateKind,
    status: Status,
    summary: String,
    #[serde(default)]
    inputs: Vec<String>,
    thresholds: Thresholds,
    checks: Vec<Check>,
    #[serde(default)]
    method: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    series: Option<serde_json::Value>,
    #[serde(default)]
    notes: Vec<String>,
}

impl<'de> Deserialize<'de> for GateResult {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<GateResult, D::Error> {
        let g = GateResultJson::deserialize(d)?;
        let series = match g.series {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => GateSeries::from_json(g.kind, v)
                .map_err(|e| serde::de::Error::custom(format!("series of gate {}: {e}", g.id)))?,
        };
        Ok(GateResult {
            id: g.id,
            kind: g.kind,
            status: g.status,
            summary: g.summary,
            inputs: g.inputs,
            thresholds: g.thresholds,
            checks: g.checks,
            method: g.method,
            series,
            notes: g.notes,
        })
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// The effective thresholds the gate applied.
    pub values: serde_json::Value,
    /// Commit and date at which these thresholds last changed in the configuration file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_changed: Option<ThresholdChange>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ThresholdChange {
    pub commit: String,
    pub date: String,
}

/// How a value is compared with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Fails when the value is above the threshold.
    AtMost,
    /// Fails when the value is below the threshold.
    AtLeast,
    /// Fails when the value differs from the threshold.
    Equal,
}

impl Comparison {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtMost => "≤",
            Comparison::AtLeast => "≥",
            Comparison::Equal => "=",
        }
    }
}

/// Warn and fail levels for a statistic where a value above a level breaks it (PSI, a
/// share of rows, …). Either level may be absent. In `mlgate.toml`: `psi = { warn = 0.1,
/// fail = 0.2 }`; a table that sets one level keeps the other from the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    #[serde(default)]
    pub warn: Option<f64>,
    #[serde(default)]
    pub fail: Option<f64>,
}

impl Levels {
    pub const fn new(warn: Option<f64>, fail: Option<f64>) -> Levels {
        Levels { warn, fail }
    }

    pub fn is_set(&self) -> bool {
        self.warn.is_some() || self.fail.is_some()
    }

    /// The threshold a check records: `≤ warn`, `≤ fail` (empty when no level is set).
    pub fn threshold(&self) -> Threshold {
        Threshold::at_most(self.warn, self.fail)
    }

    pub fn judge(&self, v: f64) -> Status {
        self.threshold().judge(v)
    }

    /// `self` with the levels set in `o` replaced: how a partial table merges.
    pub fn overridden(&self, o: Option<&Levels>) -> Levels {
        match o {
            Some(o) => Levels { warn: o.warn.or(self.warn), fail: o.fail.or(self.fail) },
            None => *self,
        }
    }
}

/// Warn and fail levels for a value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail: Option<f64>,
    pub comparison: Comparison,
}

impl Threshold {
    pub fn at_most(warn: Option<f64>, fail: Option<f64>) -> Threshold {
        Threshold { warn, fail, comparison: Comparison::AtMost }
    }

    pub fn at_least(warn: Option<f64>, fail: Option<f64>) -> Threshold {
        Threshold { warn, fail, comparison: Comparison::AtLeast }
    }

    /// Status of a value against this threshold. Fail wins over warn.
    pub fn judge(&self, value: f64) -> Status {
        let breaks = |t: f64| match self.comparison {
            Comparison::AtMost => value > t,
            Comparison::AtLeast => value < t,
            Comparison::Equal => value != t,
        };
        if self.fail.is_some_and(breaks) {
            Status::Fail
        } else if self.warn.is_some_and(breaks) {
            Status::Warn
        } else {
            Status::Pass
        }
    }
}

/// A confidence interval (or an error bound) around a check's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
    /// Confidence level (e.g. 0.95); absent for deterministic bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<f64>,
    /// `wilson`, `bootstrap`, `delong`, `bound`, …
    pub method: String,
}

/// A row that shows a violation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// 1-based data row number (the header of a CSV file is not counted).
    pub row: u64,
    /// The offending value, rendered as text (truncated to 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// One individual check with its value, threshold and verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Stable code, e.g. `schema.range`; see `mlgate explain`.
    pub code: String,
    /// What was checked: a column, a slice, a dataset.
    pub subject: String,
    pub status: Status,
    /// One sentence a tired engineer understands.
    pub message: String,
    /// Name of the statistic in `value`, e.g. `psi`, `null_fraction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Threshold>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// Number of offending rows/values, when the check counts them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Number of rows/values examined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
    /// Further statistics of the check (effect sizes, extra values) by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, serde_json::Value>,
}

impl Check {
    pub fn new(
        code: impl Into<String>,
        subject: impl Into<String>,
        status: Status,
        message: impl Into<String>,
    ) -> Check {
        Check {
            code: code.into(),
            subject: subject.into(),
            status,
            message: message.into(),
            statistic: None,
            value: None,
            threshold: None,
            interval: None,
            p_value: None,
            count: None,
            total: None,
            examples: Vec::new(),
            details: BTreeMap::new(),
        }
    }

    /// Sets the statistic and its value; a non-finite value is dropped (JSON has no NaN).
    pub fn with_value(mut self, statistic: &str, value: f64) -> Check {
        self.statistic = Some(statistic.to_string());
        self.value = value.is_finite().then_some(value);
        self
    }

    pub fn with_threshold(mut self, t: Threshold) -> Check {
        self.threshold = Some(t);
        self
    }

    pub fn with_counts(mut self, count: u64, total: u64) -> Check {
        self.count = Some(count);
        self.total = Some(total);
        self
    }

    pub fn with_examples(mut self, examples: Vec<Example>) -> Check {
        self.examples = examples;
        self
    }

    pub fn with_detail(mut self, key: &str, value: impl Serialize) -> Check {
        let v = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.details.insert(key.to_string(), v);
        self
    }
}

impl GateResult {
    /// The first check with this code and subject.
    pub fn check(&self, code: &str, subject: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.code == code && c.subject == subject)
    }

    /// A gate result whose status is the worst of its checks.
    pub fn from_checks(id: &str, kind: GateKind, checks: Vec<Check>) -> GateResult {
        let status = Status::worst(checks.iter().map(|c| c.status));
        GateResult {
            id: id.to_string(),
            kind,
            status,
            summary: String::new(),
            inputs: Vec::new(),
            thresholds: Thresholds::default(),
            checks,
            method: BTreeMap::new(),
            series: None,
            notes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_judges_both_directions() {
        let t = Threshold::at_most(Some(0.1), Some(0.2));
        assert_eq!(t.judge(0.05), Status::Pass);
        assert_eq!(t.judge(0.1), Status::Pass);
        assert_eq!(t.judge(0.15), Status::Warn);
        assert_eq!(t.judge(0.25), Status::Fail);
        let t = Threshold::at_least(None, Some(0.7));
        assert_eq!(t.judge(0.69), Status::Fail);
        assert_eq!(t.judge(0.7), Status::Pass);
    }

    #[test]
    fn worst_status_orders_error_above_fail() {
        assert_eq!(Status::worst([Status::Pass, Status::Error, Status::Fail]), Status::Error);
        assert_eq!(Status::worst([]), Status::Skipped);
        assert_eq!(Status::worst([Status::Skipped, Status::Pass]), Status::Pass);
    }

    #[test]
    fn non_finite_values_are_dropped() {
        let c = Check::new("x.y", "a", Status::Pass, "m").with_value("psi", f64::NAN);
        assert_eq!(c.value, None);
        assert_eq!(c.statistic.as_deref(), Some("psi"));
    }
}
