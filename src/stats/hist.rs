//! A mergeable histogram of floats with exact counts and data-adaptive resolution.
//!
//! Buckets are ranges of the IEEE-754 bit pattern: a value's key is the top
//! `12 + m` bits of its order-preserving representation (sign, exponent and `m` mantissa
//! bits), so a bucket spans `[x, x·(1 + 2⁻ᵐ))`. Bucket boundaries do not depend on the data,
//! which makes histograms of two partitions add up *exactly* to the histogram of the whole.
//! Resolution adapts to the data: `m` starts at 20 (relative width 1e-6) and drops one bit
//! at a time (`level` = 20 − m) only while more than [`MAX_BUCKETS`] buckets are non-empty,
//! so a column of years keeps one bucket per year and a continuous column keeps thousands
//! of buckets across its actual spread. Coarsening is deterministic and commutes with
//! merging, so `merge(profile(A), profile(B)) == profile(A ∪ B)` bucket for bucket.
//!
//! It serves as the profile's quantile sketch (quantiles within one bucket) and as the
//! source of exact bin counts for any bucket-aligned bin edges.

use serde::{Deserialize, Serialize};

use super::sort::{from_ordered_bits, ordered_bits};

/// Non-empty buckets kept in a finished histogram.
pub const MAX_BUCKETS: usize = 4096;
/// Buckets tolerated while streaming before coarsening early (bounds memory).
pub const STREAM_BUCKETS: usize = 1 << 16;
/// Finest level: 20 mantissa bits.
pub const MANTISSA_BITS: u8 = 20;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FloatHist {
    /// Mantissa bits dropped (0 = 20 bits kept, 20 = one bucket per binade).
    level: u8,
    buckets: hashbrown::HashMap<u32, u64>,
}

/// Serialized form: buckets sorted by key.
#[derive(Serialize, Deserialize)]
struct FloatHistRepr {
    level: u8,
    buckets: Vec<(u32, u64)>,
}

impl Serialize for FloatHist {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        FloatHistRepr { level: self.level, buckets: self.sorted() }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for FloatHist {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = FloatHistRepr::deserialize(d)?;
        if r.level > MANTISSA_BITS {
            return Err(serde::de::Error::custom(format!("histogram level {} exceeds {MANTISSA_BITS}", r.level)));
        }
        let mut buckets = hashbrown::HashMap::with_capacity(r.buckets.len());
        for (k, c) in r.buckets {
            *buckets.entry(k).or_insert(0) += c;
        }
        Ok(FloatHist { level: r.level, buckets })
    }
}

impl FloatHist {
    pub fn new() -> FloatHist {
        FloatHist::default()
    }

    pub fn level(&self) -> u8 {
        self.level
    }

    /// Relative width of a bucket: 2^−(20 − level).
    pub fn relative_width(&self) -> f64 {
        2f64.powi(-((MANTISSA_BITS - self.level) as i32))
    }

    #[inline]
    fn shift(&self) -> u32 {
        32 + self.level as u32
    }

    #[inline]
    fn key_of(&self, x: f64) -> u32 {
        (ordered_bits(x) >> self.shift()) as u32
    }

    /// Adds finite values (callers count NaN and infinities separately).
    pub fn add_slice(&mut self, values: &[f64]) {
        for &x in values {
            let k = self.key_of(x);
            *self.buckets.entry(k).or_insert(0) += 1;
            if self.buckets.len() > STREAM_BUCKETS {
                self.coarsen_to(self.level + 1);
            }
        }
    }

    /// Adds `count` copies of a value.
    pub fn add_n(&mut self, x: f64, count: u64) {
        let k = self.key_of(x);
        *self.buckets.entry(k).or_insert(0) += count;
        if self.buckets.len() > STREAM_BUCKETS {
            self.coarsen_to(self.level + 1);
        }
    }

    /// Builds a finished histogram from sorted finite values (run-length, no hashing per value).
    pub fn from_sorted(sorted: &[f64]) -> FloatHist {
        let mut h = FloatHist::new();
        let mut i = 0;
        while i < sorted.len() {
            let k = h.key_of(sorted[i]);
            let mut j = i + 1;
            while j < sorted.len() && h.key_of(sorted[j]) == k {
                j += 1;
            }
            *h.buckets.entry(k).or_insert(0) += (j - i) as u64;
            i = j;
            if h.buckets.len() > STREAM_BUCKETS {
                h.coarsen_to(h.level + 1);
            }
        }
        h.fit();
        h
    }

    /// Drops mantissa bits until `level` is reached.
    pub fn coarsen_to(&mut self, level: u8) {
        let level = level.min(MANTISSA_BITS);
        if level <= self.level {
            return;
        }
        let by = (level - self.level) as u32;
        let mut next = hashbrown::HashMap::with_capacity(self.buckets.len() >> by.min(8));
        for (&k, &c) in &self.buckets {
            *next.entry(k >> by).or_insert(0) += c;
        }
        self.buckets = next;
        self.level = level;
    }

    /// Coarsens until at most [`MAX_BUCKETS`] buckets are non-empty.
    pub fn fit(&mut self) {
        while self.buckets.len() > MAX_BUCKETS && self.level < MANTISSA_BITS {
            self.coarsen_to(self.level + 1);
        }
    }

    /// Adds another histogram (both are brought to the coarser level), then fits.
    pub fn merge(&mut self, other: &FloatHist) {
        let mut o = other.clone();
        let level = self.level.max(o.level);
        self.coarsen_to(level);
        o.coarsen_to(level);
        for (k, c) in o.buckets {
            *self.buckets.entry(k).or_insert(0) += c;
        }
        self.fit();
    }

    pub fn total(&self) -> u64 {
        self.buckets.values().sum()
    }

    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// `(key, count)` sorted by key (= by value).
    pub fn sorted(&self) -> Vec<(u32, u64)> {
        let mut v: Vec<(u32, u64)> = self.buckets.iter().map(|(&k, &c)| (k, c)).collect();
        v.sort_unstable_by_key(|&(k, _)| k);
        v
    }

    /// Smallest value in bucket `key`.
    pub fn lower(&self, key: u32) -> f64 {
        bound(u64::from(key) << self.shift())
    }

    /// Exclusive upper boundary of bucket `key` (the next bucket's lower bound).
    pub fn upper(&self, key: u32) -> f64 {
        match (u64::from(key) + 1).checked_shl(self.shift()) {
            Some(b) if b != 0 => bound(b),
            _ => f64::MAX,
        }
    }

    /// Quantile estimate: the bucket holding rank q·(n−1), interpolated linearly inside it.
    pub fn quantile(&self, q: f64) -> f64 {
        let n = self.total();
        if n == 0 {
            return f64::NAN;
        }
        let target = q.clamp(0.0, 1.0) * (n - 1) as f64;
        let mut cum = 0u64;
        for (k, c) in self.sorted() {
            if (cum + c) as f64 > target {
                let frac = (target - cum as f64 + 0.5) / c as f64;
                let (lo, hi) = (self.lower(k), self.upper(k));
                return lo + (hi - lo) * frac.clamp(0.0, 1.0);
            }
            cum += c;
        }
        let (k, _) = *self.sorted().last().expect("non-empty");
        self.upper(k)
    }

    /// Counts in `(−∞, e0), [e0, e1), …` for edges that are bucket boundaries of this
    /// histogram's level (exact); a bucket straddling an edge is assigned by its lower bound.
    pub fn count_left_closed(&self, edges: &[f64]) -> Vec<u64> {
        let mut out = vec![0u64; edges.len() + 1];
        for (k, c) in self.sorted() {
            let lo = self.lower(k);
            let bin = edges.partition_point(|e| *e <= lo);
            out[bin] += c;
        }
        out
    }
}

fn bound(ordered: u64) -> f64 {
    let x = from_ordered_bits(ordered);
    if x.is_nan() {
        // Key 0 at coarse levels starts in the NaN range below −∞.
        -f64::MAX
    } else if x.is_infinite() {
        x.signum() * f64::MAX
    } else {
        x
    }
}

/// Two histograms brought to a common level, with their keys merged in order.
pub struct Aligned {
    pub keys: Vec<u32>,
    pub a: Vec<u64>,
    pub b: Vec<u64>,
    pub level_hist: FloatHist,
}

/// Aligns two histograms on the union of their buckets at the coarser level.
pub fn align(a: &FloatHist, b: &FloatHist) -> Aligned {
    let level = a.level.max(b.level);
    let mut a = a.clone();
    let mut b = b.clone();
    a.coarsen_to(level);
    b.coarsen_to(level);
    let mut keys: Vec<u32> = a.buckets.keys().chain(b.buckets.keys()).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    let ca = keys.iter().map(|k| a.buckets.get(k).copied().unwrap_or(0)).collect();
    let cb = keys.iter().map(|k| b.buckets.get(k).copied().unwrap_or(0)).collect();
    Aligned { keys, a: ca, b: cb, level_hist: FloatHist { level, buckets: hashbrown::HashMap::new() } }
}

impl Aligned {
    /// KS statistic bounds from bucket counts: the exact ECDF difference at bucket
    /// boundaries (a lower bound on D) and the largest difference possible inside a bucket
    /// (an upper bound).
    pub fn ks_bounds(&self) -> (f64, f64) {
        let na: u64 = self.a.iter().sum();
        let nb: u64 = self.b.iter().sum();
        let (na, nb) = (na as f64, nb as f64);
        let (mut ca, mut cb) = (0u64, 0u64);
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for i in 0..self.keys.len() {
            let (fa0, fb0) = (ca as f64 / na, cb as f64 / nb);
            ca += self.a[i];
            cb += self.b[i];
            let (fa1, fb1) = (ca as f64 / na, cb as f64 / nb);
            lo = lo.max((fa1 - fb1).abs());
            hi = hi.max((fa1 - fb0).abs()).max((fb1 - fa0).abs()).max((fa1 - fb1).abs());
        }
        (lo, hi)
    }

    /// W1 with each bucket's mass spread uniformly over the bucket.
    pub fn wasserstein(&self) -> f64 {
        let h = &self.level_hist;
        let na: u64 = self.a.iter().sum();
        let nb: u64 = self.b.iter().sum();
        let (na, nb) = (na as f64, nb as f64);
        let (mut fa, mut fb) = (0.0f64, 0.0f64);
        let mut total = 0.0;
        let mut prev_upper: Option<f64> = None;
        for i in 0..self.keys.len() {
            let (lo, hi) = (h.lower(self.keys[i]), h.upper(self.keys[i]));
            if let Some(p) = prev_upper {
                // Constant CDFs across a gap between non-empty buckets.
                total += (fa - fb).abs() * (lo - p).max(0.0);
            }
            let (ga, gb) = (fa + self.a[i] as f64 / na, fb + self.b[i] as f64 / nb);
            // Linear CDFs inside the bucket: integrate |d0 + (d1 − d0)t| over [0, 1].
            let (d0, d1) = (fa - fb, ga - gb);
            let width = hi - lo;
            let area = if d0 * d1 >= 0.0 {
                (d0.abs() + d1.abs()) / 2.0
            } else {
                (d0 * d0 + d1 * d1) / (2.0 * (d0.abs() + d1.abs()))
            };
            total += area * width;
            fa = ga;
            fb = gb;
            prev_upper = Some(hi);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_keep_one_bucket_each() {
        let v: Vec<f64> = (0..1000).map(|i| 2018.0 + (i % 7) as f64).collect();
        let mut h = FloatHist::new();
        h.add_slice(&v);
        h.fit();
        assert_eq!(h.level(), 0);
        assert_eq!(h.len(), 7);
        assert_eq!(h.total(), 1000);
        let s = h.sorted();
        assert!(h.lower(s[0].0) <= 2018.0 && 2018.0 < h.upper(s[0].0));
        assert!(h.upper(s[0].0) - h.lower(s[0].0) < 0.01);
    }

    #[test]
    fn continuous_data_coarsens_to_fit_and_merges_exactly() {
        let v: Vec<f64> = (0..200_000).map(|i| ((i as f64) * 0.7548776662466927).fract() * 100.0 - 30.0).collect();
        let mut whole = FloatHist::new();
        whole.add_slice(&v);
        whole.fit();
        assert!(whole.len() <= MAX_BUCKETS);
        let mut a = FloatHist::new();
        a.add_slice(&v[..70_000]);
        a.fit();
        let mut b = FloatHist::new();
        b.add_slice(&v[70_000..]);
        b.fit();
        a.merge(&b);
        assert_eq!(a, whole, "merging halves must equal the whole, bucket for bucket");
        let med = whole.quantile(0.5);
        assert!((med - 20.0).abs() < 0.5, "{med}");
        // Serialisation round-trips.
        let json = serde_json::to_string(&whole).unwrap();
        let back: FloatHist = serde_json::from_str(&json).unwrap();
        assert_eq!(back, whole);
        let sorted = {
            let mut s = v.clone();
            s.sort_by(f64::total_cmp);
            s
        };
        assert_eq!(FloatHist::from_sorted(&sorted), whole);
    }

    #[test]
    fn binned_ks_and_wasserstein_bracket_the_exact_values() {
        let a: Vec<f64> = (0..5000).map(|i| (i as f64 * 0.618034).fract() * 10.0).collect();
        let b: Vec<f64> = (0..4000).map(|i| (i as f64 * 0.4142136).fract() * 10.0 + 0.7).collect();
        let (mut sa, mut sb) = (a.clone(), b.clone());
        sa.sort_by(f64::total_cmp);
        sb.sort_by(f64::total_cmp);
        let exact_d = crate::stats::ks::statistic_sorted(&sa, &sb);
        let exact_w = crate::stats::wasserstein::w1_sorted(&sa, &sb);
        let al = align(&FloatHist::from_sorted(&sa), &FloatHist::from_sorted(&sb));
        let (lo, hi) = al.ks_bounds();
        assert!(lo <= exact_d + 1e-12 && exact_d <= hi + 1e-12, "{lo} {exact_d} {hi}");
        assert!((al.wasserstein() - exact_w).abs() / exact_w < 1e-3, "{} vs {exact_w}", al.wasserstein());
    }
}
