//! Pre-committed thresholds: a change must not move the goalposts together with the model.
//!
//! Against a base commit (`--base REF`, or the pull request's base branch in GitHub
//! Actions), this gate compares every gate's thresholds in mlgate.toml, and the schema
//! file of the schema gate, and looks at which files the change touches:
//! - thresholds made **looser** (a higher PSI bound, a lower metric floor, a larger allowed
//!   gap, a wider range, an allowed category more …) block unless an approval is recorded;
//! - thresholds changed **together with the candidate's predictions or model files** are
//!   flagged "thresholds moved with the model" and block unless approved;
//! - **tighter** thresholds are allowed and noted.
//!
//! A change mlgate cannot rank (a new pattern, a different metric) counts as loosening:
//! when in doubt, a person signs it off. Approvals name who approved and why; they come
//! from `[[review.approvals]]` in mlgate.toml or `--approve "who: why"` and are shown in
//! the report.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::{quoted, user};
use crate::git::{git, thresholds_of};
use crate::results::{Check, GateKind, GateResult, Status};

pub mod code {
    pub const LOOSENED: &str = "thresholds.loosened";
    pub const MOVED_WITH_MODEL: &str = "thresholds.moved-with-model";
    pub const TIGHTENED: &str = "thresholds.tightened";
    pub const UNCHANGED: &str = "thresholds.unchanged";
}

/// A recorded approval of a threshold change.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Who approved (a name or handle).
    pub by: String,
    /// Why the change is acceptable.
    pub reason: String,
    /// Gates the approval covers (default: all).
    #[serde(default)]
    pub gates: Vec<String>,
}

impl Approval {
    /// Parses `--approve "who: why"`.
    pub fn parse(flag: &str) -> Result<Approval> {
        let (by, reason) = flag.split_once(':').ok_or_else(|| {
            user(format!("--approve {flag:?} is not \"who: why\""))
                .hint("for example --approve \"alice: new data source, thresholds re-derived in #123\"")
        })?;
        let (by, reason) = (by.trim(), reason.trim());
        if by.is_empty() || reason.len() < 5 {
            return Err(user("an approval needs a name and a reason of at least a few words")
                .hint("--approve \"alice: why the change is safe\"")
                .into());
        }
        Ok(Approval { by: by.into(), reason: reason.into(), gates: vec![] })
    }

    fn covers(&self, gate: &str) -> bool {
        self.gates.is_empty() || self.gates.iter().any(|g| g == gate)
    }
}

/// Which way a change moved a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dir {
    Tighter,
    Looser,
}

/// How a bound moved from `x` to `y` (`None` = no bound): removing a bound loosens, adding
/// one tightens, and a value moving the way `higher_looser` names loosens.
fn bound_dir(x: Option<f64>, y: Option<f64>, higher_looser: bool) -> Dir {
    match (x, y) {
        (Some(x), Some(y)) if (y > x) == higher_looser => Dir::Looser,
        (Some(_), Some(_)) => Dir::Tighter,
        (Some(_), None) => Dir::Looser,
        _ => Dir::Tighter,
    }
}

/// One threshold change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub gate: String,
    pub what: String,
    pub from: String,
    pub to: String,
    pub dir: Dir,
    /// Why it counts as looser when the direction is not obvious.
    pub note: Option<String>,
}

fn num(v: &toml::Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

fn show(v: Option<&toml::Value>) -> String {
    match v {
        None => "(unset)".into(),
        Some(toml::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// `higher` keys get looser when they grow; `lower` keys when they shrink.
fn numeric_direction(gate: &str, path: &str) -> Option<bool> {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    let parent = path.split('.').next().unwrap_or(path);
    let higher_looser = match gate {
        "drift" => match parent {
            "psi" | "ks" | "wasserstein" | "js" | "chi2" | "null_rate" | "unseen" | "importance_share" | "features" => {
                Some(true)
            }
            "alpha" => Some(false),
            "epsilon" | "bins" | "min_rows" | "exact_max_bytes" => None,
            _ => None,
        },
        "leakage" => match parent {
            "max_entity_overlap" | "max_duplicate_share" | "max_point_in_time_share" | "target_auc" | "target_rho" => {
                Some(true)
            }
            _ => None,
        },
        "slices" => match parent {
            "max_gap" | "confidence" | "min_rows" => Some(true),
            // `min` is a floor for higher-is-better metrics.
            "min" => Some(false),
            _ => None,
        },
        "baseline" => match parent {
            "max_regression" | "confidence" => Some(true),
            "min_improvement" => Some(false),
            _ => None,
        },
        _ => None,
    };
    let _ = leaf;
    higher_looser
}

/// Flattens a table into `a.b.c → value`.
fn flatten(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, toml::Value>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&p, x, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

/// The value mlgate uses when a key is not set (`None`: no bound at all).
fn default_of(gate: &str, path: &str) -> Option<f64> {
    let v = match (gate, path) {
        ("drift", "psi.warn") => 0.1,
        ("drift", "psi.fail") => 0.2,
        ("drift", "null_rate.warn") => 0.05,
        ("drift", "null_rate.fail") => 0.10,
        ("drift", "unseen.warn") => 0.01,
        ("drift", "unseen.fail") => 0.05,
        ("drift", "importance_share.warn") => 0.1,
        ("drift", "importance_share.fail") => 0.3,
        ("drift", "alpha") => 0.05,
        ("drift", "min_rows") => 100.0,
        ("leakage", "max_entity_overlap" | "max_duplicate_share" | "max_point_in_time_share") => 0.0,
        ("leakage", "target_auc" | "target_rho") => 0.99,
        ("slices", "max_gap") => 0.05,
        ("slices", "min_rows") => 200.0,
        ("slices", "confidence") => 0.95,
        ("baseline", "confidence") => 0.95,
        ("baseline", p) if p.starts_with("min_improvement.") || p.starts_with("max_regression.") => 0.0,
        _ => return None,
    };
    Some(v)
}

/// The effective number at `path` on one side: the value set, else (for a per-column
/// override) the gate-level value, else mlgate's default.
fn effective(gate: &str, path: &str, side: &BTreeMap<String, toml::Value>) -> Option<f64> {
    if let Some(v) = side.get(path) {
        return num(v);
    }
    if gate == "drift"
        && let Some(rest) = path.strip_prefix("features.")
        && let Some((_, stat)) = rest.split_once('.')
    {
        return side.get(stat).and_then(num).or_else(|| default_of(gate, stat));
    }
    default_of(gate, path)
}

/// Changes to one gate's thresholds between two configurations.
pub fn compare_gate(gate: &str, old: Option<&toml::Table>, new: Option<&toml::Table>) -> Vec<Change> {
    let mut a = BTreeMap::new();
    let mut b = BTreeMap::new();
    if let Some(o) = old {
        flatten("", &toml::Value::Table(o.clone()), &mut a);
    }
    if let Some(n) = new {
        flatten("", &toml::Value::Table(n.clone()), &mut b);
    }
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut out = Vec::new();
    for k in keys {
        let (x, y) = (a.get(k), b.get(k));
        if x == y {
            continue;
        }
        let show_eff =
            |v: Option<&toml::Value>, side: &BTreeMap<String, toml::Value>| match (v, effective(gate, k, side)) {
                (None, Some(d)) => format!("(default {})", crate::text::num(d)),
                _ => show(v),
            };
        let mut change = Change {
            gate: gate.into(),
            what: k.clone(),
            from: show_eff(x, &a),
            to: show_eff(y, &b),
            dir: Dir::Looser,
            note: None,
        };
        let numeric = x.is_none_or(|v| num(v).is_some()) && y.is_none_or(|v| num(v).is_some());
        match (numeric_direction(gate, k), effective(gate, k, &a), effective(gate, k, &b)) {
            (Some(higher_looser), Some(ex), Some(ey)) if numeric => {
                if ex == ey {
                    // Set to what applied anyway (e.g. the default written out).
                    continue;
                }
                change.dir = bound_dir(Some(ex), Some(ey), higher_looser);
            }
            // A bound where there was none tightens; removing one loosens.
            (Some(_), None, Some(_)) if numeric => change.dir = Dir::Tighter,
            (Some(_), Some(_), None) if numeric => change.note = Some("a threshold was removed".into()),
            _ => match (x, y) {
                // Lists where more entries check more: a superset tightens.
                (Some(toml::Value::Array(xs)), Some(toml::Value::Array(ys)))
                    if matches!(
                        (gate, k.as_str()),
                        ("schema", "datasets")
                            | ("drift", "columns")
                            | ("slices", "by")
                            | ("baseline", "metrics")
                            | ("leakage", "features")
                    ) =>
                {
                    if xs.iter().all(|v| ys.contains(v)) {
                        change.dir = Dir::Tighter;
                    } else {
                        change.note = Some("entries were removed from the list".into());
                    }
                }
                (Some(x), Some(y)) if gate == "leakage" && k == "split" => {
                    change.dir = if x.as_str() == Some("random") && y.as_str() == Some("temporal") {
                        Dir::Tighter
                    } else {
                        Dir::Looser
                    };
                }
                (_, Some(y)) if gate == "baseline" && k == "trivial" => {
                    change.dir = if y.as_bool() == Some(true) { Dir::Tighter } else { Dir::Looser };
                }
                (Some(_), None) => {
                    change.note =
                        Some("a setting was removed; mlgate cannot rank that, so it counts as loosening".into())
                }
                _ => change.note = Some("changed in a way mlgate cannot rank; treated as loosening".into()),
            },
        }
        out.push(change);
    }
    out
}

/// Whether a gate table is present and enabled.
fn gate_on(doc: Option<&toml::Table>, gate: &str) -> bool {
    doc.and_then(|d| d.get("gates")?.as_table()?.get(gate)?.as_table().cloned())
        .is_some_and(|t| t.get("enabled").and_then(|v| v.as_bool()) != Some(false))
}

/// Changes between two schema files (the schema gate's thresholds).
pub fn compare_schema(old: &serde_json::Value, new: &serde_json::Value) -> Vec<Change> {
    let mut out = Vec::new();
    let mk = |what: String, from: String, to: String, dir: Dir| Change {
        gate: "schema".into(),
        what,
        from,
        to,
        dir,
        note: None,
    };
    let by_name = |v: &serde_json::Value| -> BTreeMap<String, serde_json::Value> {
        v["columns"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| Some((c["name"].as_str()?.to_string(), c.clone())))
            .collect()
    };
    let (a, b) = (by_name(old), by_name(new));
    let bool_of = |v: &serde_json::Value, k: &str, default: bool| v[k].as_bool().unwrap_or(default);
    if bool_of(old, "strict", false) != bool_of(new, "strict", false) {
        let looser = !bool_of(new, "strict", false);
        out.push(mk(
            "strict".into(),
            old["strict"].to_string(),
            new["strict"].to_string(),
            if looser { Dir::Looser } else { Dir::Tighter },
        ));
    }
    for (k, higher_looser) in [("min", false), ("max", true)] {
        let (x, y) = (old["rows"][k].as_f64(), new["rows"][k].as_f64());
        if x != y {
            let (from, to) = (old["rows"][k].to_string(), new["rows"][k].to_string());
            out.push(mk(format!("rows.{k}"), from, to, bound_dir(x, y, higher_looser)));
        }
    }
    for (name, c) in &a {
        let Some(d) = b.get(name) else {
            out.push(mk(format!("column {}", quoted(name)), "declared".into(), "removed".into(), Dir::Looser));
            continue;
        };
        let col = |k: &str| format!("{}.{k}", quoted(name));
        for (k, higher_looser) in
            [("min", false), ("max", true), ("max_null_fraction", true), ("max_unseen_fraction", true)]
        {
            let (x, y) = (c[k].as_f64(), d[k].as_f64());
            if x != y {
                out.push(mk(col(k), format!("{}", c[k]), format!("{}", d[k]), bound_dir(x, y, higher_looser)));
            }
        }
        // Booleans where `true` is the strict setting (nullable is the reverse).
        for (k, strict_when, default) in [
            ("required", true, true),
            ("unique", true, false),
            ("nullable", false, true),
            ("allow_non_finite", false, false),
        ] {
            let (x, y) = (bool_of(c, k, default), bool_of(d, k, default));
            if x != y {
                out.push(mk(
                    col(k),
                    x.to_string(),
                    y.to_string(),
                    if y == strict_when { Dir::Tighter } else { Dir::Looser },
                ));
            }
        }
        if c["type"] != d["type"] || c["pattern"] != d["pattern"] {
            let k = if c["type"] != d["type"] { "type" } else { "pattern" };
            let mut ch = mk(col(k), c[k].to_string(), d[k].to_string(), Dir::Looser);
            ch.note = Some("changed in a way mlgate cannot rank; treated as loosening".into());
            out.push(ch);
        }
        if c["categories"] != d["categories"] {
            let set = |v: &serde_json::Value| -> std::collections::BTreeSet<String> {
                v["categories"].as_array().into_iter().flatten().map(|x| x.to_string()).collect()
            };
            let (x, y) = (set(c), set(d));
            let dir = if d["categories"].is_null() || !y.is_subset(&x) { Dir::Looser } else { Dir::Tighter };
            out.push(mk(col("categories"), format!("{} values", x.len()), format!("{} values", y.len()), dir));
        }
        let sev = |v: &serde_json::Value| v["severity"].as_str().unwrap_or("fail").to_string();
        if sev(c) != sev(d) {
            out.push(mk(col("severity"), sev(c), sev(d), if sev(d) == "warn" { Dir::Looser } else { Dir::Tighter }));
        }
    }
    for name in b.keys().filter(|n| !a.contains_key(*n)) {
        out.push(mk(format!("column {}", quoted(name)), "absent".into(), "declared".into(), Dir::Tighter));
    }
    out
}

/// The repository root and the config's path inside it.
fn repo_paths(cfg: &Config) -> Result<(String, String)> {
    let dir = &cfg.dir;
    let root = git(dir, &["rev-parse", "--show-toplevel"]).map(|s| s.trim().to_string()).ok_or_else(|| {
        user(format!("{} is not inside a git repository", cfg.path.display()))
            .hint("--base compares thresholds with an earlier commit, which needs the repository's history")
    })?;
    let prefix = git(dir, &["rev-parse", "--show-prefix"]).map(|s| s.trim().to_string()).unwrap_or_default();
    Ok((root, prefix))
}

/// Resolves the base to the merge base with HEAD, explaining shallow clones.
fn merge_base(dir: &Path, base: &str) -> Result<String> {
    let shallow = git(dir, &["rev-parse", "--is-shallow-repository"]).map(|s| s.trim() == "true").unwrap_or(false);
    let fix = if shallow {
        "this is a shallow clone: set `fetch-depth: 0` on actions/checkout (or run `git fetch --unshallow`) so the base commit is available"
    } else {
        "fetch the base first, e.g. `git fetch origin main`, or pass --base with a commit that exists"
    };
    if git(dir, &["rev-parse", "--verify", "--quiet", &format!("{base}^{{commit}}")]).is_none() {
        return Err(user(format!("base {} is not a commit in this repository", quoted(base))).hint(fix).into());
    }
    git(dir, &["merge-base", base, "HEAD"])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| user(format!("{} and HEAD have no common ancestor here", quoted(base))).hint(fix).into())
}

/// Runs the pre-commitment check against `base`.
pub fn run(cfg: &Config, base: &str, approvals: &[Approval], model_globs: &[String]) -> Result<GateResult> {
    let (root, prefix) = repo_paths(cfg)?;
    let dir = cfg.dir.clone();
    let mb = merge_base(&dir, base)?;
    let name = cfg.path.file_name().and_then(|n| n.to_str()).unwrap_or(crate::config::DEFAULT_CONFIG);
    let old_text = git(&dir, &["show", &format!("{mb}:./{name}")]);
    let old: Option<toml::Table> = old_text.as_deref().and_then(|t| toml::from_str(t).ok());
    let new: toml::Table =
        toml::from_str(&cfg.text).map_err(|e| user(format!("{}: {}", cfg.path.display(), e.message())))?;
    let mut changes: Vec<Change> = Vec::new();
    if old.is_some() {
        for gate in ["schema", "drift", "leakage", "slices", "baseline"] {
            let (was, is) = (gate_on(old.as_ref(), gate), gate_on(Some(&new), gate));
            if was != is {
                changes.push(Change {
                    gate: gate.into(),
                    what: "the gate".into(),
                    from: if was { "on" } else { "off" }.into(),
                    to: if is { "on" } else { "off" }.into(),
                    dir: if is { Dir::Tighter } else { Dir::Looser },
                    note: (!is).then(|| "the gate no longer runs".to_string()),
                });
            }
        }
    }
    // Thresholds are compared only for gates that run on both sides: a gate switched on or
    // off is one change (above), and a configuration new in this change pre-committed nothing.
    let on_both = |gate: &str| old.is_some() && gate_on(old.as_ref(), gate) && gate_on(Some(&new), gate);
    for gate in ["drift", "leakage", "slices", "baseline"] {
        if on_both(gate) {
            let o = old.as_ref().and_then(|d| thresholds_of(d, gate));
            changes.extend(compare_gate(gate, o.as_ref(), thresholds_of(&new, gate).as_ref()));
        }
    }
    if let Some(s) = cfg.raw.gates.schema.as_ref().filter(|_| on_both("schema")) {
        let rel = s.schema.get_ref();
        let now = std::fs::read_to_string(cfg.resolve(rel))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
        let then = git(&dir, &["show", &format!("{mb}:./{rel}")])
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
        if let (Some(a), Some(b)) = (&then, &now) {
            changes.extend(compare_schema(a, b));
        }
        let o = old.as_ref().and_then(|d| thresholds_of(d, "schema"));
        changes.extend(compare_gate("schema", o.as_ref(), thresholds_of(&new, "schema").as_ref()).into_iter().map(
            |mut c| {
                if c.what == "schema" || c.what == "json_schema" {
                    c.note = Some("the schema gate now reads a different schema file".into());
                }
                c
            },
        ));
    }

    // Files the change touches (committed since the merge base, staged, unstaged, untracked).
    let mut touched: Vec<String> = git(&dir, &["diff", "--name-only", &mb])
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .chain(
            git(&dir, &["ls-files", "--others", "--exclude-standard", "--full-name"])
                .unwrap_or_default()
                .lines()
                .map(str::to_string),
        )
        .collect();
    touched.sort();
    touched.dedup();
    let mut globs: Vec<String> = model_globs.to_vec();
    if let Some(c) = cfg.raw.predictions.get("candidate") {
        globs.push(format!("{prefix}{}", c.get_ref().trim_start_matches("./")));
    }
    for ext in ["pkl", "joblib", "onnx", "pt", "pth", "h5", "keras", "safetensors", "cbm", "ubj"] {
        globs.push(format!("**/*.{ext}"));
    }
    let mut b = globset::GlobSetBuilder::new();
    for g in &globs {
        if let Ok(g) = globset::Glob::new(g) {
            b.add(g);
        }
    }
    let set = b.build().map_err(|e| user(format!("[review].model_paths: {e}")))?;
    let model_files: Vec<&String> = touched.iter().filter(|f| set.is_match(f.as_str())).collect();

    let mut checks = Vec::new();
    let approval_for = |gate: &str| approvals.iter().find(|a| a.covers(gate));
    let mut by_gate: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for c in &changes {
        by_gate.entry(c.gate.as_str()).or_default().push(c);
    }
    for (gate, list) in &by_gate {
        let looser: Vec<&&Change> = list.iter().filter(|c| c.dir == Dir::Looser).collect();
        let tighter: Vec<&&Change> = list.iter().filter(|c| c.dir == Dir::Tighter).collect();
        let fmt = |cs: &[&&Change]| {
            cs.iter()
                .map(|c| {
                    format!(
                        "{} {} → {}{}",
                        c.what,
                        c.from,
                        c.to,
                        c.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        if !looser.is_empty() {
            let (status, suffix) = match approval_for(gate) {
                Some(a) => (Status::Pass, format!("; approved by {}: {}", a.by, a.reason)),
                None => (
                    Status::Fail,
                    "; record an approval ([[review.approvals]] or --approve \"who: why\") if this is intended".into(),
                ),
            };
            checks.push(
                Check::new(
                    code::LOOSENED,
                    *gate,
                    status,
                    format!("thresholds loosened since {}: {}{suffix}", &mb[..12.min(mb.len())], fmt(&looser)),
                )
                .with_detail(
                    "changes",
                    looser
                        .iter()
                        .map(|c| serde_json::json!({"what": c.what, "from": c.from, "to": c.to}))
                        .collect::<Vec<_>>(),
                ),
            );
        }
        if !tighter.is_empty() {
            checks.push(Check::new(
                code::TIGHTENED,
                *gate,
                Status::Pass,
                format!("thresholds tightened: {}", fmt(&tighter)),
            ));
        }
    }
    if !changes.is_empty() && !model_files.is_empty() {
        let gates: Vec<&str> = by_gate.keys().copied().collect();
        let approved = gates.iter().all(|g| approval_for(g).is_some());
        let shown: Vec<&str> = model_files.iter().take(5).map(|s| s.as_str()).collect();
        let msg = format!(
            "thresholds moved with the model: this change edits the thresholds of {} and the candidate's predictions or model files ({}){}",
            gates.join(", "),
            shown.join(", "),
            if approved {
                format!(
                    "; approved by {}",
                    approvals.iter().map(|a| format!("{} ({})", a.by, a.reason)).collect::<Vec<_>>().join(", ")
                )
            } else {
                "; thresholds must be committed before the model they judge — split the change, or record an approval"
                    .into()
            }
        );
        checks.push(Check::new(
            code::MOVED_WITH_MODEL,
            "change",
            if approved { Status::Pass } else { Status::Fail },
            msg,
        ));
    }
    if changes.is_empty() {
        checks.push(Check::new(
            code::UNCHANGED,
            "change",
            Status::Pass,
            if old_text.is_none() {
                format!(
                    "{name} does not exist at the base {}; nothing was pre-committed to compare with",
                    &mb[..12.min(mb.len())]
                )
            } else {
                format!("no threshold changed since the base {}", &mb[..12.min(mb.len())])
            },
        ));
    }
    let mut g = GateResult::from_checks("thresholds", GateKind::Thresholds, checks);
    let loosened = g.checks.iter().filter(|c| c.code == code::LOOSENED).count();
    g.summary = if changes.is_empty() {
        format!("no threshold changed since {}", base)
    } else {
        format!(
            "{} threshold change(s) since {base}: {} loosened gate(s), {} model file(s) touched{}",
            changes.len(),
            loosened,
            model_files.len(),
            if approvals.is_empty() { String::new() } else { format!("; {} approval(s) recorded", approvals.len()) }
        )
    };
    g.thresholds.values = serde_json::json!({
        "base": base,
        "merge_base": mb,
        "model_paths": globs,
        "approvals": approvals,
    });
    g.method.insert(
        "rule".into(),
        "loosening (or any change mlgate cannot rank) blocks without an approval; editing thresholds together with the candidate's predictions or model files blocks without an approval; tightening is allowed".into(),
    );
    g.notes = vec![format!(
        "repository {}; compared against merge base {mb}",
        Path::new(&root).file_name().and_then(|n| n.to_str()).unwrap_or(".")
    )];
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(s: &str) -> toml::Table {
        toml::from_str(s).unwrap()
    }

    #[test]
    fn directions_per_gate() {
        let c = compare_gate(
            "drift",
            Some(&table("psi = { warn = 0.1, fail = 0.2 }\nalpha = 0.05")),
            Some(&table("psi = { warn = 0.1, fail = 0.3 }\nalpha = 0.01")),
        );
        assert_eq!(c.len(), 2);
        assert!(c.iter().all(|x| x.dir == Dir::Looser), "{c:?}");
        let c = compare_gate(
            "slices",
            Some(&table("min = 0.7\nmax_gap = 0.05")),
            Some(&table("min = 0.75\nmax_gap = 0.03")),
        );
        assert!(c.iter().all(|x| x.dir == Dir::Tighter), "{c:?}");
        let c = compare_gate(
            "baseline",
            Some(&table("max_regression = { log_loss = 0.01 }")),
            Some(&table("max_regression = { log_loss = 0.02 }")),
        );
        assert_eq!(c[0].dir, Dir::Looser);
        let c = compare_gate("slices", Some(&table("metric = \"roc_auc\"")), Some(&table("metric = \"accuracy\"")));
        assert_eq!(c[0].dir, Dir::Looser, "unrankable changes need a sign-off");
    }

    #[test]
    fn unset_keys_compare_with_the_defaults() {
        let none = table("");
        let c = compare_gate("drift", Some(&none), Some(&table("psi = { fail = 0.3 }")));
        assert_eq!((c.len(), c[0].dir, c[0].from.as_str()), (1, Dir::Looser, "(default 0.2)"), "{c:?}");
        assert!(
            compare_gate("drift", Some(&none), Some(&table("psi = { fail = 0.2 }"))).is_empty(),
            "the default written out"
        );
        let c = compare_gate("drift", Some(&table("psi = { fail = 0.15 }")), Some(&none));
        assert_eq!(c[0].dir, Dir::Looser, "removing a tighter bound returns to the default");
        let c = compare_gate("drift", Some(&none), Some(&table("[features.income]\npsi = { fail = 0.5 }")));
        assert_eq!(c[0].dir, Dir::Looser, "a per-column override looser than the gate's level");
        let c = compare_gate("slices", Some(&none), Some(&table("min = 0.7")));
        assert_eq!(c[0].dir, Dir::Tighter, "a floor where there was none");
        let c = compare_gate("slices", Some(&table("min = 0.7")), Some(&none));
        assert_eq!(c[0].dir, Dir::Looser);
        let c = compare_gate("slices", Some(&table("by = [\"region\"]")), Some(&table("by = [\"region\", \"plan\"]")));
        assert_eq!(c[0].dir, Dir::Tighter, "more slices");
        let c = compare_gate("slices", Some(&table("by = [\"region\", \"plan\"]")), Some(&table("by = [\"plan\"]")));
        assert_eq!(c[0].dir, Dir::Looser, "fewer slices");
    }

    #[test]
    fn schema_changes_are_ranked() {
        let old = serde_json::json!({"columns": [{"name": "age", "type": "integer", "min": 18, "max": 99, "nullable": false, "categories": null},
                                                  {"name": "plan", "type": "string", "categories": ["a", "b"]}]});
        let new = serde_json::json!({"columns": [{"name": "age", "type": "integer", "min": 0, "max": 99},
                                                  {"name": "plan", "type": "string", "categories": ["a"]},
                                                  {"name": "new", "type": "float"}]});
        let c = compare_schema(&old, &new);
        let find = |w: &str| c.iter().find(|x| x.what.contains(w)).unwrap_or_else(|| panic!("{w}: {c:?}"));
        assert_eq!(find(".min").dir, Dir::Looser);
        assert_eq!(find(".nullable").dir, Dir::Looser);
        assert_eq!(find(".categories").dir, Dir::Tighter);
        assert_eq!(find("column \"new\"").dir, Dir::Tighter);
        let rows = compare_schema(
            &serde_json::json!({"rows": {"min": 1000}, "columns": []}),
            &serde_json::json!({"rows": {"min": 500}, "columns": []}),
        );
        assert_eq!((rows[0].from.as_str(), rows[0].to.as_str(), rows[0].dir), ("1000", "500", Dir::Looser), "{rows:?}");
    }
}
