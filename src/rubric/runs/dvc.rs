//! DVC: `dvc.lock` (each stage that ran to the end, its commands and scripts) and the metrics
//! files its `dvc.yaml` declares (their values, shown with the run: numbers without a
//! pass/fail criterion, so they name what the run measured, never a point).

use std::path::{Component, Path};

use super::{Fact, File, Item, Outcome, Record};

/// Bytes of `dvc.yaml` or a metrics file read at most.
const MAX_BYTES: u64 = 1024 * 1024;
/// Metric values shown per run at most.
const MAX_VALUES: usize = 8;

/// A DVC lock: each stage in it ran to the end (DVC writes a stage only after its command
/// succeeded), with its command and the files it depends on.
pub fn lock(f: &File<'_>) -> Result<Record, String> {
    let text = std::str::from_utf8(f.bytes).map_err(|_| "not UTF-8 text")?;
    let docs = crate::rubric::yaml::load(text)?;
    let doc = docs.first().ok_or("an empty dvc.lock")?;
    if let Some(s) = doc["schema"].as_str()
        && super::formats::major(s).is_none_or(|m| m > 2)
    {
        return Err(format!("dvc.lock schema {s}, which this mlgate does not read (1 and 2)"));
    }
    let stages = if doc["stages"].is_badvalue() { doc } else { &doc["stages"] };
    let stages = stages.as_hash().ok_or("a dvc.lock without stages")?;
    let mut rec = Record::new(f.shown, "DVC", super::folder_of(f.shown));
    let mut names = Vec::new();
    for (name, stage) in stages {
        let Some(name) = name.as_str() else { continue };
        let cmds: Vec<String> = match &stage["cmd"] {
            yaml_rust2::Yaml::String(s) => vec![s.clone()],
            yaml_rust2::Yaml::Array(a) => a.iter().filter_map(|c| c.as_str().map(str::to_string)).collect(),
            _ => continue,
        };
        names.push(name.to_string());
        for c in cmds {
            let tokens: Vec<&str> =
                c.split_whitespace().map(|t| t.trim_matches(|ch| ch == '"' || ch == '\'')).collect();
            for (i, t) in tokens.iter().enumerate() {
                if i > 0 && tokens[i - 1] == "-m" {
                    // `python -m src.train`: a module.
                    rec.items.push(Item { fact: Fact::Module(t.to_string()), outcome: Outcome::Pass });
                } else if t.contains('/') || [".py", ".R", ".r", ".ipynb", ".sh", ".jl"].iter().any(|e| t.ends_with(e))
                {
                    rec.items.push(Item { fact: Fact::Ran(t.to_string()), outcome: Outcome::Pass });
                }
            }
            rec.items.push(Item { fact: Fact::Command(c), outcome: Outcome::Pass });
        }
    }
    if names.is_empty() {
        return Err("a dvc.lock without stages".into());
    }
    let n = names.len();
    rec.summary = format!("{n} {} ran: {}", if n == 1 { "stage" } else { "stages" }, crate::text::list_some(&names, 5));
    Ok(rec)
}

/// The metrics files `dvc.yaml` in `dir` declares (per stage `metrics:` and the top-level
/// list), read beside it: `metrics.json: auc=0.91, f1=0.8`. `None` without any.
pub fn metrics(dir: &Path) -> Option<String> {
    let text = super::read_small(&dir.join("dvc.yaml"), MAX_BYTES)?;
    let docs = crate::rubric::yaml::load(&text).ok()?;
    let doc = docs.first()?;
    let mut paths: Vec<String> = Vec::new();
    let mut take = |list: &yaml_rust2::Yaml| {
        for m in list.as_vec().into_iter().flatten() {
            let p = match m {
                yaml_rust2::Yaml::String(s) => Some(s.clone()),
                yaml_rust2::Yaml::Hash(h) => h.keys().next().and_then(|k| k.as_str()).map(str::to_string),
                _ => None,
            };
            paths.extend(p.filter(|p| !paths.contains(p)));
        }
    };
    take(&doc["metrics"]);
    for (_, stage) in doc["stages"].as_hash().into_iter().flatten() {
        take(&stage["metrics"]);
    }
    let mut shown = Vec::new();
    for p in paths.iter().take(MAX_VALUES) {
        // Only files inside the folder: a name that climbs out is not read.
        let rel = Path::new(p);
        if rel.is_absolute() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            continue;
        }
        let Some(text) = super::read_small(&dir.join(rel), MAX_BYTES) else { continue };
        let mut values = Vec::new();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            flatten_json("", &v, &mut values);
        } else if let Ok(docs) = crate::rubric::yaml::load(&text) {
            docs.first().into_iter().for_each(|d| flatten_yaml("", d, &mut values));
        }
        if !values.is_empty() {
            values.truncate(MAX_VALUES);
            shown.push(format!("{p}: {}", values.join(", ")));
        }
    }
    (!shown.is_empty()).then(|| shown.join("; "))
}

fn number(x: f64) -> String {
    crate::text::clip(&format!("{x}"), 24)
}

fn flatten_json(prefix: &str, v: &serde_json::Value, out: &mut Vec<String>) {
    if out.len() >= MAX_VALUES {
        return;
    }
    match v {
        serde_json::Value::Number(n) => out.extend(n.as_f64().map(|x| format!("{prefix}={}", number(x)))),
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    crate::text::clip(k, 40)
                } else {
                    format!("{prefix}.{}", crate::text::clip(k, 40))
                };
                flatten_json(&key, v, out);
            }
        }
        _ => {}
    }
}

fn flatten_yaml(prefix: &str, v: &yaml_rust2::Yaml, out: &mut Vec<String>) {
    use yaml_rust2::Yaml;
    if out.len() >= MAX_VALUES {
        return;
    }
    match v {
        Yaml::Real(r) => out.extend(r.parse::<f64>().ok().map(|x| format!("{prefix}={}", number(x)))),
        Yaml::Integer(i) => out.push(format!("{prefix}={i}")),
        Yaml::Hash(h) => {
            for (k, v) in h {
                let Some(k) = k.as_str() else { continue };
                let key = if prefix.is_empty() {
                    crate::text::clip(k, 40)
                } else {
                    format!("{prefix}.{}", crate::text::clip(k, 40))
                };
                flatten_yaml(&key, v, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn metrics_declared_in_dvc_yaml_are_shown_and_paths_stay_inside() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        std::fs::write(p.join("dvc.yaml"), "stages:\n  train:\n    cmd: python train.py\n    metrics:\n      - metrics.json:\n          cache: false\n      - ../secret.json\n      - eval/scores.yaml\nmetrics:\n  - metrics.json\n").unwrap();
        std::fs::write(p.join("metrics.json"), r#"{"auc": 0.91, "by": {"f1": 0.8}, "note": "x"}"#).unwrap();
        std::fs::create_dir_all(p.join("eval")).unwrap();
        std::fs::write(p.join("eval/scores.yaml"), "rmse: 1.5\nn: 10\n").unwrap();
        let m = super::metrics(p).unwrap();
        assert_eq!(m, "metrics.json: auc=0.91, by.f1=0.8; eval/scores.yaml: rmse=1.5, n=10");
        std::fs::remove_file(p.join("dvc.yaml")).unwrap();
        assert_eq!(super::metrics(p), None);
    }
}
