//! The self-contained HTML report and the charts each gate kind gets.

use anyhow::Result;
use base64::Engine;

use super::charts;
use super::view::{self, View};
use crate::results::Results;
use crate::text;

/// Charts for one gate, from the series it recorded.
fn gate_charts(g: &crate::results::GateResult) -> Vec<String> {
    let mut out = Vec::new();
    let series = &g.series;
    match g.kind.as_str() {
        "drift" => {
            let Some(rows) = series["features"].as_array() else { return out };
            let mut psi: Vec<(String, f64, String)> = rows
                .iter()
                .filter_map(|r| {
                    Some((r["feature"].as_str()?.to_string(), r["psi"].as_f64()?, r["status"].as_str()?.to_string()))
                })
                .collect();
            psi.sort_by(|a, b| b.1.total_cmp(&a.1));
            psi.truncate(25);
            if !psi.is_empty() {
                let th = &g.thresholds.values["psi"];
                let mut lines = Vec::new();
                if let Some(w) = th["warn"].as_f64() {
                    lines.push((w, "warn", "#b26a00"));
                }
                if let Some(f) = th["fail"].as_f64() {
                    lines.push((f, "fail", "#c62828"));
                }
                out.push(charts::hbars("PSI per column", "Population Stability Index", &psi, &lines));
            }
            // Distributions of the columns that moved most (failures first).
            let mut ranked: Vec<&serde_json::Value> =
                rows.iter().filter(|r| r["bins"].is_object() || r["histogram"].is_object()).collect();
            let rank = |s: &str| match s {
                "fail" | "error" => 0,
                "warn" => 1,
                _ => 2,
            };
            ranked.sort_by(|a, b| {
                rank(a["status"].as_str().unwrap_or(""))
                    .cmp(&rank(b["status"].as_str().unwrap_or("")))
                    .then(b["psi"].as_f64().unwrap_or(0.0).total_cmp(&a["psi"].as_f64().unwrap_or(0.0)))
            });
            for r in ranked.into_iter().take(8) {
                let name = r["feature"].as_str().unwrap_or("");
                let floats = |v: &serde_json::Value| -> Vec<f64> {
                    v.as_array().map(|a| a.iter().filter_map(|x| x.as_f64()).collect()).unwrap_or_default()
                };
                let title = format!(
                    "{name}: reference vs current{}",
                    r["psi"].as_f64().map(|p| format!(" (PSI {})", text::num(p))).unwrap_or_default()
                );
                if r["histogram"].is_object() {
                    let h = &r["histogram"];
                    out.push(charts::histogram_pair(
                        &title,
                        &floats(&h["edges"]),
                        &floats(&h["reference"]),
                        &floats(&h["current"]),
                    ));
                } else {
                    let b = &r["bins"];
                    let labels: Vec<String> = b["labels"]
                        .as_array()
                        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                        .unwrap_or_default();
                    let rows: Vec<charts::IntervalRow> = labels
                        .iter()
                        .zip(floats(&b["reference"]))
                        .zip(floats(&b["current"]))
                        .take(20)
                        .flat_map(|((l, rv), cv)| {
                            [
                                (format!("{l} · reference"), rv, None, "skipped".to_string()),
                                (format!("{l} · current"), cv, None, "pass".to_string()),
                            ]
                        })
                        .collect();
                    out.push(charts::intervals(&title, "share of rows", &rows, &[]));
                }
            }
        }
        "slices" => {
            let Some(rows) = series["slices"].as_array() else { return out };
            let metric = series["metric"].as_str().unwrap_or("metric");
            let data: Vec<charts::IntervalRow> = rows
                .iter()
                .filter_map(|r| {
                    let v = r["value"].as_f64()?;
                    let iv = r["low"].as_f64().zip(r["high"].as_f64());
                    let label = format!(
                        "{}={} (n={})",
                        r["by"].as_str()?,
                        r["slice"].as_str()?,
                        text::int(r["rows"].as_u64().unwrap_or(0))
                    );
                    Some((label, v, iv, r["status"].as_str()?.to_string()))
                })
                .collect();
            let mut lines = Vec::new();
            if let Some(b) = series["bound"].as_f64() {
                lines.push((b, "bound", "#c62828"));
            }
            if let Some(o) = series["overall"].as_f64() {
                lines.push((o, "overall", "#555"));
            }
            if !data.is_empty() {
                out.push(charts::intervals(
                    &format!("{metric} per slice with confidence intervals"),
                    &format!("{metric} (grey slices are too small to judge)"),
                    &data,
                    &lines,
                ));
            }
        }
        "baseline" => {
            let Some(rows) = series["comparisons"].as_array() else { return out };
            let data: Vec<charts::IntervalRow> = rows
                .iter()
                .filter_map(|r| {
                    Some((
                        format!("{} vs {}", r["metric"].as_str()?, r["against"].as_str().unwrap_or("baseline")),
                        r["improvement"].as_f64()?,
                        r["low"].as_f64().zip(r["high"].as_f64()),
                        r["status"].as_str()?.to_string(),
                    ))
                })
                .collect();
            if !data.is_empty() {
                out.push(charts::intervals(
                    "Improvement over the baseline (right is better)",
                    "candidate − baseline, sign flipped for lower-is-better metrics",
                    &data,
                    &[(0.0, "no change", "#555")],
                ));
            }
        }
        "leakage" => {
            let mut rows: Vec<(String, f64, String)> = g
                .checks
                .iter()
                .filter(|c| c.code == crate::gates::leakage::code::TARGET)
                .filter_map(|c| Some((c.subject.clone(), c.value?, c.status.as_str().to_string())))
                .collect();
            rows.sort_by(|a, b| b.1.total_cmp(&a.1));
            rows.truncate(20);
            if !rows.is_empty() {
                let bound = g.thresholds.values["target_auc"].as_f64().unwrap_or(0.99);
                out.push(charts::hbars(
                    "How well each feature alone predicts the label",
                    "max(AUC, 1 − AUC), or |Spearman ρ| for a numeric label",
                    &rows,
                    &[(bound, "bound", "#c62828")],
                ));
            }
        }
        _ => {}
    }
    out
}

/// Base64 of the results text, wrapped at 76 characters.
fn embed(text: &str) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    b.as_bytes().chunks(76).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("\n")
}

/// The HTML report of `r`, whose results.json text has the SHA-256 `digest`.
pub fn render(r: &Results, results_json: &str, digest: &str) -> Result<String> {
    let mut v: View = view::build(r);
    for (gv, g) in v.gates.iter_mut().zip(&r.gates) {
        gv.charts = gate_charts(g);
    }
    let c = &r.verdict.check_counts;
    let counts = format!(
        "{} checks: {} failed, {} errors, {} warned, {} passed, {} skipped",
        text::int(c.pass + c.warn + c.fail + c.error + c.skipped),
        c.fail,
        c.error,
        c.warn,
        c.pass,
        c.skipped
    );
    let rubric = v.rubric.take();
    super::render_html_template(&v, digest, &embed(results_json), &counts, rubric)
}
