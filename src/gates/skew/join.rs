//! Pairing offline rows with online rows: on key columns exactly, or on an entity key and a
//! timestamp within a window. A key that pairs a row with more than one row is ambiguous:
//! its rows are counted and left out, never fanned out into several pairs.

use anyhow::Result;
use polars::prelude::*;

use crate::data::time::{TimeOptions, to_micros};
use crate::error::{quoted, user};

/// How a key column's values are compared across the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyClass {
    /// Whole numbers (and booleans).
    Int,
    Text,
    Time,
    /// Not usable as a key (fractions, lists, …).
    Other,
}

impl KeyClass {
    pub fn of(dt: &DataType) -> KeyClass {
        use crate::data::types::Kind;
        match Kind::of(dt) {
            Kind::Integer | Kind::Boolean => KeyClass::Int,
            Kind::String => KeyClass::Text,
            Kind::Date | Kind::Datetime => KeyClass::Time,
            _ => KeyClass::Other,
        }
    }

    /// The class of a key column's values: fractions whose values are all whole (ids a
    /// pandas writer turned into floats because of a missing value) are whole numbers.
    pub fn of_series(s: &Series) -> KeyClass {
        let c = KeyClass::of(s.dtype());
        if c != KeyClass::Other || !s.dtype().is_float() {
            return c;
        }
        let whole = s.cast(&DataType::Float64).ok().is_some_and(|f| {
            f.f64().is_ok_and(|f| f.iter().flatten().all(|x| x.is_finite() && x == x.trunc() && x.abs() < 9.0e15))
        });
        if whole { KeyClass::Int } else { KeyClass::Other }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KeyClass::Int => "whole numbers",
            KeyClass::Text => "text",
            KeyClass::Time => "timestamps",
            KeyClass::Other => "neither whole numbers, text nor timestamps",
        }
    }
}

/// The pairing of the two sides.
#[derive(Debug, Default, Clone)]
pub struct Join {
    /// (offline row, online row), in online row order.
    pub pairs: Vec<(IdxSize, IdxSize)>,
    pub offline_rows: usize,
    pub online_rows: usize,
    /// Rows (0-based) with no partner on the other side (null keys included).
    pub unmatched_offline: Vec<IdxSize>,
    pub unmatched_online: Vec<IdxSize>,
    /// Rows with a null key or an unreadable time, per side (also counted as unmatched).
    pub null_key_offline: u64,
    pub null_key_online: u64,
    /// Rows left out because their key is ambiguous, per side.
    pub ambiguous_offline: Vec<IdxSize>,
    pub ambiguous_online: Vec<IdxSize>,
    /// Online rows whose entity is offline but no offline time is within the window.
    pub outside_window: u64,
}

/// One code per row of both sides (offline rows first), equal codes for equal keys; `None`
/// where a key value is null.
pub fn key_codes(off: &DataFrame, on: &DataFrame, key: &[String], opts: &TimeOptions) -> Result<Vec<Option<u64>>> {
    let mut acc: Option<Vec<Option<u64>>> = None;
    for k in key {
        let codes =
            column_codes(off.column(k)?.as_materialized_series(), on.column(k)?.as_materialized_series(), opts)?;
        acc = Some(match acc {
            None => codes,
            Some(prev) => {
                let mut pairs: hashbrown::HashMap<(u64, u64), u64> = hashbrown::HashMap::new();
                prev.iter()
                    .zip(&codes)
                    .map(|(a, b)| {
                        let (a, b) = ((*a)?, (*b)?);
                        let n = pairs.len() as u64;
                        Some(*pairs.entry((a, b)).or_insert(n))
                    })
                    .collect()
            }
        });
    }
    Ok(acc.unwrap_or_default())
}

fn column_codes(off: &Series, on: &Series, opts: &TimeOptions) -> Result<Vec<Option<u64>>> {
    let name = off.name().to_string();
    match (KeyClass::of_series(off), KeyClass::of_series(on)) {
        (KeyClass::Int, KeyClass::Int) => {
            let mut out = Vec::with_capacity(off.len() + on.len());
            for s in [off, on] {
                let i = s.cast(&DataType::Int64)?;
                out.extend(i.i64()?.iter().map(|v| v.map(|x| x as u64)));
            }
            Ok(out)
        }
        (KeyClass::Text, KeyClass::Text) => {
            let (a, b) = (off.cast(&DataType::String)?, on.cast(&DataType::String)?);
            let (a, b) = (a.str()?, b.str()?);
            let mut seen: hashbrown::HashMap<&str, u64> = hashbrown::HashMap::new();
            let mut out = Vec::with_capacity(a.len() + b.len());
            for v in a.iter().chain(b.iter()) {
                out.push(v.map(|s| {
                    let n = seen.len() as u64;
                    *seen.entry(s).or_insert(n)
                }));
            }
            Ok(out)
        }
        (KeyClass::Time, KeyClass::Time) => {
            let mut out = Vec::with_capacity(off.len() + on.len());
            for s in [off, on] {
                out.extend(to_micros(s, opts)?.micros.into_iter().map(|v| v.map(|x| x as u64)));
            }
            Ok(out)
        }
        (a, b) => Err(user(format!(
            "the key {} is {} offline but {} online, so no row could be paired",
            quoted(&name),
            a.as_str(),
            b.as_str()
        ))
        .hint("write the key the same way on both sides (cast the ids to text, or to whole numbers) and run again")
        .into()),
    }
}

/// Pairs rows whose key codes are equal and unique on both sides.
pub fn exact(codes: &[Option<u64>], offline_rows: usize) -> Join {
    let (off, on) = codes.split_at(offline_rows);
    let mut j = Join { offline_rows, online_rows: on.len(), ..Join::default() };
    // code → (first offline row, offline count, online count)
    let mut seen: hashbrown::HashMap<u64, (IdxSize, u32, u32)> = hashbrown::HashMap::with_capacity(off.len());
    for (i, c) in off.iter().enumerate() {
        if let Some(c) = c {
            let e = seen.entry(*c).or_insert((i as IdxSize, 0, 0));
            e.1 += 1;
        }
    }
    for c in on.iter().flatten() {
        if let Some(e) = seen.get_mut(c) {
            e.2 += 1;
        }
    }
    let mut online_count: hashbrown::HashMap<u64, u32> = hashbrown::HashMap::new();
    for (i, c) in on.iter().enumerate() {
        let i = i as IdxSize;
        let Some(c) = c else {
            j.null_key_online += 1;
            j.unmatched_online.push(i);
            continue;
        };
        match seen.get(c) {
            None => {
                let n = online_count.entry(*c).or_insert(0);
                *n += 1;
                j.unmatched_online.push(i);
            }
            Some(&(row, 1, 1)) => j.pairs.push((row, i)),
            Some(_) => j.ambiguous_online.push(i),
        }
    }
    // Online keys repeated without any offline partner are duplicates too.
    for (i, c) in on.iter().enumerate() {
        if let Some(c) = c
            && online_count.get(c).is_some_and(|n| *n > 1)
        {
            j.ambiguous_online.push(i as IdxSize);
        }
    }
    j.ambiguous_online.sort_unstable();
    for (i, c) in off.iter().enumerate() {
        let i = i as IdxSize;
        match c.and_then(|c| seen.get(&c).map(|e| (c, e))) {
            None => {
                j.null_key_offline += 1;
                j.unmatched_offline.push(i);
            }
            Some((_, &(_, n, _))) if n > 1 => j.ambiguous_offline.push(i),
            Some((_, &(_, _, 0))) => j.unmatched_offline.push(i),
            Some((_, &(_, _, 1))) => {}
            Some(_) => j.ambiguous_offline.push(i),
        }
    }
    j
}

/// Pairs each online row with the one offline row of its entity whose time is within
/// `within_us`; a row with several candidates, or an offline row claimed by several
/// online rows, is ambiguous.
pub fn within(codes: &[Option<u64>], times: &[Option<i64>], offline_rows: usize, within_us: i64) -> Join {
    let (off, on) = codes.split_at(offline_rows);
    let (t_off, t_on) = times.split_at(offline_rows);
    let mut j = Join { offline_rows, online_rows: on.len(), ..Join::default() };
    let mut sorted: Vec<(u64, i64, IdxSize)> = Vec::with_capacity(off.len());
    for (i, (c, t)) in off.iter().zip(t_off).enumerate() {
        match (c, t) {
            (Some(c), Some(t)) => sorted.push((*c, *t, i as IdxSize)),
            _ => j.null_key_offline += 1,
        }
    }
    sorted.sort_unstable();
    let mut claims = vec![0u32; off.len()];
    let mut touched = vec![false; off.len()];
    let mut single: Vec<(IdxSize, IdxSize)> = Vec::new();
    for (i, (c, t)) in on.iter().zip(t_on).enumerate() {
        let i = i as IdxSize;
        let (Some(c), Some(t)) = (c, t) else {
            j.null_key_online += 1;
            j.unmatched_online.push(i);
            continue;
        };
        let lo = sorted.partition_point(|&(sc, st, _)| (sc, st) < (*c, t.saturating_sub(within_us)));
        let hi = sorted.partition_point(|&(sc, st, _)| (sc, st) <= (*c, t.saturating_add(within_us)));
        match hi - lo {
            0 => {
                if sorted.get(lo).is_some_and(|e| e.0 == *c) || (lo > 0 && sorted[lo - 1].0 == *c) {
                    j.outside_window += 1;
                }
                j.unmatched_online.push(i);
            }
            1 => {
                let row = sorted[lo].2;
                claims[row as usize] += 1;
                touched[row as usize] = true;
                single.push((row, i));
            }
            _ => {
                for e in &sorted[lo..hi] {
                    touched[e.2 as usize] = true;
                    claims[e.2 as usize] += 2;
                }
                j.ambiguous_online.push(i);
            }
        }
    }
    for (row, i) in single {
        if claims[row as usize] == 1 {
            j.pairs.push((row, i));
        } else {
            j.ambiguous_online.push(i);
        }
    }
    j.ambiguous_online.sort_unstable();
    for (i, (c, t)) in off.iter().zip(t_off).enumerate() {
        let i = i as IdxSize;
        if c.is_none() || t.is_none() || !touched[i as usize] {
            j.unmatched_offline.push(i);
        } else if claims[i as usize] > 1 {
            j.ambiguous_offline.push(i);
        }
    }
    j
}

/// The key of a row as text for examples: `customer_id=C100007` (and the time when the
/// join uses one).
pub fn key_text(df: &DataFrame, row: IdxSize, cols: &[String]) -> String {
    cols.iter().map(|c| format!("{c}={}", crate::text::clip(&cell_text(df, c, row), 60))).collect::<Vec<_>>().join(", ")
}

/// One cell as text: strings as they are (no quotes), a missing value as `null`.
pub fn cell_text(df: &DataFrame, col: &str, row: IdxSize) -> String {
    match df.column(col).ok().and_then(|s| s.get(row as usize).ok()) {
        Some(AnyValue::String(s)) => s.to_string(),
        Some(AnyValue::StringOwned(s)) => s.to_string(),
        Some(AnyValue::Null) | None => "null".to_string(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(off: &[Option<u64>], on: &[Option<u64>]) -> Vec<Option<u64>> {
        off.iter().chain(on).copied().collect()
    }

    #[test]
    fn exact_pairs_unique_keys_and_counts_the_rest() {
        let c = codes(
            &[Some(1), Some(2), Some(2), Some(3), None],
            &[Some(1), Some(2), Some(4), Some(4), None, Some(3), Some(3)],
        );
        let j = exact(&c, 5);
        assert_eq!(j.pairs, vec![(0, 0)]);
        assert_eq!(j.ambiguous_offline, vec![1, 2, 3]);
        // key 2 repeats offline; key 4 repeats online with no partner; key 3 repeats online
        assert_eq!(j.ambiguous_online, vec![1, 2, 3, 5, 6]);
        assert_eq!(j.unmatched_online, vec![2, 3, 4]);
        assert_eq!(j.unmatched_offline, vec![4]);
        assert_eq!((j.null_key_offline, j.null_key_online), (1, 1));
    }

    #[test]
    fn within_pairs_the_single_candidate_and_refuses_ambiguity() {
        // entity 1: offline at 0 and 100; entity 2: offline at 50.
        let c = codes(&[Some(1), Some(1), Some(2)], &[Some(1), Some(1), Some(2), Some(2), Some(3)]);
        let t = [Some(0), Some(100), Some(50), Some(2), Some(60), Some(49), Some(51), Some(0)];
        let j = within(&c, &t, 3, 5);
        // online 0 → offline 0; online 1 (60) is outside both windows; online 2 and 3 both
        // claim offline 2 → ambiguous; online 4 has no entity.
        assert_eq!(j.pairs, vec![(0, 0)]);
        assert_eq!(j.ambiguous_online, vec![2, 3]);
        assert_eq!(j.unmatched_online, vec![1, 4]);
        assert_eq!(j.outside_window, 1);
        assert_eq!(j.unmatched_offline, vec![1]);
        assert_eq!(j.ambiguous_offline, vec![2]);
    }
}
