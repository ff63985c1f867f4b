//! Gate results a CI workflow recorded in the repository: committed `results.json` files
//! (`mlgate check --out …`) and audit snapshots (`mlgate-audits/*.json`). The newest result
//! of each gate kind is what the rubric credits when `mlgate score` runs on its own; `audit`
//! and `check` credit the gates they have just run instead. A configured gate with no result
//! anywhere earns nothing.

use std::collections::BTreeMap;
use std::path::Path;

use super::detect::GateSeen;
use crate::results::Results;

/// Result files read at most.
const MAX_FILES: usize = 50;
/// Bytes of one result file at most.
const MAX_BYTES: u64 = 8 * 1024 * 1024;

fn candidates(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root).follow_links(false).hidden(true).max_depth(Some(6)).build();
    for e in walker.flatten() {
        if out.len() >= MAX_FILES {
            break;
        }
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let in_audits = p.parent().and_then(|d| d.file_name()).and_then(|n| n.to_str()) == Some("mlgate-audits");
        if e.file_type().is_some_and(|t| t.is_file())
            && (name == "results.json" || (in_audits && name.ends_with(".json")))
        {
            out.push(p.to_path_buf());
        }
    }
    out
}

/// The newest recorded outcome of each gate kind, with the file it comes from.
pub fn gates(root: &Path) -> BTreeMap<String, GateSeen> {
    let mut best: BTreeMap<String, (String, GateSeen)> = BTreeMap::new();
    for p in candidates(root) {
        if std::fs::metadata(&p).map(|m| m.len() > MAX_BYTES).unwrap_or(true) {
            continue;
        }
        let Some(r) = std::fs::read_to_string(&p).ok().and_then(|t| serde_json::from_str::<Results>(&t).ok()) else {
            continue;
        };
        if r.tool.name != "mlgate" {
            continue;
        }
        let rel = p.strip_prefix(root).unwrap_or(&p).to_string_lossy().replace('\\', "/");
        let source = format!("recorded in {rel} at {}", r.run.timestamp);
        for (kind, status) in worst_per_kind(&r.gates) {
            if best.get(&kind).is_none_or(|(t, _)| r.run.timestamp > *t) {
                best.insert(kind, (r.run.timestamp.clone(), GateSeen { status, source: source.clone() }));
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
    worst_per_kind(gates)
        .into_iter()
        .map(|(k, status)| (k, GateSeen { status, source: format!("this {command}") }))
        .collect()
}
