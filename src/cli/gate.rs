//! `mlgate gate <kind> …`: one gate from flags, no configuration file needed.
//! Paths are relative to the current folder. Reports are written only with `--out`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};

use super::ReportArgs;
use super::common::{self, Origin, Ui};
use crate::data::Source;
use crate::gates::{RunCtx, SchemaInputs};
use crate::results::GateResult;

#[derive(Debug, Args)]
pub struct GateArgs {
    #[command(subcommand)]
    pub kind: GateKind,
}

#[derive(Debug, Subcommand)]
pub enum GateKind {
    /// Check datasets against a schema file.
    ///
    /// Example: mlgate gate schema --schema schema.json --data data/serving.jsonl
    Schema(SchemaGateArgs),

    /// Compare a current sample with a reference, column by column.
    ///
    /// Examples:
    ///   mlgate gate drift --reference data/train.parquet --current data/serving.csv
    ///   mlgate gate drift --reference ref.profile.json --current today.parquet --columns age,plan
    ///   mlgate gate drift --reference a.csv --current b.csv --compat evidently --threshold psi=0.1,0.2
    Drift(DriftGateArgs),

    /// Look for leakage: target leakage, point-in-time violations, train/test overlap.
    ///
    /// Examples:
    ///   mlgate gate leakage --train train.csv --test test.csv --label churned --entity customer_id
    ///   mlgate gate leakage --train train.parquet --test test.parquet --label y \
    ///       --timestamp event_time --split temporal --gap 7d --observed-at balance=balance_updated_at
    Leakage(LeakageGateArgs),

    /// The metric on every slice, with confidence intervals.
    ///
    /// Examples:
    ///   mlgate gate slices --predictions preds.csv --label churned --score score --by region,plan --metric roc_auc --max-gap 0.05
    ///   mlgate gate slices --predictions preds.parquet --label y --score p --cross region,plan --quantiles income=4 --min 0.7
    Slices(SlicesGateArgs),

    /// Candidate against champion (or a trivial model) with paired significance tests.
    ///
    /// Examples:
    ///   mlgate gate baseline --candidate new.csv --baseline old.parquet --label churned --score score --entity customer_id
    ///   mlgate gate baseline --candidate new.csv --baseline trivial --label y --score p --metrics roc_auc,log_loss
    Baseline(BaselineGateArgs),
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
    #[arg(long, default_value_t = 0.5, value_name = "T")]
    pub threshold: f64,

    /// The positive class when the label is not 0/1, true/false or yes/no.
    #[arg(long, value_name = "VALUE")]
    pub positive: Option<String>,

    /// Force the task instead of inferring it from the label.
    #[arg(long, value_enum)]
    pub task: Option<crate::stats::metrics::Task>,
}

impl PredictionArgs {
    fn spec(&self) -> Result<crate::gates::model::PredSpec> {
        if !(self.threshold.is_finite()) {
            return Err(crate::error::user("--threshold must be a number").into());
        }
        Ok(crate::gates::model::PredSpec {
            label: self.label.clone(),
            score: self.score.clone(),
            prediction: self.prediction.clone(),
            threshold: self.threshold,
            positive: self.positive.clone(),
            task: self.task,
        })
    }
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
    #[arg(long, default_value_t = 0.05, value_name = "X")]
    pub max_gap: f64,

    /// Slices with fewer rows are too small to judge.
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub min_rows: u64,

    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95, value_name = "LEVEL")]
    pub confidence: f64,

    /// Bootstrap resamples.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub bootstrap: usize,

    /// Bootstrap seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,

    /// Largest number of slices evaluated per column.
    #[arg(long, default_value_t = 50, value_name = "N")]
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

    #[arg(long, default_value_t = 0.95, value_name = "LEVEL")]
    pub confidence: f64,

    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub bootstrap: usize,

    #[arg(long, default_value_t = 42)]
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
    pub split: Option<crate::config::SplitKind>,

    /// Minimum gap between training end and test start (e.g. 7d, 12h).
    #[arg(long, value_name = "DURATION", default_value = "0")]
    pub gap: String,

    /// FEATURE=COLUMN: the column holding when FEATURE's value was observed; repeatable.
    #[arg(long = "observed-at", value_name = "FEATURE=COLUMN", requires = "timestamp")]
    pub observed_at: Vec<String>,

    /// Offset of naive timestamps (UTC or e.g. +02:00).
    #[arg(long, value_name = "OFFSET")]
    pub timezone: Option<String>,

    /// Unit of numeric timestamps.
    #[arg(long, value_enum, default_value = "auto")]
    pub epoch_unit: crate::data::time::EpochUnit,

    /// Features to check (default: every column without a role).
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub features: Option<Vec<String>>,

    /// Columns that are not features.
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub exclude: Vec<String>,

    /// Bound on a single feature's max(AUC, 1 − AUC) against the label.
    #[arg(long, default_value_t = 0.99, value_name = "AUC")]
    pub target_auc: f64,

    /// Bound on |Spearman ρ| for a numeric label.
    #[arg(long, default_value_t = 0.99, value_name = "RHO")]
    pub target_rho: f64,

    /// Largest allowed share of test entities also in train.
    #[arg(long, default_value_t = 0.0, value_name = "SHARE")]
    pub max_entity_overlap: f64,

    /// Largest allowed share of test rows repeating a training row.
    #[arg(long, default_value_t = 0.0, value_name = "SHARE")]
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

    /// Reproduce another tool's numbers exactly (binning, empty bins, normalisation).
    #[arg(long, value_enum)]
    pub compat: Option<crate::gates::drift::Compat>,

    /// Reference-quantile bins for PSI.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub bins: usize,

    /// How an empty bin enters PSI.
    #[arg(long, value_enum, default_value = "replace")]
    pub empty_bins: EmptyBinsArg,

    /// Share an empty bin gets under `--empty-bins replace`.
    #[arg(long, default_value_t = 1e-4, value_name = "SHARE")]
    pub epsilon: f64,

    /// Levels as STAT=WARN,FAIL (either may be empty), repeatable. STAT is one of psi, ks,
    /// wasserstein, js, chi2, null_rate, unseen, importance_share.
    /// Example: --threshold psi=0.1,0.25 --threshold ks=,0.1
    #[arg(long = "threshold", value_name = "STAT=WARN,FAIL")]
    pub thresholds: Vec<String>,

    /// Significance level for KS and χ² after correction.
    #[arg(long, default_value_t = 0.05, value_name = "ALPHA")]
    pub alpha: f64,

    /// Multiple-testing correction across columns.
    #[arg(long, value_enum, default_value = "bh")]
    pub correction: crate::gates::drift::Correction,

    /// Warn when a side has fewer rows than this.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub min_rows: u64,

    /// Feature importance (JSON object or CSV feature,importance): orders the report and
    /// decides by the share of importance that drifted.
    #[arg(long, value_name = "FILE")]
    pub importance: Option<PathBuf>,

    /// exact (all values in memory), binned (streaming profiles) or auto.
    #[arg(long, value_enum, default_value = "auto")]
    pub method: crate::gates::drift::Method,

    /// auto compares exactly while the two files together are at most this many MiB.
    #[arg(long, default_value_t = 512, value_name = "MIB")]
    pub exact_max_mib: u64,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EmptyBinsArg {
    Replace,
    Smooth,
    Evidently,
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

pub fn run(args: GateArgs, ui: &Ui) -> Result<i32> {
    match args.kind {
        GateKind::Schema(a) => schema(a, ui),
        GateKind::Drift(a) => drift(a, ui),
        GateKind::Leakage(a) => leakage(a, ui),
        GateKind::Slices(a) => slices(a, ui),
        GateKind::Baseline(a) => baseline(a, ui),
    }
}

fn key_value<'a>(flag: &str, s: &'a str) -> Result<(&'a str, &'a str)> {
    s.split_once('=').map(|(k, v)| (k.trim(), v.trim())).ok_or_else(|| {
        crate::error::user(format!("{flag} {s:?} is not KEY=VALUE")).hint(format!("for example {flag} income=4")).into()
    })
}

fn check_level(flag: &str, v: f64) -> Result<()> {
    if !(v > 0.5 && v < 1.0) {
        return Err(crate::error::user(format!("{flag} {v} must be between 0.5 and 1")).into());
    }
    Ok(())
}

/// Runs one ad hoc gate under a progress line, then assembles, writes and summarises the
/// results like `check` does.
fn run_ad_hoc(
    kind: &str,
    mut ctx: RunCtx,
    report: &ReportArgs,
    ui: &Ui,
    run: impl FnOnce(&mut RunCtx) -> Result<Vec<GateResult>>,
) -> Result<i32> {
    let progress = ui.progress();
    progress.step(&format!("{kind} gate"));
    let gates = run(&mut ctx)?;
    progress.finish();
    let results = common::assemble(
        Origin { command: format!("gate {kind}"), git_dir: Path::new("."), config: None },
        ctx,
        gates,
        common::fail_on(report.fail_on, None),
    )?;
    common::finish(&results, report, None, ui)
}

fn slices(a: SlicesGateArgs, ui: &Ui) -> Result<i32> {
    use crate::gates::slices::{SliceBy, SlicesSettings};
    check_level("--confidence", a.confidence)?;
    let mut by: Vec<SliceBy> = a.by.iter().map(|c| SliceBy::Column(c.clone())).collect();
    for c in &a.crosses {
        let parts: Vec<&str> = c.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(crate::error::user(format!("--cross {c:?} needs exactly two columns"))
                .hint("for example --cross region,plan")
                .into());
        }
        by.push(SliceBy::Cross(parts[0].into(), parts[1].into()));
    }
    for b in &a.bins {
        let (col, edges) = key_value("--bins", b)?;
        let e: Vec<f64> =
            edges.split(',').map(|x| x.trim().parse::<f64>()).collect::<std::result::Result<_, _>>().map_err(|_| {
                crate::error::user(format!("--bins {b:?}: edges must be numbers"))
                    .hint("for example --bins age=30,50,70")
            })?;
        if e.windows(2).any(|w| w[0] >= w[1]) || e.is_empty() {
            return Err(crate::error::user(format!("--bins {b:?}: edges must increase")).into());
        }
        by.push(SliceBy::Bins(col.into(), e));
    }
    for q in &a.quantiles {
        let (col, k) = key_value("--quantiles", q)?;
        let k: usize =
            k.parse().ok().filter(|k| (2..=100).contains(k)).ok_or_else(|| {
                crate::error::user(format!("--quantiles {q:?}: K must be a whole number from 2 to 100"))
            })?;
        by.push(SliceBy::Quantiles(col.into(), k));
    }
    if by.is_empty() {
        return Err(crate::error::user("no slices given")
            .hint("use --by COL, --cross A,B, --bins COL=E1,E2 or --quantiles COL=K")
            .into());
    }
    let s = SlicesSettings {
        by,
        min: a.min,
        max_gap: Some(a.max_gap),
        min_rows: a.min_rows,
        level: a.confidence,
        bootstrap: a.bootstrap,
        seed: a.seed,
        max_slices: a.max_slices,
        ..Default::default()
    };
    let src = Source::new("predictions", &a.predictions.display().to_string(), Path::new(""), "--predictions")?;
    let spec = a.columns.spec()?;
    run_ad_hoc("slices", RunCtx::default(), &a.report, ui, |ctx| {
        Ok(vec![crate::gates::run_slices(&src, &spec, a.metric, s, ctx)?])
    })
}

fn baseline(a: BaselineGateArgs, ui: &Ui) -> Result<i32> {
    use crate::gates::baseline::BaselineSettings;
    check_level("--confidence", a.confidence)?;
    let mut s = BaselineSettings {
        metrics: a.metrics.clone(),
        level: a.confidence,
        bootstrap: a.bootstrap,
        seed: a.seed,
        trivial_check: !a.no_trivial,
        ..Default::default()
    };
    for (flag, list, sign) in
        [("--min-improvement", &a.min_improvement, 1.0), ("--max-regression", &a.max_regression, -1.0)]
    {
        for kv in list {
            let (m, v) = key_value(flag, kv)?;
            let v: f64 = v
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| crate::error::user(format!("{flag} {kv:?}: X must be a non-negative number")))?;
            s.requirement.insert(crate::gates::metric_by_name(m)?, sign * v);
        }
    }
    let here = Path::new("");
    let cand = Source::new("candidate", &a.candidate.display().to_string(), here, "--candidate")?;
    let base =
        if a.baseline == "trivial" { None } else { Some(Source::new("baseline", &a.baseline, here, "--baseline")?) };
    let spec = a.columns.spec()?;
    run_ad_hoc("baseline", RunCtx::default(), &a.report, ui, |ctx| {
        Ok(vec![crate::gates::run_baseline(&cand, base.as_ref(), &spec, a.entity.as_deref(), &s, ctx)?])
    })
}

fn leakage(a: LeakageGateArgs, ui: &Ui) -> Result<i32> {
    use crate::gates::leakage::LeakageSettings;
    for (flag, v) in [
        ("--target-auc", a.target_auc),
        ("--target-rho", a.target_rho),
        ("--max-entity-overlap", a.max_entity_overlap),
        ("--max-duplicate-share", a.max_duplicate_share),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(crate::error::user(format!("{flag} {v} must be between 0 and 1")).into());
        }
    }
    let mut observed_at = Vec::new();
    for pair in &a.observed_at {
        let (f, c) = pair.split_once('=').ok_or_else(|| {
            crate::error::user(format!("--observed-at {pair:?} is not FEATURE=COLUMN"))
                .hint("for example --observed-at balance=balance_updated_at")
        })?;
        observed_at.push((f.trim().to_string(), c.trim().to_string()));
    }
    let mut s = LeakageSettings {
        label: a.label.clone(),
        entity: a.entity.clone(),
        timestamp: a.timestamp.clone(),
        temporal: a.split == Some(crate::config::SplitKind::Temporal),
        gap_us: crate::data::time::parse_duration(&a.gap)?,
        observed_at,
        features: a.features.clone(),
        exclude: a.exclude.clone(),
        max_entity_overlap: a.max_entity_overlap,
        max_duplicate_share: a.max_duplicate_share,
        target_auc: a.target_auc,
        target_rho: a.target_rho,
        ..Default::default()
    };
    s.time.epoch_unit = a.epoch_unit;
    if let Some(z) = &a.timezone {
        s.time.naive_offset = Some(crate::data::time::parse_offset(z)?);
    }
    let here = Path::new("");
    let train = Source::new("train", &a.train.display().to_string(), here, "--train")?;
    let test = a.test.as_ref().map(|t| Source::new("test", &t.display().to_string(), here, "--test")).transpose()?;
    run_ad_hoc("leakage", RunCtx::default(), &a.report, ui, |ctx| {
        Ok(vec![crate::gates::run_leakage(&train, test.as_ref(), &s, ctx)?])
    })
}

fn parse_threshold(t: &str, s: &mut crate::gates::drift::DriftSettings) -> Result<()> {
    use crate::gates::drift::Levels;
    let bad = || {
        crate::error::user(format!("--threshold {t:?} is not STAT=WARN,FAIL"))
            .hint("for example --threshold psi=0.1,0.2 or --threshold ks=,0.1 (either level may be empty)")
    };
    let (stat, levels) = t.split_once('=').ok_or_else(bad)?;
    let (w, f) = levels.split_once(',').unwrap_or(("", levels));
    let parse = |x: &str| -> Result<Option<f64>> {
        let x = x.trim();
        if x.is_empty() {
            return Ok(None);
        }
        match x.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
            _ => Err(bad().into()),
        }
    };
    let l = Levels { warn: parse(w)?, fail: parse(f)? };
    let th = &mut s.thresholds;
    match stat.trim() {
        "psi" => th.psi = l,
        "ks" => th.ks = l,
        "wasserstein" => th.wasserstein = l,
        "js" => th.js = l,
        "chi2" => th.chi2 = l,
        "null_rate" => th.null_rate = l,
        "unseen" => th.unseen = l,
        "importance_share" => s.importance_share = l,
        other => {
            let known = ["psi", "ks", "wasserstein", "js", "chi2", "null_rate", "unseen", "importance_share"];
            let hint = crate::config::closest(other, known.iter().copied())
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            return Err(crate::error::user(format!("unknown statistic {other:?} in --threshold"))
                .hint(format!("{hint}known: {}", known.join(", ")))
                .into());
        }
    }
    Ok(())
}

fn drift(a: DriftGateArgs, ui: &Ui) -> Result<i32> {
    use crate::gates::drift::{self, DriftSettings, Selection, SideSpec};
    let mut s = DriftSettings::default();
    if !(2..=1000).contains(&a.bins) {
        return Err(crate::error::user(format!("--bins {} must be between 2 and 1000", a.bins)).into());
    }
    if !(a.alpha > 0.0 && a.alpha < 1.0) {
        return Err(crate::error::user(format!("--alpha {} must be between 0 and 1", a.alpha)).into());
    }
    s.compare.bins = a.bins;
    s.compare.epsilon = a.epsilon;
    s.compare.empty_bins = match a.empty_bins {
        EmptyBinsArg::Replace => crate::stats::psi::EmptyBins::Replace,
        EmptyBinsArg::Smooth => crate::stats::psi::EmptyBins::Smooth,
        EmptyBinsArg::Evidently => crate::stats::psi::EmptyBins::Evidently,
    };
    s.compare.evidently = a.compat == Some(drift::Compat::Evidently);
    for t in &a.thresholds {
        parse_threshold(t, &mut s)?;
    }
    s.alpha = a.alpha;
    s.correction = a.correction;
    s.min_rows = a.min_rows;
    s.method = a.method;
    s.exact_max_bytes = a.exact_max_mib.saturating_mul(1024 * 1024);
    let mut ctx = RunCtx::default();
    if let Some(p) = &a.importance {
        let shown = p.display().to_string();
        s.importance = Some((drift::load_importance(p, &shown)?, shown.clone()));
        ctx.record_file("importance", &shown, p, "importance", None)?;
    }
    let here = Path::new("");
    let reference = SideSpec::from_path("reference", &a.reference.display().to_string(), here, "--reference")?;
    let current = SideSpec::from_path("current", &a.current.display().to_string(), here, "--current")?;
    let score_reference = match &a.score_reference {
        Some(p) => Some(SideSpec::from_path("score_reference", &p.display().to_string(), here, "--score-reference")?),
        None => None,
    };
    let selection = Selection { columns: a.columns.clone(), exclude: a.exclude.clone(), score: a.score.clone() };
    run_ad_hoc("drift", ctx, &a.report, ui, |ctx| {
        Ok(vec![drift::run(&reference, &current, score_reference.as_ref(), &selection, &s, ctx)?])
    })
}

/// A dataset's logical name for ad hoc runs: its file stem, made unique.
fn names_for(paths: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("data").to_string();
        let mut name = stem.clone();
        let mut i = 2;
        while out.contains(&name) {
            name = format!("{stem}-{i}");
            i += 1;
        }
        out.push(name);
    }
    out
}

fn schema(a: SchemaGateArgs, ui: &Ui) -> Result<i32> {
    let mut ctx = RunCtx::default();
    let shown = a.schema.display().to_string();
    let js = a.json_schema.as_ref().map(|p| (p.as_path(), p.to_str().unwrap_or("json schema")));
    let inputs = SchemaInputs::load(&a.schema, &shown, js, &mut ctx)?;
    run_ad_hoc("schema", ctx, &a.report, ui, |ctx| {
        let mut gates = Vec::new();
        for (path, name) in a.data.iter().zip(names_for(&a.data)) {
            let src = Source::new(&name, &path.display().to_string(), Path::new(""), "--data")?;
            gates.push(inputs.check(&src, ctx)?);
        }
        Ok(gates)
    })
}
