//! MLflow run folders (`mlruns/<experiment>/<run>/` of MLflow's file store): `meta.yaml`
//! says when the run started and how it ended, `tags/mlflow.source.name` which file ran,
//! `metrics/` which metrics it logged.

use std::path::Path;

use super::{Fact, Item, Outcome, Record};

/// Bytes of `meta.yaml` or a tag file read at most.
const MAX_META: u64 = 256 * 1024;

/// Metric files of one run whose last value is shown, at most.
const MAX_METRICS: usize = 8;

/// The run in folder `d`, if `d` is an MLflow run folder: the run, or why it does not count.
pub fn run_folder(d: &Path, shown: &str) -> Option<Result<Record, String>> {
    let meta = super::read_small(&d.join("meta.yaml"), MAX_META)?;
    let source = super::read_small(&d.join("tags").join("mlflow.source.name"), MAX_META);
    let mut names: Vec<String> = std::fs::read_dir(d.join("metrics"))
        .map(|es| es.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    // A metric file's lines are `timestamp value step`; the last one is the final value.
    let metrics = names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let last =
                (i < MAX_METRICS).then(|| super::read_small(&d.join("metrics").join(&n), MAX_META)).flatten().and_then(
                    |t| t.lines().last().and_then(|l| l.split_whitespace().nth(1)).map(|v| crate::text::clip(v, 24)),
                );
            match last {
                Some(v) => format!("{}={v}", crate::text::clip(&n, 40)),
                None => crate::text::clip(&n, 40),
            }
        })
        .collect();
    record(&meta, source.as_deref(), metrics, shown)
}

/// The runs inside an archive, from its entry paths and the files read.
pub fn in_archive(paths: &[&str], files: &[(String, Vec<u8>)], shown: &str) -> Vec<Result<Record, String>> {
    let mut out = Vec::new();
    for (p, data) in files {
        let Some(dir) = p.strip_suffix("meta.yaml") else { continue };
        let Ok(meta) = std::str::from_utf8(data) else { continue };
        let source = files
            .iter()
            .find(|(q, _)| q.strip_prefix(dir) == Some("tags/mlflow.source.name"))
            .and_then(|(_, d)| std::str::from_utf8(d).ok());
        let metrics: Vec<String> = paths
            .iter()
            .filter_map(|q| q.strip_prefix(dir)?.strip_prefix("metrics/"))
            .filter(|m| !m.contains('/'))
            .map(str::to_string)
            .collect();
        if let Some(r) = record(meta, source, metrics, &format!("{shown}!{}", dir.trim_end_matches('/'))) {
            out.push(r);
        }
    }
    out
}

fn record(meta: &str, source: Option<&str>, mut metrics: Vec<String>, shown: &str) -> Option<Result<Record, String>> {
    let docs = super::super::yaml::load(meta).ok()?;
    let m = docs.first()?;
    let run_id = m["run_id"].as_str().or(m["run_uuid"].as_str())?;
    // An experiment's meta.yaml has no run id; a run's has both.
    m["experiment_id"].as_str().or(m["experiment_id"].as_i64().map(|_| ""))?;
    let mut r = Record::new(shown, "MLflow", format!("MLflow run {run_id}"));
    r.at = m["start_time"].as_i64().map(|ms| ms / 1000);
    // RUNNING 1, SCHEDULED 2, FINISHED 3, FAILED 4, KILLED 5 (mlflow.entities.RunStatus).
    let status = m["status"].as_i64().unwrap_or(0);
    if m["lifecycle_stage"].as_str() == Some("deleted") {
        return Some(Err(format!("MLflow run {run_id} was deleted; not counted")));
    }
    if status == 1 || status == 2 {
        return Some(Err(format!("MLflow run {run_id} has not ended (still running or scheduled); not counted")));
    }
    let outcome = if status == 3 { Outcome::Pass } else { Outcome::Fail };
    if let Some(s) = source.map(str::trim).filter(|s| !s.is_empty()) {
        r.items.push(Item { fact: Fact::Ran(s.to_string()), outcome });
    }
    metrics.sort();
    r.summary = format!(
        "run {} {}{}",
        m["run_name"].as_str().unwrap_or(run_id),
        match status {
            3 => "finished",
            4 => "failed",
            5 => "was killed",
            _ => "ended",
        },
        if metrics.is_empty() { String::new() } else { format!(", logged {}", crate::text::list_some(&metrics, 4)) }
    );
    Some(Ok(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(d: &Path, status: u8, stage: &str) {
        std::fs::create_dir_all(d.join("metrics")).unwrap();
        std::fs::create_dir_all(d.join("tags")).unwrap();
        let meta = format!(
            "run_id: abc\nrun_name: train\nexperiment_id: '7'\nstatus: {status}\nlifecycle_stage: {stage}\nstart_time: 1796100000000\n"
        );
        std::fs::write(d.join("meta.yaml"), meta).unwrap();
        std::fs::write(d.join("tags/mlflow.source.name"), "/ci/work/src/train.py").unwrap();
        std::fs::write(d.join("metrics/auc"), "1796100001000 0.88 0\n1796100002000 0.91 1\n").unwrap();
    }

    #[test]
    fn a_run_folder_says_what_ran_how_it_ended_and_its_last_metrics() {
        let t = tempfile::tempdir().unwrap();
        run(t.path(), 3, "active");
        let r = run_folder(t.path(), "mlruns/7/abc").unwrap().unwrap();
        assert_eq!(r.at, Some(1_796_100_000));
        assert_eq!(r.summary, "run train finished, logged auc=0.91");
        assert_eq!(r.items[0].fact, Fact::Ran("/ci/work/src/train.py".into()));
        assert_eq!(r.outcome(), Outcome::Pass);
        run(t.path(), 4, "active");
        assert_eq!(run_folder(t.path(), "x").unwrap().unwrap().outcome(), Outcome::Fail);
        run(t.path(), 1, "active");
        assert!(run_folder(t.path(), "x").unwrap().unwrap_err().contains("has not ended"));
        run(t.path(), 3, "deleted");
        assert!(run_folder(t.path(), "x").unwrap().unwrap_err().contains("was deleted"));
        // In an archive, metric files are named by their paths (their contents are not read).
        let meta = std::fs::read(t.path().join("meta.yaml")).unwrap();
        let names = ["r/meta.yaml", "r/metrics/auc", "r/metrics/loss", "r/tags/mlflow.user"];
        let runs = in_archive(&names, &[("r/meta.yaml".to_string(), meta)], "a.zip");
        assert!(runs[0].as_ref().unwrap_err().contains("was deleted"));
        run(t.path(), 3, "active");
        let meta = std::fs::read(t.path().join("meta.yaml")).unwrap();
        let r = in_archive(&names, &[("r/meta.yaml".to_string(), meta)], "a.zip").remove(0).unwrap();
        assert_eq!(r.summary, "run train finished, logged auc, loss");
        assert_eq!(r.source, "a.zip!r");
        // An experiment's meta.yaml is not a run.
        std::fs::write(t.path().join("meta.yaml"), "experiment_id: '7'\nname: churn\n").unwrap();
        assert!(run_folder(t.path(), "x").is_none());
    }
}
