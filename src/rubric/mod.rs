//! Rubrics as data: the 28 tests of the ML Test Score live in `rubrics/ml-test-score.toml`,
//! embedded in the binary. A team's own rubric file (`--rubric FILE`) either replaces it or,
//! with `extends = "ml-test-score"`, adds and rewords tests by id. Every rubric is validated
//! on load: unique ids, known sections and detector kinds, regular expressions and globs
//! that compile.

pub mod ci;
pub mod deps;
pub mod detect;
pub mod evidence;
pub mod graph;
pub mod maturity;
pub mod ran;
pub mod recorded;
pub mod runs;
pub mod scan;
pub mod score;
pub mod yaml;

use std::collections::{BTreeSet, HashMap};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::error::{quoted, user};

/// The built-in rubric.
pub const ML_TEST_SCORE: &str = include_str!("../../rubrics/ml-test-score.toml");

/// Rubric files shipped in `rubrics/`, by name.
pub const BUILTIN: &[(&str, &str)] = &[("ml-test-score", ML_TEST_SCORE)];

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RubricFile {
    pub rubric: RubricMeta,
    #[serde(default)]
    pub sections: Vec<Section>,
    #[serde(default)]
    pub tests: Vec<TestSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RubricMeta {
    pub id: String,
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub reference: Option<String>,
    /// Another rubric whose sections and tests this one inherits (by id, overridable).
    #[serde(default)]
    pub extends: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    pub id: String,
    pub section: String,
    pub title: String,
    /// What the test means, in plain words.
    pub means: String,
    /// What to do to earn it.
    pub how: String,
    /// 1 (mlgate does it today) to 3 (needs an organisational change).
    #[serde(default = "two")]
    pub effort: u8,
    /// Evidence that the test was carried out with a recorded result (0.5 point).
    #[serde(default)]
    pub manual: Vec<Detector>,
    /// Evidence that the test runs on its own, repeatedly (1 point).
    #[serde(default)]
    pub automated: Vec<Detector>,
    /// Packages whose presence in a dependency manifest hints at this test. Never evidence:
    /// they only explain a missing point ("declared but nothing shows it is used").
    #[serde(default)]
    pub packages: Vec<String>,
}

fn two() -> u8 {
    2
}

/// What counts as evidence.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Detector {
    pub kind: DetectorKind,
    /// File globs (relative to the repository root; `**` for any folders).
    #[serde(default)]
    pub globs: Vec<String>,
    /// Regular expressions.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// `code`: only test files.
    #[serde(default)]
    pub tests_only: bool,
    /// `code`: never test files (fixtures and test helpers are not the system under test).
    #[serde(default)]
    pub no_tests: bool,
    /// `ci`: needs a scheduled trigger.
    #[serde(default)]
    pub schedule: bool,
    /// `ci` / `gate`: the mlgate gate that must be configured.
    #[serde(default)]
    pub gate: Option<String>,
    /// `ci` / `gate`: counts only when the gate's result judged this check (a code such as
    /// `drift.performance`, present and not skipped).
    #[serde(default)]
    pub check: Option<String>,
    /// `ci`: counts only when the test also has manual evidence.
    #[serde(default)]
    pub requires_manual: bool,
    /// `code` / `files` (automated): only files the automation graph reaches, by any
    /// automatic start (`any`), a change (`change`: push, pull request …) or a clock
    /// (`schedule`). The evidence names the chain.
    #[serde(default)]
    pub reached: Option<Reached>,
    /// With `reached = "change"`: a file also counts when a CI job that runs on changes to it
    /// (its path filters match, or it has none) checks code (lint, type check, tests, build),
    /// even if the job does not run that file: a gate on every change to it.
    #[serde(default)]
    pub covered: bool,
    /// With `reached`: not through a test runner (the code itself runs, not only its tests).
    #[serde(default)]
    pub direct: bool,
    /// Automated evidence earns the full point only with a pass/fail criterion in the same
    /// file (a metric compared with a threshold that raises, exits or stops a pipeline
    /// step, an assertion); without one it earns half ("automated, but nothing fails").
    #[serde(default)]
    pub criterion: bool,
    /// Automated evidence earns the full point only when one of these patterns also matches
    /// somewhere in the repository's code (an alarm, an alert route); half otherwise.
    #[serde(default)]
    pub criteria: Vec<String>,
    /// Automated evidence that covers only part of the test: it earns half, and this says
    /// which part is missing.
    #[serde(default)]
    pub partial: Option<String>,
    /// `primitive`: the evidence primitive (see [`score::PRIMITIVES`]).
    #[serde(default)]
    pub name: Option<String>,
}

/// Which automatic starts a `reached` detector accepts.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Reached {
    Any,
    Change,
    Schedule,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum DetectorKind {
    Files,
    Code,
    Ci,
    Gate,
    Primitive,
}

/// A validated rubric.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub meta: RubricMeta,
    pub sections: Vec<Section>,
    pub tests: Vec<TestSpec>,
}

fn parse(text: &str, shown: &str) -> Result<RubricFile> {
    toml::from_str(text).map_err(|e| {
        let span = e.span();
        let at = span.map(|s| {
            let (l, c) = crate::diag::line_col(text, s.start);
            format!(":{l}:{c}")
        });
        user(format!("{shown}{}: {}", at.unwrap_or_default(), e.message().trim()))
            .hint("rubric files follow rubrics/ml-test-score.toml: [rubric], [[sections]] and [[tests]] with manual/automated detectors")
            .into()
    })
}

impl Rubric {
    /// The built-in ML Test Score.
    pub fn builtin() -> Rubric {
        Rubric::from_text(ML_TEST_SCORE, "rubrics/ml-test-score.toml").expect("the built-in rubric is valid")
    }

    /// Loads a rubric, resolving `extends` against the built-in rubrics.
    pub fn from_text(text: &str, shown: &str) -> Result<Rubric> {
        let f = parse(text, shown)?;
        let mut r = match &f.rubric.extends {
            None => Rubric { meta: f.rubric.clone(), sections: vec![], tests: vec![] },
            Some(base) => {
                let (_, base_text) = BUILTIN.iter().find(|(n, _)| n == base).ok_or_else(|| {
                    user(format!("{shown}: extends {}, which is not a built-in rubric", quoted(base))).hint(format!(
                        "built-in rubrics: {}",
                        BUILTIN.iter().map(|b| b.0).collect::<Vec<_>>().join(", ")
                    ))
                })?;
                let mut b = Rubric::from_text(base_text, base)?;
                b.meta = f.rubric.clone();
                b
            }
        };
        for s in f.sections {
            match r.sections.iter_mut().find(|x| x.id == s.id) {
                Some(x) => *x = s,
                None => r.sections.push(s),
            }
        }
        for t in f.tests {
            match r.tests.iter_mut().find(|x| x.id == t.id) {
                Some(x) => *x = t,
                None => r.tests.push(t),
            }
        }
        let problems = r.problems();
        if !problems.is_empty() {
            return Err(user(format!(
                "{shown} is not a valid rubric:\n{}",
                problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
            ))
            .hint("fix the entries listed; rubric files are documented in the README (Rubric)")
            .into());
        }
        Ok(r)
    }

    fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.sections.is_empty() {
            p.push("no [[sections]]".to_string());
        }
        let section_ids: BTreeSet<&str> = self.sections.iter().map(|s| s.id.as_str()).collect();
        if section_ids.len() != self.sections.len() {
            p.push("section ids repeat".into());
        }
        let mut seen = BTreeSet::new();
        for t in &self.tests {
            if !seen.insert(t.id.as_str()) {
                p.push(format!("test {} appears twice", quoted(&t.id)));
            }
            if !section_ids.contains(t.section.as_str()) {
                p.push(format!("test {}: unknown section {}", quoted(&t.id), quoted(&t.section)));
            }
            if !(1..=3).contains(&t.effort) {
                p.push(format!("test {}: effort must be 1, 2 or 3", quoted(&t.id)));
            }
            for (level, dets) in [("manual", &t.manual), ("automated", &t.automated)] {
                for (i, d) in dets.iter().enumerate() {
                    let at = format!("test {} {level}[{i}]", quoted(&t.id));
                    for re in &d.patterns {
                        if let Err(e) = score::build_pattern(re) {
                            let last = e.to_string().lines().last().unwrap_or("").trim().to_string();
                            p.push(format!("{at}: pattern {} does not compile: {last}", quoted(re)));
                        }
                    }
                    for g in &d.globs {
                        if let Err(e) = globset::Glob::new(g) {
                            p.push(format!("{at}: glob {} is invalid: {e}", quoted(g)));
                        }
                    }
                    let needs = match d.kind {
                        DetectorKind::Files => (!d.globs.is_empty()).then_some(()).ok_or("globs"),
                        DetectorKind::Code => (!d.patterns.is_empty()).then_some(()).ok_or("patterns"),
                        DetectorKind::Ci => {
                            (!d.patterns.is_empty() || d.gate.is_some()).then_some(()).ok_or("patterns or gate")
                        }
                        DetectorKind::Gate => d.gate.is_some().then_some(()).ok_or("gate"),
                        DetectorKind::Primitive => match &d.name {
                            Some(n) if score::PRIMITIVES.contains(&n.as_str()) => Ok(()),
                            _ => Err("a name, one of the primitives listed in the README"),
                        },
                    };
                    for re in &d.criteria {
                        if score::build_pattern(re).is_err() {
                            p.push(format!("{at}: criteria pattern {} does not compile", quoted(re)));
                        }
                    }
                    if d.covered && d.reached != Some(Reached::Change) {
                        p.push(format!("{at}: `covered` needs reached = \"change\""));
                    }
                    if d.reached.is_some() && !matches!(d.kind, DetectorKind::Code | DetectorKind::Files) {
                        p.push(format!("{at}: `reached` applies to code and files detectors"));
                    }
                    if let Err(what) = needs {
                        p.push(format!("{at}: a {:?} detector needs {what}", d.kind).to_lowercase());
                    }
                    let kinds: Vec<&str> = crate::results::GateKind::CONFIGURED.iter().map(|k| k.as_str()).collect();
                    if let Some(g) = &d.gate
                        && !kinds.contains(&g.as_str())
                    {
                        p.push(format!("{at}: unknown gate {} (gates: {})", quoted(g), kinds.join(", ")));
                    }
                }
            }
        }
        p
    }

    /// Tests per section, in rubric order.
    pub fn by_section(&self) -> HashMap<&str, Vec<&TestSpec>> {
        let mut m: HashMap<&str, Vec<&TestSpec>> = HashMap::new();
        for t in &self.tests {
            m.entry(t.section.as_str()).or_default().push(t);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rubric_has_28_tests_7_per_section() {
        let r = Rubric::builtin();
        assert_eq!(r.tests.len(), 28);
        assert_eq!(r.sections.len(), 4);
        for (s, tests) in r.by_section() {
            assert_eq!(tests.len(), 7, "section {s}");
            for (i, t) in tests.iter().enumerate() {
                assert_eq!(t.id, format!("{s}.{}", i + 1), "ids follow the paper's numbering");
            }
        }
    }

    #[test]
    fn extending_rewords_and_adds_tests() {
        let text = r#"
[rubric]
id = "acme"
name = "ACME ML readiness"
version = "1"
extends = "ml-test-score"

[[tests]]
id = "data.1"
section = "data"
title = "Every feature has a schema entry"
means = "ours"
how = "ours"

[[tests]]
id = "data.8"
section = "data"
title = "Feature owners are named"
means = "Each feature has an owner."
how = "Add owners to features.yaml."
[[tests.manual]]
kind = "files"
globs = ["features.yaml"]
"#;
        let r = Rubric::from_text(text, "acme.toml").unwrap();
        assert_eq!(r.tests.len(), 29);
        assert_eq!(r.tests[0].title, "Every feature has a schema entry");
        assert_eq!(r.meta.id, "acme");
    }

    #[test]
    fn malformed_rubrics_are_rejected_with_reasons() {
        let bad = r#"
[rubric]
id = "x"
name = "x"
version = "1"
[[sections]]
id = "a"
title = "A"
[[tests]]
id = "a.1"
section = "b"
title = "t"
means = "m"
how = "h"
[[tests.manual]]
kind = "code"
patterns = ["("]
"#;
        let e = format!("{:#}", Rubric::from_text(bad, "x.toml").unwrap_err());
        assert!(e.contains("unknown section \"b\""), "{e}");
        assert!(e.contains("does not compile"), "{e}");
        let e = format!("{:#}", Rubric::from_text("[rubric]\nid = 1\n", "x.toml").unwrap_err());
        assert!(e.starts_with("x.toml:2:"), "{e}");
    }
}
