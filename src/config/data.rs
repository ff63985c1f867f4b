//! `[data]` entries: a file, or a query an engine profiles where the data lives.

use serde::Deserialize;

use crate::diag::Problems;
use crate::warehouse::{Dialect, Quantiles};

/// `train = "data/train.parquet"`, or
/// `train = { sql = "SELECT …", engine = "postgres", url_env = "MLGATE_PG_URL" }`.
#[derive(Debug, Clone, PartialEq)]
pub enum DataEntry {
    Path(String),
    Sql(SqlData),
}

/// A query whose profile PostgreSQL computes over a connection (the string in `url_env`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlData {
    pub sql: String,
    /// The engine; mlgate.toml can only name one mlgate connects to: `postgres`.
    pub engine: String,
    /// The environment variable holding the connection string.
    pub url_env: String,
    /// Quantile levels of a reference's cuts (default 100).
    #[serde(default)]
    pub levels: Option<u16>,
    /// `exact` (default) or `approx`.
    #[serde(default)]
    pub quantiles: Option<String>,
}

impl<'de> Deserialize<'de> for DataEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        match v {
            toml::Value::String(s) => Ok(DataEntry::Path(s)),
            toml::Value::Table(_) => SqlData::deserialize(v).map(DataEntry::Sql).map_err(serde::de::Error::custom),
            other => Err(serde::de::Error::custom(format!(
                "a dataset is a path (\"data/train.parquet\") or a query ({{ sql = \"…\", engine = \"postgres\", url_env = \"VAR\" }}), not a {}",
                other.type_str()
            ))),
        }
    }
}

impl DataEntry {
    /// The path, for an entry that is one.
    pub fn path(&self) -> Option<&str> {
        match self {
            DataEntry::Path(p) => Some(p),
            DataEntry::Sql(_) => None,
        }
    }
}

impl SqlData {
    pub fn dialect(&self) -> Option<Dialect> {
        <Dialect as clap::ValueEnum>::from_str(&self.engine, true).ok()
    }

    pub fn quantiles(&self) -> Quantiles {
        match self.quantiles.as_deref() {
            Some("approx") => Quantiles::Approx,
            _ => Quantiles::Exact,
        }
    }

    /// Every problem with the entry, located at its span.
    pub fn validate(&self, name: &str, span: std::ops::Range<usize>, p: &mut Problems) {
        if self.sql.trim().is_empty() {
            p.add(Some(span.clone()), name, "`sql` is empty", Some("give the query whose result to profile".into()));
        }
        match self.dialect() {
            Some(Dialect::Postgres) => {}
            Some(d) => p.add(
                Some(span.clone()),
                name,
                format!("mlgate connects to PostgreSQL only, not {}", d.name()),
                Some("for other engines, write the profile with `mlgate profile --sql … --emit-sql / --from-result` and point [gates.drift] at the file".into()),
            ),
            None => p.add(
                Some(span.clone()),
                name,
                format!("unknown engine {:?}", self.engine),
                Some("engine = \"postgres\"".into()),
            ),
        }
        let var_ok = !self.url_env.is_empty()
            && self.url_env.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !self.url_env.starts_with(|c: char| c.is_ascii_digit());
        if !var_ok {
            p.add(
                Some(span.clone()),
                name,
                "`url_env` must name an environment variable (letters, digits, `_`)",
                Some("the connection string itself never goes in mlgate.toml: url_env = \"MLGATE_PG_URL\"".into()),
            );
        }
        if let Some(l) = self.levels
            && !(2..=1000).contains(&l)
        {
            p.add(Some(span.clone()), name, "`levels` must be 2 to 1000", None);
        }
        if let Some(q) = &self.quantiles
            && q != "exact"
            && q != "approx"
        {
            p.add(Some(span), name, "`quantiles` is \"exact\" or \"approx\"", None);
        }
    }
}
