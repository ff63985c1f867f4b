//! Time: feature values observed after the row's as-of time (point in time), and a
//! temporal split whose training period reaches into the test period.

use anyhow::Result;
use polars::prelude::*;

use super::codes::Code;
use super::{Settings, col, share};
use crate::data::time::{TimeColumn, TimeOptions, to_micros};
use crate::error::quoted;
use crate::results::{Check, Example, Status, Threshold};
use crate::text;

fn times(df: &DataFrame, name: &str, t: &TimeOptions) -> std::result::Result<TimeColumn, String> {
    let s = col(df, name).ok_or_else(|| format!("column {} is missing", quoted(name)))?;
    to_micros(s, t).map_err(|e| format!("{e:#}"))
}

fn time_error(subject: &str, column: &str, dataset: &str, t: &TimeColumn) -> Check {
    Check::new(
        Code::NotEvaluated,
        subject,
        Status::Error,
        format!(
            "{} values in {} ({dataset}) are not timestamps ({}); formats tried: {}",
            text::int(t.unparseable),
            quoted(column),
            text::rows(&t.examples),
            crate::timeparse::ACCEPTED
        ),
    )
    .with_counts(t.unparseable, t.micros.len() as u64)
    .with_examples(t.examples.clone())
}

pub(super) fn point_in_time(
    dataset: &str,
    df: &DataFrame,
    ts: &str,
    pairs: &[(String, String)],
    topt: &TimeOptions,
    max_share: f64,
) -> Result<Vec<Check>> {
    let mut out = Vec::new();
    let asof = match times(df, ts, topt) {
        Ok(t) => t,
        Err(why) => {
            out.push(Check::new(Code::NotEvaluated, ts, Status::Error, format!("as-of time in {dataset}: {why}")));
            return Ok(out);
        }
    };
    if asof.unparseable > 0 {
        out.push(time_error(ts, ts, dataset, &asof));
        return Ok(out);
    }
    for (feature, observed) in pairs {
        let subject = format!("{feature} ({dataset})");
        let obs = match times(df, observed, topt) {
            Ok(t) => t,
            Err(why) => {
                out.push(Check::new(Code::NotEvaluated, &subject, Status::Error, why));
                continue;
            }
        };
        if obs.unparseable > 0 {
            out.push(time_error(&subject, observed, dataset, &obs));
            continue;
        }
        let mut late = 0u64;
        let mut compared = 0u64;
        let mut examples = Vec::new();
        for (i, (a, o)) in asof.micros.iter().zip(&obs.micros).enumerate() {
            if let (Some(a), Some(o)) = (a, o) {
                compared += 1;
                if o > a {
                    late += 1;
                    if examples.len() < 5 {
                        examples.push(Example {
                            row: i as u64 + 1,
                            value: Some(format!(
                                "observed {} > as-of {} (+{})",
                                crate::timeparse::format_micros(*o),
                                crate::timeparse::format_micros(*a),
                                duration_text(o - a)
                            )),
                        });
                    }
                }
            }
        }
        let frac = share(late, compared);
        let status = if frac > max_share { Status::Fail } else { Status::Pass };
        let msg = if late == 0 {
            format!("{} observed at or before {} in all {} rows", quoted(observed), quoted(ts), text::int(compared))
        } else {
            format!(
                "{} of {} rows use a value of {} observed after the as-of time {} ({})",
                text::int(late),
                text::int(compared),
                quoted(feature),
                quoted(ts),
                text::rows(&examples)
            )
        };
        out.push(
            Check::new(Code::PointInTime, &subject, status, msg)
                .with_value("late_share", frac)
                .with_threshold(Threshold::at_most(None, Some(max_share)))
                .with_counts(late, compared)
                .with_examples(examples)
                .with_detail("observed_at", observed)
                .with_detail("as_of", ts)
                .with_detail("read_as", format!("{} / {}", asof.how, obs.how)),
        );
    }
    Ok(out)
}

fn duration_text(us: i64) -> String {
    let s = us / 1_000_000;
    if s >= 86_400 {
        format!("{}d", text::num(s as f64 / 86_400.0))
    } else if s >= 3600 {
        format!("{}h", text::num(s as f64 / 3600.0))
    } else if s >= 60 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

pub(super) fn temporal_split(train: &DataFrame, test: &DataFrame, ts: &str, s: &Settings) -> Result<Check> {
    let (a, b) = match (times(train, ts, &s.time), times(test, ts, &s.time)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(why), _) | (_, Err(why)) => return Ok(Check::new(Code::TemporalSplit, ts, Status::Error, why)),
    };
    for (t, d) in [(&a, "train"), (&b, "test")] {
        if t.unparseable > 0 {
            return Ok(time_error(ts, ts, d, t));
        }
    }
    let train_max = a.micros.iter().flatten().max().copied();
    let test_min = b.micros.iter().flatten().min().copied();
    let (Some(tmax), Some(smin)) = (train_max, test_min) else {
        return Ok(Check::new(Code::TemporalSplit, ts, Status::Error, "a split has no timestamps"));
    };
    let gap = duration_text(s.gap_us);
    if tmax + s.gap_us <= smin {
        return Ok(Check::new(
            Code::TemporalSplit,
            ts,
            Status::Pass,
            format!(
                "training ends {} and test starts {}{}",
                crate::timeparse::format_micros(tmax),
                crate::timeparse::format_micros(smin),
                if s.gap_us > 0 { format!(", at least {gap} apart") } else { String::new() }
            ),
        ));
    }
    let window_lo = smin - s.gap_us;
    let train_in = a.micros.iter().flatten().filter(|&&t| t >= window_lo).count() as u64;
    let test_in = b.micros.iter().flatten().filter(|&&t| t <= tmax + s.gap_us).count() as u64;
    let examples: Vec<Example> = b
        .micros
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_some_and(|t| t <= tmax + s.gap_us))
        .take(5)
        .map(|(i, t)| Example { row: i as u64 + 1, value: t.map(crate::timeparse::format_micros) })
        .collect();
    Ok(Check::new(
        Code::TemporalSplit,
        ts,
        Status::Fail,
        format!(
            "train and test overlap in time: training runs until {} but test starts {}{}; {} training and {} test rows fall in the window",
            crate::timeparse::format_micros(tmax),
            crate::timeparse::format_micros(smin),
            if s.gap_us > 0 { format!(" (required gap {gap})") } else { String::new() },
            text::int(train_in),
            text::int(test_in)
        ),
    )
    .with_counts(test_in, b.micros.len() as u64)
    .with_examples(examples)
    .with_detail("train_end", crate::timeparse::format_micros(tmax))
    .with_detail("test_start", crate::timeparse::format_micros(smin))
    .with_detail("window_start", crate::timeparse::format_micros(window_lo))
    .with_detail("window_end", crate::timeparse::format_micros(tmax))
    .with_detail("train_rows_in_window", train_in))
}
