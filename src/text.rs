//! Number and list formatting for messages. Deterministic: no locale, fixed precision.

use crate::results::Example;

/// The first `n` characters of `s` (never cutting a character in two: ids from a file or an
/// API may hold anything).
pub fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// `1234567` → `1,234,567`.
pub fn int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A size for messages: `64 MiB` from a whole MiB up, else `5,000 bytes`.
pub fn bytes(n: u64) -> String {
    if n >= 1 << 20 { format!("{} MiB", int(n >> 20)) } else { format!("{} bytes", int(n)) }
}

/// A share as a percentage with sensible precision: `0.0213` → `2.13%`.
pub fn pct(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let p = x * 100.0;
    if p == 0.0 {
        "0%".into()
    } else if p.abs() < 0.01 {
        format!("{p:.4}%")
    } else if p.abs() < 1.0 {
        format!("{p:.2}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A number with up to `digits` significant decimals, trailing zeros trimmed.
/// The shortest decimal that reads back as exactly `x` (exponent form at the extremes).
pub fn round_trip(x: f64) -> String {
    format!("{x:?}")
}

pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let a = x.abs();
    let s = if a >= 1000.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.3}")
    } else if a >= 1e-4 {
        format!("{x:.4}")
    } else {
        return format!("{x:.3e}");
    };
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Text for up to five example rows: `rows 4, 18, 77`.
pub fn rows(examples: &[Example]) -> String {
    if examples.is_empty() {
        return String::new();
    }
    let list: Vec<String> = examples.iter().map(|e| e.row.to_string()).collect();
    format!("{} {}", if list.len() == 1 { "row" } else { "rows" }, list.join(", "))
}

/// `n thing` / `n things`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", int(n), if n == 1 { one } else { many })
}

/// Shortens a value for display (examples, messages): at most `max` characters.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The first `shown` items joined by ", ", then "and N more" for the rest.
pub fn list_some(items: &[String], shown: usize) -> String {
    let mut s = items.iter().take(shown).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > shown {
        s.push_str(&format!(" and {} more", items.len() - shown));
    }
    s
}

/// A p-value with its relation, for messages: `= 0.042`, `= 3.10e-05` (scientific below
/// 0.001), `< 1e-300` for an underflow, ` n/a` when there is none. Write `p{}`.
pub fn p_value(p: f64) -> String {
    if !p.is_finite() {
        " n/a".into()
    } else if p == 0.0 {
        " < 1e-300".into()
    } else if p < 0.001 {
        format!(" = {p:.2e}")
    } else {
        format!(" = {p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_never_cut_a_character() {
        assert_eq!(prefix("a6e1f2b284\u{202e}20fcf", 12), "a6e1f2b284\u{202e}2");
        assert_eq!(prefix("abc", 12), "abc");
        assert_eq!(prefix("0123456789abcdef", 12), "0123456789ab");
    }

    #[test]
    fn formats_numbers_deterministically() {
        assert_eq!(int(1234567), "1,234,567");
        assert_eq!(int(12), "12");
        assert_eq!(pct(0.0213), "2.1%");
        assert_eq!(pct(0.00213), "0.21%");
        assert_eq!(num(0.12345678), "0.1235");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(0.00001234), "1.234e-5");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
