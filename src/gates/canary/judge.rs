//! The decision rule every harm check shares: an estimate of how much worse the candidate is
//! (positive = worse), its interval, and the allowed margin. The interval entirely within the
//! margin promotes, entirely beyond it rolls back, straddling it continues — with the traffic
//! at which the interval, at the observed effect, would clear the margin.

use super::settings::Settings;
use crate::results::Status;
use crate::stats::sequential::Looks;

/// One harm estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Harm {
    /// The metric of each arm, for the report.
    pub champion: f64,
    pub candidate: f64,
    /// Candidate minus champion, oriented so that positive is worse.
    pub effect: f64,
    /// Variance of `effect`.
    pub v: f64,
    /// Rows per arm (pairs in shadow mode) the estimate rests on.
    pub n: f64,
    pub margin: f64,
    /// A change in either direction is harm (a decision rate that moves at all).
    pub two_sided: bool,
    /// The interval has no always-valid form here (AUC, ECE): under `sequential` it uses
    /// alpha shared over the planned looks instead.
    pub fixed_only: bool,
}

/// What the rule made of a harm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judged {
    pub status: Status,
    pub lo: f64,
    pub hi: f64,
    /// Rows per arm at which the interval would clear the margin at the observed effect.
    pub needed: Option<f64>,
    /// The interval's error rate and how it was built, for the method line.
    pub alpha: f64,
    pub looks: Looks,
}

/// The interval rule of `s` for a check.
pub fn looks_of(s: &Settings, fixed_only: bool) -> (Looks, f64) {
    match (s.sequential, fixed_only) {
        (false, _) => (Looks::Fixed, s.alpha),
        (true, false) => (Looks::Sequential { planned: s.planned as f64 }, s.alpha),
        (true, true) => (Looks::Fixed, s.alpha / s.looks.max(1) as f64),
    }
}

pub fn judge(h: &Harm, s: &Settings) -> Judged {
    let (looks, alpha) = looks_of(s, h.fixed_only);
    let half = if h.v > 0.0 { looks.half_width(h.v, h.n, alpha) } else { 0.0 };
    let (lo, hi) = (h.effect - half, h.effect + half);
    let size = if h.two_sided { h.effect.abs() } else { h.effect };
    let status = if size + half <= h.margin {
        Status::Pass
    } else if size - half > h.margin {
        Status::Fail
    } else {
        Status::Warn
    };
    let needed = (status == Status::Warn).then(|| looks.rows_to_decide(size, h.margin, h.v, h.n, alpha)).flatten();
    Judged { status, lo, hi, needed, alpha, looks }
}

/// The variance of a mean of `n` values with this variance, kept off zero so that an arm
/// with no events yet (no errors, full agreement) still carries the uncertainty of `n` rows:
/// a Bernoulli mean uses (k + 1)/(n + 2) — the add-one rule — for its variance.
pub fn bernoulli_var(k: f64, n: f64) -> f64 {
    let p = (k + 1.0) / (n + 2.0);
    p * (1.0 - p) / n
}

/// Mean and sample variance (n − 1).
pub fn mean_var(x: impl Iterator<Item = f64>) -> (f64, f64, f64) {
    let (mut n, mut mean, mut m2) = (0.0, 0.0, 0.0);
    for v in x {
        n += 1.0;
        let d = v - mean;
        mean += d / n;
        m2 += d * (v - mean);
    }
    (n, mean, if n > 1.0 { m2 / (n - 1.0) } else { 0.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn harm(effect: f64, v: f64) -> Harm {
        Harm {
            champion: 0.0,
            candidate: effect,
            effect,
            v,
            n: 10_000.0,
            margin: 0.01,
            two_sided: false,
            fixed_only: false,
        }
    }

    #[test]
    fn the_interval_against_the_margin_decides() {
        let s = Settings::default();
        // Clearly within, clearly beyond, straddling.
        assert_eq!(judge(&harm(0.0, 1e-6), &s).status, Status::Pass);
        assert_eq!(judge(&harm(0.05, 1e-6), &s).status, Status::Fail);
        let j = judge(&harm(0.005, 1e-5), &s);
        assert_eq!(j.status, Status::Warn);
        assert!(j.needed.unwrap() > 10_000.0);
        // A better candidate (negative harm) promotes.
        assert_eq!(judge(&harm(-0.02, 1e-6), &s).status, Status::Pass);
        // Two-sided: a large change either way is harm.
        let two = Harm { two_sided: true, ..harm(-0.05, 1e-6) };
        assert_eq!(judge(&two, &s).status, Status::Fail);
        // Sequential intervals are wider: what a fixed look promotes may have to wait.
        let seq = Settings { sequential: true, ..Settings::default() };
        let h = harm(0.0, 1.1e-5);
        assert_eq!(judge(&h, &s).status, Status::Pass);
        assert_eq!(judge(&h, &seq).status, Status::Warn);
        // Fixed-only checks share alpha over the looks.
        assert_eq!(looks_of(&seq, true), (Looks::Fixed, 0.05 / 20.0));
    }

    #[test]
    fn rare_events_keep_their_uncertainty() {
        assert!(bernoulli_var(0.0, 100.0) > 0.0);
        let (n, m, v) = mean_var([1.0, 2.0, 3.0, 4.0].into_iter());
        assert_eq!((n, m), (4.0, 2.5));
        assert!((v - 1.6666666666666667).abs() < 1e-15);
    }
}
