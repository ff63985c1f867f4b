//! One feature, value by value over the joined rows: how its two sides are read (numbers,
//! text or times), which pairs differ, and the pairs the cause diagnosis looks at.

use anyhow::Result;
use polars::prelude::*;

use super::settings::Tolerance;
use crate::data::time::{TimeOptions, to_micros};
use crate::data::types::{Kind, looks_like_timestamps};

/// Differing pairs kept for the diagnosis at most (the first ones, in online row order).
pub const DIAGNOSE_MAX: usize = 200_000;

/// One side of a feature, read for comparison.
pub enum Values {
    /// Numbers (booleans as 0/1); NaN reads as missing, as pandas writes missing numbers.
    Num(Float64Chunked),
    Text(StringChunked),
    /// UTC microseconds.
    Time(Vec<Option<i64>>),
}

impl Values {
    pub fn text_at(&self, i: IdxSize) -> String {
        let i = i as usize;
        match self {
            Values::Num(c) => num_at(c, i).map(crate::text::num).unwrap_or_else(|| "null".into()),
            Values::Text(c) => {
                c.get(i).map(|s| format!("{:?}", crate::text::clip(s, 60))).unwrap_or_else(|| "null".into())
            }
            Values::Time(v) => v[i].map(crate::timeparse::format_micros).unwrap_or_else(|| "null".into()),
        }
    }
}

fn num_at(c: &Float64Chunked, i: usize) -> Option<f64> {
    c.get(i).filter(|v| !v.is_nan())
}

/// What a feature's two sides are, once read.
pub enum Prepared {
    Ready {
        off: Values,
        on: Values,
        kind: &'static str,
        note: Option<String>,
    },
    /// The sides have types that cannot be compared value by value. `as_text`: both sides
    /// as text, when one holds numbers and the other words (codes against labels).
    TypeMismatch {
        off: String,
        on: String,
        examples: Vec<String>,
        as_text: Option<(Values, Values)>,
    },
    Unsupported(String),
}

/// Reads both sides of a feature in a common form.
pub fn prepare(off: &Series, on: &Series, opts: &TimeOptions) -> Result<Prepared> {
    let (ko, kn) = (Kind::of(off.dtype()), Kind::of(on.dtype()));
    let numeric = |k: Kind| k.is_numeric() || k == Kind::Boolean;
    let temporal = |k: Kind| matches!(k, Kind::Date | Kind::Datetime);
    // A time, or text whose values read as times.
    let timeish = |k: Kind, s: &Series| temporal(k) || (k == Kind::String && looks_like_timestamps(s));
    Ok(match (ko, kn) {
        (a, b) if numeric(a) && numeric(b) => {
            Prepared::Ready { off: Values::Num(floats(off)?), on: Values::Num(floats(on)?), kind: "number", note: None }
        }
        (a, b) if (temporal(a) || a == Kind::String) && (temporal(b) || b == Kind::String) => {
            let times = temporal(a) || temporal(b) || (looks_like_timestamps(off) && looks_like_timestamps(on));
            if times {
                let (to, tn) = (to_micros(off, opts)?, to_micros(on, opts)?);
                if to.unparseable == 0 && tn.unparseable == 0 {
                    return Ok(Prepared::Ready {
                        off: Values::Time(to.micros),
                        on: Values::Time(tn.micros),
                        kind: "time",
                        note: None,
                    });
                }
                if temporal(a) || temporal(b) {
                    let bad = if to.unparseable > 0 { &to } else { &tn };
                    let examples = bad.examples.iter().filter_map(|e| e.value.clone()).collect();
                    return Ok(Prepared::TypeMismatch {
                        off: describe(off),
                        on: describe(on),
                        examples,
                        as_text: None,
                    });
                }
            }
            let (a, b) = (off.cast(&DataType::String)?, on.cast(&DataType::String)?);
            Prepared::Ready { off: Values::Text(text(&a)?), on: Values::Text(text(&b)?), kind: "text", note: None }
        }
        (a, b) if (timeish(a, off) && numeric(b)) || (numeric(a) && timeish(b, on)) => {
            // A time on one side, epoch numbers on the other (`epoch_unit` says which unit).
            let (to, tn) = (to_micros(off, opts)?, to_micros(on, opts)?);
            if to.unparseable + tn.unparseable > 0 {
                let bad = if to.unparseable > 0 { &to } else { &tn };
                let examples = bad.examples.iter().filter_map(|e| e.value.clone()).collect();
                return Ok(Prepared::TypeMismatch { off: describe(off), on: describe(on), examples, as_text: None });
            }
            let which = if numeric(a) { "offline" } else { "online" };
            let note = Some(format!("the {which} side writes this time as epoch numbers"));
            Prepared::Ready { off: Values::Time(to.micros), on: Values::Time(tn.micros), kind: "time", note }
        }
        (a, b) if (numeric(a) && b == Kind::String) || (a == Kind::String && numeric(b)) => {
            let (num_side, text_side, which) = if numeric(a) { (off, on, "online") } else { (on, off, "offline") };
            let parsed = text_numbers(text_side)?;
            let unparsed: Vec<String> = text_side
                .cast(&DataType::String)?
                .str()?
                .iter()
                .zip(parsed.iter())
                .filter_map(|(t, p)| match (t, p) {
                    (Some(t), None) if !t.trim().is_empty() => Some(format!("{:?}", crate::text::clip(t, 60))),
                    _ => None,
                })
                .take(5)
                .collect();
            if !unparsed.is_empty() {
                // Whole numbers against words may be codes against labels.
                let codes = floats(num_side)?.iter().flatten().all(|x| x == x.trunc());
                let as_text = if codes {
                    let (ta, tb) = (off.cast(&DataType::String)?, on.cast(&DataType::String)?);
                    Some((Values::Text(text(&ta)?), Values::Text(text(&tb)?)))
                } else {
                    None
                };
                return Ok(Prepared::TypeMismatch {
                    off: describe(off),
                    on: describe(on),
                    examples: unparsed,
                    as_text,
                });
            }
            let num = floats(num_side)?;
            let note = Some(format!("the {which} side writes this number as text"));
            let (o, n) = if numeric(a) { (num, parsed) } else { (parsed, num) };
            Prepared::Ready { off: Values::Num(o), on: Values::Num(n), kind: "number", note }
        }
        _ => Prepared::Unsupported(format!("offline {}, online {}", describe(off), describe(on))),
    })
}

fn describe(s: &Series) -> String {
    format!("{} ({})", Kind::of(s.dtype()), s.dtype())
}

fn floats(s: &Series) -> Result<Float64Chunked> {
    let f = s.cast(&DataType::Float64)?;
    Ok(f.f64()?.rechunk().into_owned())
}

/// Text read as numbers: decimal numbers, and true/false/yes/no as 1/0 (a flag one side
/// stores as a boolean); anything else reads as missing.
fn text_numbers(s: &Series) -> Result<Float64Chunked> {
    let t = s.cast(&DataType::String)?;
    let parse = |v: &str| {
        let v = v.trim();
        v.parse::<f64>().ok().or_else(|| match v.to_ascii_lowercase().as_str() {
            "true" | "yes" => Some(1.0),
            "false" | "no" => Some(0.0),
            _ => None,
        })
    };
    Ok(t.str()?.iter().map(|v| v.and_then(parse)).collect::<Float64Chunked>().with_name(s.name().clone()))
}

fn text(s: &Series) -> Result<StringChunked> {
    Ok(s.str()?.rechunk().into_owned())
}

/// Differing pairs of one feature, by kind, for the diagnosis.
#[derive(Debug, Default, Clone)]
pub struct Diffs<T> {
    /// Both sides present and different: (offline, online).
    pub values: Vec<(T, T)>,
    /// Online values where the offline value is missing.
    pub online_where_offline_null: Vec<T>,
    /// Offline values where the online value is missing.
    pub offline_where_online_null: Vec<T>,
    /// How many values are missing offline only, and online only, in all (the lists above
    /// keep the first [`DIAGNOSE_MAX`]).
    pub nulls: (u64, u64),
}

#[derive(Debug, Clone)]
pub enum DiffSet {
    Num(Diffs<f64>),
    Text(Diffs<String>),
    Time(Diffs<i64>),
}

/// The comparison of one feature over the joined rows.
#[derive(Debug, Clone)]
pub struct Compared {
    pub joined: u64,
    pub value_mismatch: u64,
    pub null_offline_only: u64,
    pub null_online_only: u64,
    /// (offline row, online row) of the first differing pairs.
    pub examples: Vec<(IdxSize, IdxSize)>,
    pub diffs: DiffSet,
}

impl Compared {
    pub fn mismatches(&self) -> u64 {
        self.value_mismatch + self.null_offline_only + self.null_online_only
    }
}

/// Numbers equal within the tolerance (infinities equal themselves).
pub fn close(a: f64, b: f64, t: &Tolerance) -> bool {
    a == b || (a.is_finite() && b.is_finite() && (a - b).abs() <= t.abs + t.rel * a.abs().max(b.abs()))
}

/// Compares the two sides over the joined pairs.
pub fn compare(off: &Values, on: &Values, pairs: &[(IdxSize, IdxSize)], t: &Tolerance) -> Compared {
    match (off, on) {
        (Values::Num(a), Values::Num(b)) => {
            let (c, d) = walk(pairs, |i| num_at(a, i), |i| num_at(b, i), |x, y| close(*x, *y, t));
            finish(c, DiffSet::Num(d))
        }
        (Values::Text(a), Values::Text(b)) => {
            let (c, d) = walk(pairs, |i| a.get(i), |i| b.get(i), |x, y| x == y);
            let own = |v: Vec<&str>| v.into_iter().map(str::to_string).collect();
            let d = Diffs {
                values: d.values.into_iter().map(|(x, y)| (x.to_string(), y.to_string())).collect(),
                online_where_offline_null: own(d.online_where_offline_null),
                offline_where_online_null: own(d.offline_where_online_null),
                nulls: d.nulls,
            };
            finish(c, DiffSet::Text(d))
        }
        (Values::Time(a), Values::Time(b)) => {
            let (c, d) = walk(pairs, |i| a[i], |i| b[i], |x, y| x == y);
            finish(c, DiffSet::Time(d))
        }
        _ => unreachable!("prepare reads both sides of a feature in the same form"),
    }
}

struct Counts {
    joined: u64,
    value_mismatch: u64,
    null_offline_only: u64,
    null_online_only: u64,
    examples: Vec<(IdxSize, IdxSize)>,
}

fn finish(c: Counts, diffs: DiffSet) -> Compared {
    Compared {
        joined: c.joined,
        value_mismatch: c.value_mismatch,
        null_offline_only: c.null_offline_only,
        null_online_only: c.null_online_only,
        examples: c.examples,
        diffs,
    }
}

fn walk<T: Clone>(
    pairs: &[(IdxSize, IdxSize)],
    a: impl Fn(usize) -> Option<T>,
    b: impl Fn(usize) -> Option<T>,
    same: impl Fn(&T, &T) -> bool,
) -> (Counts, Diffs<T>) {
    let mut c = Counts {
        joined: pairs.len() as u64,
        value_mismatch: 0,
        null_offline_only: 0,
        null_online_only: 0,
        examples: vec![],
    };
    let mut d =
        Diffs { values: vec![], online_where_offline_null: vec![], offline_where_online_null: vec![], nulls: (0, 0) };
    for &(i, j) in pairs {
        let differs = match (a(i as usize), b(j as usize)) {
            (None, None) => false,
            (Some(x), Some(y)) => {
                let differs = !same(&x, &y);
                if differs {
                    c.value_mismatch += 1;
                    if d.values.len() < DIAGNOSE_MAX {
                        d.values.push((x, y));
                    }
                }
                differs
            }
            (None, Some(y)) => {
                c.null_offline_only += 1;
                if d.online_where_offline_null.len() < DIAGNOSE_MAX {
                    d.online_where_offline_null.push(y);
                }
                true
            }
            (Some(x), None) => {
                c.null_online_only += 1;
                if d.offline_where_online_null.len() < DIAGNOSE_MAX {
                    d.offline_where_online_null.push(x);
                }
                true
            }
        };
        if differs && c.examples.len() < 5 {
            c.examples.push((i, j));
        }
    }
    d.nulls = (c.null_offline_only, c.null_online_only);
    (c, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float32_round_trips_are_equal_and_the_sixth_digit_is_not() {
        let t = Tolerance { max_mismatch: Default::default(), abs: 1e-9, rel: 1e-6 };
        for x in [59.48, 0.1, 1234567.891, 1e-7, -3.3] {
            assert!(close(x, (x as f32) as f64, &t), "{x}");
        }
        assert!(!close(59.48, 59.4801, &t));
        assert!(close(f64::INFINITY, f64::INFINITY, &t));
        assert!(!close(f64::INFINITY, f64::NEG_INFINITY, &t));
    }

    #[test]
    fn nulls_on_one_side_are_their_own_kind_of_mismatch() {
        let a = Float64Chunked::from_iter_options(
            "a".into(),
            [Some(1.0), None, Some(f64::NAN), Some(2.0), None].into_iter(),
        );
        let b =
            Float64Chunked::from_iter_options("b".into(), [Some(1.0), Some(0.0), None, Some(2.5), None].into_iter());
        let pairs: Vec<(IdxSize, IdxSize)> = (0..5).map(|i| (i, i)).collect();
        let t = crate::gates::skew::Settings::default().tolerance;
        let c = compare(&Values::Num(a), &Values::Num(b), &pairs, &t);
        assert_eq!((c.value_mismatch, c.null_offline_only, c.null_online_only), (1, 1, 0));
        assert_eq!(c.examples, vec![(1, 1), (3, 3)]);
    }
}
