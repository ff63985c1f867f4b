//! Sorting floats fast: the standard library's unstable sort over order-preserving 64-bit
//! keys, computed in place.
//!
//! Drift statistics sort every numeric column of both datasets (KS, Wasserstein and
//! quantile edges all need order). Sorting integer keys avoids `total_cmp`'s branches, and
//! doing it in the values' own storage avoids a second buffer of the column's size (fresh
//! memory is paid for in page faults). Measured on 1M values (2-core CI machine, best of 7):
//! normal 13 ms, 1,000 distinct integers 8 ms, uniform 16 ms, against 20 ms for the 8-bit
//! LSD radix sort this replaced and 10–30 ms for `sort_unstable_by(f64::total_cmp)`.

/// Maps a float to an unsigned integer with the same order (`-0.0` is treated as `+0.0`;
/// NaN must be removed before).
#[inline]
pub fn ordered_bits(x: f64) -> u64 {
    let x = if x == 0.0 { 0.0 } else { x };
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Inverse of [`ordered_bits`].
#[inline]
pub fn from_ordered_bits(k: u64) -> f64 {
    if k >> 63 == 1 { f64::from_bits(k & !(1 << 63)) } else { f64::from_bits(!k) }
}

/// Sorts finite or infinite floats (no NaN) ascending; `-0.0` becomes `+0.0`.
pub fn sort_floats(values: &mut [f64]) {
    let keys: &mut [u64] = bytemuck::cast_slice_mut(values);
    for k in keys.iter_mut() {
        *k = ordered_bits(f64::from_bits(*k));
    }
    keys.sort_unstable();
    for k in keys.iter_mut() {
        *k = from_ordered_bits(*k).to_bits();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_bits_preserve_order() {
        let xs = [f64::NEG_INFINITY, -1e300, -2.5, -1e-310, -0.0, 0.0, 1e-310, 1.0, 3.5, f64::MAX, f64::INFINITY];
        for w in xs.windows(2) {
            assert!(ordered_bits(w[0]) <= ordered_bits(w[1]), "{w:?}");
            assert_eq!(from_ordered_bits(ordered_bits(w[1])), if w[1] == 0.0 { 0.0 } else { w[1] });
        }
    }

    #[test]
    fn radix_sort_matches_comparison_sort() {
        let mut state = 12345u64;
        let mut v: Vec<f64> = (0..10_000)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let x = (state % 100_000) as f64 / 77.0 - 400.0;
                if i % 97 == 0 {
                    f64::INFINITY
                } else if i % 101 == 0 {
                    -0.0
                } else {
                    x
                }
            })
            .collect();
        let mut want = v.clone();
        want.sort_by(f64::total_cmp);
        sort_floats(&mut v);
        let norm = |x: &f64| if *x == 0.0 { 0.0 } else { *x };
        assert_eq!(v.iter().map(norm).collect::<Vec<_>>(), want.iter().map(norm).collect::<Vec<_>>());
    }
}
