//! A fixed number of mutated inputs per fuzz target (see `fuzz_targets.rs`): no parser of
//! attacker-written input may panic or hang on them. `.ci/fuzz` runs the same targets for
//! minutes.

use crate::common::repo_root;
use crate::fuzz_targets::{TARGETS, run};
use std::time::Duration;

#[test]
fn parsers_survive_mutated_input() {
    let crashes = tempfile::tempdir().unwrap();
    let mut all = Vec::new();
    for (name, target) in TARGETS {
        let (n, findings) = run(name, *target, &repo_root(), 42, 300, Duration::from_secs(120), crashes.path());
        assert!(n > 0, "{name} ran");
        all.extend(findings.into_iter().map(|f| format!("{}: {} ({})", f.target, f.what, f.saved.display())));
    }
    assert!(all.is_empty(), "findings:\n{}", all.join("\n"));
}
