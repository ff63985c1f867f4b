//! A column's finite values in ascending order, as the exact statistics read them: a slice
//! in memory, or a stream read back in order from where the loader sorted them (a sample
//! too large to hold, compared exactly in bounded memory; see `profile::spill`). This
//! module does no I/O itself: a stream is whatever implements [`SortedStream`].
//!
//! Every question the statistics ask of the values is a method here, answered by binary
//! search on a slice and by one sequential pass over a stream; both give the same answer,
//! so a result does not depend on where the values were kept (tested below).

use std::fmt::Debug;

/// Sorted finite values the loader keeps outside memory. `pass` may be called many times;
/// each call yields every value again, ascending.
pub trait SortedStream: Send + Sync + Debug {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn first(&self) -> f64;
    fn last(&self) -> f64;
    fn pass(&self) -> Box<dyn Iterator<Item = f64> + '_>;
}

/// Sorted values, wherever they are.
#[derive(Clone, Copy, Debug)]
pub enum Exact<'a> {
    Slice(&'a [f64]),
    Stream(&'a dyn SortedStream),
}

/// An ascending iterator over [`Exact`] values.
pub enum Iter<'a> {
    Slice(std::iter::Copied<std::slice::Iter<'a, f64>>),
    Stream(Box<dyn Iterator<Item = f64> + 'a>),
}

impl Iterator for Iter<'_> {
    type Item = f64;
    #[inline]
    fn next(&mut self) -> Option<f64> {
        match self {
            Iter::Slice(it) => it.next(),
            Iter::Stream(it) => it.next(),
        }
    }
}

impl<'a> Exact<'a> {
    pub fn len(&self) -> usize {
        match self {
            Exact::Slice(s) => s.len(),
            Exact::Stream(s) => s.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> Iter<'a> {
        match *self {
            Exact::Slice(s) => Iter::Slice(s.iter().copied()),
            Exact::Stream(s) => Iter::Stream(s.pass()),
        }
    }

    /// The smallest value (NaN when empty).
    pub fn first(&self) -> f64 {
        match self {
            Exact::Slice(s) => s.first().copied().unwrap_or(f64::NAN),
            Exact::Stream(s) => s.first(),
        }
    }

    /// The largest value (NaN when empty).
    pub fn last(&self) -> f64 {
        match self {
            Exact::Slice(s) => s.last().copied().unwrap_or(f64::NAN),
            Exact::Stream(s) => s.last(),
        }
    }

    /// The values at `positions` (each < len; any order, repeats allowed).
    pub fn at(&self, positions: &[usize]) -> Vec<f64> {
        match self {
            Exact::Slice(s) => positions.iter().map(|&p| s[p]).collect(),
            Exact::Stream(_) => {
                let mut wanted = positions.to_vec();
                wanted.sort_unstable();
                wanted.dedup();
                // One pass: `nth` skips from the value after the last one read.
                let mut it = self.iter();
                let mut next = 0;
                let found: Vec<f64> = wanted
                    .iter()
                    .map(|&p| {
                        let v = it.nth(p - next).unwrap_or(f64::NAN);
                        next = p + 1;
                        v
                    })
                    .collect();
                positions.iter().map(|p| found[wanted.binary_search(p).expect("collected above")]).collect()
            }
        }
    }

    /// Quantiles with linear interpolation ([`crate::stats::quantile_sorted`]) at
    /// ascending `qs`.
    pub fn quantiles(&self, qs: &[f64]) -> Vec<f64> {
        let n = self.len();
        if n == 0 {
            return vec![f64::NAN; qs.len()];
        }
        let spots: Vec<(usize, usize, f64)> = qs
            .iter()
            .map(|q| {
                let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
                let lo = pos.floor() as usize;
                (lo, (lo + 1).min(n - 1), pos - lo as f64)
            })
            .collect();
        let positions: Vec<usize> = spots.iter().flat_map(|&(lo, hi, _)| [lo, hi]).collect();
        let v = self.at(&positions);
        spots.iter().enumerate().map(|(i, &(_, _, frac))| crate::stats::lerp(v[2 * i], v[2 * i + 1], frac)).collect()
    }

    /// For each edge (ascending), how many values are below it, or at most it when
    /// `inclusive`.
    pub fn count_before(&self, edges: &[f64], inclusive: bool) -> Vec<usize> {
        let before = |v: f64, e: f64| if inclusive { v <= e } else { v < e };
        match self {
            Exact::Slice(s) => edges.iter().map(|&e| s.partition_point(|&v| before(v, e))).collect(),
            Exact::Stream(_) => {
                let mut out = vec![0usize; edges.len()];
                // Values before edge k are also before every later edge.
                let mut k = 0;
                let mut seen = 0usize;
                for v in self.iter() {
                    while k < edges.len() && !before(v, edges[k]) {
                        out[k] = seen;
                        k += 1;
                    }
                    if k == edges.len() {
                        break;
                    }
                    seen += 1;
                }
                for o in out.iter_mut().skip(k) {
                    *o = seen;
                }
                out
            }
        }
    }

    /// Counts per bin of a bin function that never decreases along the values, with
    /// results in `0..bins`.
    pub fn count_monotone(&self, bins: usize, place: impl Fn(f64) -> usize) -> Vec<u64> {
        let mut counts = vec![0u64; bins];
        match self {
            Exact::Slice(s) => {
                let mut start = 0;
                for (k, c) in counts.iter_mut().enumerate() {
                    let end = if k + 1 == bins { s.len() } else { s.partition_point(|&x| place(x) <= k) };
                    *c = (end - start) as u64;
                    start = end;
                }
            }
            Exact::Stream(_) => self.iter().for_each(|x| counts[place(x).min(bins - 1)] += 1),
        }
        counts
    }

    /// The number of distinct values, counted up to `cap`.
    pub fn distinct_up_to(&self, cap: usize) -> usize {
        let mut n = 0;
        let mut prev: Option<f64> = None;
        for v in self.iter() {
            if prev != Some(v) {
                n += 1;
                if n >= cap {
                    return n;
                }
                prev = Some(v);
            }
        }
        n
    }

    /// The distinct values, ascending.
    pub fn distinct(&self) -> Vec<f64> {
        let mut out: Vec<f64> = Vec::new();
        for v in self.iter() {
            if out.last() != Some(&v) {
                out.push(v);
            }
        }
        out
    }

    /// Population mean and standard deviation ([`crate::stats::mean_std`]).
    pub fn mean_std(&self) -> (f64, f64) {
        crate::stats::mean_std_passes(self.len(), || self.iter())
    }

    /// KS statistic and W1 against `other`.
    pub fn distances(&self, other: &Exact) -> crate::stats::ecdf::Distances {
        crate::stats::ecdf::distances(self.iter(), self.len(), other.iter(), other.len())
    }
}

/// Sorted values in memory behind the stream interface: for tests, and a reference for
/// what a stream must answer.
#[derive(Debug)]
pub struct VecStream(pub Vec<f64>);

impl SortedStream for VecStream {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn first(&self) -> f64 {
        self.0.first().copied().unwrap_or(f64::NAN)
    }
    fn last(&self) -> f64 {
        self.0.last().copied().unwrap_or(f64::NAN)
    }
    fn pass(&self) -> Box<dyn Iterator<Item = f64> + '_> {
        Box::new(self.0.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Vec<f64>> {
        let mut state = 99u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut out = vec![vec![], vec![3.0], vec![1.0, 1.0, 1.0], vec![-2.0, 0.0, 0.0, 5.0, 5.0, 9.5]];
        for k in [7u64, 1000] {
            let mut v: Vec<f64> = (0..5000).map(|_| (next() % k) as f64 * 0.25 - 3.0).collect();
            v.sort_by(f64::total_cmp);
            out.push(v);
        }
        out
    }

    #[test]
    fn a_stream_answers_exactly_as_a_slice() {
        let edges = [-10.0, -3.0, -1.0, 0.0, 0.25, 5.0, 9.5, 100.0, 250.0];
        for v in samples() {
            let stream = VecStream(v.clone());
            let (s, t) = (Exact::Slice(&v), Exact::Stream(&stream));
            assert_eq!(s.len(), t.len());
            assert_eq!(s.first().to_bits(), t.first().to_bits());
            assert_eq!(s.last().to_bits(), t.last().to_bits());
            for inclusive in [false, true] {
                assert_eq!(s.count_before(&edges, inclusive), t.count_before(&edges, inclusive), "{v:?}");
            }
            let qs = [0.0, 0.005, 0.1, 0.5, 0.5, 0.9, 0.995, 1.0];
            let bits = |x: Vec<f64>| x.into_iter().map(f64::to_bits).collect::<Vec<_>>();
            assert_eq!(bits(s.quantiles(&qs)), bits(t.quantiles(&qs)));
            if !v.is_empty() {
                let want: Vec<f64> = qs.iter().map(|&q| crate::stats::quantile_sorted(&v, q)).collect();
                assert_eq!(bits(s.quantiles(&qs)), bits(want));
            }
            let place = |x: f64| ((x + 3.0).max(0.0) as usize).min(4);
            assert_eq!(s.count_monotone(5, place), t.count_monotone(5, place));
            assert_eq!(s.distinct_up_to(21), t.distinct_up_to(21));
            assert_eq!(s.distinct(), t.distinct());
            let (m1, d1) = s.mean_std();
            let (m2, d2) = t.mean_std();
            assert_eq!((m1.to_bits(), d1.to_bits()), (m2.to_bits(), d2.to_bits()));
            let other: Vec<f64> = v.iter().map(|x| x * 1.5 + 0.25).collect();
            let os = VecStream(other.clone());
            let a = s.distances(&Exact::Slice(&other));
            let b = t.distances(&Exact::Stream(&os));
            assert_eq!((a.ks.to_bits(), a.w1.to_bits()), (b.ks.to_bits(), b.w1.to_bits()));
        }
    }
}
