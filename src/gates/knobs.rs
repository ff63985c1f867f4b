//! Reviewable settings: what "loosening a threshold" means, declared by each gate's
//! settings type instead of being re-listed by the threshold review.
//!
//! A gate's `Settings` lists its [`Knob`]s — every setting that changes a verdict, with its
//! key as written in `mlgate.toml`, its *effective* value (defaults applied, so an unset key
//! and the default written out compare equal) and which way is looser. The threshold review
//! (`review/`) compares the knobs of two configurations; the threshold history compares
//! them across commits. Neither knows any gate's keys or defaults.

use serde::Serialize;

/// The effective value of a setting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum KnobValue {
    /// A number; `None` means no bound at all.
    Num(Option<f64>),
    Flag(bool),
    Text(Option<String>),
    /// A list of names; `None` means "all of them" (every column, every dataset).
    List(Option<Vec<String>>),
}

impl KnobValue {
    /// How the value reads in a report.
    pub fn show(&self) -> String {
        match self {
            KnobValue::Num(None) | KnobValue::Text(None) => "(unset)".into(),
            KnobValue::Num(Some(x)) => crate::text::num(*x),
            KnobValue::Flag(b) => b.to_string(),
            KnobValue::Text(Some(t)) => t.clone(),
            KnobValue::List(None) => "(all)".into(),
            KnobValue::List(Some(v)) => format!("[{}]", crate::text::clip(&v.join(", "), 120)),
        }
    }
}

/// Which change of a setting makes the gate more permissive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Looser {
    /// A higher number (or no bound) passes more: an upper bound such as `psi.fail`.
    Higher,
    /// A lower number (or no bound) passes more: a floor such as `min`.
    Lower,
    /// This flag value passes more (e.g. `strict = false`).
    When(bool),
    /// Fewer entries check less (a subset of the columns, of the metrics); an absent list
    /// means all entries.
    Fewer,
    /// More entries allow more (allowed categories).
    More,
    /// Text values from strictest to loosest; a value not listed cannot be ranked.
    Order(&'static [&'static str]),
    /// No direction can be told: any change counts as loosening, so a person signs it off.
    Unranked,
}

/// One reviewable setting.
#[derive(Debug, Clone, PartialEq)]
pub struct Knob {
    /// The key as written in the gate's table, e.g. `psi.fail` or `features.income.psi.fail`.
    pub key: String,
    pub value: KnobValue,
    pub looser: Looser,
    /// The key whose value applies when this one is absent on the other side (a per-column
    /// override falls back to the gate-level level).
    pub fallback: Option<String>,
    /// `(list key, entry)`: the knob belongs to an entry of a list knob (a column of the
    /// schema) and is only compared while the entry exists on both sides.
    pub within: Option<(String, String)>,
    /// The value the key takes when it is not written (shown as "(default …)").
    pub default: Option<KnobValue>,
}

impl Knob {
    pub fn new(key: impl Into<String>, value: KnobValue, looser: Looser) -> Knob {
        Knob { key: key.into(), value, looser, fallback: None, within: None, default: None }
    }

    pub fn num(key: impl Into<String>, v: Option<f64>, looser: Looser) -> Knob {
        Knob::new(key, KnobValue::Num(v), looser)
    }

    pub fn text(key: impl Into<String>, v: impl ToString, looser: Looser) -> Knob {
        Knob::new(key, KnobValue::Text(Some(v.to_string())), looser)
    }

    pub fn fallback(mut self, key: impl Into<String>) -> Knob {
        self.fallback = Some(key.into());
        self
    }

    pub fn within(mut self, list: &str, entry: &str) -> Knob {
        self.within = Some((list.to_string(), entry.to_string()));
        self
    }

    /// Levels as two knobs, `key.warn` and `key.fail`.
    pub fn levels(key: &str, l: &crate::results::Levels) -> [Knob; 2] {
        [
            Knob::num(format!("{key}.warn"), l.warn, Looser::Higher),
            Knob::num(format!("{key}.fail"), l.fail, Looser::Higher),
        ]
    }
}

/// A settings type whose verdict-changing settings the review can compare.
pub trait Reviewed {
    /// Every reviewable setting with its effective value.
    fn knobs(&self) -> Vec<Knob>;
}

/// The knobs of `settings`, each marked with the value its key takes by default, so the
/// review can say "(default 0.2)". `defaults` is the default settings' knob list.
pub fn with_defaults(mut knobs: Vec<Knob>, defaults: &[Knob]) -> Vec<Knob> {
    for k in &mut knobs {
        k.default = defaults.iter().find(|d| d.key == k.key).map(|d| d.value.clone());
    }
    knobs
}
