//! TensorFlow Data Validation anomalies in protobuf text format (`anomalies.pbtxt`, what
//! `tfdv.write_anomalies_text` and TFX's ExampleValidator write): the data was checked against
//! its schema (what `[gates.schema]` does), and against a previous span or the serving data
//! when drift and skew comparators ran (what `[gates.drift]` does).

use std::collections::BTreeSet;

use super::{Fact, Item, Outcome, Record};

/// `None` when the text is not an anomalies proto; `Some(Err)` when it is one but broken.
pub fn parse(bytes: &[u8], shown: &str) -> Option<Result<Record, String>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let is_anomalies = text.contains("anomaly_info")
        || text.contains("anomaly_name_format")
        || text.contains("dataset_anomaly_info")
        || text.contains("drift_skew_info");
    if !is_anomalies {
        return None;
    }
    Some(read(text, shown))
}

fn read(text: &str, shown: &str) -> Result<Record, String> {
    // Top-level fields and their blocks, by brace depth outside quoted strings.
    let mut depth = 0i64;
    let (mut in_str, mut escaped) = (false, false);
    let mut word = String::new();
    let mut top: Vec<(String, String)> = Vec::new();
    let mut block = String::new();
    let mut name = String::new();
    for c in text.chars() {
        if depth > 0 {
            block.push(c);
        }
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '#' if depth == 0 => word.clear(),
            '{' => {
                if depth == 0 {
                    name = word.trim().trim_end_matches(':').trim().to_string();
                    block.clear();
                }
                depth += 1;
                word.clear();
            }
            '}' => {
                depth -= 1;
                if depth < 0 {
                    return Err("malformed text proto: a `}` without its `{`".into());
                }
                if depth == 0 {
                    top.push((std::mem::take(&mut name), std::mem::take(&mut block)));
                }
            }
            '\n' if depth == 0 => word.clear(),
            _ if depth == 0 => word.push(c),
            _ => {}
        }
    }
    if depth != 0 || in_str {
        return Err("truncated text proto: a block is never closed".into());
    }
    let (mut errors, mut warnings, mut drift, mut drift_checked) = (0, 0, 0, false);
    // Error-severity anomalies that are not drift or skew: what fails the schema check.
    let mut schema_errors = 0;
    let mut features = BTreeSet::new();
    for (field, body) in &top {
        match field.as_str() {
            "anomaly_info" | "dataset_anomaly_info" => {
                let severity = if body.contains("severity: WARNING") { "warning" } else { "error" };
                if severity == "error" {
                    errors += 1;
                } else {
                    warnings += 1;
                }
                if body.contains("COMPARATOR_") || body.contains("DRIFT") || body.contains("SKEW") {
                    drift += 1;
                    drift_checked = true;
                } else if severity == "error" {
                    schema_errors += 1;
                }
                if let Some(k) = body.split("key: \"").nth(1).and_then(|s| s.split('"').next()) {
                    features.insert(k.to_string());
                }
            }
            "drift_skew_info" => drift_checked = true,
            _ => {}
        }
    }
    let mut rec = Record::new(shown, "TFDV", super::folder_of(shown));
    rec.items.push(Item {
        fact: Fact::Gate { kind: "schema".into(), checks: BTreeSet::new() },
        outcome: if schema_errors > 0 { Outcome::Fail } else { Outcome::Pass },
    });
    if drift_checked {
        rec.items.push(Item {
            fact: Fact::Gate { kind: "drift".into(), checks: BTreeSet::new() },
            outcome: if drift > 0 { Outcome::Fail } else { Outcome::Pass },
        });
    }
    rec.summary = if errors + warnings == 0 {
        "no anomalies".into()
    } else {
        let names: Vec<String> = features.into_iter().collect();
        format!(
            "{errors} {}, {warnings} {} ({})",
            if errors == 1 { "anomaly" } else { "anomalies" },
            if warnings == 1 { "warning" } else { "warnings" },
            crate::text::list_some(&names, 4)
        )
    };
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANOMALIES: &str = r#"anomaly_info {
  key: "payment_type"
  value {
    description: "Examples contain values missing from the schema: \"Prcard\" (<1%)."
    severity: ERROR
    short_description: "Unexpected string values"
    reason { type: ENUM_TYPE_UNEXPECTED_STRING_VALUES short_description: "Unexpected string values" }
    path { step: "payment_type" }
  }
}
anomaly_info {
  key: "company"
  value {
    severity: ERROR
    reason { type: COMPARATOR_L_INFTY_HIGH }
  }
}
anomaly_name_format: SERIALIZED_PATH
"#;

    #[test]
    fn anomalies_fail_the_schema_and_comparators_the_drift() {
        let r = parse(ANOMALIES.as_bytes(), "tfdv/anomalies.pbtxt").unwrap().unwrap();
        assert_eq!(r.items.len(), 2);
        assert!(r.items.iter().all(|i| i.outcome == Outcome::Fail));
        assert!(r.summary.starts_with("2 anomalies"), "{}", r.summary);
        let clean = parse(b"anomaly_name_format: SERIALIZED_PATH\n", "a.pbtxt").unwrap().unwrap();
        assert_eq!(clean.outcome(), Outcome::Pass);
        assert!(parse(&ANOMALIES.as_bytes()[..100], "a").unwrap().unwrap_err().contains("truncated"));
        assert!(parse(b"feature { name: \"x\" }", "schema.pbtxt").is_none(), "a schema is not a run output");
        // A drift anomaly of warning severity does not cancel a schema error.
        let mixed = ANOMALIES.replacen(
            "severity: ERROR\n    reason { type: COMPARATOR",
            "severity: WARNING\n    reason { type: COMPARATOR",
            1,
        );
        let r = parse(mixed.as_bytes(), "a.pbtxt").unwrap().unwrap();
        assert_eq!(r.summary, "1 anomaly, 1 warning (company, payment_type)");
        assert!(r.items.iter().all(|i| i.outcome == Outcome::Fail), "{:?}", r.items);
    }
}
