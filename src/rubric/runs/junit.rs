//! JUnit XML (pytest `--junitxml`, Maven Surefire, Gradle, Jest's and Go's JUnit reporters):
//! which test files ran, how many cases passed and failed, and when the suite started.

use std::collections::BTreeMap;

use quick_xml::events::{BytesStart, Event};

use super::{Fact, Item, Outcome, Record};

/// Test cases read from one file at most.
const MAX_CASES: usize = 200_000;

/// Whether the text starts like a JUnit report.
pub fn looks_like(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    text.contains("<testsuite")
}

fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.unescape_value().ok())
        .map(|v| v.into_owned())
}

#[derive(Default)]
struct Case {
    name: Option<String>,
    file: Option<String>,
    class: Option<String>,
    failed: bool,
    skipped: bool,
}

/// One record per report: an item per test file (or class) with its worst outcome.
pub fn parse(bytes: &[u8], shown: &str) -> Result<Record, String> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut earliest: Option<i64> = None;
    let mut case: Option<Case> = None;
    let mut t = Tally::default();
    let mut seen_suite = false;
    loop {
        let ev = reader.read_event_into(&mut buf).map_err(|e| {
            let text = e.to_string();
            // An element or attribute left open at the end of the file: it was cut short.
            if text.contains("end of input") || reader.error_position() as usize >= bytes.len() {
                format!("truncated: the XML ends inside an element ({text})")
            } else {
                format!("malformed XML at byte {}: {text}", reader.error_position())
            }
        })?;
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if e.name().as_ref() == b"testcase" {
                    t.finish(case.take());
                }
                buf.clear();
                continue;
            }
            Event::Eof => break,
            _ => (None, false),
        };
        if let Some(e) = start {
            if !empty {
                depth += 1;
            }
            match e.name().as_ref() {
                b"testsuite" | b"testsuites" => {
                    seen_suite = true;
                    if let Some(t) = attr(&e, b"timestamp").and_then(|t| super::parse_time(&t)) {
                        earliest = Some(earliest.map_or(t, |x| x.min(t)));
                    }
                }
                b"testcase" => {
                    t.cases += 1;
                    if t.cases > MAX_CASES {
                        return Err(format!("more than {MAX_CASES} test cases; not read"));
                    }
                    let c = Case {
                        name: attr(&e, b"name"),
                        file: attr(&e, b"file"),
                        class: attr(&e, b"classname"),
                        ..Case::default()
                    };
                    if empty {
                        t.finish(Some(c));
                    } else {
                        case = Some(c);
                    }
                }
                b"failure" | b"error" => {
                    if let Some(c) = &mut case {
                        c.failed = true;
                    }
                }
                b"skipped" => {
                    if let Some(c) = &mut case {
                        c.skipped = true;
                    }
                }
                _ => {}
            }
        }
        buf.clear();
    }
    if depth > 0 {
        return Err("truncated: the XML ends inside an element".into());
    }
    if !seen_suite {
        return Err("no <testsuite> element".into());
    }
    let mut r = Record::new(shown, "JUnit", super::folder_of(shown));
    r.at = earliest;
    r.summary = t.summary();
    r.items =
        t.by.into_iter()
            .map(|((is_file, name), outcome)| Item {
                fact: if is_file { Fact::Ran(name) } else { Fact::Module(name) },
                outcome,
            })
            .collect();
    Ok(r)
}

/// The cases of one report, as they end.
#[derive(Default)]
struct Tally {
    cases: usize,
    failed: usize,
    skipped: usize,
    /// File (`true`) or class → worst outcome.
    by: BTreeMap<(bool, String), Outcome>,
    /// The first failing cases' names, for the summary.
    failing: Vec<String>,
}

impl Tally {
    fn finish(&mut self, c: Option<Case>) {
        let Some(c) = c else { return };
        if c.skipped && !c.failed {
            // A skipped case did not run: no evidence either way.
            self.skipped += 1;
            return;
        }
        let key = match (c.file, c.class) {
            (Some(f), _) if !f.is_empty() => (true, f),
            (_, Some(k)) if !k.is_empty() => (false, k),
            _ => return,
        };
        let outcome = if c.failed { Outcome::Fail } else { Outcome::Pass };
        if c.failed {
            self.failed += 1;
            if self.failing.len() < 3 {
                self.failing.push(crate::text::clip(c.name.as_deref().unwrap_or("?"), 60));
            }
        }
        let e = self.by.entry(key).or_insert(outcome);
        *e = (*e).max(outcome);
    }

    /// `12 cases, 1 failed (test_bucket_edges), 2 skipped`.
    fn summary(&self) -> String {
        let (n, failed) = (self.cases, self.failed);
        let names = if self.failing.is_empty() {
            String::new()
        } else {
            format!(" ({}{})", self.failing.join(", "), if failed > self.failing.len() { ", …" } else { "" })
        };
        let skipped = if self.skipped > 0 { format!(", {} skipped", self.skipped) } else { String::new() };
        format!("{n} {}, {failed} failed{names}{skipped}", if n == 1 { "case" } else { "cases" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PYTEST: &str = r#"<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="0" failures="1" skipped="1" tests="4" time="0.02" timestamp="2026-11-30T12:00:00.000001+00:00" hostname="ci"><testcase classname="tests.test_features" name="test_a" time="0.001" /><testcase classname="tests.test_features" name="test_b" time="0.001"><failure message="assert 1 == 2">x</failure></testcase><testcase classname="tests.test_model" name="test_c" time="0.001"><skipped message="later" /></testcase><testcase classname="tests.test_model" file="tests/test_model.py" name="test_d" /></testsuite></testsuites>"#;

    #[test]
    fn pytest_reports_give_files_outcomes_and_time() {
        let r = parse(PYTEST.as_bytes(), "runs/1/junit.xml").unwrap();
        assert_eq!(r.at, Some(1_796_040_000));
        assert_eq!(r.summary, "4 cases, 1 failed (test_b), 1 skipped");
        assert_eq!(r.run, "runs/1");
        assert_eq!(r.items.len(), 2);
        assert_eq!(r.items[0].fact, Fact::Module("tests.test_features".into()));
        assert_eq!(r.items[0].outcome, Outcome::Fail);
        assert_eq!(r.items[1].fact, Fact::Ran("tests/test_model.py".into()));
        assert_eq!(r.items[1].outcome, Outcome::Pass);
    }

    #[test]
    fn truncated_and_malformed_reports_are_refused() {
        let cut = &PYTEST[..PYTEST.len() / 2];
        assert!(
            parse(cut.as_bytes(), "x").unwrap_err().contains("truncated"),
            "{:?}",
            parse(cut.as_bytes(), "x").err()
        );
        assert!(parse(b"<testsuite><testcase></testsuite>", "x").unwrap_err().contains("malformed"));
        assert!(parse(b"<other/>", "x").unwrap_err().contains("no <testsuite>"));
    }
}
