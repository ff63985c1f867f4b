//! Comparing two configurations' knobs: which settings changed, and which way.
//!
//! The knobs come from each gate's settings type (`gates/knobs.rs`), so this module knows
//! no gate's keys, defaults or directions; it only applies the rules: removing a bound
//! loosens, adding one tightens, a value moving the way the knob's `Looser` names loosens,
//! and anything that cannot be ranked counts as loosening so a person signs it off.

use std::collections::BTreeSet;

use crate::gates::knobs::{Knob, KnobValue, Looser};
use crate::results::GateKind;

/// Which way a change moved a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dir {
    Tighter,
    Looser,
}

/// One threshold change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub gate: GateKind,
    pub what: String,
    pub from: String,
    pub to: String,
    pub dir: Dir,
    /// Why it counts as looser when the direction is not obvious.
    pub note: Option<String>,
}

const UNRANKED: &str = "changed in a way mlgate cannot rank; treated as loosening";

/// How a bound moved from `x` to `y` (`None` = no bound): removing a bound loosens, adding
/// one tightens, and a value moving the way `higher_looser` names loosens.
pub fn bound_dir(x: Option<f64>, y: Option<f64>, higher_looser: bool) -> Dir {
    match (x, y) {
        (Some(x), Some(y)) if (y > x) == higher_looser => Dir::Looser,
        (Some(_), Some(_)) => Dir::Tighter,
        (Some(_), None) => Dir::Looser,
        _ => Dir::Tighter,
    }
}

/// One side of a comparison: the knobs, and whether a key is written in the table (so an
/// unwritten key's value reads "(default …)").
pub struct Side<'a> {
    pub knobs: &'a [Knob],
    pub written: &'a dyn Fn(&str) -> bool,
}

impl Side<'_> {
    fn get(&self, key: &str) -> Option<&Knob> {
        self.knobs.iter().find(|k| k.key == key)
    }

    /// The knob at `key`, or the one its counterpart falls back to.
    fn resolve<'k>(&'k self, key: &str, other: &Knob) -> Option<&'k Knob> {
        self.get(key).or_else(|| other.fallback.as_deref().and_then(|f| self.get(f)))
    }

    fn has_entry(&self, list: &str, entry: &str) -> bool {
        matches!(self.get(list).map(|k| &k.value), Some(KnobValue::List(Some(v))) if v.iter().any(|e| e == entry))
    }

    fn show(&self, k: Option<&Knob>) -> String {
        match k {
            None => "(unset)".into(),
            Some(k) if k.default.as_ref() == Some(&k.value) && !(self.written)(&k.key) => {
                format!("(default {})", k.value.show())
            }
            Some(k) => k.value.show(),
        }
    }
}

/// The changes of one gate's knobs from `old` to `new`.
pub fn changes(gate: GateKind, old: &Side<'_>, new: &Side<'_>) -> Vec<Change> {
    let mut keys: Vec<&str> = Vec::new();
    let mut seen = BTreeSet::new();
    for k in old.knobs.iter().chain(new.knobs) {
        if seen.insert(k.key.as_str()) {
            keys.push(&k.key);
        }
    }
    keys.sort();
    let mut out = Vec::new();
    for key in keys {
        let knob = new.get(key).or_else(|| old.get(key)).expect("key from one side");
        if let Some((list, entry)) = &knob.within
            && !(old.has_entry(list, entry) && new.has_entry(list, entry))
        {
            continue;
        }
        let (a, b) = (old.resolve(key, knob), new.resolve(key, knob));
        if a.map(|k| &k.value) == b.map(|k| &k.value) {
            continue;
        }
        let (dir, note) = direction(knob.looser, a.map(|k| &k.value), b.map(|k| &k.value));
        out.push(Change {
            gate,
            what: key.to_string(),
            from: old.show(a),
            to: new.show(b),
            dir,
            note: note.map(str::to_string),
        });
    }
    out
}

/// Which way a value moved, and why when that is not obvious.
fn direction(looser: Looser, a: Option<&KnobValue>, b: Option<&KnobValue>) -> (Dir, Option<&'static str>) {
    use KnobValue::{Flag, List, Num, Text};
    match (looser, a, b) {
        (Looser::Higher | Looser::Lower, Some(Num(x)), Some(Num(y))) => {
            (bound_dir(*x, *y, looser == Looser::Higher), None)
        }
        (Looser::Higher | Looser::Lower, None, Some(Num(_))) => (Dir::Tighter, None),
        (Looser::Higher | Looser::Lower, Some(Num(_)), None) => (Dir::Looser, Some("a threshold was removed")),
        (Looser::When(loose), _, Some(Flag(y))) => (if *y == loose { Dir::Looser } else { Dir::Tighter }, None),
        (Looser::Fewer, Some(List(x)), Some(List(y))) => match (x, y) {
            (_, None) => (Dir::Tighter, None),
            (None, Some(_)) => (Dir::Looser, Some("the list no longer covers everything")),
            (Some(x), Some(y)) if x.iter().all(|e| y.contains(e)) => (Dir::Tighter, None),
            _ => (Dir::Looser, Some("entries were removed from the list")),
        },
        (Looser::More, Some(List(x)), Some(List(y))) => match (x, y) {
            (None, _) => (Dir::Tighter, None),
            (Some(_), None) => (Dir::Looser, Some("the limit on allowed values was removed")),
            (Some(x), Some(y)) if y.iter().all(|e| x.contains(e)) => (Dir::Tighter, None),
            _ => (Dir::Looser, Some("values were added to what is allowed")),
        },
        (Looser::Order(order), Some(Text(Some(x))), Some(Text(Some(y)))) => {
            match (order.iter().position(|o| o == x), order.iter().position(|o| o == y)) {
                (Some(i), Some(j)) => (if j > i { Dir::Looser } else { Dir::Tighter }, None),
                _ => (Dir::Looser, Some(UNRANKED)),
            }
        }
        (_, Some(_), None) => {
            (Dir::Looser, Some("a setting was removed; mlgate cannot rank that, so it counts as loosening"))
        }
        _ => (Dir::Looser, Some(UNRANKED)),
    }
}

/// Whether `path` (dotted, e.g. `psi.fail`) is written in a TOML table.
pub fn written(table: Option<&toml::Table>, path: &str) -> bool {
    let Some(mut t) = table else { return false };
    let parts: Vec<&str> = path.split('.').collect();
    for (i, p) in parts.iter().enumerate() {
        match t.get(*p) {
            None => return false,
            Some(toml::Value::Table(inner)) if i + 1 < parts.len() => t = inner,
            Some(_) => return i + 1 == parts.len(),
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The drift gate's knobs for a `[gates.drift]` table.
    fn drift(table: &str) -> (Vec<Knob>, toml::Table) {
        let text = format!("[data]\nr = \"r.csv\"\n[gates.drift]\nreference = \"r\"\ncurrent = \"r\"\n{table}");
        let spec = crate::config::gates_of_text(&text).unwrap().remove(&GateKind::Drift).unwrap().unwrap();
        let t: toml::Table = toml::from_str(&text).unwrap();
        (spec.knobs(), t["gates"]["drift"].as_table().unwrap().clone())
    }

    fn diff(old: &str, new: &str) -> Vec<Change> {
        let ((ka, ta), (kb, tb)) = (drift(old), drift(new));
        let wa = |k: &str| written(Some(&ta), k);
        let wb = |k: &str| written(Some(&tb), k);
        changes(GateKind::Drift, &Side { knobs: &ka, written: &wa }, &Side { knobs: &kb, written: &wb })
    }

    #[test]
    fn directions_follow_the_knobs() {
        let c =
            diff("psi = { warn = 0.1, fail = 0.2 }\nalpha = 0.05", "psi = { warn = 0.1, fail = 0.3 }\nalpha = 0.01");
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(c.iter().all(|x| x.dir == Dir::Looser), "{c:?}");
        let c = diff("psi = { fail = 0.3 }", "psi = { fail = 0.15 }");
        assert_eq!((c.len(), c[0].dir), (1, Dir::Tighter), "{c:?}");
    }

    #[test]
    fn unset_keys_compare_with_the_defaults() {
        let c = diff("", "psi = { fail = 0.3 }");
        assert_eq!((c.len(), c[0].dir, c[0].from.as_str()), (1, Dir::Looser, "(default 0.2)"), "{c:?}");
        assert!(diff("", "psi = { fail = 0.2 }").is_empty(), "the default written out");
        assert_eq!(diff("psi = { fail = 0.15 }", "")[0].dir, Dir::Looser, "back to the default");
        let c = diff("", "[gates.drift.features.income]\npsi = { fail = 0.5 }");
        assert_eq!(c[0].dir, Dir::Looser, "a per-column override looser than the gate's level: {c:?}");
        let c =
            diff("psi = { fail = 0.1 }", "psi = { fail = 0.1 }\n[gates.drift.features.income]\npsi = { fail = 0.1 }");
        assert!(c.is_empty(), "an override equal to the level it falls back to: {c:?}");
    }

    #[test]
    fn lists_rank_by_coverage() {
        assert_eq!(diff("columns = [\"a\"]", "columns = [\"a\", \"b\"]")[0].dir, Dir::Tighter);
        assert_eq!(diff("columns = [\"a\", \"b\"]", "columns = [\"b\"]")[0].dir, Dir::Looser);
        assert_eq!(diff("", "columns = [\"b\"]")[0].dir, Dir::Looser, "all columns → some");
        assert_eq!(diff("bins = 10", "bins = 20")[0].dir, Dir::Looser, "unrankable changes need a sign-off");
    }
}

#[cfg(test)]
mod schema_tests {
    use super::*;
    use crate::gates::knobs::Reviewed;
    use crate::gates::schema::DataSchema;

    fn diff(old: serde_json::Value, new: serde_json::Value) -> Vec<Change> {
        let ka = DataSchema::parse(&old.to_string(), "a").unwrap().knobs();
        let kb = DataSchema::parse(&new.to_string(), "b").unwrap().knobs();
        let no = |_: &str| true;
        changes(GateKind::Schema, &Side { knobs: &ka, written: &no }, &Side { knobs: &kb, written: &no })
    }

    #[test]
    fn schema_changes_are_ranked() {
        let old = serde_json::json!({"columns": [{"name": "age", "type": "integer", "min": 18, "max": 99, "nullable": false},
                                                  {"name": "plan", "type": "string", "categories": ["a", "b"]},
                                                  {"name": "gone", "type": "float"}]});
        let new = serde_json::json!({"columns": [{"name": "age", "type": "integer", "min": 0, "max": 99},
                                                  {"name": "plan", "type": "string", "categories": ["a"]},
                                                  {"name": "new", "type": "float"}]});
        let c = diff(old, new);
        let find = |w: &str| c.iter().find(|x| x.what == w).unwrap_or_else(|| panic!("{w}: {c:?}"));
        assert_eq!(find("\"age\".min").dir, Dir::Looser);
        assert_eq!(find("\"age\".nullable").dir, Dir::Looser);
        assert_eq!(find("\"plan\".categories").dir, Dir::Tighter);
        assert_eq!(find("columns").dir, Dir::Looser, "a declared column was removed");
        assert!(c.iter().all(|x| !x.what.starts_with("\"new\".") && !x.what.starts_with("\"gone\".")), "{c:?}");
        let rows = diff(
            serde_json::json!({"rows": {"min": 1000}, "columns": []}),
            serde_json::json!({"rows": {"min": 500}, "columns": []}),
        );
        assert_eq!((rows[0].from.as_str(), rows[0].to.as_str(), rows[0].dir), ("1000", "500", Dir::Looser), "{rows:?}");
    }

    #[test]
    fn a_new_column_tightens() {
        let c = diff(
            serde_json::json!({"columns": [{"name": "a", "type": "float"}]}),
            serde_json::json!({"columns": [{"name": "a", "type": "float"}, {"name": "b", "type": "float"}]}),
        );
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].dir, Dir::Tighter);
    }
}
