//! Intervals that stay valid when a canary is looked at again and again as traffic grows.
//!
//! A fixed-sample interval θ̂ ± z·√v covers the truth with probability 1 − α at one
//! pre-planned look; checked at every traffic step, the chance that it excludes the truth
//! at *some* step grows far above α. A confidence sequence covers the truth at every look
//! at once. This is the normal-mixture sequence behind the mixture sequential probability
//! ratio test (Robbins 1970; Johari, Pekelis & Walsh, "Always valid inference", 2017;
//! Howard et al., "Time-uniform, nonparametric, nonasymptotic confidence sequences", 2021):
//! for an estimate θ̂ with variance v, mixing N(0, τ²) over the effect, the likelihood
//! ratio is √(v/(v+τ²)) · exp(τ²(θ̂−θ)² / (2v(v+τ²))), and Ville's inequality bounds the
//! chance it ever exceeds 1/α by α. Inverting it gives the half-width
//!
//!   h = √( v (v + τ²) / τ² · ln((v + τ²) / (v α²)) ).
//!
//! τ² is fixed before the data, as x*(α) · v_plan: the value that makes the sequence
//! tightest at the planned traffic. With v estimated from the data the guarantee is
//! asymptotic (Waudby-Smith et al., 2021); the tests measure it by simulation.

use statrs::distribution::{ContinuousCDF, Normal};

/// The mixing ratio x = τ²/v that minimises the half-width at one look: the minimiser of
/// (1 + 1/x) · ln((1 + x)/α²), found by golden-section search (it does not depend on v).
pub fn best_ratio(alpha: f64) -> f64 {
    let f = |x: f64| (1.0 + 1.0 / x) * ((1.0 + x) / (alpha * alpha)).ln();
    let (mut lo, mut hi) = (1e-3f64.ln(), 1e6f64.ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..200 {
        let a = hi - g * (hi - lo);
        let b = lo + g * (hi - lo);
        if f(a.exp()) < f(b.exp()) {
            hi = b;
        } else {
            lo = a;
        }
    }
    ((lo + hi) / 2.0).exp()
}

/// Half-width of the always-valid interval for an estimate of variance `v`, tuned to be
/// tightest at variance `v_plan` (the variance at the planned traffic).
pub fn half_width(v: f64, v_plan: f64, alpha: f64) -> f64 {
    let tau2 = best_ratio(alpha) * v_plan;
    (v * (v + tau2) / tau2 * ((v + tau2) / (v * alpha * alpha)).ln()).sqrt()
}

/// Half-width of the fixed-sample two-sided interval at level 1 − α.
pub fn fixed_half_width(v: f64, alpha: f64) -> f64 {
    Normal::standard().inverse_cdf(1.0 - alpha / 2.0) * v.sqrt()
}

/// How the interval of a look is computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Looks {
    /// One pre-planned look.
    Fixed,
    /// Any number of looks: a confidence sequence tightest at `planned` rows (per arm).
    Sequential { planned: f64 },
}

impl Looks {
    /// The half-width for an estimate of variance `v` from `n` rows (per arm).
    pub fn half_width(self, v: f64, n: f64, alpha: f64) -> f64 {
        match self {
            Looks::Fixed => fixed_half_width(v, alpha),
            Looks::Sequential { planned } => half_width(v, v * n / planned.max(1.0), alpha),
        }
    }

    /// Rows (per arm) at which an estimate `effect` with variance `v` from `n` rows would
    /// have an interval that excludes `bound` — the traffic still needed to decide — or
    /// `None` when the effect sits on the bound.
    pub fn rows_to_decide(self, effect: f64, bound: f64, v: f64, n: f64, alpha: f64) -> Option<f64> {
        let gap = (effect - bound).abs();
        if gap <= 0.0 || v.is_nan() || v <= 0.0 || n.is_nan() || n <= 0.0 {
            return None;
        }
        // v shrinks as 1/rows; the variance at the plan does not move.
        let at = |rows: f64| match self {
            Looks::Fixed => fixed_half_width(v * n / rows, alpha),
            Looks::Sequential { planned } => half_width(v * n / rows, v * n / planned.max(1.0), alpha),
        };
        if at(n) < gap {
            return Some(n);
        }
        let (mut lo, mut hi) = (n, n * 2.0);
        while at(hi) >= gap {
            hi *= 2.0;
            if hi > n * 1e12 {
                return None;
            }
        }
        for _ in 0..100 {
            let mid = (lo + hi) / 2.0;
            if at(mid) < gap { hi = mid } else { lo = mid }
        }
        Some(hi.ceil())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::intervals::SeededRng;

    #[test]
    fn the_mixture_is_tightest_where_it_was_tuned() {
        let x = best_ratio(0.05);
        let f = |x: f64| (1.0 + 1.0 / x) * ((1.0 + x) / 0.0025).ln();
        assert!(f(x) <= f(x * 1.01) && f(x) <= f(x / 1.01));
        // At the planned look the sequence costs a wider interval than a fixed one, never
        // a narrower one; far from the plan it widens further.
        let (v, a) = (1e-4, 0.05);
        let at_plan = half_width(v, v, a);
        assert!(at_plan > fixed_half_width(v, a) && at_plan < 1.8 * fixed_half_width(v, a));
        assert!(half_width(v, v / 100.0, a) > at_plan);
    }

    /// A standard normal draw (Box–Muller).
    fn gauss(r: &mut SeededRng) -> f64 {
        let (u1, u2) = (r.unit().max(1e-300), r.unit());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// Twenty looks at a growing sample with no effect: how often does the interval
    /// exclude the truth at some look? The fixed interval far more often than α, the
    /// sequence at most α.
    #[test]
    fn repeated_looks_keep_the_sequence_at_its_level_and_not_the_fixed_interval() {
        let (alpha, looks, step, runs) = (0.05, 20, 50usize, 2000);
        let mut rng = SeededRng::new(7);
        let (mut fixed_alarms, mut seq_alarms) = (0, 0);
        for _ in 0..runs {
            let (mut sum, mut sq, mut n) = (0.0, 0.0, 0usize);
            let (mut fixed_hit, mut seq_hit) = (false, false);
            for _ in 0..looks {
                for _ in 0..step {
                    let x = gauss(&mut rng);
                    sum += x;
                    sq += x * x;
                    n += 1;
                }
                let nf = n as f64;
                let mean = sum / nf;
                let var = (sq - sum * sum / nf) / (nf - 1.0);
                let v = var / nf;
                fixed_hit |= mean.abs() > Looks::Fixed.half_width(v, nf, alpha);
                let planned = (looks * step) as f64;
                seq_hit |= mean.abs() > Looks::Sequential { planned }.half_width(v, nf, alpha);
            }
            fixed_alarms += fixed_hit as u32;
            seq_alarms += seq_hit as u32;
        }
        let (f, s) = (fixed_alarms as f64 / runs as f64, seq_alarms as f64 / runs as f64);
        assert!(f > 0.15, "a fixed interval checked 20 times should alarm far above 5%: {f}");
        assert!(s <= alpha, "the sequence must stay at or below 5% over 20 looks: {s}");
    }

    #[test]
    fn the_traffic_to_decide_is_where_the_interval_clears_the_bound() {
        let (v, n, a) = (0.04 / 1000.0, 1000.0, 0.05);
        for looks in [Looks::Fixed, Looks::Sequential { planned: 10_000.0 }] {
            let need = looks.rows_to_decide(0.01, 0.0, v, n, a).unwrap();
            assert!(need > n);
            let at = |rows: f64| looks.half_width(v * n / rows, rows, a);
            assert!(at(need) < 0.01 && at(need * 0.98) >= 0.01 * 0.999, "{looks:?}: {need}");
            assert_eq!(looks.rows_to_decide(0.5, 0.0, v, n, a), Some(n));
            assert_eq!(looks.rows_to_decide(0.0, 0.0, v, n, a), None);
        }
        // Fixed: the textbook (z·σ/gap)².
        let need = Looks::Fixed.rows_to_decide(0.01, 0.0, v, n, a).unwrap();
        let textbook = (1.959963984540054f64 * 0.2 / 0.01).powi(2);
        assert!((need - textbook).abs() <= 2.0, "{need} vs {textbook}");
    }
}
