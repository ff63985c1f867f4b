//! Pre-committed thresholds: a change must not move the goalposts together with the model.
//!
//! Against a base commit (`--base REF`, or the pull request's base branch in GitHub
//! Actions), this review compares every gate's settings in mlgate.toml, and the schema
//! file of the schema gate, and looks at which files the change touches:
//! - thresholds made **looser** (a higher PSI bound, a lower metric floor, a larger allowed
//!   gap, a wider range, an allowed category more …) block unless an approval is recorded;
//! - thresholds changed **together with the candidate's predictions or model files** are
//!   flagged "thresholds moved with the model" and block unless approved;
//! - **tighter** thresholds are allowed and noted.
//!
//! What counts as a threshold, its default and which way is looser come from each gate's
//! settings (`gates/knobs.rs`); this module only compares. A change mlgate cannot rank (a
//! new pattern, a different metric) counts as loosening: when in doubt, a person signs it
//! off. Approvals name who approved and why; they come from `[[review.approvals]]` in
//! mlgate.toml or `--approve "who: why"` and are shown in the report; which of them count
//! is `approvals.rs`'s (never one the change under review adds itself).

pub mod approvals;
pub mod codes;
pub mod compare;
pub mod history;
mod repo;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use crate::config::{Approval, Config};
use crate::error::user;
use crate::gates::GateSpec;
use crate::gates::knobs::{Knob, Reviewed};
use crate::git::git;
use crate::results::{Check, GateKind, GateResult, Status};
use approvals::{Approvals, requested_words};
use codes::Code;
use compare::{Change, Dir, Side};

/// Parses `--approve "who: why"`.
pub fn parse_approval(flag: &str) -> Result<Approval> {
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
    Ok(Approval { by: by.into(), reason: reason.into(), gates: vec![], review: None })
}

/// The `[gates.<kind>]` table of a configuration text, as written.
fn table_of(text: Option<&str>, kind: GateKind) -> Option<toml::Table> {
    let doc: toml::Table = toml::from_str(text?).ok()?;
    doc.get("gates")?.as_table()?.get(kind.as_str())?.as_table().cloned()
}

/// Every threshold change between the configuration at the base and now.
fn config_changes(cfg: &Config, old_text: Option<&str>, dir: &Path, mb: &str) -> Vec<Change> {
    let Some(old_text) = old_text else { return Vec::new() };
    // A base that is not TOML at all: every gate's settings count as unrankable.
    let old = crate::config::gates_of_text(old_text).unwrap_or_default();
    let now: BTreeMap<GateKind, &GateSpec> = cfg.gates.iter().map(|g| (g.kind(), g)).collect();
    let mut out = Vec::new();
    for kind in GateKind::CONFIGURED {
        let (was, is) = (old.contains_key(&kind), now.contains_key(&kind));
        if was != is {
            out.push(Change {
                gate: kind,
                what: "the gate".into(),
                from: if was { "on" } else { "off" }.into(),
                to: if is { "on" } else { "off" }.into(),
                dir: if is { Dir::Tighter } else { Dir::Looser },
                note: (!is).then(|| "the gate no longer runs".to_string()),
            });
        }
        // Settings are compared only for gates that run on both sides: a gate switched on
        // or off is one change (above), and a gate new in this change pre-committed nothing.
        let (Some(then), Some(spec)) = (old.get(&kind), now.get(&kind)) else { continue };
        let (ta, tb) = (table_of(Some(old_text), kind), table_of(Some(&cfg.text), kind));
        let wa = |k: &str| compare::written(ta.as_ref(), k);
        let wb = |k: &str| compare::written(tb.as_ref(), k);
        let mut kb = spec.knobs();
        let mut ka = match then {
            Ok(s) => s.knobs(),
            Err(why) => {
                out.push(Change {
                    gate: kind,
                    what: format!("[gates.{kind}]"),
                    from: "(unreadable)".into(),
                    to: "(current)".into(),
                    dir: Dir::Looser,
                    note: Some(format!("the base's table cannot be read by this mlgate ({why}); treated as loosening")),
                });
                continue;
            }
        };
        if let (Ok(GateSpec::Schema(a)), GateSpec::Schema(b)) = (then, spec) {
            ka.extend(schema_file_knobs(&git(dir, &["show", &format!("{mb}:./{}", a.schema.get_ref())])));
            kb.extend(schema_file_knobs(&std::fs::read_to_string(cfg.resolve(b.schema.get_ref())).ok()));
        }
        out.extend(compare::changes(kind, &Side { knobs: &ka, written: &wa }, &Side { knobs: &kb, written: &wb }));
    }
    out
}

/// The thresholds written in a schema file (none when it is missing or does not parse).
fn schema_file_knobs(text: &Option<String>) -> Vec<Knob> {
    text.as_deref()
        .and_then(|t| crate::gates::schema::DataSchema::parse(t, "schema").ok())
        .map(|s| s.knobs())
        .unwrap_or_default()
}

/// Approvals from outside the configuration file.
#[derive(Debug, Default, Clone)]
pub struct Given {
    /// `--approve` flags; they count only when `flags_count` (the run is not a pull
    /// request's).
    pub flags: Vec<Approval>,
    pub flags_count: bool,
    /// Approving pull-request reviews that count (see `github/reviews.rs`).
    pub reviews: Vec<Approval>,
    /// Notes on reviews read: which did not count and why, or why none were read.
    pub review_notes: Vec<String>,
}

/// Runs the pre-commitment check against `base` with the approvals `given`.
pub fn run(cfg: &Config, base: &str, given: &Given, model_globs: &[String]) -> Result<GateResult> {
    let (flags, flags_count) = (&given.flags[..], given.flags_count);
    let (root, prefix) = repo::paths(cfg)?;
    let dir = cfg.dir.clone();
    let mb = repo::merge_base(&dir, base)?;
    let short = &mb[..12.min(mb.len())];
    let name = cfg.path.file_name().and_then(|n| n.to_str()).unwrap_or(crate::config::DEFAULT_CONFIG);
    let old_text = git(&dir, &["show", &format!("{mb}:./{name}")]);
    let changes = config_changes(cfg, old_text.as_deref(), &dir, &mb);
    let mut approvals = Approvals::sort(&cfg.raw.review.approvals, old_text.as_deref(), flags, flags_count);
    approvals.counted.extend(given.reviews.iter().cloned());
    let approvals = &approvals;
    let (globs, model_files) = repo::model_files(cfg, &dir, &mb, &prefix, model_globs)?;

    let mut by_gate: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for c in &changes {
        by_gate.entry(c.gate.as_str()).or_default().push(c);
    }
    let mut checks = Vec::new();
    for (gate, list) in &by_gate {
        checks.extend(gate_checks(gate, list, approvals, short));
    }
    if !changes.is_empty() && !model_files.is_empty() {
        let gates: Vec<&str> = by_gate.keys().copied().collect();
        checks.push(moved_with_model(&gates, &model_files, approvals));
    }
    if changes.is_empty() {
        let msg = if old_text.is_none() {
            format!("{name} does not exist at the base {short}; nothing was pre-committed to compare with")
        } else {
            format!("no threshold changed since the base {short}")
        };
        checks.push(Check::new(Code::Unchanged, "change", Status::Pass, msg));
    }
    let mut g = GateResult::from_checks("thresholds", GateKind::Thresholds, checks);
    let loosened = g.checks.iter().filter(|c| c.code == Code::Loosened).count();
    g.summary = if changes.is_empty() {
        format!("no threshold changed since {base}")
    } else {
        format!(
            "{} threshold change(s) since {base}: {} loosened gate(s), {} model file(s) touched{}",
            changes.len(),
            loosened,
            model_files.len(),
            match (approvals.counted.len(), approvals.requested.len()) {
                (0, 0) => String::new(),
                (n, 0) => format!("; {n} approval(s) recorded"),
                (n, r) => format!("; {n} approval(s) recorded, {r} requested in this change (not counted)"),
            }
        )
    };
    g.thresholds.values = serde_json::json!({
        "base": base,
        "merge_base": mb,
        "model_paths": globs,
        "approvals": approvals.counted,
        "approvals_requested": approvals.requested,
    });
    g.method.insert(
        "rule".into(),
        "loosening (or any change mlgate cannot rank) blocks without an approval; editing thresholds together with the candidate's predictions or model files blocks without an approval; tightening is allowed".into(),
    );
    g.notes = vec![format!(
        "repository {}; compared against merge base {mb}",
        Path::new(&root).file_name().and_then(|n| n.to_str()).unwrap_or(".")
    )];
    g.notes.extend(given.review_notes.iter().cloned());
    Ok(g)
}

/// The loosened and tightened checks of one gate.
fn gate_checks(gate: &str, list: &[&Change], approvals: &Approvals, base: &str) -> Vec<Check> {
    let looser: Vec<&Change> = list.iter().copied().filter(|c| c.dir == Dir::Looser).collect();
    let tighter: Vec<&Change> = list.iter().copied().filter(|c| c.dir == Dir::Tighter).collect();
    let fmt = |cs: &[&Change]| {
        cs.iter()
            .map(|c| {
                let note = c.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
                format!("{} {} → {}{note}", c.what, c.from, c.to)
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut checks = Vec::new();
    if !looser.is_empty() {
        let (status, suffix) = match approvals.counted_for(gate) {
            Some(a) => (Status::Pass, format!("; approved by {}", approvals::words(a))),
            None => (Status::Fail, unapproved(&approvals.requested_for(gate))),
        };
        let changes: Vec<serde_json::Value> =
            looser.iter().map(|c| serde_json::json!({"what": c.what, "from": c.from, "to": c.to})).collect();
        checks.push(
            Check::new(
                Code::Loosened,
                gate,
                status,
                format!("thresholds loosened since {base}: {}{suffix}", fmt(&looser)),
            )
            .with_detail("changes", changes),
        );
    }
    if !tighter.is_empty() {
        checks.push(Check::new(
            Code::Tightened,
            gate,
            Status::Pass,
            format!("thresholds tightened: {}", fmt(&tighter)),
        ));
    }
    checks
}

/// Thresholds edited together with the candidate's predictions or model files.
fn moved_with_model(gates: &[&str], model_files: &[String], approvals: &Approvals) -> Check {
    let by: Vec<&Approval> = gates.iter().filter_map(|g| approvals.counted_for(g)).collect();
    let approved = by.len() == gates.len();
    let requested: Vec<&Approval> = gates.iter().flat_map(|g| approvals.requested_for(g)).collect();
    let shown: Vec<&str> = model_files.iter().take(5).map(|s| s.as_str()).collect();
    let msg = format!(
        "thresholds moved with the model: this change edits the thresholds of {} and the candidate's predictions or model files ({}){}",
        gates.join(", "),
        shown.join(", "),
        if approved {
            let mut names: Vec<String> = by.iter().map(|a| approvals::words(a)).collect();
            names.dedup();
            format!("; approved by {}", names.join(", "))
        } else if !requested.is_empty() {
            format!("; thresholds must be committed before the model they judge{}", unapproved(&requested))
        } else {
            "; thresholds must be committed before the model they judge — split the change, or record an approval on the base branch"
                .into()
        }
    );
    Check::new(Code::MovedWithModel, "change", if approved { Status::Pass } else { Status::Fail }, msg)
}

/// What a blocked change needs, saying so when the change asks to approve itself.
fn unapproved(requested: &[&Approval]) -> String {
    if requested.is_empty() {
        "; if this is intended, a reviewer with write access approves the pull request at its current head (counted in GitHub Actions with $GITHUB_TOKEN), or records an approval on the base branch ([[review.approvals]] in mlgate.toml, merged first), or a run outside a pull request passes --approve \"who: why\"".into()
    } else {
        format!(
            "; approval by {} requested in this change — needs a reviewer: an approval counts once it is on the base branch, never from the change it approves",
            requested_words(requested)
        )
    }
}
