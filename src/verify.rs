//! Exact Jaccard and containment of candidate pairs.
//!
//! Shingle sets are sorted, duplicate-free `u64` slices
//! ([`crate::sketch::shingle::shingle_set`]). The intersection is a linear merge, or
//! a galloping (exponential) search of the larger set when one set is more
//! than [`GALLOP_RATIO`] times the size of the other.

use rayon::prelude::*;

/// Size ratio above which [`intersection_size`] gallops.
pub const GALLOP_RATIO: usize = 16;

/// Exact similarity of two shingle sets `A` and `B`.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Similarity {
    /// `|A ∩ B|`.
    pub intersection: usize,
    /// `|A|`.
    pub size_a: usize,
    /// `|B|`.
    pub size_b: usize,
    /// `|A ∩ B| / |A ∪ B|` (0 when both are empty).
    pub jaccard: f64,
    /// `|A ∩ B| / |A|`: how much of `A` is in `B` (0 when `A` is empty).
    pub containment_a: f64,
    /// `|A ∩ B| / |B|`: how much of `B` is in `A` (0 when `B` is empty).
    pub containment_b: f64,
}

impl Similarity {
    /// The similarity given the three counts.
    pub fn from_counts(intersection: usize, size_a: usize, size_b: usize) -> Similarity {
        let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
        Similarity {
            intersection,
            size_a,
            size_b,
            jaccard: ratio(intersection, size_a + size_b - intersection),
            containment_a: ratio(intersection, size_a),
            containment_b: ratio(intersection, size_b),
        }
    }

    /// The larger of the two containments.
    pub fn max_containment(&self) -> f64 {
        self.containment_a.max(self.containment_b)
    }

    /// True when the pair is kept under `t`.
    pub fn passes(&self, t: &Thresholds) -> bool {
        self.intersection > 0
            && (self.jaccard >= t.jaccard
                || t.containment.is_some_and(|c| self.max_containment() >= c))
    }
}

/// When a verified pair is kept.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Thresholds {
    /// Keep when the Jaccard is at least this.
    pub jaccard: f64,
    /// Also keep when the larger containment is at least this (reuse of one
    /// document inside a longer one). `None`: Jaccard only.
    pub containment: Option<f64>,
}

/// `|a ∩ b|` of two sorted, duplicate-free slices (of full 64-bit shingle
/// hashes, or of their compact 32-bit form, see [`compact_set`]).
pub fn intersection_size<T: Ord + Copy>(a: &[T], b: &[T]) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0;
    }
    if large.len() / small.len() >= GALLOP_RATIO {
        gallop_intersection(small, large)
    } else {
        merge_intersection(small, large)
    }
}

fn merge_intersection<T: Ord + Copy>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        // Branch-light merge: advance whichever is smaller (both when equal).
        n += (x == y) as usize;
        i += (x <= y) as usize;
        j += (y <= x) as usize;
    }
    n
}

fn gallop_intersection<T: Ord + Copy>(small: &[T], large: &[T]) -> usize {
    let mut n = 0;
    let mut lo = 0;
    for &x in small {
        // Exponential search for the first element >= x in large[lo..].
        let mut step = 1;
        let mut hi = lo;
        while hi < large.len() && large[hi] < x {
            lo = hi + 1;
            hi += step;
            step *= 2;
        }
        let end = hi.min(large.len());
        let k = lo + large[lo..end].partition_point(|&y| y < x);
        if k < large.len() && large[k] == x {
            n += 1;
            lo = k + 1;
        } else {
            lo = k;
        }
        if lo >= large.len() {
            break;
        }
    }
    n
}

/// Exact similarity of two sorted, duplicate-free shingle sets.
pub fn similarity<T: Ord + Copy>(a: &[T], b: &[T]) -> Similarity {
    debug_assert!(a.windows(2).all(|w| w[0] < w[1]), "set a not sorted/unique");
    debug_assert!(b.windows(2).all(|w| w[0] < w[1]), "set b not sorted/unique");
    Similarity::from_counts(intersection_size(a, b), a.len(), b.len())
}

/// The compact form of a sorted, duplicate-free shingle set: the high 32
/// bits of every hash, sorted and duplicate-free. Half the memory, for runs
/// over millions of documents ([`crate::dedup`]). Two distinct shingles of a
/// pair of 1,000-shingle documents share their high bits with probability
/// about 1000²/2³² ≈ 0.0002, so the exact Jaccard of the compact sets
/// differs from that of the full sets by less than one shingle in almost
/// every pair.
pub fn compact_set(set: &[u64]) -> Vec<u32> {
    debug_assert!(set.is_sorted(), "set not sorted");
    // The high bits of a sorted list are sorted: only equal neighbours go.
    let mut out: Vec<u32> = set.iter().map(|&h| (h >> 32) as u32).collect();
    out.dedup();
    out
}

/// Verify candidate pairs in parallel: for each `(a, b)` in `pairs`, the
/// similarity of `sets[a]` and `sets[b]`, kept when it
/// [passes](Similarity::passes) `thresholds`. The kept pairs come out in
/// the order of `pairs`, whatever the number of threads.
///
/// # Panics
/// When a pair indexes outside `sets`.
pub fn verify_pairs<T: Ord + Copy, S: AsRef<[T]> + Sync>(
    sets: &[S],
    pairs: &[(u32, u32)],
    thresholds: &Thresholds,
) -> Vec<(u32, u32, Similarity)> {
    pairs
        .par_iter()
        .filter_map(|&(a, b)| {
            let s = similarity(sets[a as usize].as_ref(), sets[b as usize].as_ref());
            s.passes(thresholds).then_some((a, b, s))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_ratios() {
        let s = similarity(&[1, 2, 3, 4], &[3, 4, 5]);
        assert_eq!(s.intersection, 2);
        assert_eq!((s.size_a, s.size_b), (4, 3));
        assert!((s.jaccard - 2.0 / 5.0).abs() < 1e-12);
        assert!((s.containment_a - 0.5).abs() < 1e-12);
        assert!((s.containment_b - 2.0 / 3.0).abs() < 1e-12);
        let e = similarity::<u64>(&[], &[]);
        assert_eq!(
            (e.jaccard, e.containment_a, e.containment_b),
            (0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn gallop_matches_merge() {
        let large: Vec<u64> = (0..10_000).map(|i| i * 3).collect();
        for small in [vec![0u64, 3, 4, 29_997, 40_000], vec![1, 2], vec![29_997]] {
            assert_eq!(
                gallop_intersection(&small, &large),
                merge_intersection(&small, &large),
                "{small:?}"
            );
        }
    }

    #[test]
    fn compact_sets_give_the_same_similarity() {
        let mut state = 3u64;
        let a: Vec<u64> = {
            let mut v: Vec<u64> = (0..2000)
                .map(|_| crate::sketch::minhash::splitmix64(&mut state))
                .collect();
            v.sort_unstable();
            v
        };
        // b: every other shingle of a plus as many new ones.
        let mut b: Vec<u64> = a.iter().step_by(2).copied().collect();
        b.extend((0..1000).map(|_| crate::sketch::minhash::splitmix64(&mut state)));
        b.sort_unstable();
        let (ca, cb) = (compact_set(&a), compact_set(&b));
        assert!(ca.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(similarity(&ca, &cb), similarity(&a, &b));
    }

    #[test]
    fn thresholds() {
        let t = Thresholds {
            jaccard: 0.5,
            containment: Some(0.8),
        };
        // A small document fully inside a big one: low Jaccard, kept by containment.
        let small: Vec<u64> = (0..10).collect();
        let big: Vec<u64> = (0..100).collect();
        let s = similarity(&small, &big);
        assert!(s.jaccard < 0.5 && s.passes(&t));
        assert!(!s.passes(&Thresholds {
            containment: None,
            ..t
        }));
        let kept = verify_pairs(
            &[small.clone(), big.clone(), vec![500]],
            &[(0, 1), (0, 2)],
            &t,
        );
        assert_eq!(kept.len(), 1);
        assert_eq!((kept[0].0, kept[0].1), (0, 1));
    }
}
