//! Rank statistics: ROC AUC by sorting (ties get half credit, as the Mann–Whitney U
//! statistic and scikit-learn's `roc_auc_score`), average ranks, and Spearman's ρ.

use super::sort::ordered_bits;

/// Sorts `(key, payload)` pairs by key with an LSD radix sort; stable.
pub fn radix_sort_pairs(keys: &mut Vec<u64>, payload: &mut Vec<u32>) {
    let n = keys.len();
    if n < 256 {
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by_key(|&i| keys[i]);
        *keys = idx.iter().map(|&i| keys[i]).collect();
        *payload = idx.iter().map(|&i| payload[i]).collect();
        return;
    }
    let mut counts = vec![[0usize; 256]; 8];
    for &k in keys.iter() {
        for (d, c) in counts.iter_mut().enumerate() {
            c[((k >> (8 * d)) & 0xff) as usize] += 1;
        }
    }
    let mut kbuf = vec![0u64; n];
    let mut pbuf = vec![0u32; n];
    let mut in_main = true;
    for (d, c) in counts.iter().enumerate() {
        if c.contains(&n) {
            continue;
        }
        let mut off = [0usize; 256];
        let mut s = 0;
        for (o, &cnt) in off.iter_mut().zip(c.iter()) {
            *o = s;
            s += cnt;
        }
        let (ks, ps, kd, pd) = if in_main {
            (&keys[..], &payload[..], &mut kbuf[..], &mut pbuf[..])
        } else {
            (&kbuf[..], &pbuf[..], &mut keys[..], &mut payload[..])
        };
        for (&k, &p) in ks.iter().zip(ps.iter()) {
            let digit = ((k >> (8 * d)) & 0xff) as usize;
            kd[off[digit]] = k;
            pd[off[digit]] = p;
            off[digit] += 1;
        }
        in_main = !in_main;
    }
    if !in_main {
        std::mem::swap(keys, &mut kbuf);
        std::mem::swap(payload, &mut pbuf);
    }
}

/// ROC AUC of `scores` for binary `labels` (true = positive). NaN scores must be removed or
/// mapped by the caller. Returns `None` when a class is missing.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let pos = labels.iter().filter(|&&l| l).count() as u64;
    let neg = labels.len() as u64 - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    let mut keys: Vec<u64> = scores.iter().map(|&s| ordered_bits(s)).collect();
    let mut lab: Vec<u32> = labels.iter().map(|&l| l as u32).collect();
    radix_sort_pairs(&mut keys, &mut lab);
    // Walk tie groups in ascending score order.
    let mut negatives_below = 0u64;
    let mut acc = 0f64; // sum over positives of (negatives below + half the tied negatives)
    let mut i = 0;
    while i < keys.len() {
        let mut j = i;
        let (mut p, mut q) = (0u64, 0u64);
        while j < keys.len() && keys[j] == keys[i] {
            if lab[j] == 1 {
                p += 1;
            } else {
                q += 1;
            }
            j += 1;
        }
        acc += p as f64 * (negatives_below as f64 + 0.5 * q as f64);
        negatives_below += q;
        i = j;
    }
    Some(acc / (pos as f64 * neg as f64))
}

/// Average ranks (1-based, ties share their mean rank), as `scipy.stats.rankdata`.
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut keys: Vec<u64> = values.iter().map(|&s| ordered_bits(s)).collect();
    let mut idx: Vec<u32> = (0..n as u32).collect();
    radix_sort_pairs(&mut keys, &mut idx);
    let mut ranks = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j < n && keys[j] == keys[i] {
            j += 1;
        }
        let r = (i + j + 1) as f64 / 2.0; // mean of ranks i+1..=j
        for &k in &idx[i..j] {
            ranks[k as usize] = r;
        }
        i = j;
    }
    ranks
}

/// Pearson correlation; `None` when a side is constant.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 2 {
        return None;
    }
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}

/// Spearman's rank correlation, as `scipy.stats.spearmanr`.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&average_ranks(x), &average_ranks(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_matches_sklearn_with_ties() {
        // sklearn.metrics.roc_auc_score([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.4, 0.4]) -> 0.6666666666666667
        let labels = [false, false, true, true, false, true];
        let got = roc_auc(&[0.1, 0.4, 0.35, 0.8, 0.4, 0.4], &labels).unwrap();
        assert!((got - 0.6666666666666667).abs() < 1e-12, "{got}");
        // Perfect and reversed rankings.
        assert_eq!(roc_auc(&[1.0, 2.0, 3.0, 4.0], &[false, false, true, true]), Some(1.0));
        assert_eq!(roc_auc(&[4.0, 3.0, 2.0, 1.0], &[false, false, true, true]), Some(0.0));
        assert_eq!(roc_auc(&[1.0, 1.0], &[true, true]), None);
    }

    #[test]
    fn auc_on_many_values_uses_the_radix_path() {
        // 1000 scores with heavy ties: compare with the O(n²) definition.
        let scores: Vec<f64> = (0..1000).map(|i| ((i * 37) % 17) as f64).collect();
        let labels: Vec<bool> = (0..1000).map(|i| (i * 7) % 3 == 0).collect();
        let mut num = 0.0;
        let (mut p, mut q) = (0.0, 0.0);
        for (i, &li) in labels.iter().enumerate() {
            if li {
                p += 1.0;
                for (j, &lj) in labels.iter().enumerate() {
                    if !lj {
                        num += if scores[i] > scores[j] {
                            1.0
                        } else if scores[i] == scores[j] {
                            0.5
                        } else {
                            0.0
                        };
                    }
                }
            } else {
                q += 1.0;
            }
        }
        let want = num / (p * q);
        assert!((roc_auc(&scores, &labels).unwrap() - want).abs() < 1e-12);
    }

    #[test]
    fn ranks_and_spearman_match_scipy() {
        // scipy.stats.rankdata([10, 20, 20, 5, 30]) -> [2. , 3.5, 3.5, 1. , 5. ]
        assert_eq!(average_ranks(&[10.0, 20.0, 20.0, 5.0, 30.0]), vec![2.0, 3.5, 3.5, 1.0, 5.0]);
        // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).statistic -> 0.8207826816681233
        let r = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[5.0, 6.0, 7.0, 8.0, 7.0]).unwrap();
        assert!((r - 0.8207826816681233).abs() < 1e-12, "{r}");
        assert_eq!(spearman(&[1.0, 1.0], &[2.0, 3.0]), None);
    }
}
