//! MinHash signatures that carry their parameters.
//!
//! A [`Signature`] holds `num_perm` 32-bit values and the [`MinHashParams`]
//! it was built with. Signatures are only comparable when every parameter
//! matches; [`Signature::check_compatible`] (as sourmash's
//! `check_compatible`) returns [`Error::IncompatibleSignatures`] otherwise.
//!
//! # Algorithms
//!
//! Both algorithms sit behind one [`MinHasher`] and are deterministic
//! functions of the shingle hashes and [`MinHashParams::seed`].
//!
//! * [`Algorithm::Fast`] (default): one-permutation hashing (Li, Owen & Zhang,
//!   NIPS 2012) with *optimal densification* (Shrivastava, ICML 2017), in
//!   `O(n + num_perm)` per set. Each shingle hash `x` is mixed once,
//!   `h = fmix64(x ^ key₁)` (a full-avalanche bijection, so even structured
//!   inputs such as small integers are randomized), and falls in bin
//!   `⌊(h >> 32) · num_perm / 2^32⌋`; each bin keeps its smallest `h`.
//!   An empty bin `i` is then filled by
//!   probing bins `j = ⌊fmix64(key₂ ^ (i << 32 | attempt)) · num_perm / 2^64⌋`
//!   for `attempt = 1, 2, …` and copying the first bin that was non-empty
//!   before densification. The probe sequence depends only on `i` and the
//!   seed, never on the set, which keeps the collision probability of every
//!   slot equal to the Jaccard similarity.
//! * [`Algorithm::Classic`]: the textbook reference (as datasketch):
//!   `num_perm` universal hashes `π_i(x) = (a_i · x + b_i) mod (2^61 − 1)`
//!   over `x mod (2^61 − 1)`, each slot keeping its minimum. `O(n · num_perm)`.
//!
//! The keys `key₁`, `key₂` and the pairs `(a_i, b_i)` (with `1 ≤ a_i < p`,
//! `0 ≤ b_i < p`) are drawn in that order from SplitMix64 seeded with the
//! seed (see [`splitmix64`]).
//!
//! # Compact values and the estimator
//!
//! Each slot's minimum is 64 bits wide while it is computed; the stored value
//! is a 32-bit fingerprint of it (b-bit MinHash with b = 32, Li & König
//! 2010): `fmix64(min) >> 32` for classic, the low half `h mod 2^32` for fast
//! (independent of the high half that chose the bin and the minimum).
//! Taking a fingerprint of the *winning* value (rather than its high bits,
//! which are mostly zero in a minimum) makes two different
//! minima collide with probability 2^-32 whatever the set sizes, so for
//! `Ĵ = (equal slots) / num_perm`:
//!
//! ```text
//! E[Ĵ] = J + (1 − J) · 2^-32        Var[Ĵ] ≈ J(1 − J) / num_perm
//! ```
//!
//! The bias (at most 2.3·10⁻¹⁰) is far below the standard error (≥ 0.008
//! for J in 0.01..0.99 at 128 slots) and is not corrected. A signature is
//! half the size of a 64-bit one: 512 bytes for 128 slots.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::sketch::shingle::{self, DEFAULT_K, fmix64};
use crate::text::normalize::NormalizeOptions;
use crate::text::tokenize::Tokens;

/// Default number of MinHash slots ("permutations").
pub const DEFAULT_NUM_PERM: usize = 128;

/// Default seed (as datasketch's default, 1).
pub const DEFAULT_SEED: u64 = 1;

/// Largest accepted `num_perm`.
pub const MAX_NUM_PERM: usize = 1 << 16;

/// The Mersenne prime 2^61 − 1 of the classic universal hashes.
const MERSENNE_61: u64 = (1 << 61) - 1;

/// SplitMix64 (Steele, Lea & Flood 2014): advances `state` by
/// `0x9E37_79B9_7F4A_7C15` and returns the mixed state. The generator of all
/// MinHash keys; stable.
#[inline]
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Which MinHash algorithm builds the signatures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// One-permutation hashing with optimal densification, `O(n + num_perm)`.
    #[default]
    Fast,
    /// `num_perm` universal hashes mod 2^61 − 1, `O(n · num_perm)`.
    Classic,
}

impl Algorithm {
    /// The stable name (`fast`, `classic`), as in reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            Algorithm::Fast => "fast",
            Algorithm::Classic => "classic",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    fn from_str(s: &str) -> Result<Algorithm> {
        match s {
            "fast" => Ok(Algorithm::Fast),
            "classic" => Ok(Algorithm::Classic),
            _ => Err(Error::InvalidParameter(format!(
                "unknown MinHash algorithm {s:?} (expected fast or classic)"
            ))),
        }
    }
}

/// Everything a signature depends on. Two signatures are comparable only when
/// all fields are equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MinHashParams {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Number of slots.
    pub num_perm: usize,
    /// Seed of all hash keys.
    pub seed: u64,
    /// Words per shingle.
    pub k: usize,
    /// Normalization id ([`NormalizeOptions::id`]).
    pub normalization: String,
    /// Token/shingle hash id ([`shingle::HASH_ID`]).
    pub hash: String,
}

impl Default for MinHashParams {
    fn default() -> Self {
        MinHashParams::new(&NormalizeOptions::default())
    }
}

impl MinHashParams {
    /// Default parameters (fast, 128 slots, seed 1, k = 5) for text normalized
    /// with `opts`.
    pub fn new(opts: &NormalizeOptions) -> MinHashParams {
        MinHashParams {
            algorithm: Algorithm::Fast,
            num_perm: DEFAULT_NUM_PERM,
            seed: DEFAULT_SEED,
            k: DEFAULT_K,
            normalization: opts.id(),
            hash: shingle::HASH_ID.to_string(),
        }
    }

    /// Check the values are usable: `1 ≤ num_perm ≤ 65536`, `k ≥ 1`.
    pub fn validate(&self) -> Result<()> {
        if self.num_perm == 0 || self.num_perm > MAX_NUM_PERM {
            return Err(Error::InvalidParameter(format!(
                "num_perm must be between 1 and {MAX_NUM_PERM}, got {}",
                self.num_perm
            )));
        }
        if self.k == 0 {
            return Err(Error::InvalidParameter(
                "shingle size k must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// `Ok` when signatures built with `self` and `other` can be compared;
    /// otherwise [`Error::IncompatibleSignatures`] naming the first field
    /// that differs.
    pub fn check_compatible(&self, other: &MinHashParams) -> Result<()> {
        fn differ(what: &'static str, a: impl ToString, b: impl ToString) -> Result<()> {
            Err(Error::IncompatibleSignatures {
                what,
                a: a.to_string(),
                b: b.to_string(),
            })
        }
        if self.algorithm != other.algorithm {
            return differ("algorithm", self.algorithm, other.algorithm);
        }
        if self.num_perm != other.num_perm {
            return differ("num_perm", self.num_perm, other.num_perm);
        }
        if self.seed != other.seed {
            return differ("seed", self.seed, other.seed);
        }
        if self.k != other.k {
            return differ("shingle size", self.k, other.k);
        }
        if self.normalization != other.normalization {
            return differ("normalization", &self.normalization, &other.normalization);
        }
        if self.hash != other.hash {
            return differ("hash", &self.hash, &other.hash);
        }
        Ok(())
    }
}

/// A MinHash signature: `num_perm` 32-bit values plus the parameters that
/// made them (shared, so a signature costs one `Arc` clone plus its values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    params: Arc<MinHashParams>,
    values: Vec<u32>,
    empty: bool,
}

impl Signature {
    /// A signature from stored parts (e.g. deserialized values). `values`
    /// must have `params.num_perm` entries. `empty` marks the signature of an
    /// empty set.
    pub fn from_parts(params: Arc<MinHashParams>, values: Vec<u32>, empty: bool) -> Result<Self> {
        if values.len() != params.num_perm {
            return Err(Error::InvalidParameter(format!(
                "signature has {} values, its parameters say num_perm = {}",
                values.len(),
                params.num_perm
            )));
        }
        Ok(Signature {
            params,
            values,
            empty,
        })
    }

    /// The parameters this signature was built with.
    pub fn params(&self) -> &MinHashParams {
        &self.params
    }

    /// The shared parameters.
    pub fn params_arc(&self) -> &Arc<MinHashParams> {
        &self.params
    }

    /// The slot values (32-bit fingerprints of the slot minima).
    pub fn values(&self) -> &[u32] {
        &self.values
    }

    /// True for the signature of an empty shingle set (a document without
    /// tokens). Its values are all `u32::MAX` and meaningless.
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// See [`MinHashParams::check_compatible`].
    pub fn check_compatible(&self, other: &Signature) -> Result<()> {
        if Arc::ptr_eq(&self.params, &other.params) {
            return Ok(());
        }
        self.params.check_compatible(&other.params)
    }

    /// Estimated Jaccard similarity: the share of equal slots. 0 when either
    /// set is empty. Errors when the signatures are not compatible.
    pub fn estimate_jaccard(&self, other: &Signature) -> Result<f64> {
        self.check_compatible(other)?;
        if self.empty || other.empty {
            return Ok(0.0);
        }
        Ok(estimate_from_slots(&self.values, &other.values))
    }
}

impl AsRef<[u32]> for Signature {
    fn as_ref(&self) -> &[u32] {
        &self.values
    }
}

/// The MinHash estimate of the Jaccard similarity from two compatible,
/// non-empty signatures' slot values: the share of equal slots.
pub fn estimate_from_slots(a: &[u32], b: &[u32]) -> f64 {
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f64 / a.len().max(1) as f64
}

/// Estimated Jaccard similarity of two signatures (see
/// [`Signature::estimate_jaccard`]).
pub fn estimate_jaccard(a: &Signature, b: &Signature) -> Result<f64> {
    a.estimate_jaccard(b)
}

/// Reusable scratch space for signing; keep one per thread.
#[derive(Clone, Debug, Default)]
pub struct SignBuffer {
    mins: Vec<u64>,
    token_hashes: Vec<u64>,
}

/// Builds signatures for one set of [`MinHashParams`].
#[derive(Clone, Debug)]
pub struct MinHasher {
    params: Arc<MinHashParams>,
    key1: u64,
    key2: u64,
    /// Classic only: `(a_i, b_i)` pairs.
    ab: Vec<(u64, u64)>,
}

/// 32-bit fingerprint of a classic slot minimum.
#[inline]
fn fingerprint(min: u64) -> u32 {
    (fmix64(min) >> 32) as u32
}

/// `x mod (2^61 − 1)` for any `x < 2^122`.
#[inline]
fn mod_mersenne(x: u128) -> u64 {
    let p = MERSENNE_61 as u128;
    let s = (x & p) + (x >> 61);
    let s = (s & p) + (s >> 61);
    let s = s as u64;
    if s >= MERSENNE_61 { s - MERSENNE_61 } else { s }
}

impl MinHasher {
    /// A hasher for `params` (validated).
    pub fn new(params: MinHashParams) -> Result<MinHasher> {
        params.validate()?;
        let mut state = params.seed;
        let key1 = splitmix64(&mut state);
        let key2 = splitmix64(&mut state);
        let ab = match params.algorithm {
            Algorithm::Fast => Vec::new(),
            Algorithm::Classic => (0..params.num_perm)
                .map(|_| {
                    let a = 1 + splitmix64(&mut state) % (MERSENNE_61 - 1);
                    let b = splitmix64(&mut state) % MERSENNE_61;
                    (a, b)
                })
                .collect(),
        };
        Ok(MinHasher {
            params: Arc::new(params),
            key1,
            key2,
            ab,
        })
    }

    /// The parameters (shared with every signature this hasher builds).
    pub fn params(&self) -> &Arc<MinHashParams> {
        &self.params
    }

    /// The signature of a set of shingle hashes (duplicates are harmless).
    /// The hashes must be of `params().k`-shingles built as in
    /// [`crate::sketch::shingle`] for the signature's parameters to be truthful.
    pub fn sign(&self, hashes: &[u64]) -> Signature {
        self.sign_iter(hashes.iter().copied(), &mut SignBuffer::default())
    }

    /// The signature of the shingle hashes yielded by `hashes`, using `buf`
    /// for scratch space. Allocates only the returned values.
    pub fn sign_iter<I: IntoIterator<Item = u64>>(
        &self,
        hashes: I,
        buf: &mut SignBuffer,
    ) -> Signature {
        let mut values = Vec::with_capacity(self.params.num_perm);
        let nonempty = self.sign_values_into(hashes, &mut buf.mins, &mut values);
        Signature {
            params: Arc::clone(&self.params),
            values,
            empty: !nonempty,
        }
    }

    /// The signature of a tokenized document: hashes each token once, rolls
    /// its `k`-shingles ([`crate::sketch::shingle`]) straight into the hasher.
    pub fn sign_tokens(&self, tokens: &Tokens, buf: &mut SignBuffer) -> Signature {
        let mut th = std::mem::take(&mut buf.token_hashes);
        shingle::token_hashes(tokens, &mut th);
        let sig = self.sign_iter(shingle::shingle_hashes(&th, self.params.k), buf);
        buf.token_hashes = th;
        sig
    }

    /// The signature of a token-hash sequence ([`shingle::token_hashes`]).
    pub fn sign_token_hashes(&self, token_hashes: &[u64], buf: &mut SignBuffer) -> Signature {
        self.sign_iter(shingle::shingle_hashes(token_hashes, self.params.k), buf)
    }

    /// Signatures of many shingle-hash sets, in parallel (rayon); the result
    /// is the same whatever the number of threads.
    pub fn sign_all<S: AsRef<[u64]> + Sync>(&self, sets: &[S]) -> Vec<Signature> {
        sets.par_iter()
            .map_init(SignBuffer::default, |buf, s| {
                self.sign_iter(s.as_ref().iter().copied(), buf)
            })
            .collect()
    }

    /// Core: writes `num_perm` values into `out` (replacing its contents);
    /// returns false when `hashes` was empty (then all values are
    /// `u32::MAX`). `mins` is scratch.
    pub fn sign_values_into<I: IntoIterator<Item = u64>>(
        &self,
        hashes: I,
        mins: &mut Vec<u64>,
        out: &mut Vec<u32>,
    ) -> bool {
        let k = self.params.num_perm;
        mins.clear();
        mins.resize(k, u64::MAX);
        let mut any = false;
        match self.params.algorithm {
            Algorithm::Fast => {
                let key1 = self.key1;
                let kk = k as u64;
                for x in hashes {
                    any = true;
                    let h = fmix64(x ^ key1);
                    // bin < k because (h >> 32) < 2^32.
                    let bin = (((h >> 32) * kk) >> 32) as usize;
                    // Branch-free: which element wins a bin is unpredictable.
                    let slot = &mut mins[bin];
                    *slot = (*slot).min(h);
                }
            }
            Algorithm::Classic => {
                let ab = &self.ab[..];
                for x in hashes {
                    any = true;
                    let xr = mod_mersenne(x as u128) as u128;
                    for (slot, &(a, b)) in mins.iter_mut().zip(ab) {
                        let v = mod_mersenne(a as u128 * xr + b as u128);
                        *slot = (*slot).min(v);
                    }
                }
            }
        }
        out.clear();
        if !any {
            out.resize(k, u32::MAX);
            return false;
        }
        match self.params.algorithm {
            Algorithm::Classic => out.extend(mins.iter().map(|&m| fingerprint(m))),
            Algorithm::Fast => {
                // A bin whose minimum is u64::MAX counts as empty: a shingle
                // hashing to exactly u64::MAX (probability 2^-64) is ignored
                // unless another one fills its bin.
                if mins.iter().all(|&m| m == u64::MAX) {
                    out.resize(k, u32::MAX);
                    return false;
                }
                for i in 0..k {
                    let m = if mins[i] != u64::MAX {
                        mins[i]
                    } else {
                        self.densify(i, mins)
                    };
                    out.push(m as u32);
                }
            }
        }
        true
    }

    /// Optimal densification: the minimum of the first originally non-empty
    /// bin in bin `i`'s probe sequence. At least one bin is non-empty.
    #[inline]
    fn densify(&self, i: usize, mins: &[u64]) -> u64 {
        let k = mins.len() as u64;
        let base = self.key2 ^ ((i as u64) << 32);
        // With f filled bins a probe succeeds with probability f/k; 64·k
        // probes fail with probability < e^-64 even for f = 1.
        for attempt in 1..=64 * k {
            let j = ((fmix64(base ^ attempt) as u128 * k as u128) >> 64) as usize;
            if mins[j] != u64::MAX {
                return mins[j];
            }
        }
        // Unreachable in practice; still deterministic.
        (1..=mins.len())
            .map(|d| mins[(i + d) % mins.len()])
            .find(|&m| m != u64::MAX)
            .unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(range: std::ops::Range<u64>) -> Vec<u64> {
        range
            .map(|i| fmix64(i.wrapping_mul(0x1234_5678_9ABC_DEF1)))
            .collect()
    }

    #[test]
    fn identical_sets_estimate_one_and_disjoint_near_zero() {
        for alg in [Algorithm::Fast, Algorithm::Classic] {
            let p = MinHashParams {
                algorithm: alg,
                ..MinHashParams::default()
            };
            let h = MinHasher::new(p).unwrap();
            let a = h.sign(&hashes(0..500));
            let mut shuffled = hashes(0..500);
            shuffled.reverse();
            shuffled.extend(hashes(0..100));
            let b = h.sign(&shuffled);
            assert_eq!(a, b, "{alg}: order and duplicates must not matter");
            assert_eq!(a.estimate_jaccard(&b).unwrap(), 1.0);
            let c = h.sign(&hashes(1000..1500));
            assert!(a.estimate_jaccard(&c).unwrap() < 0.05);
        }
    }

    #[test]
    fn structured_inputs_still_estimate_well() {
        // Raw small integers, not hashes: the mixing must still randomize.
        for alg in [Algorithm::Fast, Algorithm::Classic] {
            for seed in 1..6 {
                let h = MinHasher::new(MinHashParams {
                    algorithm: alg,
                    seed,
                    ..MinHashParams::default()
                })
                .unwrap();
                let a: Vec<u64> = (0..1000).collect();
                let b: Vec<u64> = (500..1500).collect();
                let j = h.sign(&a).estimate_jaccard(&h.sign(&b)).unwrap();
                let se = (1.0f64 / 3.0 * 2.0 / 3.0 / 128.0).sqrt();
                assert!((j - 1.0 / 3.0).abs() < 4.0 * se, "{alg} seed {seed}: {j}");
            }
        }
    }

    #[test]
    fn small_sets_are_densified_consistently() {
        let h = MinHasher::new(MinHashParams::default()).unwrap();
        let a = h.sign(&hashes(0..3));
        let b = h.sign(&hashes(0..3));
        assert_eq!(a, b);
        assert!(!a.is_empty());
        // Three elements: every slot holds one of three fingerprints.
        let mut distinct = a.values().to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        assert!(distinct.len() <= 3);
        let c = h.sign(&hashes(0..2));
        let j = a.estimate_jaccard(&c).unwrap();
        assert!(j > 0.3 && j < 0.95, "{j}");
    }

    /// Signatures may be stored: pin a few values of both algorithms so that
    /// an accidental change of the scheme is caught.
    #[test]
    fn pinned_signature_values() {
        let set: Vec<u64> = (0..200u64)
            .map(|i| crate::sketch::shingle::shingle_hash(&[i]))
            .collect();
        for (alg, want) in [
            (Algorithm::Fast, PINNED_FAST),
            (Algorithm::Classic, PINNED_CLASSIC),
        ] {
            let h = MinHasher::new(MinHashParams {
                algorithm: alg,
                ..MinHashParams::default()
            })
            .unwrap();
            let sig = h.sign(&set);
            assert_eq!(&sig.values()[..4], &want, "{alg}");
        }
    }

    const PINNED_FAST: [u32; 4] = [3_572_415_732, 1_266_470_101, 2_489_466_383, 3_641_196_836];
    const PINNED_CLASSIC: [u32; 4] = [3_069_289_749, 1_649_716_144, 180_775_158, 992_446_125];

    #[test]
    fn empty_set() {
        let h = MinHasher::new(MinHashParams::default()).unwrap();
        let e = h.sign(&[]);
        assert!(e.is_empty());
        assert_eq!(e.values().len(), 128);
        assert_eq!(e.estimate_jaccard(&e).unwrap(), 0.0);
    }

    #[test]
    fn incompatible_parameters_are_an_error() {
        let base = MinHashParams::default();
        let variants = [
            MinHashParams {
                algorithm: Algorithm::Classic,
                ..base.clone()
            },
            MinHashParams {
                num_perm: 64,
                ..base.clone()
            },
            MinHashParams {
                seed: 7,
                ..base.clone()
            },
            MinHashParams {
                k: 3,
                ..base.clone()
            },
            MinHashParams {
                normalization: "loose".into(),
                ..base.clone()
            },
            MinHashParams {
                hash: "other".into(),
                ..base.clone()
            },
        ];
        let a = MinHasher::new(base.clone()).unwrap().sign(&hashes(0..10));
        for v in variants {
            let b = MinHasher::new(v).unwrap().sign(&hashes(0..10));
            let err = a.estimate_jaccard(&b).unwrap_err();
            assert!(matches!(err, Error::IncompatibleSignatures { .. }), "{err}");
        }
        // Equal parameters in different Arcs are compatible.
        let c = MinHasher::new(base).unwrap().sign(&hashes(0..10));
        assert_eq!(a.estimate_jaccard(&c).unwrap(), 1.0);
    }

    #[test]
    fn invalid_parameters_rejected() {
        for p in [
            MinHashParams {
                num_perm: 0,
                ..MinHashParams::default()
            },
            MinHashParams {
                k: 0,
                ..MinHashParams::default()
            },
        ] {
            assert!(matches!(MinHasher::new(p), Err(Error::InvalidParameter(_))));
        }
        assert!("fancy".parse::<Algorithm>().is_err());
        assert_eq!("classic".parse::<Algorithm>().unwrap(), Algorithm::Classic);
    }

    #[test]
    fn mersenne_reduction() {
        for x in [
            0u128,
            1,
            MERSENNE_61 as u128,
            (MERSENNE_61 as u128) * 5 + 3,
            u64::MAX as u128,
        ] {
            assert_eq!(mod_mersenne(x) as u128, x % MERSENNE_61 as u128);
        }
        let big = (MERSENNE_61 as u128 - 1) * (MERSENNE_61 as u128 - 1) + MERSENNE_61 as u128 - 1;
        assert_eq!(mod_mersenne(big) as u128, big % MERSENNE_61 as u128);
    }
}
