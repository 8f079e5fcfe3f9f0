//! What the archive keeps of a document, computed without touching the
//! store: signature, LSH band keys, compact shingle set and anchor shingles.
//! Pure and parallel; the same steps as the pipeline's signing, so a stored
//! document compares with a new one exactly as two documents of one run do.

use rayon::prelude::*;

use crate::corpus::Document;
use crate::sketch::lsh::{self, LshParams};
use crate::sketch::minhash::{MinHasher, SignBuffer};
use crate::sketch::shingle;
use crate::text::normalize::NormalizeOptions;
use crate::text::tokenize::{Tokenizer, Tokens};
use crate::verify::{self, Similarity, Thresholds};

/// One document as the archive keeps it (besides its text and metadata).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// MinHash slots.
    pub values: Vec<u32>,
    /// No shingle at all (a text shorter than the shingle size): in no band.
    pub empty: bool,
    /// One LSH bucket key per band ([`lsh::band_keys`]); none when `empty`.
    pub band_keys: Vec<u64>,
    /// The compact shingle set ([`verify::compact_set`]).
    pub set: Vec<u32>,
    /// Winnowed anchor shingles (high 32 bits, sorted, distinct): see
    /// [`anchors`].
    pub anchors: Vec<u32>,
}

/// How documents are signed for the archive.
pub struct Signer<'a> {
    /// Normalization.
    pub normalize: NormalizeOptions,
    /// Words per shingle.
    pub k: usize,
    /// The MinHash hasher.
    pub hasher: &'a MinHasher,
    /// LSH banding of the band keys.
    pub lsh: LshParams,
    /// Winnowing window of the anchors.
    pub window: usize,
}

impl Signer<'_> {
    /// Signs `docs` in parallel, in order.
    pub fn sign_all(&self, docs: &[Document]) -> Vec<Signed> {
        docs.par_iter()
            .map_init(
                || (SetMaker::new(self.normalize, self.k), SignBuffer::default()),
                |(maker, buf), doc| {
                    let (token_hashes, set) = maker.shingles(&doc.text);
                    let signature = self.hasher.sign_iter(set.iter().copied(), buf);
                    let empty = signature.is_empty();
                    let band_keys = if empty {
                        Vec::new()
                    } else {
                        lsh::band_keys(signature.values(), self.lsh)
                    };
                    Signed {
                        values: signature.values().to_vec(),
                        empty,
                        band_keys,
                        set: verify::compact_set(set),
                        anchors: anchors(token_hashes, self.k, self.window),
                    }
                },
            )
            .collect()
    }
}

/// The compact shingle sets of texts, as [`Signer::sign_all`] computes
/// them ([`Signed::set`]), one text at a time with buffers kept: a query
/// computes those of the stored documents its keys find from their texts
/// (schema version 4 stores none).
pub struct SetMaker {
    tokenizer: Tokenizer,
    tokens: Tokens,
    token_hashes: Vec<u64>,
    set: Vec<u64>,
    k: usize,
}

impl SetMaker {
    /// Sets of texts normalized with `normalize`, of `k`-word shingles.
    pub fn new(normalize: NormalizeOptions, k: usize) -> SetMaker {
        SetMaker {
            tokenizer: Tokenizer::new(normalize),
            tokens: Tokens::default(),
            token_hashes: Vec::new(),
            set: Vec::new(),
            k,
        }
    }

    /// The compact shingle set of `text`.
    pub fn set(&mut self, text: &str) -> Vec<u32> {
        verify::compact_set(self.shingles(text).1)
    }

    /// The token hashes of `text` and its shingle set (sorted, distinct).
    fn shingles(&mut self, text: &str) -> (&[u64], &[u64]) {
        self.tokenizer.tokenize_into(text, &mut self.tokens);
        self.token_hashes.clear();
        shingle::token_hashes(&self.tokens, &mut self.token_hashes);
        shingle::shingle_set_into(&self.token_hashes, self.k, &mut self.set);
        (&self.token_hashes, &self.set)
    }
}

/// The anchor shingles of a document (winnowing, Schleimer, Wilkerson and
/// Aiken 2003): in every window of `window` consecutive shingles, the one
/// with the smallest hash (the rightmost on ties). Two documents sharing a
/// run of `window` shingles share that run's anchor, so a verbatim passage
/// of `window + k − 1` tokens always makes them meet in the index, while
/// about `2 / (window + 1)` of the shingles are indexed. Returned as high 32
/// bits (as in the compact set), sorted and distinct.
pub fn anchors(token_hashes: &[u64], k: usize, window: usize) -> Vec<u32> {
    let hashes: Vec<u64> = shingle::shingle_hashes(token_hashes, k).collect();
    let window = window.max(1);
    let mut out: Vec<u32> = Vec::with_capacity(hashes.len() * 2 / (window + 1) + 1);
    if hashes.len() <= window {
        if let Some(&m) = hashes.iter().min() {
            out.push((m >> 32) as u32);
        }
        return out;
    }
    for w in hashes.windows(window) {
        // Rightmost minimum: ties do not depend on the window's start.
        let m = w
            .iter()
            .rev()
            .min()
            .copied()
            .expect("a window is never empty");
        out.push((m >> 32) as u32);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a stored document whose compact set is `stored` is worth
/// comparing with a new one whose set is `new`: it passes `thresholds`, or
/// shares at least `min_shared` shingles (a passage, verbatim or reworded,
/// may join them). The pipeline then verifies the pair exactly.
pub fn worth_loading(
    new: &[u32],
    stored: &[u32],
    thresholds: &Thresholds,
    min_shared: usize,
) -> bool {
    let sim: Similarity = verify::similarity(new, stored);
    sim.passes(thresholds) || sim.intersection >= min_shared
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(words: &str) -> Vec<u64> {
        words.split_whitespace().map(shingle::token_hash).collect()
    }

    #[test]
    fn a_shared_run_of_window_shingles_shares_an_anchor() {
        let shared = "a1 a2 a3 a4 a5 a6 a7 a8 a9 a10";
        // 10 tokens = 6 shingles of 5 = one window of 6.
        let x = hashes(&format!("x1 x2 x3 x4 x5 x6 x7 x8 {shared} x9 x10 x11"));
        let y = hashes(&format!("y1 y2 {shared} y3 y4 y5 y6 y7 y8 y9 y10 y11 y12"));
        let (ax, ay) = (anchors(&x, 5, 6), anchors(&y, 5, 6));
        assert!(verify::intersection_size(&ax, &ay) >= 1, "{ax:?} {ay:?}");
        // Unrelated texts share none.
        let z = hashes("z1 z2 z3 z4 z5 z6 z7 z8 z9 z10 z11 z12 z13 z14 z15 z16");
        assert_eq!(verify::intersection_size(&ax, &anchors(&z, 5, 6)), 0);
    }

    /// A query computes the compact sets of stored documents from their
    /// texts: they are the sets signing gave.
    #[test]
    fn sets_from_texts_are_the_signed_sets() {
        let normalize = NormalizeOptions::default();
        let hasher =
            MinHasher::new(crate::sketch::minhash::MinHashParams::new(&normalize)).unwrap();
        let signer = Signer {
            normalize,
            k: 5,
            hasher: &hasher,
            lsh: LshParams { bands: 16, rows: 8 },
            window: 6,
        };
        let texts = [
            "قال المتحدث باسم الوزارة إن الاجتماع سيعقد يوم الأحد المقبل في الرياض بحضور الوفود",
            "Le ministère a annoncé, lundi 3 août, la tenue d'une réunion à Riyad; la délégation arrive.",
            "قصير",
            "",
        ];
        let docs: Vec<Document> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Document {
                id: format!("d{i}"),
                source: "test".into(),
                text: (*t).to_string(),
            })
            .collect();
        let signed = signer.sign_all(&docs);
        let mut maker = SetMaker::new(normalize, 5);
        for (doc, s) in docs.iter().zip(&signed) {
            assert_eq!(maker.set(&doc.text), s.set, "{}", doc.id);
        }
        assert!(!signed[0].set.is_empty() && !signed[1].set.is_empty());
        assert!(signed[3].set.is_empty());
    }

    #[test]
    fn anchors_are_a_fraction_of_the_shingles() {
        let words: String = (0..1000).map(|i| format!("w{i} ")).collect();
        let a = anchors(&hashes(&words), 5, 6);
        // About 2/7 of 996 shingles.
        assert!((200..400).contains(&a.len()), "{}", a.len());
        assert!(a.is_sorted());
        // Short texts: one anchor, or none without a token.
        assert_eq!(anchors(&hashes("a b c d e f"), 5, 6).len(), 1);
        assert_eq!(anchors(&hashes("a b"), 5, 6).len(), 1);
        assert!(anchors(&hashes(""), 5, 6).is_empty());
    }
}
