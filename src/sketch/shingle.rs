//! Word k-shingles over normalized tokens, hashed with a stable hash.
//!
//! # The hash scheme (stable: part of the output contract)
//!
//! Every value below is computed with wrapping (mod 2^64) arithmetic on `u64`.
//!
//! 1. **Token hash.** `t = xxh3_64(token)` over the UTF-8 bytes of the
//!    normalized token, seed 0 ([`token_hash`]). Each token is hashed once.
//! 2. **Shingle hash.** A shingle of `m` consecutive token hashes
//!    `t_0 … t_{m-1}` (`m = k`, or `m = n` for a document of `n < k` tokens)
//!    hashes to
//!
//!    ```text
//!    P = t_0·B^(m-1) + t_1·B^(m-2) + … + t_{m-1}          (mod 2^64)
//!    shingle_hash = fmix64(P)
//!    ```
//!
//!    with `B = 0x9E37_79B9_7F4A_7C15` (odd; 2^64 divided by the golden
//!    ratio) and `fmix64` the 64-bit finalizer of MurmurHash3:
//!
//!    ```text
//!    x ^= x >> 33; x *= 0xFF51_AFD7_ED55_8CCD;
//!    x ^= x >> 33; x *= 0xC4CE_B9FE_1A85_EC53;
//!    x ^= x >> 33
//!    ```
//!
//!    `P` is a polynomial rolling hash, so consecutive shingles cost two
//!    multiplications each whatever `k` is ([`shingles`] rolls it; the result
//!    is bit-for-bit the formula above, see [`shingle_hash`]). `fmix64` is a
//!    bijection that spreads every input bit over the output, so the low bits
//!    of the shingle hash are as good as the high ones.
//!
//! Two runs, two machines or two versions of athar give the same hashes for
//! the same normalized tokens; a unit test pins known values. The scheme is
//! named [`HASH_ID`] in signatures and reports. In-memory hash maps may use
//! `ahash`; nothing persisted or compared across runs does.

use crate::text::tokenize::Tokens;

/// Name of the token and shingle hash scheme, recorded in signatures and
/// reports (see the [module docs](self) for the exact formulas).
pub const HASH_ID: &str = "xxh3-64";

/// Default number of words per shingle.
pub const DEFAULT_K: usize = 5;

/// The base `B` of the polynomial shingle hash.
pub const SHINGLE_BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// The 64-bit finalizer of MurmurHash3 (`fmix64`): a fast bijection on `u64`
/// with full avalanche. Stable; used by the shingle hash and by MinHash.
#[inline]
pub fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^= x >> 33;
    x
}

/// Stable 64-bit hash of one normalized token (xxh3-64, seed 0, over the
/// UTF-8 bytes). Stable across versions and platforms.
#[inline]
pub fn token_hash(token: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(token.as_bytes())
}

/// Hash every token once, replacing the contents of `out`.
pub fn token_hashes(tokens: &Tokens, out: &mut Vec<u64>) {
    out.clear();
    out.reserve(tokens.len());
    let bytes = tokens.normalized.as_bytes();
    out.extend(
        tokens.tokens.iter().map(|t| {
            xxhash_rust::xxh3::xxh3_64(&bytes[t.norm_start as usize..t.norm_end as usize])
        }),
    );
}

/// A shingle: the hash of `k` consecutive tokens and the index of its first token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shingle {
    /// Stable hash of the k token hashes ([`shingle_hash`]).
    pub hash: u64,
    /// Index of the first token of the shingle.
    pub pos: u32,
}

/// The hash of one shingle given its token hashes (all of `window`):
/// `fmix64(Σ window[i]·B^(len-1-i))`. This is the definition; [`shingles`]
/// and [`ShingleHashes`] compute the same values by rolling.
///
/// An empty window hashes to `fmix64(0) = 0`; [`shingles`] never makes one.
#[inline]
pub fn shingle_hash(window: &[u64]) -> u64 {
    let mut p: u64 = 0;
    for &t in window {
        p = p.wrapping_mul(SHINGLE_BASE).wrapping_add(t);
    }
    fmix64(p)
}

/// `B^e mod 2^64`.
#[inline]
fn base_pow(e: usize) -> u64 {
    let mut r: u64 = 1;
    for _ in 0..e {
        r = r.wrapping_mul(SHINGLE_BASE);
    }
    r
}

/// Number of shingles of a document of `n` tokens: `n - k + 1`, at least one
/// for a non-empty document, none for an empty one.
#[inline]
pub fn shingle_count(n: usize, k: usize) -> usize {
    let k = k.max(1);
    if n == 0 { 0 } else { n.saturating_sub(k) + 1 }
}

/// Iterator over the shingle hashes of a token-hash sequence, in position
/// order (the shingle at position `p` covers tokens `p..p+k`). A sequence
/// shorter than `k` (but not empty) gives one shingle over all its tokens.
/// Allocation-free; made by [`shingle_hashes`].
#[derive(Clone, Debug)]
pub struct ShingleHashes<'a> {
    hashes: &'a [u64],
    k: usize,
    /// Position of the next shingle.
    pos: usize,
    /// Number of shingles in total.
    count: usize,
    /// Polynomial of the window starting at `pos` (valid when `pos < count`).
    poly: u64,
    /// `B^(k-1)`, to drop the outgoing token.
    top: u64,
}

/// The shingle hashes of `token_hashes` with `k` words per shingle (`k = 0`
/// is treated as 1). See [`ShingleHashes`].
pub fn shingle_hashes(token_hashes: &[u64], k: usize) -> ShingleHashes<'_> {
    let k = k.max(1);
    let count = shingle_count(token_hashes.len(), k);
    let m = k.min(token_hashes.len());
    let mut poly: u64 = 0;
    for &t in &token_hashes[..m] {
        poly = poly.wrapping_mul(SHINGLE_BASE).wrapping_add(t);
    }
    ShingleHashes {
        hashes: token_hashes,
        k,
        pos: 0,
        count,
        poly,
        top: base_pow(k - 1),
    }
}

impl Iterator for ShingleHashes<'_> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.pos >= self.count {
            return None;
        }
        let out = fmix64(self.poly);
        let next = self.pos + self.k;
        if next < self.hashes.len() {
            self.poly = self
                .poly
                .wrapping_sub(self.hashes[self.pos].wrapping_mul(self.top))
                .wrapping_mul(SHINGLE_BASE)
                .wrapping_add(self.hashes[next]);
        }
        self.pos += 1;
        Some(out)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.count - self.pos;
        (n, Some(n))
    }
}

impl ExactSizeIterator for ShingleHashes<'_> {}

/// The shingles of a token-hash sequence, replacing the contents of `out`.
/// A sequence shorter than `k` (but not empty) gives one shingle; an empty
/// one gives none. `k = 0` is treated as 1. Shingle `i` has `pos == i`.
pub fn shingles(token_hashes: &[u64], k: usize, out: &mut Vec<Shingle>) {
    out.clear();
    out.extend(
        shingle_hashes(token_hashes, k)
            .enumerate()
            .map(|(pos, hash)| Shingle {
                hash,
                pos: pos as u32,
            }),
    );
}

/// The set of shingle hashes (sorted ascending, duplicates removed), as
/// [`crate::verify`] wants it.
pub fn shingle_set(shingles: &[Shingle]) -> Vec<u64> {
    let mut out = Vec::with_capacity(shingles.len());
    out.extend(shingles.iter().map(|s| s.hash));
    out.sort_unstable();
    out.dedup();
    out
}

/// The set of shingle hashes of a token-hash sequence (sorted ascending,
/// duplicates removed), replacing the contents of `out`. Same values as
/// [`shingle_set`] over [`shingles`], without the positions.
pub fn shingle_set_into(token_hashes: &[u64], k: usize, out: &mut Vec<u64>) {
    out.clear();
    out.extend(shingle_hashes(token_hashes, k));
    out.sort_unstable();
    out.dedup();
}

/// The compact shingle set ([`crate::verify::compact_set`]: the high 32
/// bits of every shingle hash, sorted ascending, duplicates removed) of
/// shingle hashes in any order and with repeats, replacing the contents of
/// `out`. Equal to `compact_set` of the sorted 64-bit set, without sorting
/// 64-bit values first.
pub fn compact_set_into(shingle_hashes: &[u64], out: &mut Vec<u32>) {
    if shingle_hashes.len() >= 64 {
        // Shingle hashes are uniform: bucket them by their top bits.
        let mut starts = [0u32; (1 << 10) + 1];
        let high = |h: u64| (h >> 32) as u32;
        super::bucket::sort_into(shingle_hashes, |h| h, high, &mut starts, out);
    } else {
        out.clear();
        out.extend(shingle_hashes.iter().map(|&h| (h >> 32) as u32));
        out.sort_unstable();
    }
    out.dedup();
}

/// The compact shingle set ([`crate::verify::compact_set`]) of the high 32
/// bits of shingle hashes, `values` in any order and with repeats: sorts
/// `values` ascending and removes repeats, in place (`scratch` is a
/// buffer). Equal to [`compact_set_into`] of the full hashes.
pub fn compact_set_of_high(values: &mut Vec<u32>, scratch: &mut Vec<u32>) {
    if values.len() >= 64 {
        // High halves of uniform hashes are uniform: bucket them by their
        // top bits.
        let mut starts = [0u32; (1 << 10) + 1];
        let key = |v: u32| u64::from(v) << 32;
        super::bucket::sort_into(values, key, |v| v, &mut starts, scratch);
        std::mem::swap(values, scratch);
    } else {
        values.sort_unstable();
    }
    values.dedup();
}

/// A split of hashed items into parts by the top bits of their hash, so
/// that each part can be sorted and scanned on its own (bounded memory).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashParts {
    /// Number of parts: a power of two, 1 to 4096.
    pub parts: usize,
    /// Top bits of the hash that name the part (`parts = 2^bits`).
    pub bits: u32,
}

impl HashParts {
    /// About `per_part` of `total` items a part.
    pub fn new(total: usize, per_part: usize) -> HashParts {
        let parts = total
            .div_ceil(per_part.max(1))
            .next_power_of_two()
            .clamp(1, 1 << 12);
        HashParts {
            parts,
            bits: parts.trailing_zeros(),
        }
    }

    /// The part of hash `h`. Parts are in hash order: a sorted list of
    /// hashes goes through the parts in order.
    pub fn of(&self, h: u64) -> usize {
        h.checked_shr(64 - self.bits).unwrap_or(0) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pinned values: changing any of these changes every stored signature
    /// and report. Do not update them without bumping [`HASH_ID`].
    #[test]
    fn pinned_token_and_shingle_hashes() {
        assert_eq!(token_hash(""), 0x2D06_8005_38D3_94C2);
        assert_eq!(token_hash("قال"), PINNED_QAL);
        assert_eq!(token_hash("athar"), PINNED_ATHAR);
        let words = ["قال", "الرئيس", "في", "بيان", "رسمي", "اليوم"];
        let th: Vec<u64> = words.iter().map(|w| token_hash(w)).collect();
        let mut out = Vec::new();
        shingles(&th, 5, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].hash, PINNED_SH0);
        assert_eq!(out[1].hash, PINNED_SH1);
        assert_eq!(out[1].pos, 1);
        assert_eq!(fmix64(1), 0xB456_BCFC_34C2_CB2C);
    }

    const PINNED_QAL: u64 = 0xCF41_9DFF_05EC_A452;
    const PINNED_ATHAR: u64 = 0xE7F0_DFF6_467A_F269;
    const PINNED_SH0: u64 = 0x2FF4_1AA1_B1D8_52DB;
    const PINNED_SH1: u64 = 0x59B7_80F8_B38B_96C3;

    #[test]
    fn rolling_equals_definition() {
        let th: Vec<u64> = (0..40u64).map(|i| fmix64(i * 7 + 3)).collect();
        for k in 1..9 {
            let got: Vec<u64> = shingle_hashes(&th, k).collect();
            let want: Vec<u64> = th.windows(k).map(shingle_hash).collect();
            assert_eq!(got, want, "k = {k}");
        }
    }

    #[test]
    fn short_and_empty_documents() {
        let th = [token_hash("a"), token_hash("b")];
        let mut out = Vec::new();
        shingles(&th, 5, &mut out);
        assert_eq!(
            out,
            vec![Shingle {
                hash: shingle_hash(&th),
                pos: 0
            }]
        );
        shingles(&[], 5, &mut out);
        assert!(out.is_empty());
        shingles(&th, 0, &mut out);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn compact_set_into_equals_compact_set_of_the_sorted_set() {
        // Random hashes, hashes crowding one bucket, few distinct values
        // repeated, and sizes around the bucket-sort threshold.
        let mut state = 7u64;
        let mut random = |n: usize| -> Vec<u64> {
            (0..n)
                .map(|_| crate::sketch::minhash::splitmix64(&mut state))
                .collect()
        };
        let mut cases: Vec<Vec<u64>> = [0, 1, 5, 63, 64, 65, 300, 1000, 5000]
            .into_iter()
            .map(&mut random)
            .collect();
        cases.push(random(2000).iter().map(|h| h >> 20).collect());
        cases.push(random(3).iter().cycle().take(999).copied().collect());
        let mut doubled = random(400);
        doubled.extend(doubled.clone());
        cases.push(doubled);
        cases.push((0..500u64).map(|i| i << 32).rev().collect());
        let mut out = Vec::new();
        for hashes in cases {
            let mut set = hashes.clone();
            set.sort_unstable();
            set.dedup();
            compact_set_into(&hashes, &mut out);
            assert_eq!(
                out,
                crate::verify::compact_set(&set),
                "{} hashes",
                hashes.len()
            );
            let mut high: Vec<u32> = hashes.iter().map(|&h| (h >> 32) as u32).collect();
            compact_set_of_high(&mut high, &mut Vec::new());
            assert_eq!(high, out, "{} hashes, from the high halves", hashes.len());
        }
    }

    #[test]
    fn order_matters_and_sets_are_sorted() {
        let a = [1u64, 2, 3];
        let b = [2u64, 1, 3];
        assert_ne!(shingle_hash(&a), shingle_hash(&b));
        let th: Vec<u64> = [5u64, 6, 5, 6, 5, 6].to_vec();
        let mut sh = Vec::new();
        shingles(&th, 2, &mut sh);
        let set = shingle_set(&sh);
        assert_eq!(set.len(), 2);
        assert!(set.windows(2).all(|w| w[0] < w[1]));
        let mut set2 = Vec::new();
        shingle_set_into(&th, 2, &mut set2);
        assert_eq!(set, set2);
    }
}
