//! The rubric section of the reports, read from the `rubric` part of the results.

use serde::Serialize;

use super::charts;
use crate::text;

#[derive(Debug, Clone, Serialize, Default)]
pub struct RubricView {
    pub version: String,
    pub final_score: String,
    pub band: String,
    pub tests: Vec<RubricTestView>,
    pub next_steps: Vec<String>,
    pub notes: Vec<String>,
    pub sections: Vec<RubricSectionView>,
    /// Tests judged only from [evidence] claims, and with no evidence at all.
    pub judged: String,
    /// SVG, built and escaped by the chart module.
    pub charts: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RubricSectionView {
    pub title: String,
    pub score: String,
    pub max: String,
    pub weakest: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RubricTestView {
    pub id: String,
    pub title: String,
    pub points: String,
    pub reason: String,
    pub evidence: String,
    pub level: String,
    pub symbol: String,
    /// Leads that earned nothing, for the reader to follow up.
    pub hints: String,
}

pub fn build(v: &serde_json::Value) -> RubricView {
    let s = |x: &serde_json::Value| x.as_str().unwrap_or("").to_string();
    let mut out = RubricView {
        version: s(&v["version"]),
        final_score: v["final"].as_f64().map(text::num).unwrap_or_default(),
        band: s(&v["band"]),
        ..Default::default()
    };
    let max = v["max_per_test"].as_f64().unwrap_or(1.0) * 7.0;
    let mut bars = Vec::new();
    for sec in v["sections"].as_array().into_iter().flatten() {
        let name = s(&sec["title"]);
        let score = sec["score"].as_f64().unwrap_or(0.0);
        let weakest = sec["weakest"].as_bool().unwrap_or(false);
        out.sections.push(RubricSectionView {
            title: name.clone(),
            score: text::num(score),
            max: sec["max"].as_f64().map(text::num).unwrap_or_default(),
            weakest,
        });
        bars.push((name, score, if weakest { "warn".to_string() } else { "pass".to_string() }));
    }
    if !bars.is_empty() {
        out.charts.push(charts::hbars(
            "Score by section (final score = the lowest)",
            &format!("points out of {}", text::num(max)),
            &bars,
            &[],
        ));
    }
    for t in v["tests"].as_array().into_iter().flatten() {
        let evidence: Vec<String> = t["evidence"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| match (e["kind"].as_str(), e["detail"].as_str()) {
                (Some(k), Some(d)) => format!("{k}: {d}"),
                _ => e.to_string(),
            })
            .collect();
        let level = s(&t["level"]);
        out.tests.push(RubricTestView {
            symbol: match level.as_str() {
                "automated" => "●",
                "manual" => "◐",
                "na" => "–",
                _ => "○",
            }
            .into(),
            level,
            id: s(&t["id"]),
            title: s(&t["title"]),
            points: t["points"].as_f64().map(text::num).unwrap_or_default(),
            reason: s(&t["reason"]),
            evidence: evidence.join("; "),
            hints: t["hints"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|h| h.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    let j = &v["judged"];
    out.judged = format!(
        "{} tests judged from the repository, {} only from claims, {} without evidence",
        j["repository"].as_u64().unwrap_or(0),
        j["claims"].as_u64().unwrap_or(0) + j["na"].as_u64().unwrap_or(0),
        j["none"].as_u64().unwrap_or(0)
    );
    out.next_steps = v["next_steps"].as_array().into_iter().flatten().map(s).collect();
    out.notes = v["notes"].as_array().into_iter().flatten().map(s).collect();
    if let Some(h) = v["history"].as_array().filter(|h| h.len() >= 2) {
        let dates: Vec<String> = h.iter().map(|p| s(&p["date"])).collect();
        let mut names: Vec<String> = Vec::new();
        for p in h {
            for (k, _) in p["sections"].as_object().into_iter().flatten() {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
        let mut series: Vec<(String, Vec<f64>)> = names
            .iter()
            .map(|n| (n.clone(), h.iter().map(|p| p["sections"][n].as_f64().unwrap_or(0.0)).collect()))
            .collect();
        series.push(("final".into(), h.iter().map(|p| p["final"].as_f64().unwrap_or(0.0)).collect()));
        out.charts.push(charts::trend("ML Test Score across audits", &dates, &series, max.max(1.0)));
    }
    out
}
