//! Parsing timestamps written as text, with one documented rule set shared by the schema
//! and leakage gates.
//!
//! Accepted (tried in this order):
//! - RFC 3339 / ISO 8601 with an offset: `2024-03-01T12:30:00Z`, `2024-03-01T12:30:00.5+02:00`
//! - ISO 8601 without an offset, `T` or space separated, optional fractional seconds:
//!   `2024-03-01T12:30:00`, `2024-03-01 12:30:00.123`, `2024-03-01T12:30`
//! - a date alone: `2024-03-01` (midnight)
//!
//! Naive values (no offset) are taken as UTC unless a fixed offset is configured: the rule
//! is stated in every report that compares timestamps.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

/// The formats tried for naive timestamps, for error messages.
pub const NAIVE_FORMATS: &[&str] =
    &["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"];

/// Human-readable list of accepted forms.
pub const ACCEPTED: &str = "RFC 3339 (2024-03-01T12:30:00Z, …+02:00), ISO 8601 without offset \
     (2024-03-01T12:30:00[.fff], 2024-03-01 12:30:00), or a date (2024-03-01)";

/// Parses text into microseconds since the Unix epoch (UTC). Naive values are interpreted
/// in `naive_offset` (UTC when `None`).
pub fn parse_micros(s: &str, naive_offset: Option<FixedOffset>) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_micros());
    }
    // Offsets without a colon (+0200) and a space before the offset.
    for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f %z"] {
        if let Ok(dt) = DateTime::parse_from_str(s, f) {
            return Some(dt.timestamp_micros());
        }
    }
    let offset = naive_offset.unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    for f in NAIVE_FORMATS {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, f) {
            return offset.from_local_datetime(&n).single().map(|d| d.timestamp_micros());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let n = d.and_hms_opt(0, 0, 0)?;
        return offset.from_local_datetime(&n).single().map(|d| d.timestamp_micros());
    }
    None
}

/// Formats microseconds since the epoch as RFC 3339 UTC.
pub fn format_micros(us: i64) -> String {
    DateTime::from_timestamp_micros(us)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string())
        .unwrap_or_else(|| format!("{us}µs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let utc = parse_micros("2024-03-01T12:30:00Z", None).unwrap();
        assert_eq!(parse_micros("2024-03-01T14:30:00+02:00", None), Some(utc));
        assert_eq!(parse_micros("2024-03-01T14:30:00+0200", None), Some(utc));
        assert_eq!(parse_micros("2024-03-01 12:30:00", None), Some(utc));
        assert_eq!(parse_micros("2024-03-01T12:30", None), Some(utc));
        assert_eq!(parse_micros("2024-03-01T12:30:00.250", None), Some(utc + 250_000));
        assert_eq!(parse_micros("2024-03-01", None), Some(utc - (12 * 3600 + 1800) * 1_000_000));
        // 1709296200 = 2024-03-01T12:30:00Z (date -d @1709296200 -u)
        assert_eq!(utc, 1_709_296_200_000_000);
    }

    #[test]
    fn naive_values_honour_the_configured_offset() {
        let plus2 = FixedOffset::east_opt(7200);
        assert_eq!(parse_micros("2024-03-01 14:30:00", plus2), parse_micros("2024-03-01T12:30:00Z", None));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse_micros("yesterday", None), None);
        assert_eq!(parse_micros("2024-13-01", None), None);
        assert_eq!(parse_micros("", None), None);
    }
}
