//! `[gates.schema]` as written, its validation and its conversion into a [`Spec`]. The
//! thresholds of this gate live in the schema file itself (`spec.rs`); the table says which
//! file and which datasets. `mlgate gate schema` builds the same [`Raw`] from flags.

use serde::Deserialize;
use toml::Spanned;

use crate::diag::Problems;
use crate::gates::cfg::{Cx, span};
use crate::gates::knobs::{Knob, KnobValue, Looser, Reviewed};

/// The table name problems are reported under.
pub const TABLE: &str = "[gates.schema]";

/// `[gates.schema]`: check datasets against a schema file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    #[serde(default = "crate::gates::cfg::on")]
    pub enabled: bool,
    /// Path to the schema file (JSON, see `schemas/data-schema.schema.json`).
    pub schema: Spanned<String>,
    /// Names of [data] entries to check; default: all of them.
    pub datasets: Option<Vec<Spanned<String>>>,
    /// A JSON Schema every record of JSON Lines inputs must satisfy (optional).
    pub json_schema: Option<Spanned<String>>,
}

/// A validated `[gates.schema]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub schema: Spanned<String>,
    /// The datasets to check; `None`: every `[data]` entry.
    pub datasets: Option<Vec<Spanned<String>>>,
    pub json_schema: Option<Spanned<String>>,
}

impl Raw {
    pub fn validate(&self, cx: &Cx<'_>, p: &mut Problems) -> Spec {
        for d in self.datasets.iter().flatten() {
            cx.check_input(p, "datasets", d);
        }
        for (key, v) in [("schema", Some(&self.schema)), ("json_schema", self.json_schema.as_ref())] {
            if let Some(v) = v
                && v.get_ref().trim().is_empty()
            {
                p.add(
                    span(v),
                    key,
                    "the path is empty",
                    Some("give the path of a schema file; `mlgate schema infer DATA` writes one".into()),
                );
            }
        }
        Spec { schema: self.schema.clone(), datasets: self.datasets.clone(), json_schema: self.json_schema.clone() }
    }
}

impl Reviewed for Spec {
    /// The table's own settings; the review adds the schema file's contents
    /// ([`DataSchema`](super::spec::DataSchema)'s knobs).
    fn knobs(&self) -> Vec<Knob> {
        let text = |v: &Option<&Spanned<String>>| KnobValue::Text(v.map(|s| s.get_ref().clone()));
        vec![
            Knob::new("schema", text(&Some(&self.schema)), Looser::Unranked),
            Knob::new("json_schema", text(&self.json_schema.as_ref()), Looser::Unranked),
            Knob::new(
                "datasets",
                KnobValue::List(self.datasets.as_ref().map(|d| d.iter().map(|s| s.get_ref().clone()).collect())),
                Looser::Fewer,
            ),
        ]
    }
}
