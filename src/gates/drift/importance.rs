//! Feature importance: which columns matter to the model. With an importance file the
//! drift verdict is weighted — per-column failures inform, and the share of importance
//! held by drifted columns decides.

use std::collections::BTreeMap;

use anyhow::Result;

use super::codes::Code;
use super::compare::FeatureOutcome;
use crate::error::{quoted, user};
use crate::results::{Check, Levels, Status};
use crate::text;

/// Parses a feature-importance file: a JSON object `{"feature": weight}` or a CSV with a
/// header naming the feature column (`feature`/`name`/`column`) and the weight column
/// (`importance`/`weight`/`gain`).
pub fn parse(text: &str, shown: &str) -> Result<BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    let bad = |what: String| -> anyhow::Error {
        user(format!("{shown}: {what}"))
            .hint("importance is JSON {\"feature\": weight, …} or CSV with columns feature,importance; weights are non-negative numbers")
            .into()
    };
    if shown.to_ascii_lowercase().ends_with(".json") {
        let v: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| bad(format!("line {}, column {}: not valid JSON: {e}", e.line(), e.column())))?;
        let obj = v.as_object().ok_or_else(|| bad("expected a JSON object of feature → weight".into()))?;
        for (k, w) in obj {
            let w = w.as_f64().ok_or_else(|| bad(format!("the weight of {} is not a number", quoted(k))))?;
            out.insert(k.clone(), w);
        }
    } else {
        let mut lines = text.lines();
        let header: Vec<String> =
            lines.next().unwrap_or("").split(',').map(|h| h.trim().trim_matches('"').to_ascii_lowercase()).collect();
        let fi = header
            .iter()
            .position(|h| ["feature", "name", "column"].contains(&h.as_str()))
            .ok_or_else(|| bad("no `feature` column in the header".into()))?;
        let wi = header
            .iter()
            .position(|h| ["importance", "weight", "gain"].contains(&h.as_str()))
            .ok_or_else(|| bad("no `importance` column in the header".into()))?;
        for (i, line) in lines.enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split(',').collect();
            let name = f.get(fi).map(|s| s.trim().trim_matches('"')).unwrap_or("");
            let w: f64 = f
                .get(wi)
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| bad(format!("line {}: the weight is not a number", i + 2)))?;
            out.insert(name.to_string(), w);
        }
    }
    if let Some((k, w)) = out.iter().find(|(_, w)| !(w.is_finite() && **w >= 0.0)) {
        return Err(bad(format!("the weight of {} is {w}; weights must be finite and non-negative", quoted(k))));
    }
    if out.values().sum::<f64>() <= 0.0 {
        return Err(bad("all weights are zero".into()));
    }
    Ok(out)
}

/// Weighs the outcomes by importance: downgrades per-column failures to warnings, sorts by
/// importance and returns the check that decides, with a note on unweighted columns.
pub fn weigh(
    outcomes: &mut [FeatureOutcome],
    wanted: &[String],
    weights: &BTreeMap<String, f64>,
    shown: &str,
    levels: &Levels,
) -> (Check, Option<String>) {
    let total: f64 = wanted.iter().map(|n| weights.get(n).copied().unwrap_or(0.0)).sum();
    let missing: Vec<&String> = wanted.iter().filter(|n| !weights.contains_key(*n)).collect();
    let note = (!missing.is_empty()).then(|| {
        format!(
            "{} compared column(s) have no weight in {shown} and count as 0: {}",
            missing.len(),
            missing.iter().take(8).map(|s| quoted(s)).collect::<Vec<_>>().join(", ")
        )
    });
    let mut failed_w = 0.0;
    let mut warned_w = 0.0;
    let mut drifted = Vec::new();
    for o in outcomes.iter_mut() {
        let w = weights.get(&o.row.feature).copied().unwrap_or(0.0);
        o.row.importance = Some(if total > 0.0 { w / total } else { 0.0 });
        let st = Status::worst(o.checks.iter().map(|c| c.status));
        if st >= Status::Fail {
            failed_w += w;
            drifted.push(o.row.feature.clone());
            for ch in o.checks.iter_mut().filter(|c| c.status == Status::Fail) {
                ch.status = Status::Warn;
                ch.details
                    .insert("weighted".into(), serde_json::json!("fail downgraded: the importance check decides"));
            }
        } else if st == Status::Warn {
            warned_w += w;
        }
        o.row.status = Status::worst(o.checks.iter().map(|c| c.status));
    }
    let share = if total > 0.0 { failed_w / total } else { 0.0 };
    let check = Check::new(
        Code::Importance,
        "importance",
        levels.judge(share),
        format!(
            "drifted columns hold {} of the model's importance{}",
            text::pct(share),
            if drifted.is_empty() { String::new() } else { format!(" ({})", drifted.join(", ")) }
        ),
    )
    .with_value("drifted_importance_share", share)
    .with_threshold(levels.threshold())
    .with_detail("warned_importance_share", if total > 0.0 { warned_w / total } else { 0.0 })
    .with_detail("file", shown);
    outcomes.sort_by(|a, b| {
        b.row
            .importance
            .unwrap_or(0.0)
            .total_cmp(&a.row.importance.unwrap_or(0.0))
            .then(a.row.feature.cmp(&b.row.feature))
    });
    (check, note)
}
