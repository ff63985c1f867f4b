//! Reading prediction files for the model gates: which rows are usable, what the task is,
//! and what is wrong with the rest.
//!
//! A prediction file holds the label, the model's score (probability of the positive class,
//! or the predicted value for regression) and/or the predicted class, plus any columns to
//! slice by and the entity id. Rows without a label are left out (and counted); rows whose
//! prediction is null or NaN are left out *and* reported as a failing check, because a
//! model emitting NaN is itself a finding.

use anyhow::Result;
use polars::prelude::*;
use serde::Serialize;

use toml::Spanned;

use super::cfg::{Cx, span};
use super::knobs::{Knob, KnobValue, Looser};
use crate::diag::Problems;
use crate::error::{quoted, user};
use crate::results::{Check, Example, Status};
use crate::stats::metrics::{Metric, Preds, Task};
use crate::text;

pub use super::model_codes::Code;

/// Which columns mean what, and how to read them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredSpec {
    pub label: String,
    pub score: Option<String>,
    pub prediction: Option<String>,
    /// Classification threshold on the score.
    pub threshold: f64,
    /// The positive class for binary labels that are not 0/1 or booleans.
    pub positive: Option<String>,
    /// Force a task instead of inferring it.
    pub task: Option<Task>,
}

impl Default for PredSpec {
    fn default() -> Self {
        PredSpec { label: String::new(), score: None, prediction: None, threshold: 0.5, positive: None, task: None }
    }
}

impl PredSpec {
    /// The classification settings a review compares (the label and score columns are
    /// roles, not thresholds).
    pub fn knobs(&self) -> Vec<Knob> {
        vec![
            Knob::num("threshold", Some(self.threshold), Looser::Unranked),
            Knob::new("positive", KnobValue::Text(self.positive.clone()), Looser::Unranked),
        ]
    }
}

/// The prediction columns from `[columns]` and the gate's `threshold`, `positive` and
/// `task`, with a located problem when the label is not set.
/// `table_at` locates the gate's table (its first key) for the problem of a missing label.
pub fn pred_spec(
    cx: &Cx<'_>,
    table_at: Option<std::ops::Range<usize>>,
    threshold: &Option<Spanned<f64>>,
    positive: &Option<String>,
    task: Option<Task>,
    p: &mut Problems,
) -> PredSpec {
    let cols = cx.columns;
    if cols.label.is_none() {
        p.add(
            table_at,
            "",
            "needs the label column: set [columns].label",
            Some("the label is the outcome the model predicts, e.g. label = \"churned\"".into()),
        );
    }
    if let Some(t) = threshold
        && !t.get_ref().is_finite()
    {
        p.add(span(t), "threshold", "must be a number", None);
    }
    PredSpec {
        label: cols.label().unwrap_or_default().to_string(),
        score: cols.score().map(str::to_string),
        prediction: cols.prediction().map(str::to_string),
        threshold: threshold.as_ref().map(|t| *t.get_ref()).unwrap_or(PredSpec::default().threshold),
        positive: positive.clone(),
        task,
    }
}

/// Usable predictions and where they came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub task: Task,
    pub preds: Preds,
    /// The file's frame, restricted to usable rows (aligned with `preds`).
    pub frame: DataFrame,
    /// 1-based file row of each usable row.
    pub rows: Vec<u64>,
    /// Class names for multiclass labels (index = class id).
    pub classes: Vec<String>,
    /// A failing check when predictions are null or NaN.
    pub invalid: Option<Check>,
    pub unlabelled: u64,
    /// Rows in the file.
    pub total_rows: u64,
}

fn is_binary_set(values: &[String]) -> Option<String> {
    let lower: Vec<String> = values.iter().map(|v| v.to_ascii_lowercase()).collect();
    for (pos, neg) in
        [("1", "0"), ("true", "false"), ("yes", "no"), ("y", "n"), ("positive", "negative"), ("pos", "neg")]
    {
        if lower.iter().all(|v| v == pos || v == neg) {
            return values.iter().find(|v| v.to_ascii_lowercase() == pos).cloned().or(Some(pos.to_string()));
        }
    }
    None
}

/// Validates predictions read from the file `shown` (whose label, score and prediction
/// columns the loader has checked exist); `metrics` are the metrics the gate will compute.
pub fn from_frame(df: DataFrame, shown: &str, spec: &PredSpec, metrics: &[Metric]) -> Result<Loaded> {
    if spec.score.is_none() && spec.prediction.is_none() {
        return Err(user(format!("{shown}: neither a score nor a prediction column is configured"))
            .hint("set [columns].score (probability or predicted value) and/or [columns].prediction (predicted class)")
            .into());
    }
    let y = df.column(&spec.label)?.as_materialized_series().clone();
    let label_text = y.cast(&DataType::String)?;
    let label_text = label_text.str()?;
    let distinct: Vec<String> = label_text
        .iter()
        .flatten()
        .map(str::to_string)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let n = df.height();
    let labelled: Vec<bool> = label_text.iter().map(|v| v.is_some()).collect();
    let unlabelled = labelled.iter().filter(|l| !**l).count() as u64;
    let task = task_of(&y, &distinct, shown, spec)?;
    check_metrics(task, metrics, spec)?;
    let pred_col = match task {
        Task::Binary | Task::Regression => spec.score.as_ref().or(spec.prediction.as_ref()).expect("checked"),
        Task::Multiclass => spec.prediction.as_ref().expect("checked"),
    };
    let p = df.column(pred_col)?.as_materialized_series().clone();
    let scores = scores_of(&p, task, shown, pred_col)?;
    let pred_text = p.cast(&DataType::String)?;
    let pred_text = pred_text.str()?;
    let (keep, invalid) = usable_rows(task, &scores, pred_text, &labelled, pred_col);
    if keep.is_empty() {
        return Err(user(format!("{shown}: no row has both a label and a usable prediction"))
            .hint("check that the label and score columns are filled")
            .into());
    }
    if task == Task::Binary && metrics.iter().any(|m| m.needs_probabilities()) {
        check_probabilities(&keep, &scores, metrics, shown, pred_col)?;
    }
    let idx = IdxCa::from_vec("idx".into(), keep.iter().map(|&i| i as IdxSize).collect());
    let frame = df.take(&idx)?;
    let rows: Vec<u64> = keep.iter().map(|&i| i as u64 + 1).collect();
    let mut classes = Vec::new();
    let preds = match task {
        Task::Binary => {
            let positive = positive_class(&distinct, shown, spec)?;
            Preds::Binary {
                labels: keep.iter().map(|&i| label_text.get(i) == Some(positive.as_str())).collect(),
                scores: keep.iter().map(|&i| scores[i]).collect(),
                threshold: spec.threshold,
            }
        }
        Task::Multiclass => {
            let mut all = distinct.clone();
            for v in pred_text.iter().flatten() {
                if !all.iter().any(|d| d == v) {
                    all.push(v.to_string());
                }
            }
            all.sort();
            classes = all;
            let id = |v: Option<&str>| v.and_then(|v| classes.iter().position(|c| c == v)).unwrap_or(0) as u32;
            Preds::Multiclass {
                labels: keep.iter().map(|&i| id(label_text.get(i))).collect(),
                preds: keep.iter().map(|&i| id(pred_text.get(i))).collect(),
            }
        }
        Task::Regression => {
            let yf = y.cast(&DataType::Float64)?;
            let yf = yf.f64()?;
            Preds::Regression {
                labels: keep.iter().map(|&i| yf.get(i).unwrap_or(f64::NAN)).collect(),
                preds: keep.iter().map(|&i| scores[i]).collect(),
            }
        }
    };
    Ok(Loaded { task, preds, frame, rows, classes, invalid, unlabelled, total_rows: n as u64 })
}

/// The task: forced, or inferred from the label and the columns given.
fn task_of(y: &Series, distinct: &[String], shown: &str, spec: &PredSpec) -> Result<Task> {
    if let Some(t) = spec.task {
        return Ok(t);
    }
    Ok(if y.dtype().is_primitive_numeric() && distinct.len() > 20 {
        Task::Regression
    } else if distinct.len() <= 2 && spec.score.is_some() {
        Task::Binary
    } else if spec.prediction.is_some() {
        Task::Multiclass
    } else if distinct.len() <= 2 {
        Task::Binary
    } else {
        return Err(user(format!(
            "{}: the label {} has {} classes, but only a score column is configured",
            shown,
            quoted(&spec.label),
            distinct.len()
        ))
        .hint("set [columns].prediction to the predicted class for multiclass models")
        .into());
    })
}

/// Every metric must apply to the task.
fn check_metrics(task: Task, metrics: &[Metric], spec: &PredSpec) -> Result<()> {
    match metrics.iter().find(|m| !m.fits(task)) {
        None => Ok(()),
        Some(m) => {
            Err(user(format!("metric {m} does not apply to a {} task (label {})", task.name(), quoted(&spec.label)))
                .hint(match task {
                    Task::Binary => {
                        "binary metrics: accuracy, precision, recall, f1, roc_auc, pr_auc, log_loss, brier, ece"
                    }
                    Task::Multiclass => "multiclass metrics: accuracy, macro_f1, weighted_f1",
                    Task::Regression => "regression metrics: rmse, mae, r2",
                })
                .into())
        }
    }
}

/// The numeric predictions (unused for multiclass); a non-numeric score column is an error.
fn scores_of(p: &Series, task: Task, shown: &str, pred_col: &str) -> Result<Vec<f64>> {
    if task == Task::Multiclass {
        return Ok(vec![0.0; p.len()]);
    }
    if !p.dtype().is_primitive_numeric() {
        return Err(user(format!("{}: the score column {} holds {} values, not numbers", shown, quoted(pred_col), p.dtype()))
            .hint("point [columns].score at the model's probability (or predicted value); the predicted class goes in [columns].prediction")
            .into());
    }
    let f = p.cast(&DataType::Float64)?;
    Ok(f.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// Rows with a label and a usable prediction, and a failing check for labelled rows whose
/// prediction is null or NaN (a model emitting NaN is itself a finding).
fn usable_rows(
    task: Task,
    scores: &[f64],
    pred_text: &StringChunked,
    labelled: &[bool],
    pred_col: &str,
) -> (Vec<usize>, Option<Check>) {
    let n = labelled.len();
    let mut bad = 0u64;
    let mut examples = Vec::new();
    let mut keep = Vec::with_capacity(n);
    for i in 0..n {
        let missing = if task == Task::Multiclass { pred_text.get(i).is_none() } else { !scores[i].is_finite() };
        if missing && labelled[i] {
            bad += 1;
            if examples.len() < 5 {
                examples.push(Example {
                    row: i as u64 + 1,
                    value: Some(if task == Task::Multiclass { "null".into() } else { text::num(scores[i]) }),
                });
            }
        }
        if !missing && labelled[i] {
            keep.push(i);
        }
    }
    let invalid = (bad > 0).then(|| {
        Check::new(
            Code::InvalidPredictions,
            pred_col,
            Status::Fail,
            format!(
                "{} labelled rows have a null, NaN or infinite prediction ({}); they are left out of every metric",
                text::int(bad),
                text::rows(&examples)
            ),
        )
        .with_counts(bad, n as u64)
        .with_examples(examples)
    });
    (keep, invalid)
}

/// Probabilities must be probabilities for the metrics that need them.
fn check_probabilities(keep: &[usize], scores: &[f64], metrics: &[Metric], shown: &str, pred_col: &str) -> Result<()> {
    let outside: Vec<usize> = keep.iter().copied().filter(|&i| !(0.0..=1.0).contains(&scores[i])).collect();
    if outside.is_empty() {
        return Ok(());
    }
    let rows: Vec<String> = outside.iter().take(5).map(|i| format!("{} ({})", i + 1, text::num(scores[*i]))).collect();
    Err(user(format!(
        "{}: {} scores in {} are outside [0, 1] (rows {}), but {} needs probabilities",
        shown,
        text::int(outside.len() as u64),
        quoted(pred_col),
        rows.join(", "),
        metrics.iter().filter(|m| m.needs_probabilities()).map(|m| m.name()).collect::<Vec<_>>().join(", ")
    ))
    .hint("use a probability column (apply the sigmoid to logits), or choose metrics that only rank (roc_auc, pr_auc) or threshold")
    .into())
}

/// The positive class of a binary label: given, or told from the values (1, true, yes, …).
/// A sample of one class is fine: accuracy, precision, recall, log loss and Brier score are
/// defined on it (ranking metrics are not, and say so).
fn positive_class(distinct: &[String], shown: &str, spec: &PredSpec) -> Result<String> {
    match &spec.positive {
        // With one class in the sample, the positive class may simply not occur.
        Some(p) if distinct.len() >= 2 && !distinct.contains(p) => {
            Err(user(format!("positive class {} is not a value of the label {}", quoted(p), quoted(&spec.label)))
                .hint(format!("the label's values: {}", distinct.join(", ")))
                .into())
        }
        Some(p) => Ok(p.clone()),
        None => is_binary_set(distinct).ok_or_else(|| {
            user(format!(
                "{}: cannot tell the positive class of the label {} ({})",
                shown,
                quoted(&spec.label),
                distinct.join(", ")
            ))
            .hint("set positive = \"…\" in the gate's table or pass --positive")
            .into()
        }),
    }
}

/// How an unset metric reads in a review: the task's default applies (see
/// [`default_metric`]).
pub const TASK_DEFAULT: &str = "the task's default";

/// The default metric of a task.
pub fn default_metric(task: Task) -> Metric {
    match task {
        Task::Binary => Metric::RocAuc,
        Task::Multiclass => Metric::MacroF1,
        Task::Regression => Metric::Rmse,
    }
}
