//! Overlap across splits: the same entity in train and test (group leakage), and test
//! rows that exactly repeat a training row, without and with the label.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

use polars::prelude::*;

use super::codes::Code;
use super::{Settings, col, share};
use crate::error::quoted;
use crate::results::{Check, Example, Interval, Status, Threshold};
use crate::stats::intervals;
use crate::text;

pub(super) fn entity_overlap(train: &DataFrame, test: &DataFrame, e: &str, max_share: f64) -> Check {
    let (Some(a), Some(b)) = (col(train, e), col(test, e)) else {
        let side = if col(train, e).is_none() { "train" } else { "test" };
        return Check::new(
            Code::EntityOverlap,
            e,
            Status::Error,
            format!("the entity column {} is missing from {side}", quoted(e)),
        );
    };
    let (Ok(a), Ok(b)) = (a.cast(&DataType::String), b.cast(&DataType::String)) else {
        return Check::new(Code::EntityOverlap, e, Status::Error, "the entity column cannot be read as text");
    };
    let (Ok(a), Ok(b)) = (a.str(), b.str()) else {
        return Check::new(Code::EntityOverlap, e, Status::Error, "the entity column cannot be read as text");
    };
    let train_ids: HashSet<&str> = a.iter().flatten().collect();
    let mut test_ids: HashSet<&str> = HashSet::new();
    let mut shared: HashSet<&str> = HashSet::new();
    let mut rows = 0u64;
    let mut examples = Vec::new();
    for (i, v) in b.iter().enumerate() {
        let Some(v) = v else { continue };
        test_ids.insert(v);
        if train_ids.contains(v) {
            rows += 1;
            shared.insert(v);
            if examples.len() < 5 {
                examples.push(Example { row: i as u64 + 1, value: Some(text::clip(v, 200)) });
            }
        }
    }
    let frac = share(shared.len() as u64, test_ids.len() as u64);
    let status = if frac > max_share { Status::Fail } else { Status::Pass };
    let msg = if shared.is_empty() {
        format!(
            "no {} value appears in both train and test ({} test entities)",
            quoted(e),
            text::int(test_ids.len() as u64)
        )
    } else {
        format!(
            "{} of {} test entities ({}) also appear in train, in {} test rows ({})",
            text::int(shared.len() as u64),
            text::int(test_ids.len() as u64),
            text::pct(frac),
            text::int(rows),
            text::rows(&examples)
        )
    };
    Check::new(Code::EntityOverlap, e, status, msg)
        .with_value("shared_entity_share", frac)
        .with_threshold(Threshold::at_most(None, Some(max_share)))
        .with_counts(shared.len() as u64, test_ids.len() as u64)
        .with_examples(examples)
        .with_detail("test_rows_affected", rows)
}

/// Row hashes over `cols` (numbers as float64 bits, text as bytes, null distinct).
fn row_hashes(df: &DataFrame, cols: &[String]) -> Vec<u64> {
    let state = foldhash::fast::FixedState::with_seed(0x6d6c_6761_7465);
    let mut h = vec![0x9E37_79B9_7F4A_7C15u64; df.height()];
    for name in cols {
        let Some(s) = col(df, name) else { continue };
        let mix = |acc: &mut u64, v: u64| {
            *acc = (*acc ^ v).wrapping_mul(0xBF58_476D_1CE4_E5B9).rotate_left(31);
        };
        if s.dtype().is_primitive_numeric() {
            if let Ok(f) = s.cast(&DataType::Float64)
                && let Ok(f) = f.f64()
            {
                for (acc, v) in h.iter_mut().zip(f.iter()) {
                    let bits = match v {
                        None => 0x7FF8_DEAD_0000_0001,
                        Some(x) if x.is_nan() => 0x7FF8_0000_0000_0000,
                        Some(x) => (if x == 0.0 { 0.0 } else { x }).to_bits(),
                    };
                    let mut hs = state.build_hasher();
                    hs.write_u64(bits);
                    mix(acc, hs.finish());
                }
            }
        } else if let Ok(t) = s.cast(&DataType::String)
            && let Ok(t) = t.str()
        {
            for (acc, v) in h.iter_mut().zip(t.iter()) {
                let mut hs = state.build_hasher();
                match v {
                    None => hs.write_u8(0xFF),
                    Some(v) => {
                        hs.write_u8(0);
                        hs.write(v.as_bytes());
                    }
                }
                mix(acc, hs.finish());
            }
        }
    }
    h
}

/// Test rows that repeat a training row, judged against coincidence: the share of training
/// rows that repeat *another training row* is what rows drawn from the same distribution
/// share by chance (each is compared with about as many rows as a test row is), so only
/// the excess of the cross-set share over it counts. `max_duplicate_share` bounds that
/// excess: the check fails when the interval shows the excess clearly above it, and warns
/// when test rows repeat training rows although no training row repeats another (too few to
/// prove copying, but coincidence has not been seen at all).
pub(super) fn duplicates(
    train: &DataFrame,
    test: &DataFrame,
    features: &[String],
    label: Option<&str>,
    s: &Settings,
) -> (Check, Option<Check>, usize) {
    let ht = row_hashes(train, features);
    let hs = row_hashes(test, features);
    let distinct = ht.iter().collect::<HashSet<_>>().len();
    let c1 =
        duplicate_check(Code::DuplicateFeatures, &format!("{} features, label excluded", features.len()), &ht, &hs, s);
    let c2 = label.filter(|l| col(train, l).is_some() && col(test, l).is_some()).map(|l| {
        let mut with: Vec<String> = features.to_vec();
        with.push(l.to_string());
        let what = format!("{} features and the label", features.len());
        duplicate_check(Code::DuplicateRows, &what, &row_hashes(train, &with), &row_hashes(test, &with), s)
    });
    (c1, c2, distinct)
}

/// One duplicate check over row hashes of train (`th`) and test (`hs`).
fn duplicate_check(code: Code, what: &str, th: &[u64], hs: &[u64], s: &Settings) -> Check {
    // Training row of each hash (the first) and how often it occurs in train.
    let mut seen: HashMap<u64, (usize, u64)> = HashMap::with_capacity(th.len());
    for (i, h) in th.iter().enumerate() {
        seen.entry(*h).or_insert((i, 0)).1 += 1;
    }
    let within: u64 = seen.values().filter(|(_, n)| *n > 1).map(|(_, n)| n).sum();
    let mut cross = 0u64;
    let mut examples = Vec::new();
    for (i, h) in hs.iter().enumerate() {
        if let Some((j, _)) = seen.get(h) {
            cross += 1;
            if examples.len() < 5 {
                examples.push(Example { row: i as u64 + 1, value: Some(format!("same as train row {}", j + 1)) });
            }
        }
    }
    let (nt, nr) = (hs.len() as u64, th.len() as u64);
    let (cross_share, within_share) = (share(cross, nt), share(within, nr));
    let excess = cross_share - within_share;
    let interval = intervals::newcombe_diff(cross, nt, within, nr, s.level);
    let lower = interval.map(|i| i.0).unwrap_or(excess);
    let status = if lower > s.max_duplicate_share {
        Status::Fail
    } else if cross > 0 && within == 0 {
        Status::Warn
    } else {
        Status::Pass
    };
    let msg = if cross == 0 {
        format!("no test row repeats a training row ({what})")
    } else {
        let verdict = match status {
            Status::Fail => "more than coincidence explains — were test rows copied from training?".to_string(),
            Status::Warn => {
                "training rows never repeat each other, so these may be copies (too few to tell)".to_string()
            }
            _ => "no more than coincidence explains".to_string(),
        };
        format!(
            "{} of {} test rows ({}) repeat a training row ({what}; {}); within training, {} of {} rows ({}) repeat another: {verdict}",
            text::int(cross),
            text::int(nt),
            text::pct(cross_share),
            text::rows(&examples),
            text::int(within),
            text::int(nr),
            text::pct(within_share)
        )
    };
    let mut c = Check::new(code, "train/test", status, msg)
        .with_value("duplicate_excess", excess)
        .with_threshold(Threshold::at_most(None, Some(s.max_duplicate_share)))
        .with_counts(cross, nt)
        .with_examples(examples)
        .with_detail("cross_share", cross_share)
        .with_detail("within_train_share", within_share)
        .with_detail("within_train_rows", within);
    c.interval = interval.map(|(low, high)| Interval { low, high, level: Some(s.level), method: "newcombe".into() });
    c
}
