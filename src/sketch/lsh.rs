//! Locality-sensitive hashing: bands and rows from the threshold, candidate pairs.
//!
//! A signature of `num_perm` slots is cut into `bands` bands of `rows` slots
//! (`bands · rows ≤ num_perm`; trailing slots are unused). Two documents
//! become a candidate pair when all `rows` values of at least one band are
//! equal, which happens with probability `1 − (1 − J^rows)^bands`
//! ([`probability`], the S-curve).
//!
//! # Memory
//!
//! [`candidates`] works one band at a time: it builds one 16-byte key
//! `(band hash, doc)` per document, sorts them (a counting pass on the top
//! bits of the hash, then each small bucket),
//! and turns runs of equal band hashes into pairs, stored as one `u64` each.
//! For 1M documents the keys take 16 MB whatever the number of bands; the
//! pairs, deduplicated as they grow, take 8 bytes per distinct pair.

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::sketch::minhash::Signature;
use crate::sketch::shingle::fmix64;

/// How signatures are banded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Slots per band.
    pub rows: usize,
}

impl LshParams {
    /// Check `bands ≥ 1`, `rows ≥ 1` and `bands · rows ≤ num_perm`.
    pub fn validate(&self, num_perm: usize) -> Result<()> {
        if self.bands == 0 || self.rows == 0 {
            return Err(Error::InvalidParameter(format!(
                "LSH bands and rows must be at least 1 (got {} × {})",
                self.bands, self.rows
            )));
        }
        if self.bands.saturating_mul(self.rows) > num_perm {
            return Err(Error::InvalidParameter(format!(
                "LSH bands × rows = {} × {} exceeds num_perm = {num_perm}",
                self.bands, self.rows
            )));
        }
        Ok(())
    }

    /// The Jaccard at which the S-curve is steepest, `(1/bands)^(1/rows)`:
    /// roughly the similarity these parameters are tuned for.
    pub fn approx_threshold(&self) -> f64 {
        (1.0 / self.bands as f64).powf(1.0 / self.rows as f64)
    }
}

/// Probability that two documents of Jaccard similarity `j` become a
/// candidate pair: `1 − (1 − j^rows)^bands`.
pub fn probability(j: f64, params: LshParams) -> f64 {
    1.0 - (1.0 - j.powi(params.rows as i32)).powi(params.bands as i32)
}

/// Composite Simpson's rule of `f` over `[a, b]` with `n` (even) intervals.
fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    let h = (b - a) / n as f64;
    let mut s = f(a) + f(b);
    for i in 1..n {
        let w = if i % 2 == 1 { 4.0 } else { 2.0 };
        s += w * f(a + i as f64 * h);
    }
    s * h / 3.0
}

/// Intervals of the numerical integration in [`false_positive_area`] and
/// [`false_negative_area`] (Simpson's rule; the integrands are polynomials
/// of degree ≤ `bands·rows`, so 512 intervals are ample).
const INTEGRATION_INTERVALS: usize = 512;

/// Area under the S-curve below the threshold: `∫₀^t P(j) dj`, the weight of
/// false positives.
pub fn false_positive_area(threshold: f64, params: LshParams) -> f64 {
    simpson(
        |j| probability(j, params),
        0.0,
        threshold,
        INTEGRATION_INTERVALS,
    )
}

/// Area above the S-curve over the threshold: `∫ₜ¹ (1 − P(j)) dj`, the
/// weight of false negatives.
pub fn false_negative_area(threshold: f64, params: LshParams) -> f64 {
    simpson(
        |j| 1.0 - probability(j, params),
        threshold,
        1.0,
        INTEGRATION_INTERVALS,
    )
}

/// The `(bands, rows)` with `bands · rows ≤ num_perm` minimizing
/// `fp_weight · false_positive_area + fn_weight · false_negative_area`
/// (the method of datasketch's `_optimal_param`). Ties keep the first found,
/// scanning bands then rows upward. The usual weights are 0.5 and 0.5.
pub fn optimal_params(
    threshold: f64,
    num_perm: usize,
    fp_weight: f64,
    fn_weight: f64,
) -> Result<LshParams> {
    if !(threshold > 0.0 && threshold < 1.0) {
        return Err(Error::InvalidParameter(format!(
            "LSH threshold must be strictly between 0 and 1, got {threshold}"
        )));
    }
    if num_perm == 0 {
        return Err(Error::InvalidParameter(
            "num_perm must be at least 1".into(),
        ));
    }
    let weight_ok = |w: f64| w.is_finite() && w >= 0.0;
    if !weight_ok(fp_weight) || !weight_ok(fn_weight) || fp_weight + fn_weight <= 0.0 {
        return Err(Error::InvalidParameter(format!(
            "LSH weights must be non-negative and not both 0 (got {fp_weight}, {fn_weight})"
        )));
    }
    let mut best = LshParams { bands: 1, rows: 1 };
    let mut best_err = f64::INFINITY;
    for bands in 1..=num_perm {
        for rows in 1..=num_perm / bands {
            let p = LshParams { bands, rows };
            let err = fp_weight * false_positive_area(threshold, p)
                + fn_weight * false_negative_area(threshold, p);
            if err < best_err {
                best_err = err;
                best = p;
            }
        }
    }
    Ok(best)
}

/// The `(bands, rows)` with `bands · rows ≤ num_perm` that find a pair of
/// Jaccard `recall_at` with probability at least `recall`, and among those
/// the one with the least false-positive area below `threshold`
/// ([`false_positive_area`]); ties keep the first found, scanning bands then
/// rows upward.
///
/// Verification is exact, so a missed pair costs more than a checked one:
/// for threshold 0.5 and 128 slots, [`optimal_params`] with equal weights
/// picks 25 × 5, which finds a pair of Jaccard 0.6 only 87% of the time,
/// while `params_for_recall(0.5, 128, 0.6, 0.999)` guarantees 99.9%.
/// Errors when no banding reaches the recall (raise `num_perm`).
///
/// # Cost
///
/// Only a few bandings are integrated, so 65,536 slots take milliseconds.
/// With the bands fixed, more rows lower both the recall and the
/// false-positive area, so the best banding with `bands` bands is the one
/// with the most rows that still reaches the recall. With the rows fixed,
/// more bands raise the false-positive area, so bands that give the same
/// number of rows as the bands before them cannot win. What is left is about
/// one integration per distinct number of rows (at most `2·√num_perm` of them
/// past the smallest bands) and one recall test per `(bands, rows)`
/// (`num_perm · ln num_perm` of them). The result is the exhaustive search's
/// (a test compares them).
pub fn params_for_recall(
    threshold: f64,
    num_perm: usize,
    recall_at: f64,
    recall: f64,
) -> Result<LshParams> {
    let unit = |x: f64| x > 0.0 && x < 1.0;
    if !unit(threshold) || !unit(recall_at) || !unit(recall) {
        return Err(Error::InvalidParameter(format!(
            "threshold, recall_at and recall must be strictly between 0 and 1 \
             (got {threshold}, {recall_at}, {recall})"
        )));
    }
    let mut best: Option<(f64, LshParams)> = None;
    let mut rows_seen = None;
    for bands in 1..=num_perm {
        let most_rows = (1..=num_perm / bands)
            .rev()
            .find(|&rows| probability(recall_at, LshParams { bands, rows }) >= recall);
        let Some(rows) = most_rows else { continue };
        if rows_seen == Some(rows) {
            continue;
        }
        rows_seen = Some(rows);
        let p = LshParams { bands, rows };
        let fp = false_positive_area(threshold, p);
        if best.is_none_or(|(e, _)| fp < e) {
            best = Some((fp, p));
        }
    }
    best.map(|(_, p)| p).ok_or_else(|| {
        Error::InvalidParameter(format!(
            "no LSH banding of {num_perm} slots finds pairs of Jaccard {recall_at} \
             with probability {recall}"
        ))
    })
}

/// A bucket too big to expand into all its pairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CappedBucket {
    /// The bands in which exactly these documents shared a bucket, ascending.
    pub bands: Vec<u32>,
    /// The documents of the bucket, ascending.
    pub docs: Vec<u32>,
}

/// The result of [`candidates`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidates {
    /// Candidate pairs `(a, b)`, `a < b`, sorted, without duplicates.
    pub pairs: Vec<(u32, u32)>,
    /// Buckets larger than `max_bucket`, ordered by their documents. Each was
    /// expanded only into the chain of its consecutive members
    /// (`docs[i], docs[i+1]`), which keeps the documents connected for
    /// clustering at a cost linear in the bucket size. The caller should warn.
    pub capped: Vec<CappedBucket>,
}

/// Hash of one band of one signature, mixing in the band index.
#[inline]
fn band_hash(band: usize, values: &[u32]) -> u64 {
    let mut h = fmix64(0xA7_4A8 ^ band as u64);
    for pair in values.chunks(2) {
        let v = match *pair {
            [a, b] => (a as u64) << 32 | b as u64,
            [a] => a as u64,
            _ => 0,
        };
        h = fmix64(h ^ v).wrapping_add(0x9E37_79B9_7F4A_7C15);
    }
    h
}

/// The bucket key of band `band` of a signature whose slots for that band
/// are `values` (`rows` slots, `band · rows ..`): the key [`candidates`]
/// sorts on. Two documents are a candidate pair when one band's keys are
/// equal. Stable (part of the output contract, like the shingle hashes): the
/// Python package's `band_keys` returns it so that any engine can group on it.
pub fn band_key(band: usize, values: &[u32]) -> u64 {
    band_hash(band, values)
}

/// The bucket key of every band of one signature's slots `values` (at
/// least `bands · rows` of them), the band index mixed in: two signatures
/// share a key exactly when [`candidates`] puts them in one bucket. For an
/// index of signatures kept between runs (`crate::archive`).
pub fn band_keys(values: &[u32], params: LshParams) -> Vec<u64> {
    (0..params.bands)
        .map(|band| band_key(band, &values[band * params.rows..(band + 1) * params.rows]))
        .collect()
}

#[inline]
fn pack(a: u32, b: u32) -> u64 {
    (a as u64) << 32 | b as u64
}

fn sort_dedup(pairs: &mut Vec<u64>) {
    pairs.par_sort_unstable();
    pairs.dedup();
}

/// Candidate pairs of the signatures `sigs` (documents are indices into
/// `sigs`). All signatures must be compatible with each other (else
/// [`Error::IncompatibleSignatures`]) and `params` must fit their `num_perm`.
/// Empty signatures (documents without shingles) take part in no pair.
///
/// A bucket of more than `max_bucket` documents is not expanded into all its
/// pairs (see [`Candidates::capped`]); pass `usize::MAX` for no cap.
/// The output does not depend on the number of threads.
pub fn candidates(sigs: &[Signature], params: LshParams, max_bucket: usize) -> Result<Candidates> {
    if let Some(first) = sigs.first() {
        for s in &sigs[1..] {
            first.check_compatible(s)?;
        }
        params.validate(first.params().num_perm)?;
    } else {
        params.validate(usize::MAX)?;
    }
    if sigs.len() > u32::MAX as usize {
        return Err(Error::InvalidParameter(format!(
            "too many documents for LSH: {}",
            sigs.len()
        )));
    }
    let skip: Vec<bool> = sigs.iter().map(Signature::is_empty).collect();
    Ok(candidates_from_values(
        sigs.len(),
        |d| sigs[d].values(),
        |d| skip[d],
        params,
        max_bucket,
    ))
}

/// [`candidates`] over raw slot values: `values(d)` gives document `d`'s
/// slots (at least `bands · rows` of them), `skip(d)` excludes a document.
pub fn candidates_from_values<'a, V, S>(
    n: usize,
    values: V,
    skip: S,
    params: LshParams,
    max_bucket: usize,
) -> Candidates
where
    V: Fn(usize) -> &'a [u32] + Sync,
    S: Fn(usize) -> bool + Sync,
{
    let max_bucket = max_bucket.max(2);
    let mut pairs: Vec<u64> = Vec::new();
    let mut deduped_len = 0usize;
    let mut capped: Vec<(Vec<u32>, u32)> = Vec::new();
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(n);
    let mut scratch = KeySort::default();
    // The documents in LSH, once: an indexed iterator writes the keys in place.
    let live: Vec<u32> = (0..n).filter(|&d| !skip(d)).map(|d| d as u32).collect();
    for band in 0..params.bands {
        let lo = band * params.rows;
        let hi = lo + params.rows;
        keys.clear();
        keys.par_extend(
            live.par_iter()
                .map(|&d| (band_hash(band, &values(d as usize)[lo..hi]), d)),
        );
        scratch.sort(&mut keys);
        let mut i = 0;
        while i < keys.len() {
            let h = keys[i].0;
            let mut j = i + 1;
            while j < keys.len() && keys[j].0 == h {
                j += 1;
            }
            let run = &keys[i..j];
            if run.len() > max_bucket {
                for w in run.windows(2) {
                    pairs.push(pack(w[0].1, w[1].1));
                }
                capped.push((run.iter().map(|k| k.1).collect(), band as u32));
            } else {
                for (x, &(_, a)) in run.iter().enumerate() {
                    for &(_, b) in &run[x + 1..] {
                        pairs.push(pack(a, b));
                    }
                }
            }
            i = j;
        }
        if pairs.len() > 2 * deduped_len.max(1 << 20) {
            sort_dedup(&mut pairs);
            deduped_len = pairs.len();
        }
    }
    sort_dedup(&mut pairs);
    capped.sort_unstable();
    let mut merged: Vec<CappedBucket> = Vec::new();
    for (docs, band) in capped {
        match merged.last_mut() {
            Some(last) if last.docs == docs => last.bands.push(band),
            _ => merged.push(CappedBucket {
                bands: vec![band],
                docs,
            }),
        }
    }
    Candidates {
        pairs: pairs
            .into_iter()
            .map(|p| ((p >> 32) as u32, p as u32))
            .collect(),
        capped: merged,
    }
}

/// Sorts band keys `(band hash, document)` ascending, reusing its buffers:
/// [`super::bucket::sort_into`] on the band hash (band hashes are uniform).
/// The same order as `sort_unstable`, in linear time.
#[derive(Default)]
struct KeySort {
    starts: Vec<u32>,
    out: Vec<(u64, u32)>,
}

impl KeySort {
    fn sort(&mut self, keys: &mut Vec<(u64, u32)>) {
        if keys.len() < 1 << 10 {
            keys.sort_unstable();
            return;
        }
        self.starts.resize((1 << 16) + 1, 0);
        super::bucket::sort_into(keys, |k| k.0, |k| k, &mut self.starts, &mut self.out);
        std::mem::swap(keys, &mut self.out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_sort_equals_sort_unstable() {
        let mut scratch = KeySort::default();
        // Both sides of KeySort's small-input threshold.
        for n in [0usize, 3, 1023, 1024, 5000, 70_000] {
            let mut keys = super::super::bucket::test_keys(n, 11);
            let mut want = keys.clone();
            want.sort_unstable();
            scratch.sort(&mut keys);
            assert_eq!(keys, want, "{n} keys");
        }
    }

    #[test]
    fn s_curve_shape() {
        let p = LshParams { bands: 20, rows: 5 };
        assert_eq!(probability(0.0, p), 0.0);
        assert_eq!(probability(1.0, p), 1.0);
        let mut last = 0.0;
        for i in 1..=100 {
            let v = probability(i as f64 / 100.0, p);
            assert!(v >= last);
            last = v;
        }
    }

    #[test]
    fn simpson_is_exact_on_cubics() {
        let v = simpson(|x| x * x * x - 2.0 * x, 0.0, 2.0, 8);
        assert!((v - 0.0).abs() < 1e-12, "{v}");
        let v = simpson(|x| x * x, 0.0, 3.0, 4);
        assert!((v - 9.0).abs() < 1e-12, "{v}");
    }

    #[test]
    fn optimal_params_rejects_bad_input() {
        assert!(optimal_params(0.0, 128, 0.5, 0.5).is_err());
        assert!(optimal_params(1.0, 128, 0.5, 0.5).is_err());
        assert!(optimal_params(f64::NAN, 128, 0.5, 0.5).is_err());
        assert!(optimal_params(0.5, 0, 0.5, 0.5).is_err());
        assert!(optimal_params(0.5, 128, 0.0, 0.0).is_err());
        assert!(optimal_params(0.5, 128, -1.0, 0.5).is_err());
        assert!(params_for_recall(0.5, 128, 0.6, 1.0).is_err());
        assert!(params_for_recall(0.5, 4, 0.2, 0.999_999).is_err());
    }

    /// The exhaustive search [`params_for_recall`] replaced: every banding.
    fn params_for_recall_exhaustive(
        threshold: f64,
        num_perm: usize,
        recall_at: f64,
        recall: f64,
    ) -> Option<LshParams> {
        let mut best: Option<(f64, LshParams)> = None;
        for bands in 1..=num_perm {
            for rows in 1..=num_perm / bands {
                let p = LshParams { bands, rows };
                if probability(recall_at, p) < recall {
                    continue;
                }
                let fp = false_positive_area(threshold, p);
                if best.is_none_or(|(e, _)| fp < e) {
                    best = Some((fp, p));
                }
            }
        }
        best.map(|(_, p)| p)
    }

    #[test]
    fn params_for_recall_equals_the_exhaustive_search() {
        for num_perm in [1, 2, 3, 7, 16, 31, 64, 100, 128, 200, 256] {
            for t in 1..20 {
                let t = t as f64 / 20.0;
                for (recall_at, recall) in [((t + 0.1).min(0.999), 0.999), (t, 0.9)] {
                    let fast = params_for_recall(t, num_perm, recall_at, recall).ok();
                    let slow = params_for_recall_exhaustive(t, num_perm, recall_at, recall);
                    assert_eq!(fast, slow, "t {t}, num_perm {num_perm}, recall {recall}");
                }
            }
        }
    }

    #[test]
    fn params_for_recall_meets_its_target() {
        let p = params_for_recall(0.5, 128, 0.6, 0.999).unwrap();
        assert!(p.bands * p.rows <= 128);
        assert!(probability(0.6, p) >= 0.999, "{p:?}");
        assert!(probability(0.1, p) < 0.1, "{p:?}");
    }

    #[test]
    fn params_validation() {
        assert!(LshParams { bands: 16, rows: 8 }.validate(128).is_ok());
        assert!(LshParams { bands: 17, rows: 8 }.validate(128).is_err());
        assert!(LshParams { bands: 0, rows: 8 }.validate(128).is_err());
    }

    #[test]
    fn raw_values_bucket_and_cap() {
        // Docs 0..6 share band 0; 6 and 7 share band 1; 8 is alone.
        let sigs: Vec<Vec<u32>> = (0..9u32)
            .map(|d| {
                let b0 = if d < 6 { 1 } else { 100 + d };
                let b1 = if (6..8).contains(&d) { 2 } else { 200 + d };
                vec![b0, b0, b1, b1]
            })
            .collect();
        let p = LshParams { bands: 2, rows: 2 };
        let all = candidates_from_values(9, |d| &sigs[d], |_| false, p, usize::MAX);
        assert_eq!(all.pairs.len(), 15 + 1);
        assert!(all.capped.is_empty());
        assert!(all.pairs.contains(&(6, 7)));
        let capped = candidates_from_values(9, |d| &sigs[d], |_| false, p, 4);
        assert_eq!(
            capped.pairs,
            vec![(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (6, 7)]
        );
        assert_eq!(
            capped.capped,
            vec![CappedBucket {
                bands: vec![0],
                docs: vec![0, 1, 2, 3, 4, 5]
            }]
        );
        let skipped = candidates_from_values(9, |d| &sigs[d], |d| d == 7, p, usize::MAX);
        assert!(!skipped.pairs.contains(&(6, 7)));
    }
}
