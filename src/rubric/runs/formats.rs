//! Which format a file is, and the JSON and YAML formats: mlgate results, Great Expectations
//! validation results, Evidently snapshots, DVC locks, TFX blessings.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Fact, File, Item, Outcome, Parsed, Record};

/// Whether a file's name (or path inside an archive) may be an artefact worth reading.
pub fn may_be(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xml")
        || lower.ends_with(".json")
        || lower.ends_with(".zip")
        || lower.ends_with(".pbtxt")
        || lower.ends_with(".textproto")
        || lower == "dvc.lock"
        || lower == "meta.yaml"
        || matches!(name, "BLESSED" | "NOT_BLESSED" | "INFRA_BLESSED" | "INFRA_NOT_BLESSED")
        || path.ends_with("/tags/mlflow.source.name")
        || path.ends_with("/tags/mlflow.runName")
}

fn gate(kind: &str) -> Fact {
    Fact::Gate { kind: kind.into(), checks: BTreeSet::new() }
}

fn outcome(ok: bool) -> Outcome {
    if ok { Outcome::Pass } else { Outcome::Fail }
}

/// One record read, or why the recognised file is unusable.
fn one(r: Result<Record, String>) -> Parsed {
    match r {
        Ok(r) => Parsed::Records(vec![r]),
        Err(why) => Parsed::Skip(why),
    }
}

/// Parses a file by what it is.
pub fn parse(f: &File<'_>) -> Parsed {
    let lower = f.name.to_ascii_lowercase();
    if lower.ends_with(".xml") {
        if !super::junit::looks_like(f.bytes) {
            return Parsed::Unknown;
        }
        return one(super::junit::parse(f.bytes, f.shown));
    }
    if lower.ends_with(".json") {
        return json(f);
    }
    if lower.ends_with(".pbtxt") || lower.ends_with(".textproto") {
        return match super::tfdv::parse(f.bytes, f.shown) {
            None => Parsed::Unknown,
            Some(r) => one(r),
        };
    }
    if lower == "dvc.lock" {
        return one(super::dvc::lock(f));
    }
    if let Some(r) = blessing(f) {
        return Parsed::Records(vec![r]);
    }
    // MLflow files are read with their run folder.
    Parsed::Unknown
}

/// The major version of `1.2.3` / `v1`.
pub(super) fn major(v: &str) -> Option<u64> {
    v.trim_start_matches('v').split('.').next()?.parse().ok()
}

fn json(f: &File<'_>) -> Parsed {
    let v: Value = match serde_json::from_slice(f.bytes) {
        Ok(v) => v,
        Err(e) if e.is_eof() => return Parsed::Skip(format!("truncated JSON ({e})")),
        Err(e) => {
            // Only a file that starts like one of the formats is worth a reason.
            let head = String::from_utf8_lossy(&f.bytes[..f.bytes.len().min(2048)]);
            let known = ["\"schema_version\"", "\"great_expectations_version\"", "\"metric_results\"", "\"tests\""];
            return if known.iter().any(|k| head.contains(k)) {
                Parsed::Skip(format!("not valid JSON ({e})"))
            } else {
                Parsed::Unknown
            };
        }
    };
    if v["tool"]["name"] == "mlgate" && v.get("schema_version").is_some() {
        return one(mlgate(f, &v));
    }
    if v.get("meta").and_then(|m| m.get("great_expectations_version")).is_some()
        || (v.get("success").is_some()
            && v["results"].as_array().is_some_and(|r| r.iter().any(|x| x.get("expectation_config").is_some())))
    {
        return one(gx(f, &v));
    }
    if let Some(runs) = v.get("run_results").and_then(Value::as_object) {
        // A Great Expectations checkpoint result: one validation result per batch.
        let mut out = Vec::new();
        for (i, r) in runs.values().enumerate() {
            let vr = r.get("validation_result").unwrap_or(r);
            match gx(f, vr) {
                Ok(mut rec) => {
                    rec.summary = format!("checkpoint validation {}: {}", i + 1, rec.summary);
                    out.push(rec);
                }
                Err(why) => return Parsed::Skip(why),
            }
        }
        return if out.is_empty() {
            Parsed::Skip("a checkpoint result without validations".into())
        } else {
            Parsed::Records(out)
        };
    }
    if v.get("metric_results").is_some() || evidently_tests(&v).is_some() {
        return one(evidently(f, &v));
    }
    Parsed::Unknown
}

fn mlgate(f: &File<'_>, v: &Value) -> Result<Record, String> {
    let version = v["schema_version"].as_str().unwrap_or("");
    let ours = major(crate::results::SCHEMA_VERSION);
    if major(version) != ours {
        return Err(format!(
            "mlgate results schema {version}, which this mlgate (results schema {}) does not read",
            crate::results::SCHEMA_VERSION
        ));
    }
    let r: crate::results::Results =
        serde_json::from_value(v.clone()).map_err(|e| format!("not mlgate results this version reads ({e})"))?;
    let mut rec = Record::new(f.shown, "mlgate", format!("mlgate {} at {}", r.run.command, r.run.timestamp));
    if let Some(g) = &r.run.git {
        rec.run = format!("{} of {}", rec.run, crate::text::prefix(&g.commit, 12));
    }
    rec.at = super::parse_time(&r.run.timestamp);
    let judged = super::super::recorded::judged_checks(&r.gates);
    for (kind, status) in super::super::recorded::worst_per_kind(&r.gates) {
        let checks = judged.get(&kind).cloned().unwrap_or_default();
        if status != "skipped" {
            rec.items.push(Item {
                fact: Fact::Gate { kind: kind.clone(), checks: checks.clone() },
                outcome: outcome(status == "pass" || status == "warn"),
            });
        }
        rec.gates.push((kind, status, checks));
    }
    rec.summary = format!("`mlgate {}`: {}", r.run.command, r.verdict.status.as_str());
    Ok(rec)
}

fn gx(f: &File<'_>, v: &Value) -> Result<Record, String> {
    let meta = &v["meta"];
    if let Some(ver) = meta["great_expectations_version"].as_str()
        && major(ver).is_none_or(|m| m > 1)
    {
        return Err(format!("Great Expectations {ver}, a version this mlgate does not read (0.x and 1.x)"));
    }
    let success = v["success"].as_bool().ok_or("a Great Expectations result without `success`")?;
    let suite = v["suite_name"].as_str().or(meta["expectation_suite_name"].as_str()).unwrap_or("?");
    let asset = meta["active_batch_definition"]["data_asset_name"]
        .as_str()
        .or(meta["batch_spec"]["data_asset_name"].as_str())
        .unwrap_or("");
    // A checkpoint names its run; a batch validated on its own (GX 1.x `batch.validate`)
    // only says when its data was loaded.
    let run_time = meta["run_id"]["run_time"]
        .as_str()
        .or(meta["validation_time"].as_str())
        .or(meta["batch_markers"]["ge_load_time"].as_str());
    let run_key = match (meta["run_id"]["run_name"].as_str(), run_time) {
        (Some(n), _) => format!("Great Expectations run {n}"),
        (None, Some(t)) => format!("Great Expectations run at {t}"),
        _ => super::folder_of(f.shown),
    };
    let mut rec = Record::new(f.shown, "Great Expectations", run_key);
    rec.at = run_time.and_then(super::parse_time);
    rec.items.push(Item { fact: gate("schema"), outcome: outcome(success) });
    let stats = &v["statistics"];
    rec.summary = format!(
        "suite {suite}{}: {} of {} expectations met",
        if asset.is_empty() { String::new() } else { format!(" on {asset}") },
        stats["successful_expectations"].as_u64().unwrap_or(0),
        stats["evaluated_expectations"].as_u64().unwrap_or(0)
    );
    Ok(rec)
}

/// The test results of an Evidently snapshot: `tests` at the top (a saved report), or
/// inside each metric result (a workspace snapshot).
fn evidently_tests(v: &Value) -> Option<Vec<&Value>> {
    let is_test = |t: &Value| {
        t.get("status").is_some()
            && (t.get("metric_config").is_some() || t.get("group").is_some() || t.get("test_config").is_some())
    };
    if let Some(ts) = v["tests"].as_array()
        && !ts.is_empty()
        && ts.iter().all(is_test)
    {
        return Some(ts.iter().collect());
    }
    let mr = v.get("metric_results")?.as_object()?;
    Some(mr.values().filter_map(|m| m["tests"].as_array()).flatten().filter(|t| is_test(t)).collect())
}

/// Which gate's job an Evidently test does: drift, data quality (the schema gate), or
/// neither (model quality tests, left unmapped).
fn evidently_kind(t: &Value) -> Option<&'static str> {
    let group = t["group"].as_str().unwrap_or("");
    let kind = t["metric_config"]["params"]["type"].as_str().unwrap_or("");
    let text = format!("{group} {kind} {}", t["name"].as_str().unwrap_or(""));
    if text.contains("drift") || text.contains("Drift") {
        return Some("drift");
    }
    let quality = [
        "data_quality",
        "data_integrity",
        "Missing",
        "Duplicat",
        "Empty",
        "Constant",
        "ColumnCount",
        "RowCount",
        "InRange",
        "InList",
        "OutRange",
        "OutList",
        "Unique",
        "Quantile",
        "ColumnType",
        "MinValue",
        "MaxValue",
        "MeanValue",
    ];
    quality.iter().any(|q| text.contains(q)).then_some("schema")
}

fn evidently(f: &File<'_>, v: &Value) -> Result<Record, String> {
    if let Some(ver) = v["version"].as_str().or(v["metadata"]["evidently_version"].as_str())
        && major(ver).is_none_or(|m| m > 0)
    {
        return Err(format!("an Evidently snapshot of version {ver}, which this mlgate does not read (0.x)"));
    }
    let tests = evidently_tests(v).unwrap_or_default();
    if tests.is_empty() {
        return Err(
            "an Evidently snapshot without test results (a report with no tests passes or fails nothing)".into()
        );
    }
    let at = v["timestamp"].as_str().or(v["datetime"].as_str()).and_then(super::parse_time);
    let run_key = match (v["id"].as_str(), at) {
        (Some(id), _) => format!("Evidently snapshot {id}"),
        (None, Some(t)) => format!("Evidently run at {t}"),
        _ => super::folder_of(f.shown),
    };
    let mut rec = Record::new(f.shown, "Evidently", run_key);
    rec.at = at;
    let (mut failed, mut unmapped) = (0, 0);
    let mut per: std::collections::BTreeMap<&str, Outcome> = Default::default();
    for t in &tests {
        let status = t["status"].as_str().unwrap_or("").to_ascii_uppercase();
        if status == "SKIPPED" {
            continue;
        }
        let o = outcome(!matches!(status.as_str(), "FAIL" | "ERROR"));
        if o == Outcome::Fail {
            failed += 1;
        }
        match evidently_kind(t) {
            Some(k) => {
                let e = per.entry(k).or_insert(o);
                *e = (*e).max(o);
            }
            None => unmapped += 1,
        }
    }
    rec.items = per.into_iter().map(|(k, o)| Item { fact: gate(k), outcome: o }).collect();
    rec.summary = format!(
        "{} tests, {failed} failed{}",
        tests.len(),
        if unmapped > 0 {
            format!(" ({unmapped} model-quality tests not mapped to a rubric test)")
        } else {
            String::new()
        }
    );
    Ok(rec)
}

/// A TFX Evaluator blessing (`BLESSED` / `NOT_BLESSED` in the blessing artefact's folder):
/// the model was validated against its baseline, what `[gates.baseline]` does.
/// InfraValidator's (`INFRA_BLESSED`) says the model loaded and served in the serving
/// binary, what a canary's first step does.
fn blessing(f: &File<'_>) -> Option<Record> {
    let (kind, ok, what) = match f.name {
        "BLESSED" => ("baseline", true, "TFX Evaluator: blessed"),
        "NOT_BLESSED" => ("baseline", false, "TFX Evaluator: not blessed"),
        "INFRA_BLESSED" => ("canary", true, "TFX InfraValidator: blessed"),
        "INFRA_NOT_BLESSED" => ("canary", false, "TFX InfraValidator: not blessed"),
        _ => return None,
    };
    let mut rec = Record::new(f.shown, "TFX", super::folder_of(f.shown));
    rec.items.push(Item { fact: gate(kind), outcome: outcome(ok) });
    rec.summary = what.into();
    Some(rec)
}
