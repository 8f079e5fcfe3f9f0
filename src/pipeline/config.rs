//! The pipeline's configuration: every knob of a report run, with its
//! defaults in one place ([`Config::default`]) and its rules in one check
//! ([`Config::validate`]).

use crate::narrative::NarrativeParams;
use crate::sketch::lsh::{self, LshParams};
use crate::text::normalize::NormalizeOptions;

pub use crate::phrases::MaxDf;
pub use crate::sketch::minhash::Algorithm;

use super::build::round;

/// Everything a run needs to know, validated.
#[derive(Clone, Debug)]
pub struct Config {
    /// How inputs are read.
    pub read: crate::corpus::ReadOptions,
    /// How text is normalized.
    pub normalize: NormalizeOptions,
    /// Words per shingle.
    pub shingle_size: usize,
    /// MinHash values per signature.
    pub num_perm: usize,
    /// MinHash seed.
    pub seed: u64,
    /// MinHash algorithm.
    pub algorithm: Algorithm,
    /// Jaccard threshold for a near-duplicate pair.
    pub threshold: f64,
    /// Containment (of the smaller document) threshold for a reuse pair.
    pub containment: f64,
    /// LSH bands and rows; `None` = chosen from the threshold.
    pub bands_rows: Option<(usize, usize)>,
    /// Largest LSH bucket expanded into pairs.
    pub max_bucket: usize,
    /// Boilerplate limit: a shingle found in more near-duplicate clusters than
    /// this (a lone document is a cluster of its own) is boilerplate. Default:
    /// 2% of the documents, never fewer than [`crate::phrases::MIN_BOILERPLATE_DOCS`].
    pub max_df: MaxDf,
    /// Largest gap (tokens) bridged inside one verbatim passage.
    pub max_gap: usize,
    /// Shortest passage reported (tokens).
    pub min_passage: usize,
    /// Look for narrative links.
    pub narratives: bool,
    /// Score a narrative link needs.
    pub narrative_threshold: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            read: Default::default(),
            normalize: NormalizeOptions::default(),
            shingle_size: 5,
            num_perm: 128,
            seed: 1,
            algorithm: Algorithm::Fast,
            threshold: 0.5,
            containment: 0.5,
            bands_rows: None,
            max_bucket: 200,
            max_df: MaxDf::Fraction(0.02),
            max_gap: 8,
            min_passage: 10,
            narratives: true,
            narrative_threshold: round(NarrativeParams::default().threshold as f64),
        }
    }
}

impl Config {
    /// Shingles two documents must share before they are aligned (and, found
    /// through shingle postings, checked at all): enough to hold one passage
    /// of `min_passage` tokens.
    pub fn min_shared(&self) -> usize {
        self.min_passage.saturating_sub(self.shingle_size) + 1
    }
}

/// LSH bands and rows for a Jaccard threshold: a pair at the threshold plus
/// 0.1 is found with probability 0.999 when the slots allow it (verification
/// is exact, so a missed pair costs more than a checked one); otherwise the
/// datasketch-style optimum of equal false-positive and false-negative weight.
pub fn lsh_params_for(threshold: f64, num_perm: usize) -> crate::Result<LshParams> {
    let t = threshold.clamp(0.01, 0.99);
    lsh::params_for_recall(t, num_perm, (t + 0.1).min(0.999), 0.999)
        .or_else(|_| lsh::optimal_params(t, num_perm, 0.5, 0.5))
}
