//! JUnit XML: one test suite per gate, one test case per check, so CI systems show mlgate's
//! findings in their test tabs. Failures and errors carry the message; warnings are
//! failures only under `--fail-on warn` and otherwise reported in `system-out`.

use std::fmt::Write;

use super::escape::xml;
use crate::results::{Results, Status};

pub fn render(r: &Results, digest: &str) -> String {
    let warn_fails = r.verdict.fail_on == crate::results::FailOn::Warn;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let c = &r.verdict.check_counts;
    let failures = c.fail + if warn_fails { c.warn } else { 0 };
    let _ = writeln!(
        out,
        "<testsuites name=\"mlgate\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" timestamp=\"{}\">",
        c.pass + c.warn + c.fail + c.error + c.skipped,
        failures,
        c.error,
        c.skipped,
        xml(&r.run.timestamp)
    );
    let _ = writeln!(
        out,
        "  <properties><property name=\"mlgate.version\" value=\"{}\"/><property name=\"mlgate.results.sha256\" value=\"{}\"/><property name=\"mlgate.verdict\" value=\"{}\"/></properties>",
        xml(&r.tool.version),
        digest,
        r.verdict.status
    );
    for g in &r.gates {
        let count = |s: Status| g.checks.iter().filter(|c| c.status == s).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            xml(&g.id),
            g.checks.len(),
            count(Status::Fail) + if warn_fails { count(Status::Warn) } else { 0 },
            count(Status::Error),
            count(Status::Skipped)
        );
        for ch in &g.checks {
            let name = format!("{} {}", ch.code, ch.subject);
            let _ = write!(out, "    <testcase classname=\"mlgate.{}\" name=\"{}\">", xml(&g.id), xml(&name));
            let mut body = ch.message.clone();
            if !ch.examples.is_empty() {
                let rows: Vec<String> = ch
                    .examples
                    .iter()
                    .map(|e| match &e.value {
                        Some(v) => format!("row {}: {}", e.row, v),
                        None => format!("row {}", e.row),
                    })
                    .collect();
                body.push_str(&format!("\nexamples: {}", rows.join("; ")));
            }
            // `<failure>` / `<error>` carry the message as an attribute and the body as text.
            let element = |out: &mut String, tag: &str| {
                let _ = write!(
                    out,
                    "<{tag} message=\"{}\" type=\"{}\">{}</{tag}>",
                    xml(&ch.message),
                    xml(&ch.code),
                    xml(&body)
                );
            };
            match ch.status {
                Status::Fail => element(&mut out, "failure"),
                Status::Warn if warn_fails => element(&mut out, "failure"),
                Status::Error => element(&mut out, "error"),
                Status::Skipped => {
                    let _ = write!(out, "<skipped message=\"{}\"/>", xml(&ch.message));
                }
                Status::Warn => {
                    let _ = write!(out, "<system-out>WARN: {}</system-out>", xml(&body));
                }
                Status::Pass => {
                    let _ = write!(out, "<system-out>{}</system-out>", xml(&ch.message));
                }
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
