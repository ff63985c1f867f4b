//! Why a feature differs: each rule states a cause the differing pairs fit (a timezone, a
//! unit, a precision, an imputation, a normalisation, a date boundary, an encoding table),
//! with the share of pairs it explains. A rule is named only when it explains at least
//! [`FIT`] of the pairs; otherwise the report says no single cause fits.

use std::collections::BTreeMap;

use super::compare::DiffSet;
use super::impute::{imputed_num, imputed_text, one_sided};
use crate::text;

/// Share of the differing pairs a cause must explain to be named.
pub const FIT: f64 = 0.9;

/// One diagnosed cause with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    /// `timezone`, `units`, `precision`, `imputation`, `normalisation`, `date-boundary`,
    /// `encoding`, `offset`, `none`.
    pub code: &'static str,
    /// The evidence, in a sentence.
    pub text: String,
    /// How many differing pairs the cause explains, of how many.
    pub fits: u64,
    pub of: u64,
}

impl Cause {
    pub(super) fn new(code: &'static str, text: String, fits: usize, of: usize) -> Cause {
        Cause { code, text, fits: fits as u64, of: of as u64 }
    }

    /// "on 412 of 412 differing rows" / "on 95% of 412 differing rows".
    fn on(fits: usize, of: usize) -> String {
        if fits == of && of == 1 {
            "on the one differing row".to_string()
        } else if fits == of {
            format!("on all {} differing rows", text::int(of as u64))
        } else {
            format!("on {} of {} differing rows", text::pct(fits as f64 / of as f64), text::int(of as u64))
        }
    }
}

/// The causes of a feature's value differences and of its one-sided nulls.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagnosis {
    pub values: Option<Cause>,
    pub nulls: Option<Cause>,
}

/// Diagnoses a feature named `feature` from its differing pairs. `offline_center` is the
/// (mean, median) of the offline values, for naming an imputed mean or median;
/// `value_total` is how many values differ in all, when the pairs are only the first of them.
pub fn diagnose(feature: &str, diffs: &DiffSet, offline_center: Option<(f64, f64)>, value_total: u64) -> Diagnosis {
    let mut d = diagnosed(feature, diffs, offline_center);
    if let Some(c) = d.values.as_mut()
        && value_total > c.of
    {
        let sampled = Cause::on(c.fits as usize, c.of as usize);
        let told = format!(
            "on {} of the first {} of {} differing rows",
            if c.fits == c.of { "all".to_string() } else { text::pct(c.fits as f64 / c.of as f64) },
            text::int(c.of),
            text::int(value_total)
        );
        c.text = c.text.replacen(&sampled, &told, 1);
    }
    d
}

fn diagnosed(feature: &str, diffs: &DiffSet, offline_center: Option<(f64, f64)>) -> Diagnosis {
    match diffs {
        DiffSet::Num(d) => Diagnosis { values: numeric(feature, &d.values), nulls: imputed_num(d, offline_center) },
        DiffSet::Text(d) => Diagnosis { values: textual(&d.values), nulls: imputed_text(d) },
        DiffSet::Time(d) => Diagnosis { values: times(&d.values), nulls: one_sided(d.nulls.0, d.nulls.1) },
    }
}

/// The most common value of `keys` and how often it occurs (ties: the smallest key).
pub(super) fn dominant<K: Ord + Clone>(keys: impl Iterator<Item = K>) -> Option<(K, usize)> {
    let mut counts: BTreeMap<K, usize> = BTreeMap::new();
    for k in keys {
        *counts.entry(k).or_insert(0) += 1;
    }
    counts.into_iter().fold(None, |best: Option<(K, usize)>, (k, n)| match best {
        Some((_, bn)) if bn >= n => best,
        _ => Some((k, n)),
    })
}

pub(super) fn fits(n: usize, of: usize) -> bool {
    of > 0 && n as f64 >= FIT * of as f64
}

fn is_int(x: f64) -> bool {
    x.is_finite() && x == x.trunc()
}

/// A cycle (hours of a day, days of a week): values are whole numbers in 0..period (or
/// 1..=period), the difference is the same modulo the period, and either some pairs wrap
/// around or the name says what the cycle is.
fn cyclic(feature: &str, pairs: &[(f64, f64)], period: i64, names: &[&str]) -> Option<(i64, usize)> {
    let top = if period == 24 { 23.0 } else { period as f64 };
    let in_cycle = pairs.iter().all(|&(a, b)| [a, b].iter().all(|&x| is_int(x) && (0.0..=top).contains(&x)));
    if !in_cycle {
        return None;
    }
    let p = period;
    let (k, n) = dominant(pairs.iter().map(|&(a, b)| ((b - a) as i64).rem_euclid(p)))?;
    let wrapped = pairs.iter().any(|&(a, b)| ((b - a) as i64).rem_euclid(p) == k && (b - a) as i64 != k);
    let lower = feature.to_ascii_lowercase();
    let named = names.iter().any(|w| lower.contains(w));
    (k != 0 && fits(n, pairs.len()) && (wrapped || named)).then_some((k, n))
}

fn numeric(feature: &str, pairs: &[(f64, f64)]) -> Option<Cause> {
    let of = pairs.len();
    if of == 0 {
        return None;
    }
    if let Some((k, n)) = cyclic(feature, pairs, 24, &["hour", "hr"]) {
        let signed = if k > 12 { k - 24 } else { k };
        return Some(Cause::new(
            "timezone",
            format!(
                "online = offline {} h (mod 24) {}: one side computes the hour in another time zone (UTC{:+} against UTC, or local time against UTC)",
                signed_text(signed as f64),
                Cause::on(n, of),
                signed
            ),
            n,
            of,
        ));
    }
    if let Some((k, n)) = cyclic(feature, pairs, 7, &["dow", "weekday", "day_of_week"])
        && (k == 1 || k == 6)
    {
        let dir = if k == 1 { "one day later" } else { "one day earlier" };
        return Some(Cause::new(
            "date-boundary",
            format!(
                "the online day is {dir} {}: the day is cut at a different midnight (time zone) on one side",
                Cause::on(n, of)
            ),
            n,
            of,
        ));
    }
    epoch(pairs)
        .or_else(|| units(pairs))
        .or_else(|| precision(pairs))
        .or_else(|| offset(pairs))
        .or_else(|| linear(pairs))
        .or_else(|| encoding_num(pairs))
}

/// Conversions between units with an offset: online = a × offline + b.
const LINEAR: &[(f64, f64, &str)] = &[
    (5.0 / 9.0, -160.0 / 9.0, "°C online, °F offline"),
    (9.0 / 5.0, 32.0, "°F online, °C offline"),
    (1.0, 273.15, "kelvin online, °C offline"),
    (1.0, -273.15, "°C online, kelvin offline"),
];

/// A consistent linear relation online = a × offline + b (a ≠ 1 or b ≠ 0), fitted through
/// the differing pairs at the offline quartiles and checked on every pair; a known conversion
/// (°F and °C, kelvin) is named.
fn linear(pairs: &[(f64, f64)]) -> Option<Cause> {
    let of = pairs.len();
    // Through the pairs at the offline quartiles, so a few outliers cannot tilt the line.
    let mut finite: Vec<(f64, f64)> = pairs.iter().copied().filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
    finite.sort_by(|x, y| x.0.total_cmp(&y.0));
    let (lo, hi) = (*finite.get(finite.len() / 4)?, *finite.get(finite.len() * 3 / 4)?);
    if hi.0 == lo.0 {
        return None;
    }
    let a = (hi.1 - lo.1) / (hi.0 - lo.0);
    let b = lo.1 - a * lo.0;
    let on_line = |&&(x, y): &&(f64, f64)| (y - (a * x + b)).abs() <= 1e-6 * (a * x + b).abs().max(1.0);
    let n = pairs.iter().filter(on_line).count();
    if !fits(n, of) || !a.is_finite() || a == 0.0 {
        return None;
    }
    let known = LINEAR
        .iter()
        .find(|(ka, kb, _)| (a - ka).abs() <= 1e-6 * ka.abs() && (b - kb).abs() <= 1e-6 * kb.abs().max(1.0));
    let what = known.map(|k| k.2).unwrap_or("a unit conversion with an offset, or a rescaling on one side");
    let code = if known.is_some() { "units" } else { "offset" };
    Some(Cause::new(
        code,
        format!("online = {} × offline {} {}: {what}", text::num(a), signed_text(b), Cause::on(n, of)),
        n,
        of,
    ))
}

fn signed_text(x: f64) -> String {
    if x < 0.0 { format!("− {}", text::num(-x)) } else { format!("+ {}", text::num(x)) }
}

/// Epoch seconds (or milliseconds) that differ by whole hours or by one day.
fn epoch(pairs: &[(f64, f64)]) -> Option<Cause> {
    let of = pairs.len();
    let epochish = pairs.iter().all(|&(a, b)| a.abs() > 1e8 && b.abs() > 1e8 && is_int(a) && is_int(b));
    if !epochish {
        return None;
    }
    let ms = pairs.iter().all(|&(a, _)| a.abs() > 1e11);
    let unit = if ms { 1000.0 } else { 1.0 };
    let (d, n) = dominant(pairs.iter().map(|&(a, b)| ((b - a) / unit) as i64))?;
    if !fits(n, of) {
        return None;
    }
    shift_cause(d * 1_000_000, n, of)
}

/// A time difference of whole quarter hours up to 14 h is a time zone; exactly one day
/// is a date boundary.
fn shift_cause(d_us: i64, n: usize, of: usize) -> Option<Cause> {
    const H: i64 = 3_600_000_000;
    if d_us.abs() == 24 * H {
        let dir = if d_us > 0 { "one day later" } else { "one day earlier" };
        return Some(Cause::new(
            "date-boundary",
            format!(
                "online is exactly {dir} than offline {}: a date cut at a different midnight, or a day added on one side",
                Cause::on(n, of)
            ),
            n,
            of,
        ));
    }
    if d_us != 0 && d_us % (H / 4) == 0 && d_us.abs() <= 14 * H {
        let h = d_us as f64 / H as f64;
        return Some(Cause::new(
            "timezone",
            format!(
                "online = offline {} h {}: the same instant read in another time zone (a naive local time taken as UTC, or the reverse)",
                signed_text(h),
                Cause::on(n, of)
            ),
            n,
            of,
        ));
    }
    None
}

/// Factors that are units: 10^k, 60, 3600, 24 and their inverses.
const FACTORS: &[(f64, &str)] = &[
    (100.0, "percent online, a fraction offline (or cents against whole units)"),
    (0.01, "a fraction online, percent offline (or whole units against cents)"),
    (1000.0, "a unit 1000 times smaller online (milliseconds against seconds, grams against kilograms)"),
    (0.001, "a unit 1000 times larger online (seconds against milliseconds, kilograms against grams)"),
    (60.0, "a unit 60 times smaller online (seconds against minutes, minutes against hours)"),
    (1.0 / 60.0, "a unit 60 times larger online (minutes against seconds, hours against minutes)"),
    (3600.0, "seconds online, hours offline"),
    (1.0 / 3600.0, "hours online, seconds offline"),
    (24.0, "hours online, days offline"),
    (1.0 / 24.0, "days online, hours offline"),
    (10.0, "a factor of 10 (a unit or a misplaced decimal point)"),
    (0.1, "a factor of 1/10 (a unit or a misplaced decimal point)"),
    (1e6, "a factor of 10⁶ (micro- against base units)"),
    (1e-6, "a factor of 10⁻⁶ (base against micro- units)"),
];

fn units(pairs: &[(f64, f64)]) -> Option<Cause> {
    let of = pairs.len();
    let factor_of = |a: f64, b: f64| {
        FACTORS.iter().position(|&(f, _)| a != 0.0 && (b - f * a).abs() <= 1e-6 * (f * a).abs().max(1e-12))
    };
    let (i, n) = dominant(pairs.iter().filter_map(|&(a, b)| factor_of(a, b)))?;
    if !fits(n, of) {
        return None;
    }
    let (f, what) = FACTORS[i];
    let shown = if f >= 1.0 { format!("× {}", text::num(f)) } else { format!("÷ {}", text::num(1.0 / f)) };
    Some(Cause::new("units", format!("online = offline {shown} {}: {what}", Cause::on(n, of)), n, of))
}

/// Float32 storage, or rounding to a number of decimals, on one side.
fn precision(pairs: &[(f64, f64)]) -> Option<Cause> {
    let of = pairs.len();
    let f32_side = |x: f64, y: f64| ((y as f32) as f64 == x) || ((x as f32) as f64 == y);
    let n = pairs.iter().filter(|&&(a, b)| f32_side(a, b)).count();
    if fits(n, of) {
        return Some(Cause::new(
            "precision",
            format!(
                "one side holds the other as a float32 {}: a lossy cast between the pipelines (rel = 1e-6 accepts it)",
                Cause::on(n, of)
            ),
            n,
            of,
        ));
    }
    for k in 0..=6 {
        let scale = 10f64.powi(k);
        let rounded = |x: f64| ((x * scale).round() / scale - x).abs() <= 1e-9 * x.abs().max(1.0);
        // Rounding moves a value by at most half a unit of the last kept decimal,
        // truncation by less than one.
        let close = |a: f64, b: f64| (a - b).abs() < 1.0 / scale * (1.0 + 1e-9);
        let on_rounded = pairs.iter().filter(|&&(a, b)| rounded(b) && close(a, b)).count();
        let off_rounded = pairs.iter().filter(|&&(a, b)| rounded(a) && close(a, b)).count();
        let (side, n) = if on_rounded >= off_rounded { ("online", on_rounded) } else { ("offline", off_rounded) };
        if fits(n, of) {
            return Some(Cause::new(
                "precision",
                if k == 0 {
                    format!(
                        "the values agree to the whole number {}; {side} keeps only whole numbers (rounded or truncated)",
                        Cause::on(n, of)
                    )
                } else {
                    format!(
                        "the values agree to {} {}; {side} keeps only {} (rounded or truncated)",
                        text::plural(k as u64, "decimal", "decimals"),
                        Cause::on(n, of),
                        text::plural(k as u64, "decimal", "decimals")
                    )
                },
                n,
                of,
            ));
        }
    }
    None
}

fn offset(pairs: &[(f64, f64)]) -> Option<Cause> {
    let of = pairs.len();
    let (d, n) = dominant(pairs.iter().map(|&(a, b)| ordered(b - a)))?;
    let d = f64::from_bits(d);
    // A difference of a few float ulps is not an offset.
    let n = pairs.iter().filter(|&&(a, b)| ((b - a) - d).abs() <= 1e-9 * d.abs().max(1e-12)).count().max(n);
    if !fits(n, of) || d == 0.0 {
        return None;
    }
    let hint = if d.abs() == 1.0 {
        ": an off-by-one (a count or an index starting at 0 on one side and 1 on the other)"
    } else {
        ""
    };
    Some(Cause::new("offset", format!("online = offline {} {}{hint}", signed_text(d), Cause::on(n, of)), n, of))
}

/// Floats as sortable keys (the bits of a rounded value).
pub(super) fn ordered(x: f64) -> u64 {
    let r = (x * 1e9).round() / 1e9;
    r.to_bits()
}

/// A consistent one-to-one renaming of a few whole-number codes.
fn encoding_num(pairs: &[(f64, f64)]) -> Option<Cause> {
    if !pairs.iter().all(|&(a, b)| is_int(a) && is_int(b)) {
        return None;
    }
    let as_text: Vec<(String, String)> = pairs.iter().map(|&(a, b)| (text::num(a), text::num(b))).collect();
    encoding(&as_text)
}

/// Offline → online is a function and one-to-one over the differing pairs, with few
/// distinct values: the sides use different encoding tables.
pub fn encoding(pairs: &[(String, String)]) -> Option<Cause> {
    let of = pairs.len();
    let mut map: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (a, b) in pairs {
        *map.entry(a.as_str()).or_default().entry(b.as_str()).or_insert(0) += 1;
    }
    if map.len() > 100 {
        return None;
    }
    let chosen: Vec<(&str, &str, usize)> = map
        .iter()
        .map(|(a, targets)| {
            let (b, n) = targets.iter().fold(("", 0), |best, (b, n)| if *n > best.1 { (*b, *n) } else { best });
            (*a, b, n)
        })
        .collect();
    let mut targets: Vec<&str> = chosen.iter().map(|c| c.1).collect();
    targets.sort_unstable();
    targets.dedup();
    let n: usize = chosen.iter().map(|c| c.2).sum();
    if targets.len() != chosen.len() || !fits(n, of) {
        return None;
    }
    let shown: Vec<String> = chosen.iter().take(5).map(|(a, b, _)| format!("{a} → {b}")).collect();
    let more = if chosen.len() > 5 { format!(", and {} more", chosen.len() - 5) } else { String::new() };
    Some(Cause::new(
        "encoding",
        format!(
            "a consistent one-to-one renaming ({}{more}) {}: the two sides use different encoding tables",
            shown.join(", "),
            Cause::on(n, of)
        ),
        n,
        of,
    ))
}

fn textual(pairs: &[(String, String)]) -> Option<Cause> {
    let of = pairs.len();
    if of == 0 {
        return None;
    }
    type Norm = fn(&str) -> String;
    let rules: [(&str, Norm); 4] = [
        ("trimming whitespace", |s| s.trim().to_string()),
        ("folding case", |s| s.to_lowercase()),
        ("trimming whitespace and folding case", |s| s.trim().to_lowercase()),
        ("folding case and treating spaces, '-', '_' and '.' alike", |s| {
            s.trim().to_lowercase().chars().map(|c| if " -_.".contains(c) { ' ' } else { c }).collect::<String>()
        }),
    ];
    for (what, norm) in rules {
        let n = pairs.iter().filter(|(a, b)| norm(a) == norm(b)).count();
        if fits(n, of) {
            return Some(Cause::new(
                "normalisation",
                format!(
                    "the values agree after {what} {}: one side normalises text the other does not",
                    Cause::on(n, of)
                ),
                n,
                of,
            ));
        }
    }
    let parsed = |s: &str| s.trim().parse::<f64>().ok();
    let n = pairs.iter().filter(|(a, b)| matches!((parsed(a), parsed(b)), (Some(x), Some(y)) if x == y)).count();
    if fits(n, of) {
        return Some(Cause::new(
            "normalisation",
            format!("the same numbers written differently {} (e.g. \"1\" against \"1.0\")", Cause::on(n, of)),
            n,
            of,
        ));
    }
    encoding(pairs)
}

fn times(pairs: &[(i64, i64)]) -> Option<Cause> {
    let of = pairs.len();
    let (d, n) = dominant(pairs.iter().map(|&(a, b)| b - a))?;
    if fits(n, of)
        && let Some(c) = shift_cause(d, n, of)
    {
        return Some(c);
    }
    for (unit, name) in [(86_400_000_000i64, "whole days"), (1_000_000, "whole seconds"), (1_000, "whole milliseconds")]
    {
        for (side, pick) in [("online", 1usize), ("offline", 0)] {
            let n = pairs.iter().filter(|&&(a, b)| {
                let (kept, other) = if pick == 1 { (b, a) } else { (a, b) };
                kept % unit == 0 && (kept - other).abs() < unit
            });
            let n = n.count();
            if fits(n, of) {
                return Some(Cause::new("precision", format!("{side} keeps only {name} {}", Cause::on(n, of)), n, of));
            }
        }
    }
    if fits(n, of) && d != 0 {
        let secs = d as f64 / 1e6;
        return Some(Cause::new(
            "offset",
            format!("online = offline {} s {}", signed_text(secs), Cause::on(n, of)),
            n,
            of,
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::skew::compare::Diffs;

    fn num(pairs: &[(f64, f64)]) -> Option<Cause> {
        numeric("x", pairs)
    }

    #[test]
    fn an_hour_shift_is_a_timezone_only_when_it_wraps_or_the_name_says_hour() {
        let wraps: Vec<(f64, f64)> = (0..24).map(|h| (h as f64, ((h + 3) % 24) as f64)).collect();
        let c = num(&wraps).unwrap();
        assert_eq!(c.code, "timezone");
        assert!(c.text.contains("+ 3 h (mod 24)"), "{}", c.text);
        // The same +3 on small counts that never wrap is an offset, not a time zone …
        let counts: Vec<(f64, f64)> = (0..10).map(|h| (h as f64, (h + 3) as f64)).collect();
        assert_eq!(num(&counts).unwrap().code, "offset");
        // … unless the column is named for the hour.
        assert_eq!(numeric("login_hour", &counts).unwrap().code, "timezone");
        let minus: Vec<(f64, f64)> = (0..24).map(|h| (h as f64, ((h + 19) % 24) as f64)).collect();
        assert!(num(&minus).unwrap().text.contains("− 5 h"), "{}", num(&minus).unwrap().text);
    }

    #[test]
    fn a_cause_must_explain_nine_in_ten_differing_rows() {
        let mut pairs: Vec<(f64, f64)> = (1..=85).map(|i| (i as f64 / 100.0, i as f64)).collect();
        pairs.extend((0..15).map(|i| (i as f64 + 0.5, i as f64 + 7.25)));
        assert!(num(&pairs).is_none(), "85% is not enough: {:?}", num(&pairs));
        pairs.truncate(94);
        let c = num(&pairs).unwrap();
        assert_eq!((c.code, c.fits, c.of), ("units", 85, 94));
        assert!(c.text.contains("on 90.4% of 94 differing rows"), "{}", c.text);
    }

    #[test]
    fn epochs_days_and_inverse_units() {
        let epoch: Vec<(f64, f64)> =
            (0..20).map(|i| (1.7e9 + i as f64 * 977.0, 1.7e9 + i as f64 * 977.0 - 5.0 * 3600.0)).collect();
        assert_eq!(num(&epoch).unwrap().code, "timezone");
        let days: Vec<(f64, f64)> = (0..20).map(|i| (1.7e9 + i as f64, 1.7e9 + i as f64 + 86_400.0)).collect();
        assert_eq!(num(&days).unwrap().code, "date-boundary");
        let ms: Vec<(f64, f64)> = (1..20).map(|i| (i as f64 * 1500.0, i as f64 * 1.5)).collect();
        let c = num(&ms).unwrap();
        assert!(c.code == "units" && c.text.contains("÷ 1000"), "{}", c.text);
        let weekday: Vec<(f64, f64)> = (0..7).map(|d| (d as f64, ((d + 1) % 7) as f64)).collect();
        assert_eq!(num(&weekday).unwrap().code, "date-boundary");
    }

    #[test]
    fn text_normalisation_and_encoding_tables() {
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        assert_eq!(
            textual(&pairs(&[("New York", "new-york"), ("San José", "san_josé")])).unwrap().code,
            "normalisation"
        );
        assert_eq!(textual(&pairs(&[("1", "1.0"), ("2.50", "2.5")])).unwrap().code, "normalisation");
        let enc = textual(&pairs(&[("basic", "bronze"), ("basic", "bronze"), ("premium", "gold")])).unwrap();
        assert!(enc.code == "encoding" && enc.text.contains("basic → bronze"), "{}", enc.text);
        // Two categories folded into one is not a one-to-one renaming.
        assert!(textual(&pairs(&[("basic", "std"), ("standard", "std")])).is_none());
    }

    #[test]
    fn fahrenheit_against_celsius_is_a_linear_conversion() {
        let pairs: Vec<(f64, f64)> =
            (0..40).map(|i| (20.0 + i as f64 * 1.7, (20.0 + i as f64 * 1.7 - 32.0) * 5.0 / 9.0)).collect();
        let c = num(&pairs).unwrap();
        assert!(c.code == "units" && c.text.contains("°C online, °F offline"), "{}", c.text);
        let mut scaled: Vec<(f64, f64)> = (0..40).map(|i| (i as f64, 2.5 * i as f64 + 3.0)).collect();
        scaled.push((1000.0, -7.0)); // an outlier at the extreme does not tilt the fit
        let c = num(&scaled).unwrap();
        assert!(c.code == "offset" && c.text.contains("online = 2.5 × offline + 3"), "{}", c.text);
    }

    #[test]
    fn truncation_is_precision_too() {
        let pairs: Vec<(f64, f64)> =
            (0..50).map(|i| (0.1189 + i as f64, (0.11 + i as f64 * 100.0).round() / 100.0)).collect();
        let pairs: Vec<(f64, f64)> = pairs.into_iter().map(|(a, _)| (a, (a * 100.0).trunc() / 100.0)).collect();
        let c = num(&pairs).unwrap();
        assert!(c.code == "precision" && c.text.contains("online keeps only 2 decimals"), "{}", c.text);
    }

    #[test]
    fn a_cause_found_on_the_first_pairs_says_so() {
        let pairs: Vec<(f64, f64)> = (1..=1000).map(|i| (i as f64, i as f64 * 100.0)).collect();
        let d = DiffSet::Num(Diffs {
            values: pairs,
            online_where_offline_null: vec![0.0; 10],
            offline_where_online_null: vec![],
            nulls: (40, 0),
        });
        let dx = diagnose("x", &d, None, 5000);
        let v = dx.values.unwrap().text;
        assert!(v.contains("on all of the first 1,000 of 5,000 differing rows"), "{v}");
        let n = dx.nulls.unwrap().text;
        assert!(n.starts_with("40 values missing offline are 0 online (every one of the first 10)"), "{n}");
        let d = DiffSet::Num(Diffs { values: vec![(1.0, 100.0)], ..Default::default() });
        assert!(diagnose("x", &d, None, 1).values.unwrap().text.contains("on the one differing row"));
    }

    #[test]
    fn times_rounded_to_seconds_and_shifted_by_quarter_hours() {
        let secs: Vec<(i64, i64)> = (0..10).map(|i| (i * 1_000_000 + 123_456, i * 1_000_000)).collect();
        let c = times(&secs).unwrap();
        assert!(c.code == "precision" && c.text.contains("online keeps only whole seconds"), "{}", c.text);
        let india: Vec<(i64, i64)> = (0..10).map(|i| (i * 7_000_000, i * 7_000_000 + 19_800_000_000)).collect();
        let c = times(&india).unwrap();
        assert!(c.code == "timezone" && c.text.contains("+ 5.5 h"), "{}", c.text);
    }
}
