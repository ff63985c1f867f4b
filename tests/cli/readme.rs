//! The README's configuration reference is a real configuration: it loads (every key and
//! value is valid) and runs on the bundled example's data.

use crate::common::{churn_sandbox, mlgate, repo_root, stderr, stdout, write};

#[test]
fn the_readme_configuration_reference_runs() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let section = readme.split("## Configuration reference").nth(1).expect("the section exists");
    let start = section.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap()];
    let dir = churn_sandbox();
    let d = dir.path();
    write(d, "mlgate.toml", block);
    write(d, "record.schema.json", r#"{"type": "object"}"#);
    write(d, "importance.csv", "feature,importance\nage,0.6\nplan,0.4\n");
    write(
        d,
        "docs/runbooks/compute-regression.md",
        "# Runbook\n\nWhen serving latency regresses, page the on-call and roll back.\n",
    );
    let out = mlgate(d).arg("check").output().unwrap();
    // Exit 1: the example's planted problems; never 2 (a configuration error).
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    for gate in ["schema:current", "leakage", "slices", "baseline", "drift", "skew"] {
        assert!(stdout(&out).contains(gate), "{gate} ran: {}", stdout(&out));
    }
}

/// The README's table of defaults is the settings types' own, so a default is written once.
#[test]
fn the_readme_defaults_table_is_generated_from_the_settings() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = "<!-- defaults-table: generated from the settings types; do not edit by hand -->\n";
    let table = readme.split(start).nth(1).and_then(|t| t.split("<!-- /defaults-table -->").next());
    let expected = mlgate::gates::defaults_table();
    assert_eq!(table, Some(expected.as_str()), "README.md's defaults table is stale; replace it with:\n{expected}");
}

/// The quick start's excerpt of `mlgate check` on the example is what the command prints
/// (every line shown is a line of the real output).
#[test]
fn the_readme_quick_start_output_is_real() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme.find("```\nmlgate check FAIL").expect("the excerpt exists") + 4;
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = churn_sandbox();
    let out = mlgate(dir.path()).args(["check"]).output().unwrap();
    let actual = stdout(&out);
    for line in block.lines().filter(|l| !l.trim().is_empty() && l.trim() != "…") {
        assert!(actual.lines().any(|a| a == line), "README line not in the output: {line:?}\n--- output:\n{actual}");
    }
}
