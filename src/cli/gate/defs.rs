//! The flags of `mlgate gate <kind>`: clap definitions only. Each flag stands for a key of
//! the gate's table (`convert.rs` builds that table), and every default shown in `--help`
//! is read from the gate's `Settings::default()`, the one place it is written.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::ReportArgs;
use crate::gates::model::PredSpec;
use crate::gates::{baseline, canary, drift, leakage, skew, slices};

/// Bytes in a MiB, for `--exact-max-mib`.
pub const MIB: u64 = 1024 * 1024;

#[derive(Debug, Args)]
pub struct GateArgs {
    #[command(subcommand)]
    pub kind: GateKind,
}

/// Examples shown at the end of `mlgate gate <kind> --help`, one command per line.
const SCHEMA_EXAMPLES: &str = "\
Example:
  mlgate gate schema --schema schema.json --data data/serving.jsonl";

const DRIFT_EXAMPLES: &str = "\
Examples:
  mlgate gate drift --reference data/train.parquet --current data/serving.csv
  mlgate gate drift --reference ref.profile.json --current today.parquet --columns age,plan
  mlgate gate drift --reference a.csv --current b.csv --compat evidently --threshold psi=0.1,0.2
  mlgate gate drift --reference train.csv --current serving.csv --score score --score-reference test_predictions.csv --label churned --labels outcomes.csv --entity customer_id";

const LEAKAGE_EXAMPLES: &str = "\
Examples:
  mlgate gate leakage --train train.csv --test test.csv --label churned --entity customer_id
  mlgate gate leakage --train train.parquet --test test.parquet --label y \\
      --timestamp event_time --split temporal --gap 7d --observed-at balance=balance_updated_at";

const SLICES_EXAMPLES: &str = "\
Examples:
  mlgate gate slices --predictions preds.csv --label churned --score score --by region,plan --metric roc_auc --max-gap 0.05
  mlgate gate slices --predictions preds.parquet --label y --score p --cross region,plan --quantiles income=4 --min 0.7";

const SKEW_EXAMPLES: &str = "\
Examples:
  mlgate gate skew --offline features.parquet --online serving_log.jsonl --key request_id
  mlgate gate skew --offline features.csv --online log.jsonl --key customer_id \\
      --time scored_at --within 2s --rename served_at=scored_at --feature-max-mismatch discount=0.01
  mlgate gate skew --offline train.parquet --online serving.parquet     (no key: distributions)";

const CANARY_EXAMPLES: &str = "\
Examples:
  mlgate gate canary --champion champion.parquet --candidate shadow.parquet --key request_id --label churned
  mlgate gate canary --champion arm_a.csv --candidate arm_b.csv --latency latency_ms --error failed --sequential
  (exit 0: promote or continue, 1: rollback; the summary says which, and the traffic still needed)";

const BASELINE_EXAMPLES: &str = "\
Examples:
  mlgate gate baseline --candidate new.csv --baseline old.parquet --label churned --score score --entity customer_id
  mlgate gate baseline --candidate new.csv --baseline trivial --label y --score p --metrics roc_auc,log_loss";

#[derive(Debug, Subcommand)]
pub enum GateKind {
    /// Check datasets against a schema file.
    #[command(after_long_help = SCHEMA_EXAMPLES)]
    Schema(SchemaGateArgs),

    /// Compare a current sample with a reference, column by column.
    #[command(after_long_help = DRIFT_EXAMPLES)]
    Drift(DriftGateArgs),

    /// Look for leakage: target leakage, point-in-time violations, train/test overlap.
    #[command(after_long_help = LEAKAGE_EXAMPLES)]
    Leakage(LeakageGateArgs),

    /// The metric on every slice, with confidence intervals.
    #[command(after_long_help = SLICES_EXAMPLES)]
    Slices(SlicesGateArgs),

    /// Candidate against champion (or a trivial model) with paired significance tests.
    ///
    /// Against `--baseline trivial` the candidate must be shown better (the interval above
    /// zero improvement), not merely not worse.
    #[command(after_long_help = BASELINE_EXAMPLES)]
    Baseline(BaselineGateArgs),

    /// Training–serving skew: offline features joined to what serving computed, row by row.
    ///
    /// With --key, each online row is paired with the offline row of the same key (and, with
    /// --time, a time within --within); every feature's differing rows are counted and their
    /// cause named (timezone, units, precision, imputation, normalisation, date boundary,
    /// encoding). Without --key the two sides are compared as distributions, which is weaker
    /// evidence.
    #[command(after_long_help = SKEW_EXAMPLES)]
    Skew(SkewGateArgs),

    /// Shadow or canary: should the candidate take more traffic?
    ///
    /// With --key both models scored the same requests (shadow) and every comparison is
    /// paired; without it the traffic was split at random (canary). Each check — score
    /// distribution, decisions, calibration and outcomes where labels exist, latency and
    /// errors where logged — is an effect with an interval against its margin: promote when
    /// every interval is within, roll back when one is beyond, otherwise continue with the
    /// traffic that would decide it. --sequential keeps repeated looks valid.
    #[command(after_long_help = CANARY_EXAMPLES)]
    Canary(CanaryGateArgs),
}

#[derive(Debug, Args)]
pub struct CanaryGateArgs {
    /// The champion's predictions log (csv, tsv, parquet, jsonl).
    #[arg(long, value_name = "FILE")]
    pub champion: PathBuf,

    /// The candidate's predictions log.
    #[arg(long, value_name = "FILE")]
    pub candidate: PathBuf,

    /// The request id both logs carry (shadow mode: rows pair on it).
    #[arg(long, value_name = "COL")]
    pub key: Option<String>,

    /// shadow (the same requests; without --key rows pair by position) or canary (randomly
    /// split traffic). Default: shadow with --key, canary without.
    #[arg(long, value_name = "MODE")]
    pub mode: Option<String>,

    /// The score column: probability of the positive class.
    #[arg(long, default_value_t = canary::Settings::default().score, value_name = "COL")]
    pub score: String,

    /// The delayed outcome (0/1, empty while unknown): enables calibration and outcome checks.
    #[arg(long, value_name = "COL")]
    pub label: Option<String>,

    /// Latency per request (any unit, the same in both files).
    #[arg(long, value_name = "COL")]
    pub latency: Option<String>,

    /// Error flag per request (0/1).
    #[arg(long, value_name = "COL")]
    pub error: Option<String>,

    /// A score at or above it is a positive decision.
    #[arg(long, default_value_t = canary::Settings::default().threshold, value_name = "T")]
    pub threshold: f64,

    /// Always-valid intervals (confidence sequences), for a canary looked at at every traffic step.
    #[arg(long)]
    pub sequential: bool,

    /// Rows per arm the sequential intervals are tightest at.
    #[arg(long, default_value_t = canary::Settings::default().planned, value_name = "N")]
    pub planned: u64,

    /// Error rate of every test and interval.
    #[arg(long, default_value_t = canary::Settings::default().alpha, value_name = "A")]
    pub alpha: f64,

    /// Allowed share of requests decided differently (shadow).
    #[arg(long, default_value_t = canary::Settings::default().max_disagreement, value_name = "SHARE")]
    pub max_disagreement: f64,

    /// Allowed drop of accuracy, and of ROC AUC, from champion to candidate.
    #[arg(long, default_value_t = canary::Settings::default().max_accuracy_drop, value_name = "X")]
    pub max_accuracy_drop: f64,

    /// Allowed relative increase of p99 latency (0.2 = 20% slower).
    #[arg(long, default_value_t = canary::Settings::default().max_latency_increase, value_name = "X")]
    pub max_latency_increase: f64,

    /// Allowed increase of the error rate.
    #[arg(long, default_value_t = canary::Settings::default().max_error_rate_increase, value_name = "X")]
    pub max_error_rate_increase: f64,

    /// Below this many rows per arm (or labelled rows) a check waits.
    #[arg(long, default_value_t = canary::Settings::default().min_rows, value_name = "N")]
    pub min_rows: u64,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct SkewGateArgs {
    /// The training pipeline's feature table (csv, tsv, parquet, jsonl).
    #[arg(long, value_name = "FILE")]
    pub offline: PathBuf,

    /// The serving log of the features the service used.
    #[arg(long, value_name = "FILE")]
    pub online: PathBuf,

    /// Column(s) joined exactly: a request or event id, or the entity with --time.
    #[arg(long, value_delimiter = ',', value_name = "COL,…")]
    pub key: Vec<String>,

    /// A timestamp column joined within --within (the key then names the entity).
    #[arg(long, value_name = "COL", requires = "key")]
    pub time: Option<String>,

    /// Largest time difference of a joined pair (e.g. 2s, 5m).
    #[arg(long, value_name = "DURATION", requires = "time")]
    pub within: Option<String>,

    /// Offset of naive timestamps (UTC or e.g. +02:00).
    #[arg(long, value_name = "OFFSET")]
    pub timezone: Option<String>,

    /// Unit of numeric timestamps.
    #[arg(long, value_enum, default_value_t = skew::Settings::default().time_options.epoch_unit)]
    pub epoch_unit: crate::data::time::EpochUnit,

    /// An online column that holds the offline column of another name; repeatable.
    #[arg(long, value_name = "ONLINE=OFFLINE")]
    pub rename: Vec<String>,

    /// Features to compare (default: every column both sides have).
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub columns: Option<Vec<String>>,

    /// Columns never compared.
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub exclude: Vec<String>,

    /// Largest share of joined rows whose value may differ (the fail level).
    #[arg(long, default_value_t = skew::Settings::default().tolerance.max_mismatch.fail.unwrap_or(0.0), value_name = "SHARE")]
    pub max_mismatch: f64,

    /// FEATURE=SHARE: one feature's own fail level; repeatable.
    #[arg(long, value_name = "FEATURE=SHARE")]
    pub feature_max_mismatch: Vec<String>,

    /// Numbers are equal when |offline − online| ≤ abs + rel × max(|offline|, |online|).
    #[arg(long, default_value_t = skew::Settings::default().tolerance.abs, value_name = "X")]
    pub abs: f64,

    /// Relative tolerance (the default accepts float32 round trips).
    #[arg(long, default_value_t = skew::Settings::default().tolerance.rel, value_name = "X")]
    pub rel: f64,

    /// Largest share of online rows without an offline partner (the fail level).
    #[arg(long, default_value_t = skew::Settings::default().max_unmatched_online.fail.unwrap_or(0.0), value_name = "SHARE")]
    pub max_unmatched_online: f64,

    /// Largest share of rows left out for an ambiguous key (the fail level).
    #[arg(long, default_value_t = skew::Settings::default().max_duplicates.fail.unwrap_or(0.0), value_name = "SHARE")]
    pub max_duplicates: f64,

    #[command(flatten)]
    pub report: ReportArgs,
}

/// Column flags shared by the model gates.
#[derive(Debug, Args)]
pub struct PredictionArgs {
    /// The label column.
    #[arg(long, value_name = "COL")]
    pub label: String,

    /// The score column: probability of the positive class, or the predicted value.
    #[arg(long, value_name = "COL")]
    pub score: Option<String>,

    /// The predicted-class column (multiclass, or binary without scores).
    #[arg(long, value_name = "COL")]
    pub prediction: Option<String>,

    /// Classification threshold on the score.
    #[arg(long, default_value_t = PredSpec::default().threshold, value_name = "T")]
    pub threshold: f64,

    /// The positive class when the label is not 0/1, true/false or yes/no.
    #[arg(long, value_name = "VALUE")]
    pub positive: Option<String>,

    /// Force the task instead of inferring it from the label.
    #[arg(long, value_enum)]
    pub task: Option<crate::stats::metrics::Task>,
}

#[derive(Debug, Args)]
pub struct SlicesGateArgs {
    /// Predictions file (label, score and slice columns).
    #[arg(long, value_name = "FILE")]
    pub predictions: PathBuf,

    #[command(flatten)]
    pub columns: PredictionArgs,

    /// Columns to slice by, one slice per value.
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub by: Vec<String>,

    /// Two columns to slice by together (repeatable).
    #[arg(long = "cross", value_name = "A,B")]
    pub crosses: Vec<String>,

    /// COLUMN=E1,E2,…: a numeric column cut at these edges (repeatable).
    #[arg(long = "bins", value_name = "COL=E1,E2")]
    pub bins: Vec<String>,

    /// COLUMN=K: a numeric column cut into K quantile groups (repeatable).
    #[arg(long = "quantiles", value_name = "COL=K")]
    pub quantiles: Vec<String>,

    /// Metric (default: roc_auc, macro_f1 or rmse by task).
    #[arg(long, value_enum)]
    pub metric: Option<crate::stats::metrics::Metric>,

    /// Absolute bound per slice (a minimum; a maximum for lower-is-better metrics).
    #[arg(long, value_name = "X")]
    pub min: Option<f64>,

    /// Largest allowed distance from the overall metric.
    #[arg(long, default_value_t = slices::Settings::default().max_gap.unwrap_or_default(), value_name = "X")]
    pub max_gap: f64,

    /// Slices with fewer rows are too small to judge.
    #[arg(long, default_value_t = slices::Settings::default().min_rows, value_name = "N")]
    pub min_rows: u64,

    /// Confidence level of the intervals.
    #[arg(long, default_value_t = slices::Settings::default().level, value_name = "LEVEL")]
    pub confidence: f64,

    /// Bootstrap resamples.
    #[arg(long, default_value_t = slices::Settings::default().bootstrap, value_name = "N")]
    pub bootstrap: usize,

    /// Bootstrap seed.
    #[arg(long, default_value_t = slices::Settings::default().seed)]
    pub seed: u64,

    /// Largest number of slices evaluated per column.
    #[arg(long, default_value_t = slices::Settings::default().max_slices, value_name = "N")]
    pub max_slices: usize,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct BaselineGateArgs {
    /// The candidate's predictions.
    #[arg(long, value_name = "FILE")]
    pub candidate: PathBuf,

    /// The champion's predictions, or `trivial` (class prior / majority / mean).
    #[arg(long, value_name = "FILE|trivial")]
    pub baseline: String,

    #[command(flatten)]
    pub columns: PredictionArgs,

    /// Entity column pairing the rows of the two files (default: by row number).
    #[arg(long, value_name = "COL")]
    pub entity: Option<String>,

    /// Metrics to compare (default: roc_auc, macro_f1 or rmse by task).
    #[arg(long, value_delimiter = ',', value_enum, value_name = "M,…")]
    pub metrics: Vec<crate::stats::metrics::Metric>,

    /// METRIC=X: the candidate must improve METRIC by at least X (repeatable).
    #[arg(long = "min-improvement", value_name = "METRIC=X")]
    pub min_improvement: Vec<String>,

    /// METRIC=X: the candidate may be worse on METRIC by at most X (repeatable).
    #[arg(long = "max-regression", value_name = "METRIC=X")]
    pub max_regression: Vec<String>,

    #[arg(long, default_value_t = baseline::Settings::default().level, value_name = "LEVEL")]
    pub confidence: f64,

    #[arg(long, default_value_t = baseline::Settings::default().bootstrap, value_name = "N")]
    pub bootstrap: usize,

    #[arg(long, default_value_t = baseline::Settings::default().seed)]
    pub seed: u64,

    /// Skip the check that the candidate beats a trivial model.
    #[arg(long)]
    pub no_trivial: bool,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct LeakageGateArgs {
    /// Training data.
    #[arg(long, value_name = "FILE")]
    pub train: PathBuf,

    /// Test data (needed for overlap and split checks).
    #[arg(long, value_name = "FILE")]
    pub test: Option<PathBuf>,

    /// The label column.
    #[arg(long, value_name = "COL")]
    pub label: Option<String>,

    /// Entity id column (group leakage).
    #[arg(long, value_name = "COL")]
    pub entity: Option<String>,

    /// As-of / prediction timestamp column.
    #[arg(long, value_name = "COL")]
    pub timestamp: Option<String>,

    /// random (default) or temporal: a temporal split must end training before test starts.
    #[arg(long, value_enum, requires = "timestamp")]
    pub split: Option<leakage::cfg::SplitKind>,

    /// Minimum gap between training end and test start (e.g. 7d, 12h).
    #[arg(long, value_name = "DURATION")]
    pub gap: Option<String>,

    /// FEATURE=COLUMN: the column holding when FEATURE's value was observed; repeatable.
    #[arg(long = "observed-at", value_name = "FEATURE=COLUMN", requires = "timestamp")]
    pub observed_at: Vec<String>,

    /// Offset of naive timestamps (UTC or e.g. +02:00).
    #[arg(long, value_name = "OFFSET")]
    pub timezone: Option<String>,

    /// Unit of numeric timestamps.
    #[arg(long, value_enum, default_value_t = leakage::Settings::default().time.epoch_unit)]
    pub epoch_unit: crate::data::time::EpochUnit,

    /// Features to check (default: every column without a role).
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub features: Option<Vec<String>>,

    /// Columns that are not features.
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub exclude: Vec<String>,

    /// Bound on a single feature's max(AUC, 1 − AUC) against the label.
    #[arg(long, default_value_t = leakage::Settings::default().target_auc, value_name = "AUC")]
    pub target_auc: f64,

    /// Bound on |Spearman ρ| for a numeric label.
    #[arg(long, default_value_t = leakage::Settings::default().target_rho, value_name = "RHO")]
    pub target_rho: f64,

    /// Largest allowed share of test entities also in train.
    #[arg(long, default_value_t = leakage::Settings::default().max_entity_overlap, value_name = "SHARE")]
    pub max_entity_overlap: f64,

    /// Largest allowed excess of test rows repeating a training row over training rows
    /// repeating each other (what coincidence gives).
    #[arg(long, default_value_t = leakage::Settings::default().max_duplicate_share, value_name = "SHARE")]
    pub max_duplicate_share: f64,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct DriftGateArgs {
    /// Reference data (csv, tsv, parquet, jsonl) or a saved profile (.json).
    #[arg(long, value_name = "FILE")]
    pub reference: PathBuf,

    /// Current data (or a saved profile).
    #[arg(long, value_name = "FILE")]
    pub current: PathBuf,

    /// Columns to compare (default: every reference column).
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub columns: Option<Vec<String>>,

    /// Columns to leave out (ids, labels, timestamps).
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub exclude: Vec<String>,

    /// The model-score column: compared and reported first.
    #[arg(long, value_name = "COL")]
    pub score: Option<String>,

    /// Reference distribution of the score from another file (e.g. test-set predictions).
    #[arg(long, value_name = "FILE", requires = "score")]
    pub score_reference: Option<PathBuf>,

    /// The outcome column (0/1 or true/false; empty while unknown). With outcomes on both
    /// sides the gate tells prior drift (the label rate moved) and concept drift (the
    /// model's AUC fell) from input drift, and says what each calls for.
    #[arg(long, value_name = "COL")]
    pub label: Option<String>,

    /// Delayed outcomes of the current rows (a file with --entity and --label columns),
    /// joined on --entity; rows without an outcome yet stay unlabelled.
    #[arg(long, value_name = "FILE", requires_all = ["label", "entity"])]
    pub labels: Option<PathBuf>,

    /// The id column --labels is joined on.
    #[arg(long, value_name = "COL")]
    pub entity: Option<String>,

    /// Scores at or above this are positive decisions (for the feedback-loop check).
    #[arg(long, default_value_t = drift::Settings::default().diagnosis.threshold, value_name = "T")]
    pub decision_threshold: f64,

    /// Reproduce another tool's numbers exactly (binning, empty bins, normalisation).
    #[arg(long, value_enum)]
    pub compat: Option<drift::settings::Compat>,

    /// Reference-quantile bins for PSI.
    #[arg(long, default_value_t = drift::Settings::default().compare.bins as u64, value_name = "N")]
    pub bins: u64,

    /// How an empty bin enters PSI.
    #[arg(long, value_enum, default_value_t = drift::Settings::default().compare.empty_bins)]
    pub empty_bins: crate::stats::psi::EmptyBins,

    /// Share an empty bin gets under `--empty-bins replace`.
    #[arg(long, default_value_t = drift::Settings::default().compare.epsilon, value_name = "SHARE")]
    pub epsilon: f64,

    /// Levels as STAT=WARN,FAIL, repeatable. STAT is one of psi, ks, wasserstein, js, chi2,
    /// null_rate, unseen, importance_share, label_rate (relative change of the rarer
    /// label's rate) and performance (fall in AUC). A level left empty keeps its default, as
    /// a table in mlgate.toml that sets one level does.
    /// Example: --threshold psi=0.1,0.25 --threshold ks=,0.1
    #[arg(long = "threshold", value_name = "STAT=WARN,FAIL")]
    pub thresholds: Vec<String>,

    /// Significance level for KS and χ² after correction.
    #[arg(long, default_value_t = drift::Settings::default().alpha, value_name = "ALPHA")]
    pub alpha: f64,

    /// Multiple-testing correction across columns.
    #[arg(long, value_enum, default_value_t = drift::Settings::default().correction)]
    pub correction: drift::Correction,

    /// Warn when a side has fewer rows than this.
    #[arg(long, default_value_t = drift::Settings::default().min_rows, value_name = "N")]
    pub min_rows: u64,

    /// Feature importance (JSON object or CSV feature,importance): orders the report and
    /// decides by the share of importance that drifted.
    #[arg(long, value_name = "FILE")]
    pub importance: Option<PathBuf>,

    /// exact (all values in memory), binned (streaming profiles) or auto.
    #[arg(long, value_enum, default_value_t = drift::Settings::default().method)]
    pub method: drift::Method,

    /// auto compares exactly while the two files together are at most this many MiB.
    #[arg(long, default_value_t = drift::Settings::default().exact_max_bytes / MIB, value_name = "MIB")]
    pub exact_max_mib: u64,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct SchemaGateArgs {
    /// Schema file (JSON); `mlgate schema infer` writes one.
    #[arg(long, value_name = "FILE")]
    pub schema: PathBuf,

    /// Dataset(s) to check (csv, tsv, parquet, jsonl); repeat for several.
    #[arg(long, value_name = "FILE", required = true)]
    pub data: Vec<PathBuf>,

    /// JSON Schema every record of JSON Lines data must satisfy.
    #[arg(long, value_name = "FILE")]
    pub json_schema: Option<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,
}
