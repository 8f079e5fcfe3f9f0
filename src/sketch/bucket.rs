//! A counting sort on the top bits of a uniform hash, shared by the compact
//! shingle sets ([`crate::sketch::shingle::compact_set_into`]) and the LSH
//! band keys ([`crate::sketch::lsh`]): [`sort_into`].
//!
//! Hashes are uniform, so a counting pass on their top `log2(n)` bits puts
//! about one value in a bucket, and one insertion sort over the whole then
//! only moves values inside their bucket. When a text or a band repeats a
//! few values and crowds a bucket, each bucket is finished on its own
//! (`sort_unstable` when large), so the sort is linear on uniform input and
//! `O(n log n)` at worst.

/// Buckets up to this size are finished by insertion sort.
const SMALL_BUCKET: usize = 32;

/// Writes `map(s)` for every `s` of `src` into `out` (replacing its
/// contents), sorted ascending. Values are bucketed by the top bits of
/// `key(s)`, about `log2(src.len())` of them and at most
/// `log2(starts.len() - 1)` (`starts` is scratch; its length is a power of
/// two plus one, at least 3). The top bits of the key must agree with the
/// order of the values: `key(a) < key(b)` in their top bits implies
/// `map(a) < map(b)`. The result is then the one `sort_unstable` gives
/// (equal values are indistinguishable).
pub(crate) fn sort_into<S: Copy, T: Copy + Ord + Default>(
    src: &[S],
    key: impl Fn(S) -> u64,
    map: impl Fn(S) -> T,
    starts: &mut [u32],
    out: &mut Vec<T>,
) {
    let max_bits = (starts.len() - 1).trailing_zeros();
    debug_assert!(max_bits >= 1 && starts.len() == (1 << max_bits) + 1);
    let n = src.len();
    let bits = n.next_power_of_two().trailing_zeros().clamp(1, max_bits);
    let shift = 64 - bits;
    let starts = &mut starts[..(1 << bits) + 1];
    starts.fill(0);
    for &s in src {
        starts[(key(s) >> shift) as usize + 1] += 1;
    }
    let mut crowded = false;
    for b in 1..starts.len() {
        crowded |= starts[b] as usize > SMALL_BUCKET;
        starts[b] += starts[b - 1];
    }
    out.clear();
    out.resize(n, T::default());
    for &s in src {
        let slot = &mut starts[(key(s) >> shift) as usize];
        out[*slot as usize] = map(s);
        *slot += 1;
    }
    if !crowded {
        // One pass over the whole: values only move inside their bucket.
        insertion_sort(out);
        return;
    }
    // Now `starts[b]` is the end of bucket `b`.
    let mut start = 0;
    for &end in &starts[..1 << bits] {
        let end = end as usize;
        let bucket = &mut out[start..end];
        if bucket.len() > SMALL_BUCKET {
            bucket.sort_unstable();
        } else {
            insertion_sort(bucket);
        }
        start = end;
    }
}

/// Sorts a few values in place.
#[inline(always)]
fn insertion_sort<T: Copy + Ord>(v: &mut [T]) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

/// `n` test keys `(hash, document)`: uniform hashes, then every third
/// replaced by one of a few shared values (copies), some with equal top
/// bits, so that some buckets are crowded.
#[cfg(test)]
pub(crate) fn test_keys(n: usize, seed: u64) -> Vec<(u64, u32)> {
    let mut state = seed;
    let mut next = || crate::sketch::minhash::splitmix64(&mut state);
    let mut keys: Vec<(u64, u32)> = (0..n as u32).map(|d| (next(), d)).collect();
    let shared = [next(), next(), 5, 6, 7 << 50];
    for (d, k) in keys.iter_mut().enumerate().step_by(3) {
        k.0 = shared[d % shared.len()];
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_sort_unstable() {
        let mut starts = vec![0u32; (1 << 16) + 1];
        let mut out = Vec::new();
        for n in [0usize, 1, 2, 33, 1000, 70_000] {
            let keys = test_keys(n, 3);
            for max_bits in [1u32, 10, 16] {
                let starts = &mut starts[..(1 << max_bits) + 1];
                let mut want = keys.clone();
                want.sort_unstable();
                sort_into(&keys, |k| k.0, |k| k, starts, &mut out);
                assert_eq!(out, want, "{n} keys, {max_bits} bits");
                // Mapped to fewer bits: the high halves.
                let mut want: Vec<u32> = keys.iter().map(|k| (k.0 >> 32) as u32).collect();
                want.sort_unstable();
                let mut high = Vec::new();
                sort_into(&keys, |k| k.0, |k| (k.0 >> 32) as u32, starts, &mut high);
                assert_eq!(high, want, "{n} keys, {max_bits} bits, high halves");
            }
        }
    }
}
