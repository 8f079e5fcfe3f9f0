//! Content words of a document for reworded passages: which tokens are not
//! stop words, their light10 stems, and the stems' weights.

use crate::text::stem::{is_stop_word, light10, light10_no_waw, strip_article};
use crate::text::tokenize::Tokens;

use super::reworded::ContentSide;

/// The stem of a normalized content word: [`light10`], backing off when it
/// leaves a stop word or fewer than 3 letters (light10 eats root letters:
/// `ولايه` → `لا`, `بيان` → `بي`) to light10 without its `و` step, then to
/// the word without its article, then to the word itself.
pub fn content_stem(word: &str) -> &str {
    let ok = |s: &str| s.chars().count() >= 3 && !is_stop_word(s);
    [light10(word), light10_no_waw(word), strip_article(word)]
        .into_iter()
        .find(|s| ok(s))
        .unwrap_or(word)
}

/// A stable 64-bit id of a stem.
pub fn stem_hash(stem: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(stem.as_bytes())
}

/// `(token index, stem hash)` of every content token of `tokens`: tokens that
/// are neither stop words nor numbers.
pub fn content_tokens(tokens: &Tokens, out: &mut Vec<(u32, u64)>) {
    out.clear();
    for i in 0..tokens.len() {
        let w = tokens.text(i);
        if !is_stop_word(w) {
            out.push((i as u32, stem_hash(content_stem(w))));
        }
    }
}

/// The content tokens of one document, owned.
#[derive(Clone, Debug, Default)]
pub struct ContentDoc {
    /// Token index of every content token.
    pub pos: Vec<u32>,
    /// Stem id (the low 32 bits of its hash).
    pub stem: Vec<u32>,
    /// Weight of the stem.
    pub weight: Vec<f32>,
    /// `(stem, content position)` sorted.
    pub occ: Vec<(u32, u32)>,
}

impl ContentDoc {
    /// From `(token index, stem hash)` pairs and a weight per stem hash.
    pub fn new(content: &[(u32, u64)], weight: impl Fn(u64) -> f32) -> ContentDoc {
        let stem: Vec<u32> = content.iter().map(|c| c.1 as u32).collect();
        let mut occ: Vec<(u32, u32)> = stem
            .iter()
            .enumerate()
            .map(|(i, &s)| (s, i as u32))
            .collect();
        occ.sort_unstable();
        ContentDoc {
            pos: content.iter().map(|c| c.0).collect(),
            weight: content.iter().map(|c| weight(c.1)).collect(),
            stem,
            occ,
        }
    }

    /// The stem id of token `i`, `None` when it is not a content token.
    pub fn stem_at(&self, i: u32) -> Option<u32> {
        self.pos.binary_search(&i).ok().map(|j| self.stem[j])
    }

    /// The sorted, distinct stem ids of the content tokens in token range `r`.
    pub fn stems_in(&self, r: &std::ops::Range<u32>) -> Vec<u32> {
        let lo = self.pos.partition_point(|&p| p < r.start);
        let hi = self.pos.partition_point(|&p| p < r.end);
        let mut v = self.stem[lo..hi].to_vec();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The view the aligner works on, without the document's other tokens
    /// (no substitution in place is seen).
    pub fn side(&self) -> ContentSide<'_> {
        self.side_with(&[])
    }

    /// The view the aligner works on, with the hash of every token of the
    /// document (`tokens`, indexed like [`ContentDoc::pos`]): the function
    /// words around a substituted word are read there.
    pub fn side_with<'a>(&'a self, tokens: &'a [u64]) -> ContentSide<'a> {
        ContentSide {
            pos: &self.pos,
            stem: &self.stem,
            weight: &self.weight,
            occ: &self.occ,
            tokens,
        }
    }
}

/// Inverse document frequency of a stem found in `df` of `n` documents.
pub fn idf(df: u32, n: usize) -> f32 {
    ((n as f32 + 1.0) / (df.max(1) as f32 + 0.5)).ln().max(0.0)
}

/// Stems of the tokens a thread has seen, by token hash: most tokens of a
/// corpus are frequent words, stemmed once. Cleared when it grows past
/// [`StemCache::MAX`] entries.
#[derive(Default)]
pub struct StemCache {
    map: ahash::AHashMap<u64, u64>,
}

impl StemCache {
    /// Entries kept before the cache is cleared.
    pub const MAX: usize = 1 << 18;

    /// The sorted, distinct stem hashes of the content tokens of `tokens`
    /// (`hashes` are their token hashes, one per token).
    pub fn stem_set(&mut self, tokens: &Tokens, hashes: &[u64]) -> Vec<u64> {
        let mut out = Vec::new();
        for (i, &h) in hashes.iter().enumerate() {
            let stem = match self.map.get(&h) {
                Some(&s) => s,
                None => {
                    let w = tokens.text(i);
                    let s = if is_stop_word(w) {
                        0
                    } else {
                        stem_hash(content_stem(w))
                    };
                    if self.map.len() >= Self::MAX {
                        self.map.clear();
                    }
                    self.map.insert(h, s);
                    s
                }
            };
            if stem != 0 {
                out.push(stem);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Document frequencies of stems: how many documents hold each stem.
#[derive(Clone, Debug, Default)]
pub struct DocFrequencies {
    /// `(stem hash, documents)` for stems found in two or more documents,
    /// sorted by hash.
    df: Vec<(u64, u32)>,
}

impl DocFrequencies {
    /// Documents holding stem `h` (1 for a stem not counted: it is found in
    /// one document, or none).
    pub fn get(&self, h: u64) -> u32 {
        match self.df.binary_search_by_key(&h, |x| x.0) {
            Ok(i) => self.df[i].1,
            Err(_) => 1,
        }
    }
}

/// Document frequencies from the sorted, distinct stem sets of every document.
pub fn document_frequencies(sets: &[&[u64]]) -> DocFrequencies {
    use rayon::prelude::*;
    let mut all: Vec<u64> = Vec::with_capacity(sets.iter().map(|s| s.len()).sum());
    for s in sets {
        all.extend_from_slice(s);
    }
    all.par_sort_unstable();
    let df = all
        .chunk_by(|x, y| x == y)
        .filter(|run| run.len() >= 2)
        .map(|run| (run[0], run.len() as u32))
        .collect();
    DocFrequencies { df }
}
