//! When each gate's thresholds last changed, for every report: the newest commit of the
//! configuration file after which the gate's knobs (its reviewable settings) stayed as they
//! are now — and, for the schema gate, the schema file's own last change.

use std::collections::HashMap;
use std::path::Path;

use crate::config::Config;
use crate::gates::GateSpec;
use crate::gates::knobs::Knob;
use crate::git::{file_change, file_history, git, last_changed};
use crate::results::{GateKind, ThresholdChange};

/// The knobs of one gate as a version of the configuration text sets them.
fn knobs_of(text: &str, kind: GateKind) -> Option<Vec<Knob>> {
    crate::config::gates_of_text(text).ok()?.remove(&kind)?.ok().map(|s| s.knobs())
}

/// Per gate kind, the commit and date at which its thresholds last changed.
pub fn threshold_changes(cfg: &Config) -> HashMap<GateKind, ThresholdChange> {
    let mut out = HashMap::new();
    let dir = cfg.dir.clone();
    let Some(name) = cfg.path.file_name().and_then(|n| n.to_str()) else { return out };
    if git(&dir, &["rev-parse", "--git-dir"]).is_none() {
        return out;
    }
    let Some(history) = file_history(&dir, name) else { return out };
    let head_text = git(&dir, &["show", &format!("HEAD:./{name}")]);
    for spec in &cfg.gates {
        let kind = spec.kind();
        let current = Some(spec.knobs());
        let head = head_text.as_deref().map(|t| knobs_of(t, kind));
        let mut change = last_changed(&history, &current, head.as_ref(), |t| Some(knobs_of(t, kind)));
        if let GateSpec::Schema(s) = spec
            && let Some(sc) = file_change(&dir, Path::new(s.schema.get_ref()))
        {
            // The schema file holds the schema gate's thresholds too: take the later change.
            change = match change {
                Some(c) if c.commit == "working tree" => Some(c),
                Some(c) if c.date >= sc.date && sc.commit != "working tree" => Some(c),
                _ => Some(sc),
            };
        }
        if let Some(c) = change {
            out.insert(kind, c);
        }
    }
    out
}
