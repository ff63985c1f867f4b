//! `[columns]`: which column plays which role across datasets. Every gate reads the roles
//! from here (the ad hoc `mlgate gate` commands build the same struct from flags), so a
//! role is named in one place.

use serde::Deserialize;
use toml::Spanned;

/// Which column plays which role. All optional; gates that need a role say so.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// The target the model predicts.
    pub label: Option<Spanned<String>>,
    /// Model probability or regression output, in prediction files.
    pub score: Option<Spanned<String>>,
    /// Predicted class, in prediction files (optional; derived from score and threshold).
    pub prediction: Option<Spanned<String>>,
    /// The as-of / prediction timestamp.
    pub timestamp: Option<Spanned<String>>,
    /// Entity id (customer, patient, …) used to join and to detect group leakage.
    pub entity: Option<Spanned<String>>,
    /// Explicit feature list; default: every column that plays no other role.
    pub features: Option<Vec<Spanned<String>>>,
    /// Columns that are neither features nor roles (free text, audit fields).
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
}

/// A value given on the command line, wrapped like one read from mlgate.toml (no span).
pub fn flag<T>(v: T) -> Spanned<T> {
    Spanned::new(0..0, v)
}

fn get(v: &Option<Spanned<String>>) -> Option<&str> {
    v.as_ref().map(|s| s.get_ref().as_str())
}

impl Columns {
    pub fn label(&self) -> Option<&str> {
        get(&self.label)
    }
    pub fn score(&self) -> Option<&str> {
        get(&self.score)
    }
    pub fn prediction(&self) -> Option<&str> {
        get(&self.prediction)
    }
    pub fn timestamp(&self) -> Option<&str> {
        get(&self.timestamp)
    }
    pub fn entity(&self) -> Option<&str> {
        get(&self.entity)
    }

    /// The explicit feature list, if one is given.
    pub fn feature_list(&self) -> Option<Vec<String>> {
        self.features.as_ref().map(|f| f.iter().map(|s| s.get_ref().clone()).collect())
    }

    pub fn ignored(&self) -> Vec<String> {
        self.ignore.iter().map(|s| s.get_ref().clone()).collect()
    }

    /// Names that are never features.
    pub fn role_columns(&self) -> Vec<String> {
        [&self.label, &self.score, &self.prediction, &self.timestamp, &self.entity]
            .into_iter()
            .flatten()
            .map(|s| s.get_ref().clone())
            .chain(self.ignored())
            .collect()
    }
}
