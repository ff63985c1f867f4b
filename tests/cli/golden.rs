//! Golden files for what users see: `--help` of every command, the terminal summary, and the
//! `report.md`, `results.json` and `junit.xml` of the bundled example. A change to any of
//! them shows up as a snapshot diff in review (`tests/cli/snapshots/`).
//!
//! To accept an intended change, rerun with `INSTA_UPDATE=always cargo test --test cli golden`
//! and review the diff of the `.snap` files before committing.

use crate::common::*;

/// Every command and subcommand, as typed after `mlgate`.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["init"],
    &["check"],
    &["score"],
    &["audit"],
    &["gate"],
    &["gate", "schema"],
    &["gate", "drift"],
    &["gate", "leakage"],
    &["gate", "skew"],
    &["gate", "canary"],
    &["approve"],
    &["promote"],
    &["gate", "slices"],
    &["gate", "baseline"],
    &["schema"],
    &["schema", "infer"],
    &["profile"],
    &["report"],
    &["verify"],
    &["comment"],
    &["explain"],
];

#[test]
fn help_of_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in COMMANDS {
        let out = mlgate(dir.path()).args(*cmd).arg("--help").env("COLUMNS", "100").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "mlgate {cmd:?} --help: {}", stderr(&out));
        let name = if cmd.is_empty() { "help".to_string() } else { format!("help-{}", cmd.join("-")) };
        insta::assert_snapshot!(name, stdout(&out));
    }
}

#[test]
fn bundled_example_terminal_and_reports() {
    let dir = churn_sandbox();
    let out = mlgate(dir.path()).args(["check", "--out", "rep"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    insta::assert_snapshot!("example-terminal", stdout(&out));
    for (name, file) in [("example-report-md", "report.md"), ("example-junit", "junit.xml")] {
        insta::assert_snapshot!(name, std::fs::read_to_string(dir.path().join("rep").join(file)).unwrap());
    }
    // results.json is large; snapshot it whole so any change to a field users rely on shows.
    let json = std::fs::read_to_string(dir.path().join("rep/results.json")).unwrap();
    insta::assert_snapshot!("example-results-json", json);
}

#[test]
fn check_codes_list() {
    let dir = tempfile::tempdir().unwrap();
    let out = mlgate(dir.path()).arg("explain").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("explain-codes", stdout(&out));
}
