//! Turning a timestamp column of any common representation into UTC microseconds.
//!
//! Rules (stated in every report that compares times):
//! - timezone-aware datetimes are instants and compared as such;
//! - naive datetimes, dates and naive text are wall-clock times in `naive_offset`
//!   (UTC unless configured), so `2024-03-01 12:00` and `2024-03-01T12:00:00Z` are equal by
//!   default;
//! - text is parsed with [`crate::timeparse`] (RFC 3339 / ISO 8601 with or without an
//!   offset, or a date); values that do not parse are counted with example rows;
//! - integers and floats are Unix epoch times in `epoch_unit`; `auto` picks seconds,
//!   milliseconds or microseconds from the column's largest magnitude (below 1e11 seconds,
//!   below 1e14 milliseconds, else microseconds — so dates between 1973 and 5138 are read
//!   right whichever unit was used).

use anyhow::Result;
use chrono::FixedOffset;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::user;
use crate::results::Example;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum EpochUnit {
    #[default]
    Auto,
    S,
    Ms,
    Us,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TimeOptions {
    /// Offset of naive values; UTC when `None`.
    pub naive_offset: Option<FixedOffset>,
    pub epoch_unit: EpochUnit,
}

impl TimeOptions {
    pub fn describe(&self) -> String {
        let off = self.naive_offset.map(|o| o.to_string()).unwrap_or_else(|| "UTC".into());
        format!(
            "timezone-aware values compared as instants; naive datetimes, dates and text without an offset taken as {off}; numbers read as Unix epoch {}",
            match self.epoch_unit {
                EpochUnit::Auto => "seconds, milliseconds or microseconds chosen by magnitude",
                EpochUnit::S => "seconds",
                EpochUnit::Ms => "milliseconds",
                EpochUnit::Us => "microseconds",
            }
        )
    }
}

/// Parses a fixed offset such as `UTC`, `Z`, `+02:00` or `-0530`.
pub fn parse_offset(s: &str) -> Result<FixedOffset> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("utc") || t == "Z" {
        return Ok(FixedOffset::east_opt(0).expect("zero"));
    }
    let bad = || {
        user(format!("timezone {s:?} is not a fixed offset"))
            .hint("use UTC or an offset such as +02:00 or -05:30 (IANA names like Europe/Paris are not supported: daylight saving time would make naive times ambiguous)")
    };
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad().into()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad().into());
    }
    let h: i32 = digits[..2].parse().map_err(|_| bad())?;
    let m: i32 = digits[2..].parse().map_err(|_| bad())?;
    if h > 23 || m > 59 {
        return Err(bad().into());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(|| bad().into())
}

/// A column converted to UTC microseconds.
#[derive(Debug, Clone)]
pub struct TimeColumn {
    pub micros: Vec<Option<i64>>,
    /// Non-null values that could not be read as times.
    pub unparseable: u64,
    pub examples: Vec<Example>,
    /// How the column was read, for messages.
    pub how: String,
}

/// Converts a column to UTC microseconds.
pub fn to_micros(s: &Series, opts: &TimeOptions) -> Result<TimeColumn> {
    let off_us = opts.naive_offset.map(|o| o.local_minus_utc() as i64 * 1_000_000).unwrap_or(0);
    let name = s.name().to_string();
    match s.dtype() {
        DataType::Datetime(unit, tz) => {
            let phys = s.datetime()?.physical().clone();
            let to_us = |v: i64| match unit {
                TimeUnit::Nanoseconds => v / 1000,
                TimeUnit::Microseconds => v,
                TimeUnit::Milliseconds => v * 1000,
            };
            let aware = tz.is_some();
            let micros = phys.iter().map(|v| v.map(|v| if aware { to_us(v) } else { to_us(v) - off_us })).collect();
            Ok(TimeColumn {
                micros,
                unparseable: 0,
                examples: vec![],
                how: if aware { "timezone-aware datetime".into() } else { "naive datetime".into() },
            })
        }
        DataType::Date => {
            let phys = s.date()?.physical().clone();
            let micros = phys.iter().map(|v| v.map(|d| d as i64 * 86_400_000_000 - off_us)).collect();
            Ok(TimeColumn { micros, unparseable: 0, examples: vec![], how: "date".into() })
        }
        DataType::String => {
            let strs = s.str()?;
            let mut unparseable = 0;
            let mut examples = Vec::new();
            let micros = strs
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let v = v?;
                    let p = crate::timeparse::parse_micros(v, opts.naive_offset);
                    if p.is_none() {
                        unparseable += 1;
                        if examples.len() < 5 {
                            examples.push(Example { row: i as u64 + 1, value: Some(crate::text::clip(v, 200)) });
                        }
                    }
                    p
                })
                .collect();
            Ok(TimeColumn { micros, unparseable, examples, how: "text (ISO 8601)".into() })
        }
        dt if dt.is_primitive_numeric() => {
            let f = s.cast(&DataType::Float64)?;
            let f = f.f64()?;
            let max = f.iter().flatten().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
            let (scale, unit) = match opts.epoch_unit {
                EpochUnit::S => (1e6, "s"),
                EpochUnit::Ms => (1e3, "ms"),
                EpochUnit::Us => (1.0, "µs"),
                EpochUnit::Auto if max < 1e11 => (1e6, "s"),
                EpochUnit::Auto if max < 1e14 => (1e3, "ms"),
                EpochUnit::Auto => (1.0, "µs"),
            };
            let mut unparseable = 0;
            let mut examples = Vec::new();
            let micros = f
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let v = v?;
                    if !v.is_finite() {
                        unparseable += 1;
                        if examples.len() < 5 {
                            examples.push(Example { row: i as u64 + 1, value: Some(crate::text::num(v)) });
                        }
                        return None;
                    }
                    Some((v * scale).round() as i64)
                })
                .collect();
            Ok(TimeColumn { micros, unparseable, examples, how: format!("Unix epoch ({unit})") })
        }
        other => Err(user(format!("column {} is {other}, which is not a timestamp", crate::error::quoted(&name)))
            .hint("timestamps may be datetimes, dates, ISO 8601 text or Unix epoch numbers")
            .into()),
    }
}

/// Parses a duration such as `0`, `90s`, `30m`, `12h`, `7d` or `2w` into microseconds.
pub fn parse_duration(s: &str) -> Result<i64> {
    let t = s.trim();
    let bad =
        || user(format!("duration {s:?} is not understood")).hint("use a number with a unit: 90s, 30m, 12h, 7d or 2w");
    if t == "0" {
        return Ok(0);
    }
    let split = t.find(|c: char| c.is_ascii_alphabetic()).ok_or_else(bad)?;
    let n: f64 = t[..split].trim().parse().map_err(|_| bad())?;
    let unit = match &t[split..] {
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        "w" => 604_800.0,
        _ => return Err(bad().into()),
    };
    if !(n.is_finite() && n >= 0.0) {
        return Err(bad().into());
    }
    Ok((n * unit * 1e6).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn representations_agree_on_one_instant() {
        let opts = TimeOptions::default();
        // 2024-03-01T12:30:00Z = 1709296200 s.
        let want = Some(1_709_296_200_000_000i64);
        let text =
            Series::new("t".into(), ["2024-03-01T12:30:00Z", "2024-03-01 14:30:00+02:00", "2024-03-01 12:30:00"]);
        let t = to_micros(&text, &opts).unwrap();
        assert!(t.micros.iter().all(|m| *m == want), "{:?}", t.micros);
        let secs = Series::new("t".into(), [1_709_296_200i64]);
        let ms = Series::new("t".into(), [1_709_296_200_000i64]);
        assert_eq!(to_micros(&secs, &opts).unwrap().micros[0], want);
        assert_eq!(to_micros(&ms, &opts).unwrap().micros[0], want);
        let naive = secs.cast(&DataType::Datetime(TimeUnit::Milliseconds, None)).unwrap();
        // Casting integers to a datetime reads them in the target unit: 1709296200 ms.
        assert_eq!(to_micros(&naive, &opts).unwrap().micros[0], Some(1_709_296_200_000));
    }

    #[test]
    fn naive_values_take_the_configured_offset() {
        let opts = TimeOptions { naive_offset: Some(parse_offset("+02:00").unwrap()), ..Default::default() };
        let text = Series::new("t".into(), ["2024-03-01 14:30:00", "2024-03-01T12:30:00Z"]);
        let t = to_micros(&text, &opts).unwrap();
        assert_eq!(t.micros[0], t.micros[1]);
    }

    #[test]
    fn unparseable_text_is_counted_with_rows() {
        let text = Series::new("t".into(), [Some("2024-03-01"), Some("yesterday"), None, Some("31/12/2024")]);
        let t = to_micros(&text, &TimeOptions::default()).unwrap();
        assert_eq!(t.unparseable, 2);
        assert_eq!(t.examples.iter().map(|e| e.row).collect::<Vec<_>>(), vec![2, 4]);
    }

    #[test]
    fn offsets_and_durations() {
        assert_eq!(parse_offset("-05:30").unwrap().local_minus_utc(), -19800);
        assert!(parse_offset("Europe/Paris").is_err());
        assert_eq!(parse_duration("7d").unwrap(), 7 * 86_400_000_000);
        assert_eq!(parse_duration("90s").unwrap(), 90_000_000);
        assert!(parse_duration("7 parsecs").is_err());
    }
}
