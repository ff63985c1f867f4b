//! The schema file: what valid data looks like, one entry per column.
//!
//! The file is JSON, validated first against the JSON Schema shipped in
//! `schemas/data-schema.schema.json` (so a typo such as `"mni"` is reported with its path
//! and the closest valid key), then deserialised, then checked for contradictions
//! (`min` > `max`, a regex that does not compile, a column listed twice).

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::data::types::Kind;
use crate::error::{quoted, user};
use crate::gates::knobs::{Knob, KnobValue, Looser, Reviewed};

/// The JSON Schema of schema files, embedded so the binary works from any folder.
pub const DATA_SCHEMA_SCHEMA: &str = include_str!("../../../schemas/data-schema.schema.json");

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DataSchema {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema_ref: Option<String>,
    #[serde(default = "one")]
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub strict: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<RowBounds>,
    pub columns: Vec<ColumnSpec>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RowBounds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Fail,
    Warn,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub kind: Kind,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub required: bool,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_null_fraction: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_non_finite: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unseen_fraction: Option<f64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "is_fail")]
    pub severity: Severity,
}

fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn is_fail(s: &Severity) -> bool {
    *s == Severity::Fail
}

impl ColumnSpec {
    /// A spec that only declares a type.
    pub fn new(name: &str, kind: Kind) -> ColumnSpec {
        ColumnSpec {
            name: name.to_string(),
            description: None,
            kind,
            required: true,
            nullable: true,
            max_null_fraction: None,
            min: None,
            max: None,
            allow_non_finite: false,
            categories: None,
            max_unseen_fraction: None,
            unique: false,
            pattern: None,
            severity: Severity::Fail,
        }
    }

    /// Allowed categories as the text polars gives when casting a value to a string.
    pub fn category_strings(&self) -> Option<Vec<String>> {
        self.categories.as_ref().map(|cs| {
            cs.iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n
                        .as_i64()
                        .map(|i| i.to_string())
                        .or_else(|| n.as_u64().map(|u| u.to_string()))
                        .unwrap_or_else(|| n.to_string()),
                    other => other.to_string(),
                })
                .collect()
        })
    }
}

impl DataSchema {
    /// Parses and validates schema text; `shown` names the file in messages.
    pub fn parse(text: &str, shown: &str) -> Result<DataSchema> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            user(format!("{shown}:{}:{}: not valid JSON: {e}", e.line(), e.column()))
                .hint("a schema file is a JSON object with a \"columns\" array")
        })?;
        let problems = validate_against_schema(&value);
        if !problems.is_empty() {
            return Err(user(format!(
                "{shown} is not a valid mlgate schema:\n{}",
                problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
            ))
            .hint("the format is documented in the README (Schema files) and in schemas/data-schema.schema.json")
            .into());
        }
        let schema: DataSchema = serde_json::from_value(value)
            .map_err(|e| user(format!("{shown}: {e}")).hint("see schemas/data-schema.schema.json"))?;
        let problems = schema.contradictions();
        if !problems.is_empty() {
            return Err(user(format!(
                "{shown} contradicts itself:\n{}",
                problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
            ))
            .hint("fix these entries; nothing was checked")
            .into());
        }
        Ok(schema)
    }

    fn contradictions(&self) -> Vec<String> {
        let mut p = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, c) in self.columns.iter().enumerate() {
            let at = format!("/columns/{i} (column {})", quoted(&c.name));
            if !seen.insert(&c.name) {
                p.push(format!("{at}: the column is listed more than once"));
            }
            if let (Some(lo), Some(hi)) = (c.min, c.max)
                && lo > hi
            {
                p.push(format!("{at}: min {lo} is greater than max {hi}"));
            }
            if (c.min.is_some() || c.max.is_some()) && !c.kind.is_numeric() {
                p.push(format!("{at}: min/max apply to numeric columns, but the type is {}", c.kind));
            }
            if let Some(pat) = &c.pattern
                && let Err(e) = regex::Regex::new(pat)
            {
                let first = e.to_string().lines().last().unwrap_or("").trim().to_string();
                p.push(format!("{at}: pattern {} is not a valid regular expression: {first}", quoted(pat)));
            }
            if c.max_unseen_fraction.is_some() && c.categories.is_none() {
                p.push(format!("{at}: max_unseen_fraction needs a categories list"));
            }
            if !c.nullable && c.max_null_fraction.is_some_and(|f| f > 0.0) {
                p.push(format!("{at}: nullable is false but max_null_fraction allows nulls"));
            }
        }
        if let Some(r) = &self.rows
            && let (Some(lo), Some(hi)) = (r.min, r.max)
            && lo > hi
        {
            p.push(format!("/rows: min {lo} is greater than max {hi}"));
        }
        p
    }
}

/// Validates a parsed schema file against the shipped JSON Schema; one line per problem,
/// with the JSON path, the column name where there is one, and a suggestion for misspelt
/// keys.
fn validate_against_schema(value: &serde_json::Value) -> Vec<String> {
    let meta: serde_json::Value = serde_json::from_str(DATA_SCHEMA_SCHEMA).expect("embedded schema is valid JSON");
    let validator = jsonschema::validator_for(&meta).expect("embedded schema compiles");
    let column_keys: Vec<String> =
        meta["$defs"]["column"]["properties"].as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    let top_keys: Vec<String> = meta["properties"].as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    let mut out: Vec<String> = validator
        .iter_errors(value)
        .map(|e| {
            let path = e.instance_path().to_string();
            let mut where_ = if path.is_empty() { "(top level)".to_string() } else { path.clone() };
            // Name the column for paths like /columns/3/...
            let parts: Vec<&str> = path.split('/').collect();
            if parts.len() >= 3
                && parts[1] == "columns"
                && let Ok(i) = parts[2].parse::<usize>()
                && let Some(name) = value["columns"][i]["name"].as_str()
            {
                where_.push_str(&format!(" (column {})", quoted(name)));
            }
            let mut msg = format!("{where_}: {e}");
            let text = e.to_string();
            if text.contains("Additional properties") {
                let keys = if parts.len() >= 3 && parts[1] == "columns" { &column_keys } else { &top_keys };
                for bad in regex::Regex::new(r"'([^']*)'").expect("static").captures_iter(&text) {
                    if let Some(s) = crate::diag::closest(&bad[1], keys.iter().map(String::as_str)) {
                        msg.push_str(&format!(" (did you mean \"{s}\"?)"));
                    }
                }
            }
            msg
        })
        .collect();
    out.truncate(50);
    out
}

impl Reviewed for DataSchema {
    /// The schema file's thresholds: row bounds, strict mode, the declared columns, and per
    /// column its bounds, flags, categories and severity (compared while the column exists
    /// on both sides; removing a column is itself a loosening).
    fn knobs(&self) -> Vec<Knob> {
        let mut k = vec![
            Knob::new("strict", KnobValue::Flag(self.strict), Looser::When(false)),
            Knob::num("rows.min", self.rows.as_ref().and_then(|r| r.min).map(|v| v as f64), Looser::Lower),
            Knob::num("rows.max", self.rows.as_ref().and_then(|r| r.max).map(|v| v as f64), Looser::Higher),
            Knob::new(
                "columns",
                KnobValue::List(Some(self.columns.iter().map(|c| c.name.clone()).collect())),
                Looser::Fewer,
            ),
        ];
        for c in &self.columns {
            let key = |what: &str| format!("{}.{what}", quoted(&c.name));
            let mut col = vec![
                Knob::num(key("min"), c.min, Looser::Lower),
                Knob::num(key("max"), c.max, Looser::Higher),
                Knob::num(key("max_null_fraction"), c.max_null_fraction, Looser::Higher),
                Knob::num(key("max_unseen_fraction"), c.max_unseen_fraction, Looser::Higher),
                Knob::new(key("required"), KnobValue::Flag(c.required), Looser::When(false)),
                Knob::new(key("unique"), KnobValue::Flag(c.unique), Looser::When(false)),
                Knob::new(key("nullable"), KnobValue::Flag(c.nullable), Looser::When(true)),
                Knob::new(key("allow_non_finite"), KnobValue::Flag(c.allow_non_finite), Looser::When(true)),
                Knob::text(key("type"), c.kind.as_str(), Looser::Unranked),
                Knob::new(key("pattern"), KnobValue::Text(c.pattern.clone()), Looser::Unranked),
                Knob::new(key("categories"), KnobValue::List(c.category_strings()), Looser::More),
                Knob::text(key("severity"), c.severity.as_str(), Looser::Order(&["fail", "warn"])),
            ];
            for knob in &mut col {
                knob.within = Some(("columns".into(), c.name.clone()));
            }
            k.extend(col);
        }
        k
    }
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Fail => "fail",
            Severity::Warn => "warn",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_minimal_schema() {
        let s = DataSchema::parse(r#"{"columns":[{"name":"a","type":"integer","min":0}]}"#, "s.json").unwrap();
        assert_eq!(s.columns[0].kind, Kind::Integer);
        assert!(s.columns[0].required);
    }

    #[test]
    fn misspelt_key_gets_a_suggestion() {
        let e = DataSchema::parse(r#"{"columns":[{"name":"age","type":"integer","mni":0}]}"#, "s.json").unwrap_err();
        let m = format!("{e:#}");
        assert!(m.contains("/columns/0 (column \"age\")"), "{m}");
        assert!(m.contains("did you mean \"min\""), "{m}");
    }

    #[test]
    fn wrong_value_type_is_reported_with_path() {
        let e =
            DataSchema::parse(r#"{"columns":[{"name":"age","type":"integer","min":"zero"}]}"#, "s.json").unwrap_err();
        let m = format!("{e:#}");
        assert!(m.contains("/columns/0/min"), "{m}");
    }

    #[test]
    fn contradictions_are_listed() {
        let e = DataSchema::parse(
            r#"{"columns":[{"name":"a","type":"float","min":5,"max":1},{"name":"a","type":"string","pattern":"("}]}"#,
            "s.json",
        )
        .unwrap_err();
        let m = format!("{e:#}");
        assert!(m.contains("min 5 is greater than max 1"), "{m}");
        assert!(m.contains("more than once"), "{m}");
        assert!(m.contains("not a valid regular expression"), "{m}");
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let e = DataSchema::parse("{\n \"columns\": [,]\n}", "s.json").unwrap_err();
        assert!(format!("{e:#}").starts_with("s.json:2:"), "{e:#}");
    }
}
