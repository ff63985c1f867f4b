//! Gate results a CI workflow recorded in the repository: committed `results.json` files
//! (`mlgate check --out …`) and audit snapshots (`mlgate-audits/*.json`). The newest result
//! of each gate kind is what the rubric credits when `mlgate score` runs on its own; `audit`
//! and `check` credit the gates they have just run instead. A configured gate with no result
//! anywhere earns nothing.

use std::collections::BTreeMap;

use super::detect::GateSeen;
use super::scan::RepoIndex;
use crate::results::Results;

/// Result files read at most.
const MAX_FILES: usize = 50;
/// Bytes of one result file at most.
const MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Result files among the files the scan indexed (so `.gitignore`d report folders, which
/// are not committed, are not read).
fn candidates(index: &RepoIndex) -> impl Iterator<Item = &str> {
    index
        .files
        .iter()
        .map(|f| f.rel.as_str())
        .filter(|rel| {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let in_audits = rel.rsplit('/').nth(1) == Some("mlgate-audits");
            name == "results.json" || (in_audits && name.ends_with(".json"))
        })
        .take(MAX_FILES)
}

/// The newest recorded outcome of each gate kind, with the file it comes from.
pub fn gates(index: &RepoIndex) -> BTreeMap<String, GateSeen> {
    let mut best: BTreeMap<String, (String, GateSeen)> = BTreeMap::new();
    for rel in candidates(index) {
        let p = index.root.join(rel);
        if std::fs::metadata(&p).map(|m| m.len() > MAX_BYTES).unwrap_or(true) {
            continue;
        }
        let Some(r) = std::fs::read_to_string(&p).ok().and_then(|t| serde_json::from_str::<Results>(&t).ok()) else {
            continue;
        };
        if r.tool.name != "mlgate" {
            continue;
        }
        let source = format!("recorded in {rel} at {}", r.run.timestamp);
        let mut judged = judged_checks(&r.gates);
        for (kind, status) in worst_per_kind(&r.gates) {
            if best.get(&kind).is_none_or(|(t, _)| r.run.timestamp > *t) {
                let checks = judged.remove(&kind).unwrap_or_default();
                let at = super::runs::parse_time(&r.run.timestamp);
                best.insert(kind, (r.run.timestamp.clone(), GateSeen { status, source: source.clone(), checks, at }));
            }
        }
    }
    best.into_iter().map(|(k, (_, s))| (k, s)).collect()
}

/// Each gate kind's worst status in one run (several gates may share a kind).
pub fn worst_per_kind(gates: &[crate::results::GateResult]) -> BTreeMap<String, String> {
    use crate::results::Status;
    let rank = |s: Status| match s {
        Status::Skipped => 0,
        Status::Pass => 1,
        Status::Warn => 2,
        Status::Fail => 3,
        Status::Error => 4,
    };
    let mut out: BTreeMap<String, Status> = BTreeMap::new();
    for g in gates {
        let e = out.entry(g.kind.as_str().to_string()).or_insert(g.status);
        if rank(g.status) > rank(*e) {
            *e = g.status;
        }
    }
    out.into_iter().map(|(k, s)| (k, s.as_str().to_string())).collect()
}

/// The outcome of the gates a `check` or `audit` has just run.
pub fn from_run(gates: &[crate::results::GateResult], command: &str) -> BTreeMap<String, GateSeen> {
    let mut judged = judged_checks(gates);
    worst_per_kind(gates)
        .into_iter()
        .map(|(k, status)| {
            let checks = judged.remove(&k).unwrap_or_default();
            (k.clone(), GateSeen { status, source: format!("this {command}"), checks, at: None })
        })
        .collect()
}

/// Each gate kind's check codes that were judged (not skipped) in one run.
pub fn judged_checks(gates: &[crate::results::GateResult]) -> BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut out: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for g in gates {
        let codes = out.entry(g.kind.as_str().to_string()).or_default();
        codes.extend(g.checks.iter().filter(|c| c.status != crate::results::Status::Skipped).map(|c| c.code.clone()));
    }
    out
}
