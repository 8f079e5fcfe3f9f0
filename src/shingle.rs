//! Word k-shingles over normalized tokens, hashed with a stable hash.
//!
//! NOTE: skeleton implementation; the hashing-core work replaces it.

use crate::tokenize::Tokens;

/// Name of the token hash, recorded in signatures and reports.
pub const HASH_ID: &str = "xxh3-64";

/// Stable 64-bit hash of one normalized token (xxh3-64, seed 0, over the
/// UTF-8 bytes). Stable across versions and platforms.
#[inline]
pub fn token_hash(token: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(token.as_bytes())
}

/// Hash every token once, replacing the contents of `out`.
pub fn token_hashes(tokens: &Tokens, out: &mut Vec<u64>) {
    out.clear();
    out.extend((0..tokens.len()).map(|i| token_hash(tokens.text(i))));
}

/// A shingle: the hash of `k` consecutive tokens and the index of its first token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shingle {
    /// Stable hash of the k token hashes.
    pub hash: u64,
    /// Index of the first token of the shingle.
    pub pos: u32,
}

/// The shingles of a token-hash sequence, replacing the contents of `out`.
/// A sequence shorter than `k` (but not empty) gives one shingle.
pub fn shingles(token_hashes: &[u64], k: usize, out: &mut Vec<Shingle>) {
    out.clear();
    let k = k.max(1);
    if token_hashes.is_empty() {
        return;
    }
    let windows = token_hashes.len().saturating_sub(k) + 1;
    for pos in 0..windows {
        let end = (pos + k).min(token_hashes.len());
        let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
        for &t in &token_hashes[pos..end] {
            h = (h.rotate_left(5) ^ t).wrapping_mul(0x517C_C1B7_2722_0A95);
        }
        out.push(Shingle {
            hash: h,
            pos: pos as u32,
        });
    }
}
