//! Which approvals count. A pull request must not approve its own loosened thresholds, so an
//! approval counts only when it was already on the base branch (the same `[[review.approvals]]`
//! entry in the base's mlgate.toml), or came as `--approve` from a run that is not a pull
//! request's (a release job, a manual dispatch). An approval the change itself adds (in its
//! mlgate.toml, or as `--approve` in its workflow) is shown as requested and counts for
//! nothing until a reviewer's approval reaches the base branch.

use crate::config::Approval;

/// The approvals of one review, sorted by whether they count.
#[derive(Debug, Default)]
pub struct Approvals {
    /// Approvals that count: on the base branch, or given outside a pull request.
    pub counted: Vec<Approval>,
    /// Approvals the change under review asks for itself.
    pub requested: Vec<Approval>,
}

impl Approvals {
    /// Sorts the configuration's approvals (`now`) against those in the base's configuration
    /// text, and the `--approve` flags by whether this run may approve (`flags_count`).
    pub fn sort(now: &[Approval], base_text: Option<&str>, flags: &[Approval], flags_count: bool) -> Approvals {
        let at_base = base_text.map(of_text).unwrap_or_default();
        let mut out = Approvals::default();
        for a in now {
            if at_base.contains(a) { &mut out.counted } else { &mut out.requested }.push(a.clone());
        }
        for a in flags {
            if flags_count { &mut out.counted } else { &mut out.requested }.push(a.clone());
        }
        out
    }

    /// The counted approval that covers `gate`, if any.
    pub fn counted_for(&self, gate: &str) -> Option<&Approval> {
        self.counted.iter().find(|a| covers(a, gate))
    }

    /// The requested approvals that cover `gate`.
    pub fn requested_for(&self, gate: &str) -> Vec<&Approval> {
        self.requested.iter().filter(|a| covers(a, gate)).collect()
    }
}

/// Words for an approval in a check's message: who, and for a pull-request review when
/// and on which commit.
pub fn words(a: &Approval) -> String {
    match &a.review {
        Some(r) => format!(
            "{} (pull-request review on {} at {}): {}",
            a.by,
            crate::text::prefix(&r.commit, 12),
            r.at,
            a.reason
        ),
        None => format!("{}: {}", a.by, a.reason),
    }
}

/// Whether an approval covers a gate (no list: every gate).
fn covers(a: &Approval, gate: &str) -> bool {
    a.gates.is_empty() || a.gates.iter().any(|g| g == gate)
}

/// The `[[review.approvals]]` of a configuration text; none when it does not parse.
fn of_text(text: &str) -> Vec<Approval> {
    let Ok(doc) = toml::from_str::<toml::Table>(text) else { return Vec::new() };
    let list = doc.get("review").and_then(|r| r.get("approvals")).cloned();
    list.and_then(|l| l.try_into::<Vec<Approval>>().ok()).unwrap_or_default()
}

/// Words for the requested approvals, e.g. "alice (in this change's mlgate.toml)".
pub fn requested_words(list: &[&Approval]) -> String {
    list.iter().map(|a| a.by.as_str()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(by: &str, gates: &[&str]) -> Approval {
        Approval {
            by: by.into(),
            reason: "the reason given".into(),
            gates: gates.iter().map(|g| g.to_string()).collect(),
            review: None,
        }
    }

    #[test]
    fn only_approvals_already_on_the_base_count() {
        let base = "[[review.approvals]]\nby = \"bob\"\nreason = \"the reason given\"\ngates = [\"drift\"]\n";
        let now = [a("bob", &["drift"]), a("mallory", &[])];
        let s = Approvals::sort(&now, Some(base), &[a("flag", &[])], false);
        assert_eq!(s.counted, vec![a("bob", &["drift"])]);
        assert_eq!(s.requested, vec![a("mallory", &[]), a("flag", &[])]);
        assert!(s.counted_for("drift").is_some() && s.counted_for("slices").is_none());
        assert_eq!(requested_words(&s.requested_for("slices")), "mallory, flag");
        // An edited reason is a new approval; flags count outside a pull request.
        let edited = [Approval { reason: "something else".into(), ..a("bob", &["drift"]) }];
        let s = Approvals::sort(&edited, Some(base), &[a("flag", &[])], true);
        assert_eq!((s.counted.len(), s.requested.len()), (1, 1));
        assert_eq!(s.counted[0].by, "flag");
        assert!(Approvals::sort(&now, Some("not toml ["), &[], true).counted.is_empty());
    }
}
